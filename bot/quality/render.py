"""Render realistic skin photographs (ten Monk tones) and camera faults, for tests and evaluation.

Everything is computed in linear light, then a camera is simulated: optics, exposure, sensor
noise that grows when light is low, sRGB encoding and JPEG. Seeds make every picture repeatable.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

MONK = (
    "f6ede4", "f3e7db", "f7ead0", "eadaba", "d7bd96",
    "a07e56", "825c43", "604134", "3a312a", "292420",
)
"""The Monk Skin Tone scale, palest (1) to darkest (10)."""

Float = NDArray[np.float32]


def srgb_to_linear(values: NDArray[np.float32]) -> Float:
    """sRGB (0-1) to linear light."""
    v = np.clip(values, 0.0, 1.0)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4).astype(np.float32)


_LUT_SIZE = 8192
_SRGB_LUT = np.clip(
    np.round(255.0 * np.where(
        np.linspace(0, 1, _LUT_SIZE) <= 0.0031308,
        np.linspace(0, 1, _LUT_SIZE) * 12.92,
        1.055 * np.linspace(0, 1, _LUT_SIZE) ** (1 / 2.4) - 0.055)),
    0, 255).astype(np.uint8)


def linear_to_srgb8(values: Float) -> NDArray[np.uint8]:
    """Linear light to 8-bit sRGB, clipping at white (by table look-up, for speed)."""
    index = np.clip(values * (_LUT_SIZE - 1) + 0.5, 0, _LUT_SIZE - 1).astype(np.int32)
    return np.asarray(_SRGB_LUT[index], np.uint8)


def tone_linear(hex_colour: str) -> Float:
    """A Monk swatch as linear RGB."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)], np.float32) / 255.0
    return srgb_to_linear(rgb)


def grid(h: int, w: int) -> tuple[Float, Float]:
    """Row and column coordinates, ready to broadcast (float32, to keep the arithmetic fast)."""
    return (np.arange(h, dtype=np.float32)[:, None], np.arange(w, dtype=np.float32)[None, :])


def smooth_noise(rng: np.random.Generator, h: int, w: int, scale: float) -> Float:
    """Zero-mean, unit-spread noise with features about `scale` pixels across."""
    sh, sw = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    small = rng.standard_normal((sh, sw)).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    big -= big.mean()
    return np.asarray(big / (big.std() + 1e-6), dtype=np.float32)


def skin_albedo(rng: np.random.Generator, tone: str, h: int, w: int, *, detail: float = 1.0,
                rash: bool = True, hairs: bool = False) -> Float:
    """Skin reflectance with mottling, pores, fine lines, an optional rash and optional hairs.

    `detail` is the size of skin features in pixels relative to a close-up at 30 cm.
    """
    base = tone_linear(tone)
    shade = 1.0 + 0.05 * smooth_noise(rng, h, w, 60 * detail)
    if detail > 0.25:
        pores = np.clip(smooth_noise(rng, h, w, 2.2 * detail) - 1.6, 0.0, 3.0)
        shade *= 1.0 - 0.22 * pores
        lines = np.abs(smooth_noise(rng, h, w, 14 * detail))
        shade *= 1.0 - 0.4 * np.clip(0.25 - lines, 0.0, 0.25)
    grain = rng.standard_normal((h, w), dtype=np.float32)
    shade *= 1.0 + 0.05 * cv2.GaussianBlur(grain, (0, 0), 0.7)
    if hairs:
        hair_layer = np.zeros((h, w), np.uint8)
        for _ in range(int(rng.integers(15, 40))):
            x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
            length, angle = rng.uniform(40, 140) * detail, rng.uniform(0, np.pi)
            x1, y1 = int(x0 + length * np.cos(angle)), int(y0 + length * np.sin(angle))
            cv2.line(hair_layer, (x0, y0), (x1, y1), 255, 1, cv2.LINE_AA)
        shade *= 1.0 - 0.6 / 255.0 * hair_layer.astype(np.float32)
    albedo = shade[..., None] * base
    if rash:
        blob = smooth_noise(rng, h, w, 180 * detail)
        yy, xx = grid(h, w)
        cy, cx = np.float32(rng.uniform(0.35, 0.65) * h), np.float32(rng.uniform(0.35, 0.65) * w)
        radius = np.float32(rng.uniform(0.18, 0.3) * min(h, w))
        dist = np.sqrt(((yy - cy) / radius) ** 2 + ((xx - cx) / (radius * 1.3)) ** 2)
        weight = np.clip(1.4 - dist + 0.35 * blob, 0.0, 1.0).astype(np.float32)
        papules = np.clip(smooth_noise(rng, h, w, 6 * detail) - 1.2, 0.0, 2.0) * weight
        weight *= 1.0 - 0.18 * papules
        redden = np.array([0.96, 0.62, 0.66], np.float32)
        albedo *= 1.0 - weight[..., None] * (1.0 - redden)
    return np.asarray(np.clip(albedo, 0.0, 1.0), dtype=np.float32)


def shading(rng: np.random.Generator, h: int, w: int) -> tuple[Float, Float]:
    """Gentle diffuse shading of a curved body surface, and where a soft sheen falls."""
    yy, xx = grid(h, w)
    angle = rng.uniform(0, np.pi)
    cos, sin = np.float32(np.cos(angle) * 2 / w), np.float32(np.sin(angle) * 2 / h)
    across = (xx - np.float32(w / 2)) * cos + (yy - np.float32(h / 2)) * sin
    diffuse = 0.78 + 0.22 * np.cos(np.clip(across, -1.2, 1.2) * np.float32(0.9))
    centre = np.float32(rng.uniform(-0.4, 0.4))
    sheen = np.exp(-((across - centre) ** 2) / np.float32(0.08))
    return diffuse.astype(np.float32), sheen.astype(np.float32)


def specular(rng: np.random.Generator, sheen: Float, strength: float) -> Float:
    """Small bright glints of skin oil, strongest along the sheen band."""
    h, w = sheen.shape
    micro = np.clip(smooth_noise(rng, h, w, 3.0) - 0.8, 0.0, 3.0)
    return np.asarray(strength * sheen * (0.35 + micro), dtype=np.float32)


METER_TARGET = 0.12
"""Median scene level (linear) a phone's auto-exposure brings a dark subject up to."""
METER_MAX = 3.0
"""The most it brightens a dark subject (about 1.6 stops)."""


def camera(scene: Float, rng: np.random.Generator, *, light: float = 1.0, gain: float = 1.0,
           optics: float = 0.6, denoise: bool = False) -> NDArray[np.uint8]:
    """Photograph a linear scene: optics, exposure, photon and read noise, sRGB, 8 bits.

    `light` scales the exposure; `gain` is the extra amplification a phone adds in dim light.
    Like a phone's auto-exposure, a scene darker than mid-grey (a close-up of very dark skin)
    is exposed longer, by up to METER_MAX times, before `light` is applied.
    """
    img = cv2.GaussianBlur(scene, (0, 0), optics) if optics > 0 else scene
    luminance = float(np.median(img[::8, ::8] @ np.array([0.2126, 0.7152, 0.0722], np.float32)))
    metered = min(max(METER_TARGET / max(luminance, 1e-4), 1.0), METER_MAX)
    signal = np.clip(img * np.float32(light * metered), 0.0, 1.25)
    shot_var = np.float32(0.00012 * gain) * np.minimum(signal, 1.0)
    spread = np.sqrt(shot_var + np.float32((0.0012 * gain) ** 2))
    noisy = signal + spread * rng.standard_normal(signal.shape, dtype=np.float32)
    if denoise:
        noisy = cv2.GaussianBlur(noisy, (0, 0), 0.9)
    return linear_to_srgb8(rolloff(noisy))


def rolloff(values: Float, knee: float = 0.7, white: float = 1.25) -> Float:
    """A phone's tone curve: scene values from the knee up to `white` are eased into the top of
    the range instead of being cut off; anything brighter still burns out to white."""
    t = np.clip((values - knee) / (white - knee), 0.0, 1.0)
    shoulder = knee + (1.0 - knee) * (1.0 - (1.0 - t) ** 2)
    return np.where(values > knee, shoulder, values).astype(np.float32)


def jpeg(rgb: NDArray[np.uint8], quality: int = 90, exif: bytes | None = None) -> bytes:
    """Encode as JPEG the way a phone or Telegram would."""
    out = io.BytesIO()
    image = Image.fromarray(rgb)
    if exif:
        image.save(out, "JPEG", quality=quality, exif=exif)
    else:
        image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def close_up_scene(rng: np.random.Generator, tone: str, h: int, w: int,
                   *, sheen: float = 0.1) -> Float:
    """A close-up at about 30 cm: skin filling the frame, a rash, shading and sheen."""
    scale = max(h, w) / 1280.0
    albedo = skin_albedo(rng, tone, h, w, detail=scale, hairs=bool(rng.random() < 0.4))
    diffuse, band = shading(rng, h, w)
    scene = albedo * diffuse[..., None] + specular(rng, band, sheen)[..., None]
    return scene.astype(np.float32)


def background(rng: np.random.Generator, h: int, w: int) -> Float:
    """A room seen behind the patient: a wall, a floor line, a door edge and some objects."""
    walls = ("d9dde3", "c7d3c4", "e8e6e1", "9fb3c8", "b9b0a4", "6f7f8f", "dcd3c2", "8a9a7b")
    wall = tone_linear(walls[int(rng.integers(0, len(walls)))])
    scene = np.empty((h, w, 3), np.float32)
    scene[:] = wall
    scene *= (0.85 + 0.15 * smooth_noise(rng, h, w, 400)[..., None] * 0.5)
    floor_y = int(rng.uniform(0.7, 0.9) * h)
    scene[floor_y:] = tone_linear(("7a6a5a", "5c5f66", "a89b8a")[int(rng.integers(0, 3))])
    door_x = int(rng.uniform(0.05, 0.25) * w)
    if rng.random() < 0.5:
        door_x = w - door_x
    scene[: floor_y, door_x:door_x + max(4, w // 80)] *= 0.7
    for _ in range(int(rng.integers(1, 4))):
        x0, y0 = int(rng.integers(0, w - w // 8)), int(rng.integers(0, h - h // 8))
        colour = rng.uniform(0.02, 0.6, 3).astype(np.float32)
        cv2.rectangle(scene, (x0, y0), (x0 + int(rng.integers(w // 20, w // 6)),
                                        y0 + int(rng.integers(h // 20, h // 6))),
                      colour.tolist(), -1)
    return scene


def limb_mask(rng: np.random.Generator, h: int, w: int, coverage: float) -> NDArray[np.float32]:
    """A soft-edged arm, leg or back shape covering about `coverage` of the frame."""
    mask = np.zeros((h, w), np.uint8)
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.6)
    angle = rng.uniform(-0.6, 0.6) + (np.pi / 2 if rng.random() < 0.5 else 0.0)
    thickness = int(np.sqrt(coverage) * min(h, w) * 0.9)
    length = coverage * h * w / max(thickness, 1)
    dx, dy = np.cos(angle) * length / 2, np.sin(angle) * length / 2
    cv2.line(mask, (int(cx - dx), int(cy - dy)), (int(cx + dx), int(cy + dy)), 255,
             max(thickness, 2), cv2.LINE_AA)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 0.5)
    return soft.astype(np.float32)


def locator_scene(rng: np.random.Generator, tone: str, h: int, w: int, coverage: float,
                  *, sheen: float = 0.1) -> Float:
    """A shot from 1-1.5 m: a body part with a rash, in the room around it."""
    back = background(rng, h, w)
    detail = 0.25 * max(h, w) / 1280.0 / max(coverage, 0.05) ** 0.5
    albedo = skin_albedo(rng, tone, h, w, detail=max(detail, 0.2))
    diffuse, band = shading(rng, h, w)
    skin = albedo * diffuse[..., None] + specular(rng, band, sheen)[..., None]
    mask = limb_mask(rng, h, w, coverage)[..., None]
    scene = np.asarray(back * (1 - mask) + skin * mask, dtype=np.float32)
    top = int(h * rng.uniform(0.05, 0.2))
    sleeve = mask[:top, :, 0] > 0.5
    scene[:top][sleeve] = rng.uniform(0.03, 0.5, 3).astype(np.float32)
    return scene.astype(np.float32)
