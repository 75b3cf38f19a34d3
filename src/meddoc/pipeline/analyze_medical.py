"""Step 4b: medical entities, PHI and codes; on the English translation when there is
one, otherwise on the original text if the analyzer reads its language."""

from __future__ import annotations

from meddoc.model import MedicalAnalysis
from meddoc.pipeline.analyze_language import ENGLISH, TextResult
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import LANGUAGE, MEDICAL, Job
from meddoc.ports import MedicalAnalyzer

STEP = "analyze_medical"


def analyze_medical(job: Job, *, analyzer: MedicalAnalyzer, artifacts: Artifacts) -> Job:
    result = artifacts.load(job, LANGUAGE, TextResult)
    log = artifacts.response_log(job, STEP)
    if result.translation is not None:
        analysis = analyzer.analyze(result.translation.text, ENGLISH, log)
        analysis.text_source = "translation"
    elif result.text.strip() and analyzer.supports(result.language.code):
        analysis = analyzer.analyze(result.text, result.language.code, log)
    elif result.text.strip():
        analysis = MedicalAnalysis(
            note=f"language {result.language.code!r} is not supported by the medical analyzer"
        )
    else:
        analysis = MedicalAnalysis(note="the document has no text")
    artifacts.save(job, MEDICAL, analysis)
    artifacts.save_raw(job, STEP, log)
    return job
