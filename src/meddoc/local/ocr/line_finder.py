"""Text line boxes on a page with the PP-OCRv6 DB detector. Detection runs on a scaled
copy of the page (or on full-resolution tiles when that copy would make the text too
small); boxes come back in page pixels, so lines are cropped from the full page."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
from rapidocr.ch_ppocr_det.utils import DBPostProcess

from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.words import LineBox

_STRIDE = 32  # the detector needs sides that are multiples of this


class LineFinder:
    def __init__(self, model: Path, options: ort.SessionOptions, config: OcrConfig) -> None:
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._config = config
        self._post = DBPostProcess(
            thresh=config.pixel_threshold,
            box_thresh=config.box_threshold,
            max_candidates=1000,
            unclip_ratio=config.unclip_ratio,
            score_mode="fast",
            use_dilation=True,
        )

    def find(self, page: np.ndarray) -> np.ndarray:
        """Quadrilaterals (N x 4 x 2, page pixels; top-left, top-right, bottom-right,
        bottom-left of the box as found)."""
        height, width = page.shape[:2]
        scale = detect_scale(height, width, self._config)
        quads = self._detect(page, scale)
        if scale < 1.0 and len(quads) and self._config.tile_text_height > 0:
            text_height = float(np.median(_short_sides(quads))) * scale
            if text_height < self._config.tile_text_height:
                quads = self._detect_tiles(page)
        return quads

    def _detect(self, image: np.ndarray, scale: float) -> np.ndarray:
        height, width = image.shape[:2]
        size = (
            max(_STRIDE, round(width * scale / _STRIDE) * _STRIDE),
            max(_STRIDE, round(height * scale / _STRIDE) * _STRIDE),
        )
        shrink = scale < 1
        resized = cv2.resize(
            image, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
        )
        batch = (resized.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        probabilities = self._session.run(None, {self._input: batch})[0]
        quads, _ = self._post(probabilities, (height, width))
        return np.asarray(quads, dtype=np.float32).reshape(-1, 4, 2)

    def _detect_tiles(self, page: np.ndarray) -> np.ndarray:
        """Full-resolution tiles that overlap by a margin; boxes cut by a tile edge are
        joined with their other part afterwards."""
        side, overlap = self._config.detect_side, self._config.detect_side // 8
        height, width = page.shape[:2]
        found: list[np.ndarray] = []
        for top in _tile_starts(height, side, overlap):
            for left in _tile_starts(width, side, overlap):
                tile = page[top : top + side, left : left + side]
                quads = self._detect(tile, 1.0)
                quads[:, :, 0] += left
                quads[:, :, 1] += top
                found.append(quads)
        if not found:
            return np.zeros((0, 4, 2), dtype=np.float32)
        return _join_cut_boxes(np.concatenate(found))


def detect_scale(height: int, width: int, config: OcrConfig) -> float:
    """The scale the detector sees a page at: its longest side down to detect_side, or its
    shortest side up to detect_min_side for small pages, but never past detect_side**2
    pixels (the largest page it sees otherwise): scaled up whole by its short side, a
    strip 100 pixels high and 400,000 long would take 26 GB."""
    side = config.detect_side
    scale = min(1.0, side / max(height, width))
    if min(height, width) * scale < config.detect_min_side:
        scale = min(
            config.detect_min_side / min(height, width),
            max(scale, (side * side / (height * width)) ** 0.5),
        )
    return scale


def _tile_starts(length: int, side: int, overlap: int) -> list[int]:
    if length <= side:
        return [0]
    starts = list(range(0, length - side, side - overlap))
    return [*starts, length - side]


def _short_sides(quads: np.ndarray) -> np.ndarray:
    top = np.linalg.norm(quads[:, 1] - quads[:, 0], axis=1)
    left = np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1)
    return np.asarray(np.minimum(top, left), dtype=np.float64)


def _join_cut_boxes(quads: np.ndarray) -> np.ndarray:
    """Merge axis-aligned boxes that overlap and share most of their height (one line
    seen by two tiles) into their union, until no two boxes do."""
    boxes = [[q[:, 0].min(), q[:, 1].min(), q[:, 0].max(), q[:, 1].max()] for q in quads]
    changed = True
    while changed:
        changed = False
        boxes.sort(key=lambda b: b[1])
        kept: list[list[float]] = []
        for box in boxes:
            for other in kept:
                if other[3] > box[1] and _same_line(other, box):
                    other[:] = [
                        min(other[0], box[0]),
                        min(other[1], box[1]),
                        max(other[2], box[2]),
                        max(other[3], box[3]),
                    ]
                    changed = True
                    break
            else:
                kept.append(box)
        boxes = kept
    corners = [[[x0, y0], [x1, y0], [x1, y1], [x0, y1]] for x0, y0, x1, y1 in boxes]
    return np.array(corners, dtype=np.float32).reshape(-1, 4, 2)


def _same_line(a: list[float], b: list[float]) -> bool:
    overlap_x = min(a[2], b[2]) - max(a[0], b[0])
    overlap_y = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    return overlap_x > 0 and shorter > 0 and overlap_y / shorter > 0.6


def crop_lines(page: np.ndarray, quads: np.ndarray) -> list[tuple[np.ndarray, LineBox]]:
    """Each line straightened into its own image, read left to right. A box much taller
    than wide and than a text line is vertical text (turned to read it); a single tall
    character such as "1" is not."""
    line_height = float(np.median(_short_sides(quads))) if len(quads) else 0.0
    crops = []
    for quad in quads:
        width = float(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
        height = float(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
        if height >= 1.5 * width and height >= 2.5 * line_height:
            # the text runs down the right-hand edge first: turn the frame with it
            quad = quad[[1, 2, 3, 0]]
            width, height = height, width
        size = (max(round(width), 1), max(round(height), 1))
        right, bottom = size
        target = np.array([[0, 0], [right, 0], [right, bottom], [0, bottom]], dtype=np.float32)
        warp = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
        crop = cv2.warpPerspective(
            page, warp, size, borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
        )
        crops.append((crop, LineBox(quad.astype(np.float64), float(right), float(bottom))))
    return crops


def trim_to_ink(crop: np.ndarray, box: LineBox) -> tuple[np.ndarray, LineBox] | None:
    """The crop without the blank bands above and below its ink, and the box that crop
    covers on the page; None when there is nothing to trim. A detector box drawn far too
    loose (as around some handwriting) leaves the letters too small for the recognizer."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    threshold, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    rows = (gray <= min(threshold, 200)).sum(axis=1)
    if not rows.any():
        return None
    inked = np.flatnonzero(rows >= max(1, 0.02 * rows.max()))  # specks do not count
    top, bottom = int(inked[0]), int(inked[-1]) + 1
    height = crop.shape[0]
    if bottom - top >= 0.95 * height:
        return None
    top_left, top_right, bottom_right, bottom_left = box.corners
    upper, lower = top / height, bottom / height
    corners = np.array(
        [
            top_left + (bottom_left - top_left) * upper,
            top_right + (bottom_right - top_right) * upper,
            top_right + (bottom_right - top_right) * lower,
            top_left + (bottom_left - top_left) * lower,
        ]
    )
    return crop[top:bottom], LineBox(corners, box.width, float(bottom - top))
