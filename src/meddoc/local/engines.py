"""The offline engines behind the pipeline's ports. Heavy imports (onnxruntime, the
vocabularies) happen when a worker first builds an engine, never at import."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from meddoc.limits import Limits
from meddoc.local.files import FileBlobStore
from meddoc.model import Language, LanguageAnalysis, MedicalAnalysis, ObjectRef, TextDetection
from meddoc.ports import ResponseLog

if TYPE_CHECKING:
    from meddoc.local.language import LocalLanguageAnalyzer, LocalLanguageDetector
    from meddoc.local.medical.engine import LocalMedicalAnalyzer
    from meddoc.local.ocr.engine import OcrEngine
    from meddoc.local.phi import PhiDetector


class OfflineTextDetector:
    """Reads every supported type itself (renders PDF pages, splits TIFF frames)."""

    def __init__(
        self,
        blobs: FileBlobStore,
        threads: int = 1,
        limits: Limits | None = None,
        structure: bool = True,
    ) -> None:
        self.blobs = blobs
        self.threads = threads
        self.limits = limits or Limits()  # the pipeline's, so validation and OCR agree
        self.structure = structure  # fields, tables, checkboxes and layout besides the text

    @cached_property
    def engine(self) -> OcrEngine:
        from meddoc.local.ocr.config import OcrConfig
        from meddoc.local.ocr.engine import OcrEngine

        return OcrEngine(
            OcrConfig(threads=self.threads, limits=self.limits, structure=self.structure)
        )

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        return self.engine.read_document(self.blobs.read(ref))


class OfflineLanguage:
    """Language detection and Comprehend-style analysis, offline."""

    @cached_property
    def detector(self) -> LocalLanguageDetector:
        from meddoc.local.language import LocalLanguageDetector

        return LocalLanguageDetector()

    @cached_property
    def analyzer(self) -> LocalLanguageAnalyzer:
        from meddoc.local.language import LocalLanguageAnalyzer

        return LocalLanguageAnalyzer()

    def detect_language(self, text: str, log: ResponseLog) -> Language:
        return self.detector.detect_language(text)

    def supports(self, language: str) -> bool:
        return self.analyzer.supports(language)

    def analyze(self, text: str, language: Language, log: ResponseLog) -> LanguageAnalysis:
        return self.analyzer.analyze(text, language)


class OfflineMedical:
    """Medical entities and ICD-10-CM codes, with PHI from the offline PHI detector."""

    def __init__(self, cache_dir: str | None = None) -> None:
        self.cache_dir = cache_dir

    @cached_property
    def analyzer(self) -> LocalMedicalAnalyzer:
        from meddoc.local.medical.engine import LocalMedicalAnalyzer

        return LocalMedicalAnalyzer()

    @cached_property
    def phi(self) -> PhiDetector:
        from meddoc.local.phi import default_detector

        return default_detector()

    def supports(self, language: str) -> bool:
        return language in ("en", "es")

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        from meddoc.local.medical.text import unwrap

        analysis = self.analyzer.analyze(text, language=language)
        # An address or name wrapped across lines is one PHI span: look for PHI in the
        # text with wrapping line breaks read as spaces (same offsets), then quote the
        # original text.
        analysis.phi = self.phi.detect_phi(unwrap(text), language)
        for entity in analysis.phi:
            entity.text = text[entity.begin : entity.end]
        return analysis
