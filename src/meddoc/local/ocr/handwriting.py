"""PRINTED or HANDWRITING per word: a small logistic model over what sets pen strokes
apart from type (uneven stroke width, larger and sparser letters). Its weights were
fitted offline on few real examples; the figures are below, read them before relying
on the flag."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import cv2
import numpy as np

from meddoc.local.ocr.words import WordSpan
from meddoc.model import Line, TextType


@dataclass(frozen=True, slots=True)
class WordFeatures:
    relative_height: float  # the line's ink height over the page's median
    stroke_variation: float  # coefficient of variation of stroke widths
    baseline_wander: float  # spread of the ink's lower edge, in line heights
    ink_fill: float  # share of the word's box that is ink

    def vector(self) -> np.ndarray:
        return np.array(
            [
                math.log(max(self.relative_height, 1e-3)),
                self.stroke_variation,
                self.baseline_wander,
                self.ink_fill,
            ]
        )


# Logistic weights over WordFeatures.vector(), fitted (class-balanced, L2) on the words
# of the 13 shared Textract pages: 20 hand-labelled handwritten values on the intake form
# against 2,633 printed words. Five-fold cross-validation there: 20/20 handwritten words
# flagged, 16 printed words falsely flagged (0.6 %). On synthetic forms in 15
# handwriting-style fonts never used in fitting: 168/420 found (40 %), 6/335 printed
# words falsely flagged; fonts lack a pen's uneven strokes. A trained classifier is the
# next step.
WEIGHTS = np.array([0.848, 31.155, -15.888, -46.885])
BIAS = 4.629
THRESHOLD = 0.9


def word_features(crop: np.ndarray, span: WordSpan, relative_height: float) -> WordFeatures:
    """Features of a word from its part of the line crop."""
    end = min(crop.shape[1], max(math.ceil(span.end), 1))
    start = min(max(0, int(span.start)), end - 1)
    gray = cv2.cvtColor(crop[:, start:end], cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ink = _inked_band(ink)
    return WordFeatures(
        relative_height=relative_height,
        stroke_variation=_stroke_variation(ink),
        baseline_wander=_baseline_wander(ink),
        ink_fill=float(np.count_nonzero(ink)) / max(ink.size, 1),
    )


def _inked_band(ink: np.ndarray) -> np.ndarray:
    """The rows from the first to the last that carry ink, so the margin the detector
    left around the text does not change the features."""
    rows = np.flatnonzero(np.count_nonzero(ink, axis=1) > 0.02 * ink.shape[1])
    return ink[rows[0] : rows[-1] + 1] if rows.size else ink


def _stroke_variation(ink: np.ndarray) -> float:
    """Pen strokes swell and thin; type keeps a steady width. Widths are read on the
    ridge of the distance transform (twice the distance there)."""
    # a paper border, so ink touching the edge still has a distance to measure
    framed = cv2.copyMakeBorder(ink, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    distance = cv2.distanceTransform(framed, cv2.DIST_L2, 3)
    ridge = (distance >= cv2.dilate(distance, np.ones((3, 3), np.uint8))) & (distance > 0)
    widths = distance[ridge]
    if widths.size < 5:
        return 0.0
    return float(widths.std() / max(widths.mean(), 1e-6))


def _baseline_wander(ink: np.ndarray) -> float:
    """How much the lowest ink of each column moves, over the crop height, ignoring
    descenders by using the inter-quartile range."""
    columns = np.flatnonzero(ink.any(axis=0))
    if columns.size < 3:
        return 0.0
    bottoms = ink.shape[0] - 1 - np.argmax(ink[::-1, columns] > 0, axis=0)
    low, high = np.percentile(bottoms, [25, 75])
    return float(high - low) / float(ink.shape[0])


def handwriting_probability(features: WordFeatures) -> float:
    score = float(features.vector() @ WEIGHTS + BIAS)
    return 1.0 / (1.0 + math.exp(-max(min(score, 50.0), -50.0)))


def ink_height(crop: np.ndarray) -> float:
    """Rows of the line crop that carry ink: the text's height, whatever margin the
    detector left around it."""
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows = np.count_nonzero(ink, axis=1)
    inked = int(np.count_nonzero(rows > 0.02 * ink.shape[1]))
    return float(max(inked, 1))


def flag_handwriting(lines: list[tuple[Line, np.ndarray, list[WordSpan]]]) -> None:
    """Set text_type on the words of a page's lines (each with its crop and the spans
    of its words along the crop)."""
    heights = [ink_height(crop) for _, crop, _ in lines]
    median = statistics.median(heights) if heights else 1.0
    for (line, crop, spans), height in zip(lines, heights, strict=True):
        for word, span in zip(line.words, spans, strict=True):
            features = word_features(crop, span, height / median)
            if handwriting_probability(features) >= THRESHOLD:
                word.text_type = TextType.HANDWRITING
