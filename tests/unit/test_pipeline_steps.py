"""The steps run end to end over fakes of the ports: what is stored, what the record
says, and how failures end."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meddoc import serialization
from meddoc.errors import TextDetectionFailed
from meddoc.limits import Limits
from meddoc.model import (
    Document,
    DocumentType,
    ObjectRef,
    SectionKind,
    Status,
    TextDetection,
)
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.detect_text import (
    IN_PROGRESS,
    SUCCEEDED,
    collect_text_detection,
    start_text_detection,
)
from meddoc.pipeline.failure import StepError, failure_for
from meddoc.pipeline.job import Job, ResultsLayout
from meddoc.pipeline.runner import Pipeline
from meddoc.pipeline.validate import validate
from meddoc.ports import IndexTerm
from tests.documents import pdf_bytes, png_bytes
from tests.fakes import (
    FakeAsyncTextDetector,
    FakeBlobStore,
    FakeDocumentStore,
    FakeLanguageAnalyzer,
    FakeLanguageDetector,
    FakeMedicalAnalyzer,
    FakeTextDetector,
    FakeTranslator,
    page_of,
)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
RESULTS = "results"


def make_pipeline(
    lines: tuple[str, ...], medical: FakeMedicalAnalyzer | None = None
) -> tuple[Pipeline, FakeBlobStore, FakeDocumentStore]:
    blobs, store = FakeBlobStore(), FakeDocumentStore()
    pipeline = Pipeline(
        blobs=blobs,
        store=store,
        artifacts=Artifacts(blobs, ResultsLayout(RESULTS)),
        detector=FakeTextDetector([page_of(*lines)]),
        language_detector=FakeLanguageDetector(),
        translator=FakeTranslator(),
        language_analyzer=FakeLanguageAnalyzer(),
        medical_analyzer=medical or FakeMedicalAnalyzer(),
        now=lambda: NOW,
    )
    return pipeline, blobs, store


def load_document(blobs: FakeBlobStore, document_id: str) -> Document:
    ref = ResultsLayout(RESULTS).document(document_id)
    return serialization.loads(Document, blobs.read(ref))


def test_given_a_printed_note_when_run_then_done_with_entities_summary_and_index() -> None:
    pipeline, blobs, store = make_pipeline(("Dx: type 2 diabetes", "Plan: metformin 500 mg"))
    blobs.put(ObjectRef("uploads", "note.png"), png_bytes(text="note"))
    record = pipeline.run(ObjectRef("uploads", "note.png"))
    assert record.status == Status.DONE
    assert record.summary is not None
    assert (record.summary.medications, record.summary.conditions) == (1, 1)
    assert record.summary.icd10cm_codes == ["E11.9"]
    assert record.summary.words == 8
    document = load_document(blobs, record.id)
    assert document.text == "Dx: type 2 diabetes\nPlan: metformin 500 mg"
    assert document.medical is not None
    metformin = next(e for e in document.medical.entities if e.text == "metformin")
    assert document.text[metformin.begin : metformin.end] == "metformin"
    word = document.pages[0].lines[1].words[1]  # where the site finds the entity's box
    assert word.begin is not None
    assert document.text[word.begin : word.begin + len(word.text)] == "metformin"
    assert document.translation is None
    assert {e.name for e in document.engines} == {"fake-ocr", "fake-nlp", "fake-cm"}
    assert IndexTerm("ICD-10-CM", "E11.9", "MEDICAL_CONDITION") in store.terms[record.id]
    assert IndexTerm("entity", "metformin", "MEDICATION") in store.terms[record.id]
    raw_keys = [k for k in blobs.keys(RESULTS) if "/raw/" in k]
    assert any("detect_text-0001-FakeDetect" in k for k in raw_keys)


def test_given_a_lab_report_when_stored_then_its_sections_and_type_are_kept() -> None:
    lines = (
        "LABORATORY REPORT",
        "Patient: Ann Example",
        "Test Result Units Reference Flag",
        "Glucose 115 mg/dL 70-99 H",
    )
    pipeline, blobs, _ = make_pipeline(lines)
    blobs.put(ObjectRef("uploads", "lab.png"), png_bytes(text="lab"))

    record = pipeline.run(ObjectRef("uploads", "lab.png"))

    assert record.summary is not None
    assert record.summary.document_type == "LAB_REPORT"
    structure = load_document(blobs, record.id).structure
    assert structure is not None
    assert structure.document_type.type is DocumentType.LAB_REPORT
    text = "\n".join(lines)
    assert structure.kind_at(text.index("Glucose")) is SectionKind.RESULTS
    assert structure.kind_at(text.index("Ann")) is SectionKind.PATIENT


def test_given_a_spanish_note_then_translated_and_analysed_in_english_keeping_both() -> None:
    pipeline, blobs, _ = make_pipeline(("paciente con dolor de cabeza",))
    blobs.put(ObjectRef("uploads", "nota.png"), png_bytes(text="nota"))
    record = pipeline.run(ObjectRef("uploads", "nota.png"))
    assert record.status == Status.DONE
    document = load_document(blobs, record.id)
    assert document.text == "paciente con dolor de cabeza"
    assert document.translation is not None
    assert document.translation.text == "patient con pain of head"
    assert document.language is not None
    assert document.language.language.code == "es"
    assert document.medical is not None
    assert document.medical.text_source == "translation"
    pain = document.medical.entities[0]
    assert document.translation.text[pain.begin : pain.end] == "pain"


def test_given_the_medical_service_throttles_then_failed_with_step_and_reason() -> None:
    pipeline, blobs, _ = make_pipeline(("diabetes",), FakeMedicalAnalyzer(fail_times=99))
    blobs.put(ObjectRef("uploads", "a.png"), png_bytes())
    record = pipeline.run(ObjectRef("uploads", "a.png"))
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "analyze_medical"
    assert record.failure.error == "ServiceThrottled"
    assert "Comprehend Medical is throttling requests" in record.failure.reason
    assert "reprocess the document later" in record.failure.reason


def test_given_a_corrupt_upload_then_failed_and_the_detector_never_called() -> None:
    pipeline, blobs, _ = make_pipeline(("x",))
    blobs.put(ObjectRef("uploads", "bad.png"), b"\x89PNG\r\n\x1a\n" + b"\x00" * 10)
    record = pipeline.run(ObjectRef("uploads", "bad.png"))
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "validate"
    assert isinstance(pipeline.detector, FakeTextDetector)
    assert pipeline.detector.calls == 0


def test_given_the_same_file_twice_then_processed_once() -> None:
    pipeline, blobs, store = make_pipeline(("diabetes",))
    data = png_bytes(text="same")
    blobs.put(ObjectRef("uploads", "a.png"), data)
    blobs.put(ObjectRef("uploads", "b.png"), data)
    pipeline.run(ObjectRef("uploads", "a.png"))
    second = pipeline.run(ObjectRef("uploads", "b.png"))
    assert second.status == Status.DONE
    assert isinstance(pipeline.detector, FakeTextDetector)
    assert pipeline.detector.calls == 1
    assert len(store.records) == 1


def test_given_a_blank_page_then_done_with_empty_analyses_and_a_note() -> None:
    pipeline, blobs, _ = make_pipeline(())
    blobs.put(ObjectRef("uploads", "blank.png"), png_bytes())
    record = pipeline.run(ObjectRef("uploads", "blank.png"))
    assert record.status == Status.DONE
    document = load_document(blobs, record.id)
    assert document.medical is not None
    assert document.medical.entities == []
    assert document.medical.note == "the document has no text"


def test_given_a_pdf_then_async_detection_polls_until_done() -> None:
    blobs, store = FakeBlobStore(), FakeDocumentStore()
    artifacts = Artifacts(blobs, ResultsLayout(RESULTS))
    blobs.put(ObjectRef("uploads", "a.pdf"), pdf_bytes(2))
    job = validate(
        Job(source=ObjectRef("uploads", "a.pdf")),
        blobs=blobs,
        store=store,
        limits=Limits(),
        now=lambda: NOW,
    )
    detector = FakeAsyncTextDetector([page_of("one"), page_of("two")], polls_until_done=3)
    job = start_text_detection(
        job, detector=detector, artifacts=artifacts, store=store, now=lambda: NOW
    )
    assert detector.started == [f"{job.document_id[:56]}-1"]
    record = store.get(job.document_id)
    assert record is not None
    assert record.status == Status.PROCESSING
    statuses = []
    while job.text_status != SUCCEEDED:
        job = collect_text_detection(job, detector=detector, artifacts=artifacts, limits=Limits())
        statuses.append(job.text_status)
    assert statuses == [IN_PROGRESS, IN_PROGRESS, SUCCEEDED]
    detection = artifacts.load(job, "ocr", TextDetection)
    assert [p.lines[0].text for p in detection.pages] == ["one", "two"]


def test_given_async_detection_never_finishes_then_it_gives_up_with_a_reason() -> None:
    blobs = FakeBlobStore()
    artifacts = Artifacts(blobs, ResultsLayout(RESULTS))
    job = Job(source=ObjectRef("uploads", "a.pdf"), document_id="d", text_job_id="j")
    detector = FakeAsyncTextDetector([], polls_until_done=100)
    for _ in range(2):
        job = collect_text_detection(
            job, detector=detector, artifacts=artifacts, limits=Limits(max_polls=2)
        )
    assert job.text_status == IN_PROGRESS
    with pytest.raises(TextDetectionFailed, match="did not finish after 2 checks"):
        collect_text_detection(
            job, detector=detector, artifacts=artifacts, limits=Limits(max_polls=2)
        )


@pytest.mark.parametrize(
    ("error", "cause", "expected"),
    [
        (
            "InvalidDocument",
            {"errorType": "InvalidDocument", "errorMessage": "bad scan"},
            "bad scan",
        ),
        (
            "ServiceThrottled",
            {"errorType": "ServiceThrottled", "errorMessage": "busy"},
            "busy; retries ran out in step detect_text; reprocess the document later",
        ),
        (
            "KeyError",
            {"errorType": "KeyError", "errorMessage": "'John Smith'"},
            "unexpected error in step detect_text (KeyError); see the service logs",
        ),
        ("States.Timeout", None, "step detect_text timed out"),
        ("Lambda.ServiceException", None, "could not run (Lambda.ServiceException)"),
    ],
)
def test_given_an_error_then_the_reason_is_readable_and_never_quotes_foreign_messages(
    error: str, cause: dict[str, str] | None, expected: str
) -> None:
    failure = failure_for("detect_text", StepError(error, json.dumps(cause) if cause else ""))
    assert expected in failure.reason
    assert "John Smith" not in failure.reason


def test_documents_waiting_past_the_threshold_are_failed_as_timed_out() -> None:
    from datetime import timedelta

    from meddoc.local.database import connect
    from meddoc.local.sqlite_review import SqliteReviewStore
    from meddoc.local.sqlite_store import SqliteDocumentStore
    from meddoc.model import DocumentRecord
    from meddoc.pipeline.stuck import fail_stuck

    store = SqliteDocumentStore(connect(Path(tempfile.mkdtemp()) / "m.db"))
    reviews = SqliteReviewStore(store)
    hour_ago = NOW - timedelta(hours=3)
    for document_id, status, when in [
        ("old", Status.PROCESSING, hour_ago),
        ("kept", Status.PROCESSING, hour_ago),
        ("new", Status.RECEIVED, NOW),
        ("done", Status.DONE, hour_ago),
    ]:
        store.create(
            DocumentRecord(
                id=document_id,
                source=ObjectRef("u", document_id),
                name=document_id,
                content_type="image/png",
                size=1,
                created_at=when,
                updated_at=when,
                status=status,
            )
        )
    failed = fail_stuck(reviews, store, lambda: NOW, timedelta(hours=1), keep=frozenset({"kept"}))
    assert failed == ["old"]
    record = store.get("old")
    assert record is not None
    assert record.failure is not None
    assert record.failure.reason == (
        "timed out: still PROCESSING after 60 minutes; reprocess the document"
    )
    assert [store.get(i).status for i in ("kept", "new", "done")] == [  # type: ignore[union-attr]
        Status.PROCESSING,
        Status.RECEIVED,
        Status.DONE,
    ]
