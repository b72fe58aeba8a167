"""Read QR codes back from pictures, as a phone camera would."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image


def qr_text(png: bytes) -> str:
    """The text of the QR code in a picture ("" if none could be read)."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):  # as phones try several
        found, _, _ = detector.detectAndDecode(image)
        if found:
            return str(found)
    return ""
