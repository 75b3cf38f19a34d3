"""The real statemachine/pipeline.asl.json, executed by moto's Step Functions engine,
with the real handlers in-process (tests/workflow/shim.py) and the AI services stubbed
with botocore's Stubber on recorded response shapes. Each test asserts what ends up
stored: the record in DynamoDB and the results in S3, not only the execution status."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest
from botocore.stub import Stubber

from meddoc import serialization
from meddoc.aws import clients, wiring
from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer
from meddoc.aws.textract import TextractAsyncDetector, TextractDetector
from meddoc.aws.translate import AmazonTranslator
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Document, DocumentRecord, Engine, Status, TextDetection
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS
from tests.documents import pdf_bytes, png_bytes
from tests.fakes import page_of
from tests.workflow.shim import definition, handlers_in_process, load_handlers

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "aws"
pytestmark = pytest.mark.xdist_group("workflow")


@dataclass
class Services:
    textract: Stubber
    comprehend: Stubber
    language: Stubber
    medical: Stubber
    translate: Stubber

    def all(self) -> list[Stubber]:
        return [self.textract, self.comprehend, self.language, self.medical, self.translate]


@pytest.fixture
def services(cloud: None) -> Iterator[Services]:
    clients.client.cache_clear()
    clients.resource.cache_clear()
    wiring.runtime.cache_clear()
    handlers = load_handlers()
    aws = wiring.runtime()
    made = {
        name: boto3.client(service, region_name=REGION)
        for name, service in [
            ("textract", "textract"),
            ("comprehend", "comprehend"),
            ("language", "comprehend"),
            ("medical", "comprehendmedical"),
            ("translate", "translate"),
        ]
    }
    aws.text_detector = TextractDetector(made["textract"])
    aws.async_text_detector = TextractAsyncDetector(made["textract"])
    aws.language_detector = ComprehendLanguageDetector(made["language"])
    aws.language_analyzer = ComprehendAnalyzer(made["comprehend"], pii=aws.settings.pii)
    aws.translator = AmazonTranslator(made["translate"])
    aws.medical_analyzer = ComprehendMedicalAnalyzer(aws.settings.medical, made["medical"])
    stubs = Services(**{name: Stubber(client) for name, client in made.items()})
    for stub in stubs.all():
        stub.activate()
    with handlers_in_process(handlers) as invoked:
        stubs.invoked = invoked  # type: ignore[attr-defined]
        yield stubs
    for stub in stubs.all():
        stub.deactivate()


def upload_event(key: str) -> dict[str, Any]:
    """An S3 "Object Created" event as EventBridge delivers it (key URL-encoded)."""
    event: dict[str, Any] = json.loads((ROOT / "events" / "validate.json").read_text())
    event["detail"]["bucket"]["name"] = UPLOADS
    event["detail"]["object"]["key"] = quote_plus(key, safe="/")
    return event


def execute(key: str, data: bytes) -> dict[str, Any]:
    boto3.client("s3", region_name=REGION).put_object(Bucket=UPLOADS, Key=key, Body=data)
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name=f"pipeline-{time.monotonic_ns()}",
        definition=definition(),
        roleArn="arn:aws:iam::123456789012:role/pipeline",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(upload_event(key)))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        if described["status"] != "RUNNING":
            return described
        time.sleep(0.2)
    raise AssertionError("the workflow did not finish within 120 s")


def stored_record(document_id: str) -> DocumentRecord:
    item = (
        boto3.resource("dynamodb", region_name=REGION)
        .Table(TABLE)
        .get_item(Key={"pk": f"DOC#{document_id}", "sk": "RECORD"})["Item"]
    )
    return serialization.loads(DocumentRecord, item["data"])


def stored_document(document_id: str) -> Document:
    body = (
        boto3.client("s3", region_name=REGION)
        .get_object(Bucket=RESULTS, Key=f"documents/{document_id}/document.json")["Body"]
        .read()
    )
    return serialization.loads(Document, body)


def result_keys(document_id: str) -> list[str]:
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(
        Bucket=RESULTS, Prefix=f"documents/{document_id}/"
    )
    return [item["Key"] for item in listed.get("Contents", [])]


def fixture(path: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / path).read_text())
    return loaded


def stub_comprehend(stubs: Services, language: str = "en") -> None:
    stubs.language.add_response(
        "detect_dominant_language", {"Languages": [{"LanguageCode": language, "Score": 0.98}]}
    )
    stubs.comprehend.add_response("detect_key_phrases", {"KeyPhrases": []})
    stubs.comprehend.add_response("detect_entities", {"Entities": []})
    stubs.comprehend.add_response("detect_pii_entities", {"Entities": []})
    stubs.comprehend.add_response(
        "detect_sentiment",
        {
            "Sentiment": "NEUTRAL",
            "SentimentScore": {"Positive": 0.1, "Negative": 0.0, "Neutral": 0.9, "Mixed": 0.0},
        },
    )


def stub_medical(stubs: Services, entities: dict[str, Any], throttles: int = 0) -> None:
    for _ in range(throttles):
        stubs.medical.add_client_error(
            "detect_entities_v2", service_error_code="ThrottlingException", http_status_code=400
        )
    stubs.medical.add_response("detect_entities_v2", entities)
    stubs.medical.add_response("infer_icd10_cm", {"Entities": [], "ModelVersion": "0.1"})
    stubs.medical.add_response("infer_rx_norm", {"Entities": [], "ModelVersion": "0.1"})


def aspirin_entities(text: str) -> dict[str, Any]:
    start = text.index("aspirin")
    return {
        "ModelVersion": "2.4.0",
        "UnmappedAttributes": [],
        "Entities": [
            {
                "Id": 0,
                "BeginOffset": start,
                "EndOffset": start + 7,
                "Score": 0.99,
                "Text": "aspirin",
                "Category": "MEDICATION",
                "Type": "GENERIC_NAME",
                "Traits": [],
                "Attributes": [],
            }
        ],
    }


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
    assert output["source"] == {"bucket": UPLOADS, "key": "intake/scan one+1.png"}
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
