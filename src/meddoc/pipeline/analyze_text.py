"""Step 4a: key phrases, general entities, PII and sentiment, in the document's own
language when the analyzer supports it, otherwise in the English translation."""

from __future__ import annotations

from meddoc.model import Language, LanguageAnalysis
from meddoc.pipeline.analyze_language import ENGLISH, TextResult
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import LANGUAGE, TEXT_ANALYSIS, Job
from meddoc.ports import LanguageAnalyzer

STEP = "analyze_text"


def analyze_text(job: Job, *, analyzer: LanguageAnalyzer, artifacts: Artifacts) -> Job:
    result = artifacts.load(job, LANGUAGE, TextResult)
    log = artifacts.response_log(job, STEP)
    if not result.text.strip():
        analysis = LanguageAnalysis(language=result.language)
    elif analyzer.supports(result.language.code):
        analysis = analyzer.analyze(result.text, result.language, log)
    elif result.translation is not None:
        english = Language(ENGLISH, result.language.score)
        analysis = analyzer.analyze(result.translation.text, english, log)
        analysis.language = result.language
        analysis.text_source = "translation"
    else:
        analysis = LanguageAnalysis(
            language=result.language,
            note=f"language {result.language.code!r} is not supported by the text analyzer",
        )
    artifacts.save(job, TEXT_ANALYSIS, analysis)
    artifacts.save_raw(job, STEP, log)
    return job
