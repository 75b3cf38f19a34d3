"""No re-billing: a step retried after a throttle late in its calls (a Lambda retry or
the workflow's Retry) reads back each chunk an earlier try already paid for, from the
checkpoints kept in S3 (moto) under the document's step results."""

from __future__ import annotations

from collections import Counter

import boto3
import pytest

from meddoc import serialization
from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer, MedicalOptions
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.translate import AmazonTranslator
from meddoc.chunking import chunk_text
from meddoc.errors import ServiceThrottled
from meddoc.model import (
    Engine,
    Language,
    LanguageAnalysis,
    MedicalAnalysis,
    ObjectRef,
    TextDetection,
)
from meddoc.pipeline.analyze_language import TextResult, analyze_language
from meddoc.pipeline.analyze_medical import analyze_medical
from meddoc.pipeline.analyze_text import analyze_text
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import LANGUAGE, MEDICAL, OCR, TEXT_ANALYSIS, Job, ResultsLayout
from tests.aws.billing_fakes import ComprehendFake, MedicalFake, TranslateFake, long_text
from tests.aws.cloud import REGION, RESULTS, UPLOADS
from tests.fakes import page_of

pytestmark = pytest.mark.usefixtures("cloud")

EVERY_CODE = MedicalOptions(icd10cm=True, rxnorm=True, snomedct=True)
MEDICAL_APIS = ("DetectEntitiesV2", "InferICD10CM", "InferRxNorm", "InferSNOMEDCT")
TEXT = long_text(6_000)  # ~60 KB: 3 DetectEntitiesV2 chunks, 6 chunks of each Infer*


def artifacts() -> Artifacts:
    return Artifacts(S3BlobStore(), ResultsLayout(RESULTS))


def job(attempt: int = 1, document_id: str = "d" * 64) -> Job:
    return Job(ObjectRef(UPLOADS, "scan.pdf"), document_id=document_id, attempt=attempt)


def given_the_text(run: Job, text: str, language: str = "en") -> None:
    artifacts().save(run, LANGUAGE, TextResult(text, Language(language, 0.99)))


def keys(prefix: str) -> list[str]:
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(Bucket=RESULTS, Prefix=prefix)
    return [item["Key"] for item in listed.get("Contents", [])]


def run_medical(run: Job, fake: MedicalFake) -> MedicalAnalysis:
    analyzer = ComprehendMedicalAnalyzer(EVERY_CODE, fake)
    analyze_medical(run, analyzer=analyzer, artifacts=artifacts())
    return artifacts().load(run, MEDICAL, MedicalAnalysis)


def expected_medical_calls(text: str) -> Counter[str]:
    detect = [c for c in chunk_text(text, 20_000) if c.text.strip()]
    infer = [c for c in chunk_text(text, 10_000) if c.text.strip()]
    return Counter({"DetectEntitiesV2": len(detect)} | dict.fromkeys(MEDICAL_APIS[1:], len(infer)))


def test_given_the_last_medical_call_throttled_when_retried_then_each_chunk_billed_once() -> None:
    run = job()
    given_the_text(run, TEXT)
    calls = sum(expected_medical_calls(TEXT).values())
    assert calls >= 20  # several chunks of every API
    fake = MedicalFake(throttle_at={calls})  # the very last InferSNOMEDCT chunk
    with pytest.raises(ServiceThrottled):
        run_medical(run, fake)
    analysis = run_medical(run, fake)  # the retry
    assert max(fake.billed.values()) == 1
    assert fake.apis() == expected_medical_calls(TEXT)
    other = job(document_id="e" * 64)
    given_the_text(other, TEXT)
    unthrottled = run_medical(other, MedicalFake())
    assert serialization.to_dict(analysis) == serialization.to_dict(unthrottled)
    assert len(analysis.entities) == expected_medical_calls(TEXT)["DetectEntitiesV2"]


def test_given_throttles_in_every_api_when_retried_then_nothing_billed_twice() -> None:
    run = job()
    given_the_text(run, TEXT)
    # The first call, one in the middle of each API's run and the last: four retries.
    fake = MedicalFake(throttle_at={1, 5, 12, 20})
    for _ in range(4):
        with pytest.raises(ServiceThrottled):
            run_medical(run, fake)
    run_medical(run, fake)
    assert max(fake.billed.values()) == 1
    assert fake.apis() == expected_medical_calls(TEXT)


def test_given_a_reprocess_when_the_step_runs_again_then_it_is_a_new_attempt_billed_again() -> (
    None
):
    first, second = job(attempt=1), job(attempt=2)
    given_the_text(first, TEXT)
    fake = MedicalFake()
    run_medical(first, fake)
    run_medical(first, fake)  # the same attempt again: all read back
    assert max(fake.billed.values()) == 1
    run_medical(second, fake)
    assert set(fake.billed.values()) == {2}


def test_given_a_chunk_whose_text_changed_when_retried_then_only_that_chunk_is_asked_again() -> (
    None
):
    run = job()
    given_the_text(run, TEXT)
    fake = MedicalFake()
    run_medical(run, fake)
    changed = TEXT.replace("fever0 ", "cough0 ", 1)  # only the first chunk of each API
    given_the_text(run, changed)
    run_medical(run, fake)
    first_chunks = {api for api, text in fake.billed if text.startswith("cough0")}
    assert first_chunks == set(MEDICAL_APIS)
    assert max(fake.billed.values()) == 1
    assert sum(fake.billed.values()) == sum(expected_medical_calls(TEXT).values()) + 4


def test_checkpoints_live_under_the_documents_step_results_by_attempt() -> None:
    run = job(attempt=3)
    given_the_text(run, TEXT)
    run_medical(run, MedicalFake())
    stored = keys(f"documents/{run.document_id}/steps/checkpoints/3/analyze_medical/")
    assert len(stored) == sum(expected_medical_calls(TEXT).values())
    assert all(k.endswith(".json") and "fever" not in k for k in stored)  # no text in keys


def test_given_the_last_comprehend_call_throttled_when_retried_then_each_chunk_billed_once() -> (
    None
):
    run = job()
    text = long_text(30_000)  # ~300 KB: several 100 KB chunks and ~60 sentiment pieces
    given_the_text(run, text)
    pieces = [c for c in chunk_text(text, 5_000) if c.text.strip()]
    analysis_chunks = [c for c in chunk_text(text, 100_000) if c.text.strip()]
    calls = 3 * len(analysis_chunks) + len(pieces)
    fake = ComprehendFake(throttle_at={calls})  # the last DetectSentiment piece
    with pytest.raises(ServiceThrottled):
        analyze_text(run, analyzer=ComprehendAnalyzer(fake), artifacts=artifacts())
    analyze_text(run, analyzer=ComprehendAnalyzer(fake), artifacts=artifacts())
    assert max(fake.billed.values()) == 1
    assert fake.apis() == Counter(
        dict.fromkeys(
            ("DetectKeyPhrases", "DetectEntities", "DetectPiiEntities"), len(analysis_chunks)
        )
        | {"DetectSentiment": len(pieces)}
    )
    analysis = artifacts().load(run, TEXT_ANALYSIS, LanguageAnalysis)
    assert len(analysis.key_phrases) == len(analysis_chunks)
    assert analysis.sentiment is not None


def test_given_the_last_translate_call_throttled_when_retried_then_each_chunk_billed_once() -> (
    None
):
    run = job()
    text = long_text(5_000, word="fiebre")  # ~55 KB: six Translate chunks
    artifacts().save(run, OCR, _detection(text))
    chunks = [c for c in chunk_text(text, 10_000) if c.text.strip()]
    language = ComprehendFake(language="es")
    translate = TranslateFake(throttle_at={len(chunks)})
    with pytest.raises(ServiceThrottled):
        _analyze_language(run, language, translate)
    _analyze_language(run, language, translate)
    assert translate.apis() == Counter({"TranslateText": len(chunks)})
    assert max(translate.billed.values()) == 1
    assert language.apis() == Counter({"DetectDominantLanguage": 3})  # its 3-chunk sample
    assert max(language.billed.values()) == 1
    result = artifacts().load(run, LANGUAGE, TextResult)
    assert result.translation is not None
    assert result.translation.text == result.text.upper()


def _analyze_language(run: Job, language: ComprehendFake, translate: TranslateFake) -> None:
    analyze_language(
        run,
        detector=ComprehendLanguageDetector(language),
        translator=AmazonTranslator(translate),
        artifacts=artifacts(),
    )


def _detection(text: str) -> TextDetection:
    return TextDetection([page_of(*text.split("\n"))], Engine("amazon-textract", "1.0"))
