"""The TextDetector port on the offline engine, and the bytes-level call the CLI uses."""

from __future__ import annotations

from meddoc.local.ocr.config import OcrConfig
from meddoc.local.ocr.engine import OcrEngine, shared_engine
from meddoc.model import ObjectRef, TextDetection
from meddoc.ports import BlobStore


class LocalTextDetector:
    """Reads every page of a JPEG, PNG, TIFF or PDF from the blob store. The engine is
    the process's warm one, loaded on the first detection."""

    def __init__(self, blobs: BlobStore, config: OcrConfig | None = None) -> None:
        self._blobs = blobs
        self._config = config or OcrConfig()

    def detect(self, ref: ObjectRef, content_type: str) -> TextDetection:
        """The content type is only a hint: the bytes say what the file is.
        Raises InvalidDocument when they are no readable image or PDF."""
        return self.engine().read_document(self._blobs.read(ref))

    def engine(self) -> OcrEngine:
        return shared_engine(self._config)


def detect_text(
    data: bytes, content_type: str | None = None, config: OcrConfig | None = None
) -> TextDetection:
    """OCR of a whole file's bytes with the process's warm engine; `content_type` is
    accepted for symmetry with the port and not needed."""
    return shared_engine(config).read_document(data)
