"""Step 3: the document text, its language, and an English translation when the text is
not English (Comprehend Medical reads English only); both texts are kept."""

from __future__ import annotations

from dataclasses import dataclass

from meddoc.layout import layout_text
from meddoc.model import Language, TextDetection, Translation
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import LANGUAGE, OCR, Job
from meddoc.ports import LanguageDetector, Translator

STEP = "analyze_language"
ENGLISH = "en"
UNDETERMINED = "und"


@dataclass(slots=True)
class TextResult:
    text: str
    language: Language
    translation: Translation | None = None


def analyze_language(
    job: Job,
    *,
    detector: LanguageDetector,
    translator: Translator | None,
    artifacts: Artifacts,
) -> Job:
    detection = artifacts.load(job, OCR, TextDetection)
    text = layout_text(detection.pages)
    log = artifacts.response_log(job, STEP)
    language = detector.detect_language(text, log) if text.strip() else Language(UNDETERMINED, 0.0)
    translation = None
    if translator is not None and language.code not in (ENGLISH, UNDETERMINED):
        translation = translator.translate(text, language.code, ENGLISH, log)
    artifacts.save(job, LANGUAGE, TextResult(text, language, translation))
    artifacts.save_raw(job, STEP, log)
    return job
