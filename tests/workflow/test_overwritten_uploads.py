"""An S3 key overwritten with another document's bytes: each document keeps reading the
object version it came from (pages, page images), and deleting one leaves the other's
original intact. The real workflow in moto, the review service as the API Lambda wires it."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest

from meddoc.api.roles import admin
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, Status, TextDetection
from meddoc.page_images import render_page
from tests.aws.cloud import REGION, UPLOADS
from tests.documents import png_bytes
from tests.fakes import page_of
from tests.workflow.harness import (
    Services,
    execute,
    review_service,
    stored_record,
    stub_comprehend,
    stub_medical,
)

pytestmark = [pytest.mark.xdist_group("workflow"), pytest.mark.usefixtures("text_detection_only")]
KEY = "scans/scan001.png"  # a scanner that reuses its file names
ADMIN = admin("admin@example.org")  # page images with PHI, and delete


def process(services: Services, data: bytes, text: str) -> str:
    detection = TextDetection([page_of(text)], Engine("amazon-textract", "1.0"))
    services.textract.add_response("detect_document_text", to_textract_json(detection))
    stub_comprehend(services)
    stub_medical(services, {"Entities": [], "UnmappedAttributes": [], "ModelVersion": "2.4.0"})
    execution = execute(KEY, data)
    assert execution["status"] == "SUCCEEDED"
    document_id: str = json.loads(execution["output"])["document_id"]
    assert document_id == hashlib.sha256(data).hexdigest()
    return document_id


def test_an_overwritten_key_leaves_each_document_its_own_pages_and_delete_its_own_bytes(
    services: Services,
) -> None:
    first, second = png_bytes(200, 80, "patient A"), png_bytes(200, 80, "patient B")
    a = process(services, first, "Patient A takes aspirin")
    b = process(services, second, "Patient B has asthma")
    records = stored_record(a), stored_record(b)
    assert [r.status for r in records] == [Status.DONE, Status.DONE]
    assert records[0].source.key == records[1].source.key == KEY
    assert records[0].source.version != records[1].source.version
    reviews = review_service()
    for document_id, data in ((a, first), (b, second)):
        image = reviews.page_image(document_id, 1, ADMIN, reveal=True)
        assert image.body == render_page(data, 1, 0, [])

    reviews.delete(a, ADMIN)
    s3 = boto3.client("s3", region_name=REGION)
    (left,) = s3.list_object_versions(Bucket=UPLOADS, Prefix=KEY)["Versions"]
    assert left["VersionId"] == records[1].source.version
    image = reviews.page_image(b, 1, ADMIN, reveal=True)
    assert image.body == render_page(second, 1, 0, [])
    assert s3.get_object(Bucket=UPLOADS, Key=KEY)["Body"].read() == second
