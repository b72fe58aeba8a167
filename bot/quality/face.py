"""Face: is there an identifiable face in the photo? (OpenCV's bundled Haar cascades.)"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

FACE_SIDE = 400
"""Faces are looked for on a copy this size: a face at least MIN_FACE pixels here (about 5.5%
of the picture's long side) is big enough to recognise someone."""
MIN_FACE = 22
PROFILE_SCALE = 0.75
"""Side-on faces are looked for on a copy three quarters the size, in coarser steps."""
LARGE_FACE = 0.12
"""A face covering this share of the picture means the photo is of the face itself."""

_lock = threading.Lock()
_cascades: list[cv2.CascadeClassifier] = []


def _models() -> list[cv2.CascadeClassifier]:
    """Load the cascades once per process (thread-safe); OpenCV ships them, no download."""
    with _lock:
        if not _cascades:
            for name in ("haarcascade_frontalface_default.xml",
                         "haarcascade_frontalface_alt2.xml",
                         "haarcascade_profileface.xml"):
                model = cv2.CascadeClassifier(str(cv2.data.haarcascades) + name)  # type: ignore[attr-defined]
                if model.empty():
                    raise RuntimeError(f"OpenCV face model {name} is missing")
                _cascades.append(model)
        return list(_cascades)


@dataclass(frozen=True, slots=True)
class Faces:
    """How many faces were found and the share of the picture the largest covers."""

    count: int
    largest: float


def find(gray: NDArray[np.uint8]) -> Faces:
    """Find faces: a frontal face both frontal models agree on, or a profile face."""
    height, width = gray.shape
    frontal_a, frontal_b, profile = _models()
    equal = gray
    size = (MIN_FACE, MIN_FACE)
    boxes_a = _detect(frontal_a, equal, size, neighbours=4)
    boxes_b = _detect(frontal_b, equal, size, neighbours=2) if boxes_a else []
    faces = [a for a in boxes_a if any(_overlap(a, b) > 0.2 for b in boxes_b)]
    if not faces:
        faces = _profiles(profile, gray)
    largest = max((w * h for _, _, w, h in faces), default=0) / float(height * width)
    return Faces(count=len(faces), largest=largest)


Box = tuple[int, int, int, int]


def _profiles(model: cv2.CascadeClassifier, gray: NDArray[np.uint8]) -> list[Box]:
    """Faces seen from the side, either way, looked for on a smaller copy (for speed)."""
    height, width = gray.shape
    factor = PROFILE_SCALE
    small = np.asarray(cv2.resize(gray, (round(width * factor), round(height * factor)),
                                  interpolation=cv2.INTER_AREA), dtype=np.uint8)
    size = (round(MIN_FACE * factor), round(MIN_FACE * factor))
    found: list[Box] = []
    for image, mirror in ((small, False), (np.ascontiguousarray(small[:, ::-1]), True)):
        for x, y, w, h in _detect(model, image, size, neighbours=6, step=1.2):
            x = image.shape[1] - x - w if mirror else x
            found.append((round(x / factor), round(y / factor), round(w / factor),
                          round(h / factor)))
    return found


def _detect(model: cv2.CascadeClassifier, gray: NDArray[np.uint8], size: tuple[int, int],
            neighbours: int, step: float = 1.1) -> list[Box]:
    found = model.detectMultiScale(gray, scaleFactor=step, minNeighbors=neighbours,
                                   minSize=size)
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


def _overlap(a: Box, b: Box) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    ix = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    iy = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = ix * iy
    return inter / float(aw * ah + bw * bh - inter)
