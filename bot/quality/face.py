"""Face: is there an identifiable face in the photo?

The detector is CenterFace (Xu et al., "CenterFace: Joint Face Detection and Alignment Using
Face as Point", 2019; MIT licence), a small convolutional network run by ONNX Runtime. It finds
frontal and turned faces down to about 10 pixels high on the copy it is given. The model file
and its licence are in `bot/quality/models/` (see the README there for where the file comes from,
what was changed in its declarations, and its checksum).

The network marks each face's centre on a heat map a quarter of the input's size, with the
face's height and width (log scale) and a sub-pixel offset at that point.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import cv2
import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray

FACE_SIDE = 416
"""Faces are looked for on a copy with this long side: a face at 5% of the photo's long side is
then about 21 pixels high, well inside what the model finds."""
SHORT_SIDE = 320
"""The copy's other side: pictures are fitted into 416 x 320 (or 320 x 416), padded with black
(both sides multiples of 32, as the network needs)."""
MIN_SCORE = 0.5
"""Heat-map peak (0-1) that counts as a face. Chosen on real photographs of people and of skin
without faces (`python -m bot.quality.evaluate`): lower finds a few more small faces but starts
to see faces in skin folds, which would refuse a child's good photo."""
MIN_FACE_SHARE = 0.04
"""Faces smaller than this share of the photo's long side are not identifiable and are ignored."""
FINE_SIDE = 1000
"""Long side of the copy `find_small` searches (the working copy's size, so it is searched at
its own size): a face at 5% of the photo's long side is then about 50 pixels high."""
TILE_LONG, TILE_SHORT, TILE_OVERLAP = 544, 416, 80
"""`find_small`'s tiles (multiples of 32): a 1000 x 750 working copy is four tiles, overlapping
by 88 and 82 pixels. One 1024 x 768 input finds the same faces in the same time, but ONNX
Runtime then keeps about 175 MB more memory per process; these tiles about 35 MB."""
CHILD_MIN_FACE_SHARE = 0.03
"""The smallest face `find_small` keeps, as a share of the long side. The network's box runs
from the brows to the chin, about three quarters of a face's height from hairline to chin, so a
face 5% of the long side high gives a box of about 3.6-4%: `find`'s 4% floor dropped some."""
TURNED_SIDE = 640
"""Long side (pixels) of the copy `find_turned_small` looks at: the smallest at which every
turned placement of the astronaut's face at 5% of the long side was found (640, 704, 800 and
896 tried; each look takes about 30 ms at 640, 51 at 800)."""
TURNED_MIN_SCORE = 0.6
"""The network's score `find_turned_small` needs to count a face (MIN_SCORE elsewhere). Its
three extra looks at small sizes found a face in a photo of a motorbike (0.54) among the 49
real photos without a face; the real faces of the face set, shrunk so their smallest face is
5% of the long side and turned each of the three ways, score 0.70 and up there (245 looks)."""
LARGE_FACE = 0.12
"""A face covering this share of the picture means the photo is of the face itself."""
STRIDE = 4
"""The heat map is this many times smaller than the input."""
INPUT, OUTPUTS = "input.1", ["537", "538", "539"]
"""The network's input (1 x 3 x height x width, RGB 0-255) and the outputs used: the heat map,
the log face sizes and the centre offsets (`540`, the landmarks, is not needed)."""

_lock = threading.Lock()
_session: ort.InferenceSession | None = None


def _model() -> ort.InferenceSession:
    """The network, loaded once per process (thread-safe; one session runs pictures from
    several threads at once)."""
    global _session
    with _lock:
        if _session is None:
            options = ort.SessionOptions()
            options.log_severity_level = 3  # errors only: the log carries nothing of a photo
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            source = resources.files("bot.quality") / "models" / "centerface.onnx"
            _session = ort.InferenceSession(source.read_bytes(), options,
                                            providers=["CPUExecutionProvider"])
        return _session


@dataclass(frozen=True, slots=True)
class Faces:
    """How many faces were found, the share of the picture the largest covers, and the best
    detector score (0 when none)."""

    count: int
    largest: float
    score: float = 0.0


def find(rgb: NDArray[np.uint8]) -> Faces:
    """Find identifiable faces in an RGB picture of any size (it is fitted into 416 x 320)."""
    height, width = rgb.shape[:2]
    in_w, in_h = (FACE_SIDE, SHORT_SIDE) if width >= height else (SHORT_SIDE, FACE_SIDE)
    factor = min(in_w / width, in_h / height)
    sized = _shrink(rgb, factor)
    boxes, score = _faces_in(sized, (in_h, in_w))
    return _count(boxes, score, sized.shape[:2], MIN_FACE_SHARE)


def find_small(rgb: NDArray[np.uint8]) -> Faces:
    """Find faces down to CHILD_MIN_FACE_SHARE of the long side: the picture, shrunk to at
    most FINE_SIDE (the working copy is searched at its own size), is searched in overlapping
    tiles of TILE_LONG x TILE_SHORT, so a face at 5% of the long side is about 50 pixels high
    on the network's input instead of 21. About four times `find`'s time; for under-18s only."""
    factor = min(1.0, FINE_SIDE / max(rgb.shape[:2]))
    if factor < 1.0:
        rgb = _shrink(rgb, factor)
    height, width = rgb.shape[:2]
    tile_h, tile_w = (TILE_SHORT, TILE_LONG) if width >= height else (TILE_LONG, TILE_SHORT)
    boxes: list[list[int]] = []
    best = 0.0
    for top in _starts(height, tile_h):
        for left in _starts(width, tile_w):
            tile = rgb[top:top + tile_h, left:left + tile_w]
            canvas = (-(-tile.shape[0] // 32) * 32, -(-tile.shape[1] // 32) * 32)
            found, score = _faces_in(tile, canvas)
            boxes += [[x + left, y + top, w, h] for x, y, w, h in found]
            best = max(best, score)
    return _count(boxes, best, (height, width), CHILD_MIN_FACE_SHARE)


def _shrink(rgb: NDArray[np.uint8], factor: float) -> NDArray[np.uint8]:
    """The picture resized by `factor` (area averaging)."""
    height, width = rgb.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8)


def _starts(length: int, tile: int) -> list[int]:
    """Where tiles of `tile` pixels start along a side of `length`, evenly spread, overlapping
    by at least TILE_OVERLAP so that a small face on a seam is whole in one tile."""
    if length <= tile:
        return [0]
    count = -(-(length - TILE_OVERLAP) // (tile - TILE_OVERLAP))
    return [round(i * (length - tile) / (count - 1)) for i in range(count)]


def _faces_in(
    sized: NDArray[np.uint8], canvas_hw: tuple[int, int], min_score: float = MIN_SCORE
) -> tuple[list[list[int]], float]:
    """Run the network on `sized` padded with black to `canvas_hw`: the face boxes [x, y, w, h]
    after overlapping ones are merged, and the best heat-map score (a face or not)."""
    canvas = np.zeros((*canvas_hw, 3), np.uint8)
    canvas[: sized.shape[0], : sized.shape[1]] = sized
    blob = np.ascontiguousarray(canvas.transpose(2, 0, 1)[np.newaxis], np.float32)
    heat, scale, offset = _model().run(OUTPUTS, {INPUT: blob})
    boxes, scores = _decode(heat[0, 0], scale[0], offset[0], min_score)
    if not boxes:
        return [], float(heat.max())
    keep = cv2.dnn.NMSBoxes(boxes, scores, min_score, 0.3)
    return [boxes[int(i)] for i in np.asarray(keep).reshape(-1)], max(scores)


def _count(
    boxes: list[list[int]], score: float, size_hw: tuple[int, ...], min_share: float
) -> Faces:
    """The faces of at least `min_share` of the picture's long side (`size_hw`: the picture
    the boxes were found on)."""
    kept = [b for b in boxes if max(b[2], b[3]) >= min_share * max(size_hw)]
    area = float(size_hw[0] * size_hw[1])
    largest = max((w * h for _, _, w, h in kept), default=0) / area
    return Faces(count=len(kept), largest=min(largest, 1.0), score=score)


def find_any_way_up(rgb: NDArray[np.uint8]) -> Faces:
    """`find`, on the picture as it is and, while no face is found, turned a quarter, a half
    and three quarters: the network finds faces the right way up (or leaning a little) only,
    so an upside-down face, even one filling half the photo, was never found. A baby lying on
    a mat photographed from the feet, or a child lying on their side, shows the face that way
    (hazard log H65). Then, while still none is found, `find_small` on the picture the right
    way up, and `find_turned_small` on it turned a quarter, a half and three quarters: a
    child's face at 5% of a 12 MP photo's long side is too few pixels on `find`'s copy to be
    found every time, and a baby lying on a mat is as small in a photo of the whole room
    (H65). Used for under-18s, whose photos must show no face; the best score is kept when
    none is found."""
    looks: list[tuple[Callable[[NDArray[np.uint8]], Faces], int]] = [
        (find, 0), (find, 1), (find, 2), (find, 3), (find_small, 0),
        (find_turned_small, 1), (find_turned_small, 2), (find_turned_small, 3)]
    best = Faces(count=0, largest=0.0, score=0.0)
    for look, turns in looks:
        found = look(np.ascontiguousarray(np.rot90(rgb, turns)) if turns else rgb)
        if found.count or found.score > best.score:
            best = found
        if best.count:
            break
    return best


def find_turned_small(rgb: NDArray[np.uint8]) -> Faces:
    """Find faces down to CHILD_MIN_FACE_SHARE of the long side in one look at the picture
    fitted into TURNED_SIDE (a face at 5% of the long side is then 32 pixels high): for the
    picture turned a quarter, a half and three quarters, where `find_small`'s four tiles would
    take three times as long. On the astronaut photograph at 5% of a 12 MP room's long side,
    lying a quarter, half or three quarters turned in 18 placements each, all 54 are found
    this way (19 by `find` on the turned pictures and `find_small` upright)."""
    factor = min(1.0, TURNED_SIDE / max(rgb.shape[:2]))
    sized = _shrink(rgb, factor) if factor < 1.0 else rgb
    canvas = (-(-sized.shape[0] // 32) * 32, -(-sized.shape[1] // 32) * 32)
    boxes, score = _faces_in(sized, canvas, TURNED_MIN_SCORE)
    return _count(boxes, score, sized.shape[:2], CHILD_MIN_FACE_SHARE)


def _decode(
    heat: NDArray[np.float32], scale: NDArray[np.float32], offset: NDArray[np.float32],
    threshold: float,
) -> tuple[list[list[int]], list[float]]:
    """Turn heat-map peaks into boxes [x, y, w, h] on the input copy, with their scores."""
    rows, cols = np.nonzero(heat > threshold)
    boxes: list[list[int]] = []
    scores: list[float] = []
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        face_h = float(np.exp(scale[0, row, col])) * STRIDE
        face_w = float(np.exp(scale[1, row, col])) * STRIDE
        centre_y = (row + float(offset[0, row, col]) + 0.5) * STRIDE
        centre_x = (col + float(offset[1, row, col]) + 0.5) * STRIDE
        boxes.append([round(centre_x - face_w / 2), round(centre_y - face_h / 2),
                      round(face_w), round(face_h)])
        scores.append(float(heat[row, col]))
    return boxes, scores
