"""The offline OCR engine of local mode: RapidOCR's PP-OCRv6 models on onnxruntime,
models shipped inside the installed wheels (nothing is downloaded)."""

from meddoc.local.ocr.config import OcrConfig, Recognition
from meddoc.local.ocr.detector import LocalTextDetector, detect_text
from meddoc.local.ocr.engine import OcrEngine, shared_engine

__all__ = [
    "LocalTextDetector",
    "OcrConfig",
    "OcrEngine",
    "Recognition",
    "detect_text",
    "shared_engine",
]
