"""Line crops to text with PP-OCRv6 CTC recognizers, keeping where each character was
read along the line (for word boxes and missed spaces) and how sure the model was."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

HEIGHT = 48  # the recognizers' input height
# narrower crops are padded to this width-to-height ratio; PaddleOCR pads to 320/48,
# but 2 reads short form fields better and costs less (bench: F1 0.9875 -> 0.9898)
MIN_RATIO = 2.0


@dataclass(slots=True)
class LineReading:
    """One recognized line: symbol i (usually one character) sits at centres[i] (crop
    pixels along the line) and was read with probability scores[i]."""

    symbols: list[str] = field(default_factory=list)
    centres: list[float] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.symbols)

    @property
    def confidence(self) -> float:
        return float(np.mean(self.scores)) if self.scores else 0.0

    @property
    def weakest(self) -> float:
        return min(self.scores, default=0.0)


class Recognizer:
    def __init__(
        self,
        model: Path,
        options: ort.SessionOptions,
        characters: Path | None = None,
        batch_size: int = 6,
    ) -> None:
        self._session = ort.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        self._input = self._session.get_inputs()[0].name
        self._batch_size = batch_size
        if characters is None:
            listed = self._session.get_modelmeta().custom_metadata_map["character"]
            symbols = listed.splitlines()
        else:
            # one symbol a line; splitlines() would also split at symbols like U+2028
            lines = characters.read_text(encoding="utf-8").split("\n")
            symbols = [line.removesuffix("\r") for line in lines]
            if symbols and not symbols[-1]:
                symbols.pop()
        # CTC index 0 is the blank; the model's last class is the space
        self._alphabet = ["", *symbols, " "]

    def read(self, crops: list[np.ndarray]) -> list[LineReading]:
        """Readings in the order of `crops`; similar widths are batched together so
        little of each batch is padding."""
        readings = [LineReading() for _ in crops]
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            for index, reading in zip(
                chunk, self._read_batch([crops[i] for i in chunk]), strict=True
            ):
                readings[index] = reading
        return readings

    def _read_batch(self, crops: list[np.ndarray]) -> list[LineReading]:
        ratio = max([MIN_RATIO] + [c.shape[1] / c.shape[0] for c in crops])
        width = math.ceil(HEIGHT * ratio)
        batch = np.zeros((len(crops), 3, HEIGHT, width), dtype=np.float32)
        drawn: list[int] = []
        for row, crop in enumerate(crops):
            fitted = min(width, math.ceil(HEIGHT * crop.shape[1] / crop.shape[0]))
            resized = cv2.resize(crop, (fitted, HEIGHT)).astype(np.float32)
            batch[row, :, :, :fitted] = resized.transpose(2, 0, 1) / 127.5 - 1.0
            drawn.append(fitted)
        probabilities = np.asarray(self._session.run(None, {self._input: batch})[0])
        steps = probabilities.shape[1]
        return [
            self._decode(probabilities[row], crop.shape[1] / fitted * width / steps)
            for row, (crop, fitted) in enumerate(zip(crops, drawn, strict=True))
        ]

    def _decode(self, probabilities: np.ndarray, step_width: float) -> LineReading:
        """Greedy CTC: the best class per time step, repeats merged, blanks dropped."""
        best = probabilities.argmax(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        steps = np.flatnonzero(keep)
        reading = LineReading()
        reading.symbols = [self._alphabet[i] for i in best[steps]]
        reading.centres = [(float(s) + 0.5) * step_width for s in steps]
        reading.scores = [float(p) for p in probabilities[steps, best[steps]]]
        return reading
