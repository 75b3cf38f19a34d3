"""The workflow tests' harness: moto with the real handlers in-process (shim.py), the AI
services stubbed with botocore's Stubber, and helpers to run executions and read what
they stored."""

from __future__ import annotations

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
from meddoc.api.service import ReviewService
from meddoc.aws import api_wiring, clients, wiring
from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer
from meddoc.aws.settings import ApiSettings
from meddoc.aws.textract import TextractAsyncDetector, TextractDetector
from meddoc.aws.translate import AmazonTranslator
from meddoc.model import Document, DocumentRecord
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS, lambda_environment
from tests.workflow.shim import IN_FLIGHT, definition, handlers_in_process, load_handlers

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "aws"


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
def text_detection_only(aws_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack deployed with TextractFeatures NONE: DetectDocumentText and the async
    text detection, as the tests written for that mode stub them."""
    monkeypatch.setenv("TEXTRACT_FEATURES", "NONE")


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
    features = aws.settings.textract_features
    aws.text_detector = TextractDetector(made["textract"], features)
    aws.async_text_detector = TextractAsyncDetector(made["textract"], features)
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


def upload_event(key: str, version: str = "") -> dict[str, Any]:
    """An S3 "Object Created" event as EventBridge delivers it (key URL-encoded; the
    version id when the bucket is versioned)."""
    event: dict[str, Any] = json.loads((ROOT / "events" / "validate.json").read_text())
    event["detail"]["bucket"]["name"] = UPLOADS
    event["detail"]["object"]["key"] = quote_plus(key, safe="/")
    if version:
        event["detail"]["object"]["version-id"] = version
    return event


def execute(key: str, data: bytes) -> dict[str, Any]:
    """Upload, then run the workflow on the event of that upload."""
    put = boto3.client("s3", region_name=REGION).put_object(Bucket=UPLOADS, Key=key, Body=data)
    return run_workflow(upload_event(key, put.get("VersionId", "")))


def run_workflow(event: dict[str, Any]) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name=f"pipeline-{time.monotonic_ns()}",
        definition=definition(),
        roleArn="arn:aws:iam::123456789012:role/pipeline",
    )["stateMachineArn"]
    execution = sfn.start_execution(stateMachineArn=machine, input=json.dumps(event))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        if described["status"] != "RUNNING":
            IN_FLIGHT.wait_idle()
            return described
        time.sleep(0.2)
    raise AssertionError("the workflow did not finish within 120 s")


def review_service() -> ReviewService:
    """The review service as the API Lambda wires it (what the site's requests reach)."""
    environ = {
        **lambda_environment(),
        "UPLOAD_BUCKET": UPLOADS,
        "STATE_MACHINE_ARN": f"arn:aws:states:{REGION}:123456789012:stateMachine:pipeline",
        "AWS_REGION": REGION,
    }
    return api_wiring.review_service(ApiSettings.from_environ(environ))


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
