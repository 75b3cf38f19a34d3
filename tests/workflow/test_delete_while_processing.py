"""A document deleted through the review service while the real workflow (moto) is in
the middle of its run: the run stops at its next write and removes what it wrote, so
the results prefix is empty, no record is left, and a new upload of the same bytes is
processed afresh (nothing the deleted run stored, idempotency records included, is
reused)."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from meddoc.api.roles import admin
from meddoc.aws import wiring
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, MedicalAnalysis, Status, TextDetection
from meddoc.ports import MedicalAnalyzer, ResponseLog
from tests.aws.cloud import IDEMPOTENCY, REGION, RESULTS, TABLE, UPLOADS
from tests.documents import png_bytes
from tests.fakes import page_of
from tests.workflow.harness import (
    Services,
    execute,
    result_keys,
    review_service,
    stored_record,
    stub_comprehend,
    stub_medical,
)

pytestmark = [pytest.mark.xdist_group("workflow"), pytest.mark.usefixtures("text_detection_only")]
TEXT = "Plan: aspirin 81 mg daily"
DATA = png_bytes(text="visit")
DOCUMENT_ID = hashlib.sha256(DATA).hexdigest()


class DeletedMeanwhile:
    """Comprehend Medical, during whose call a reviewer deletes the document."""

    def __init__(self, inner: MedicalAnalyzer) -> None:
        self.inner = inner
        self.deletes = 1

    def supports(self, language: str) -> bool:
        return self.inner.supports(language)

    def analyze(self, text: str, language: str, log: ResponseLog) -> MedicalAnalysis:
        if self.deletes:
            self.deletes -= 1
            review_service().delete(DOCUMENT_ID, admin("admin@example.org"))
        return self.inner.analyze(text, language, log)


def stub_services(services: Services) -> None:
    detection = TextDetection([page_of(TEXT)], Engine("amazon-textract", "1.0"))
    services.textract.add_response("detect_document_text", to_textract_json(detection))
    stub_comprehend(services)
    stub_medical(services, {"Entities": [], "UnmappedAttributes": [], "ModelVersion": "2.4.0"})


def test_a_document_deleted_during_its_run_leaves_no_results_record_or_original(
    services: Services,
) -> None:
    aws = wiring.runtime()
    aws.medical_analyzer = DeletedMeanwhile(aws.medical_analyzer)  # type: ignore[assignment]
    stub_services(services)
    execution = execute("scans/visit.png", DATA)

    assert execution["status"] == "SUCCEEDED"  # the run ended at its Deleted state
    assert result_keys(DOCUMENT_ID) == []
    s3 = boto3.client("s3", region_name=REGION)
    assert s3.list_objects_v2(Bucket=RESULTS)["KeyCount"] == 0
    assert s3.list_object_versions(Bucket=UPLOADS).get("Versions", []) == []
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    left = table.query(KeyConditionExpression=Key("pk").eq(f"DOC#{DOCUMENT_ID}"))["Items"]
    assert [json.loads(str(item["data"]))["action"] for item in left] == ["DELETE"]
    tombstone = table.get_item(Key={"pk": f"TOMBSTONE#{DOCUMENT_ID}", "sk": "TOMBSTONE"})
    assert tombstone["Item"]["attempts"] == 1
    service = review_service()
    assert service.health().documents == {}
    # The steps that finished before the delete stored their answers for attempt 1.
    idempotency = boto3.resource("dynamodb", region_name=REGION).Table(IDEMPOTENCY)
    assert idempotency.scan()["Count"] > 0


def test_the_same_bytes_uploaded_after_a_delete_during_processing_end_done(
    services: Services,
) -> None:
    aws = wiring.runtime()
    aws.medical_analyzer = DeletedMeanwhile(aws.medical_analyzer)  # type: ignore[assignment]
    stub_services(services)
    assert execute("scans/visit.png", DATA)["status"] == "SUCCEEDED"
    # The same calls again (answers the deleted run did not get to use come first: the
    # same answers, in the same order).
    stub_services(services)

    again = execute("again/visit.png", DATA)

    assert again["status"] == "SUCCEEDED"
    record = stored_record(DOCUMENT_ID)
    assert (record.status, record.attempts) == (Status.DONE, 2)
    assert any(key.endswith("/document.json") for key in result_keys(DOCUMENT_ID))
