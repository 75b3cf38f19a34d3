"""The real statemachine/pipeline.asl.json, executed by moto's Step Functions engine,
with the real handlers in-process (tests/workflow/shim.py) and the AI services stubbed
with botocore's Stubber on recorded response shapes. Each test asserts what ends up
stored: the record in DynamoDB and the results in S3, not only the execution status."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest

from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, Status, TextDetection
from tests.aws.cloud import REGION, UPLOADS
from tests.documents import pdf_bytes, png_bytes
from tests.fakes import page_of
from tests.workflow.harness import (
    FIXTURES,
    Services,
    aspirin_entities,
    execute,
    fixture,
    result_keys,
    stored_document,
    stored_record,
    stub_comprehend,
    stub_medical,
)

pytestmark = [pytest.mark.xdist_group("workflow"), pytest.mark.usefixtures("text_detection_only")]


def test_a_printed_image_goes_through_to_done_with_results_and_index(
    services: Services,
) -> None:
    services.textract.add_response(
        "detect_document_text", fixture("textract/textractor_test_page1.textract.json")
    )
    stub_comprehend(services)
    stub_medical(services, {"Entities": [], "UnmappedAttributes": [], "ModelVersion": "2.4.0"})
    execution = execute("intake/scan one+1.png", png_bytes(text="scan"))
    assert execution["status"] == "SUCCEEDED"
    output = json.loads(execution["output"])
    assert output["source"]["bucket"] == UPLOADS
    assert output["source"]["key"] == "intake/scan one+1.png"
    assert output["source"]["version"]  # the upload bucket is versioned: the event pins it
    record = stored_record(output["document_id"])
    assert record.status == Status.DONE
    assert record.summary is not None
    assert record.summary.words > 0
    document = stored_document(record.id)
    expected = (FIXTURES / "textract" / "textractor_test_page1.lines.txt").read_text()
    assert document.text == expected.rstrip("\n")
    keys = result_keys(record.id)
    assert any("/raw/detect_text-0001-DetectDocumentText.json" in k for k in keys)
    assert any("/raw/analyze_medical-0001-DetectEntitiesV2.json" in k for k in keys)
    for stub in services.all():
        stub.assert_no_pending_responses()


def test_a_spanish_document_is_translated_and_both_texts_are_kept(services: Services) -> None:
    spanish = to_textract_json(
        TextDetection([page_of("Paciente toma aspirina diaria")], Engine("amazon-textract", "1.0"))
    )
    services.textract.add_response("detect_document_text", spanish)
    stub_comprehend(services, language="es")
    english = "Patient takes aspirin daily"
    services.translate.add_response(
        "translate_text",
        {"TranslatedText": english, "SourceLanguageCode": "es", "TargetLanguageCode": "en"},
    )
    stub_medical(services, aspirin_entities(english))
    execution = execute("notas/niño ñandú.png", png_bytes(text="es"))
    assert execution["status"] == "SUCCEEDED"
    document = stored_document(json.loads(execution["output"])["document_id"])
    assert document.text == "Paciente toma aspirina diaria"
    assert document.translation is not None
    assert document.translation.text == english
    assert document.medical is not None
    assert document.medical.text_source == "translation"
    aspirin = document.medical.entities[0]
    assert document.translation.text[aspirin.begin : aspirin.end] == "aspirin"


def test_throttling_twice_is_retried_by_the_workflow_then_succeeds(services: Services) -> None:
    text_response = to_textract_json(
        TextDetection([page_of("Take aspirin 81 mg daily")], Engine("amazon-textract", "1.0"))
    )
    services.textract.add_response("detect_document_text", text_response)
    stub_comprehend(services)
    stub_medical(services, aspirin_entities("Take aspirin 81 mg daily"), throttles=2)
    execution = execute("a.png", png_bytes(text="throttle"))
    assert execution["status"] == "SUCCEEDED"
    record = stored_record(json.loads(execution["output"])["document_id"])
    assert record.status == Status.DONE
    assert record.summary is not None
    assert record.summary.medications == 1
    invoked = services.invoked  # type: ignore[attr-defined]
    assert invoked.count("AnalyzeMedicalFunction") == 3


def test_a_corrupt_upload_ends_failed_with_a_reason_and_is_kept(services: Services) -> None:
    data = png_bytes(300, 300, "corrupt")[:500]
    execution = execute("broken scan.png", data)
    assert execution["status"] == "FAILED"
    assert execution.get("error") == "InvalidDocument"
    record = stored_record(hashlib.sha256(data).hexdigest())
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "validate"
    assert "PNG image is truncated" in record.failure.reason
    kept = boto3.client("s3", region_name=REGION).get_object(Bucket=UPLOADS, Key="broken scan.png")
    assert kept["Body"].read() == data


def test_a_service_that_keeps_refusing_ends_failed_at_its_step(services: Services) -> None:
    services.textract.add_client_error(
        "detect_document_text",
        service_error_code="UnsupportedDocumentException",
        http_status_code=400,
    )
    execution = execute("odd.png", png_bytes(text="odd"))
    assert execution["status"] == "FAILED"
    record = stored_record(hashlib.sha256(png_bytes(text="odd")).hexdigest())
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "detect_text"
    assert "Amazon Textract refused the request (UnsupportedDocumentException)" in (
        record.failure.reason
    )


def test_a_pdf_takes_the_asynchronous_path_and_gathers_every_page(services: Services) -> None:
    second = page_of("Page two")
    second.number = 2
    pages = to_textract_json(
        TextDetection([page_of("Page one: aspirin"), second], Engine("amazon-textract", "1.0"))
    )
    services.textract.add_response("start_document_text_detection", {"JobId": "job-1"})
    services.textract.add_response(
        "get_document_text_detection", {"JobStatus": "SUCCEEDED", **pages}
    )
    stub_comprehend(services)
    stub_medical(services, aspirin_entities("Page one: aspirin\n\nPage two"))
    execution = execute("records/two pages.pdf", pdf_bytes(2))
    assert execution["status"] == "SUCCEEDED"
    document = stored_document(json.loads(execution["output"])["document_id"])
    assert [p.lines[0].text for p in document.pages] == ["Page one: aspirin", "Page two"]
