"""The review API's AWS adapters under moto: presigned uploads into the upload bucket,
a document's own versions of its originals deleted (never another document's bytes under
the same key), reprocessing through the pipeline's state machine; and the API's
settings."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests

from meddoc.aws.api_wiring import presigning_s3
from meddoc.aws.events import job_from_event
from meddoc.aws.review_adapters import S3Uploads, StepFunctionsReprocessor
from meddoc.aws.settings import ApiKeySettings, ApiSettings
from meddoc.errors import ConfigurationError, InvalidRequest
from meddoc.limits import Limits
from meddoc.model import DocumentRecord, ObjectRef
from tests.aws.cloud import REGION, UPLOADS
from tests.workflow.shim import ACCOUNT, definition

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def record(source: str = "scans/visit note.png", *others: str) -> DocumentRecord:
    return DocumentRecord(
        id="c0ffee" * 10 + "abcd",
        source=ObjectRef(UPLOADS, source),
        name=source.rsplit("/", 1)[-1],
        content_type="image/png",
        size=5,
        created_at=NOW,
        updated_at=NOW,
        other_sources=[ObjectRef(UPLOADS, key) for key in others],
    )


@pytest.fixture
def s3(cloud: None) -> Any:
    client = presigning_s3(REGION)
    client.put_bucket_versioning(Bucket=UPLOADS, VersioningConfiguration={"Status": "Enabled"})
    return client


def policy_of(fields: dict[str, str]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(base64.b64decode(fields["policy"]))
    return loaded


def test_an_upload_intent_is_a_presigned_post_of_exactly_that_file_under_its_own_prefix(
    s3: Any,
) -> None:
    uploads = S3Uploads(UPLOADS, s3, Limits(), expires_in=120)
    intent = uploads.intent("visit note ñ.png", 5, "image/png")
    again = uploads.intent("visit note ñ.png", 5, "image/png")
    assert intent.method == "POST"
    assert urlsplit(intent.url).hostname == f"{UPLOADS}.s3.{REGION}.amazonaws.com"
    assert intent.key.startswith("uploads/")
    assert intent.key.endswith("/visit note ñ.png")
    assert intent.key != again.key
    assert intent.fields["key"] == intent.key
    assert intent.max_bytes == Limits().max_document_bytes
    conditions = policy_of(intent.fields)["conditions"]
    assert ["content-length-range", 5, 5] in conditions
    assert {"key": intent.key} in conditions
    assert {"bucket": UPLOADS} in conditions
    sent = requests.post(
        intent.url, data=intent.fields, files={"file": ("x.png", b"12345")}, timeout=10
    )
    assert sent.status_code == 204
    stored = s3.get_object(Bucket=UPLOADS, Key=intent.key)["Body"].read()
    assert stored == b"12345"


@pytest.mark.parametrize(
    ("name", "size"),
    [("big.pdf", Limits().max_document_bytes + 1), ("é" * 128 + ".png", 10)],
)
def test_an_upload_too_large_or_with_an_overlong_name_is_refused(
    s3: Any, name: str, size: int
) -> None:
    with pytest.raises(InvalidRequest):
        S3Uploads(UPLOADS, s3, Limits()).intent(name, size, "image/png")


def versions_left(s3: Any) -> dict[str, list[bytes]]:
    """What each key of the upload bucket still holds, oldest version first."""
    listed = s3.list_object_versions(Bucket=UPLOADS).get("Versions", [])
    left: dict[str, list[bytes]] = {}
    for entry in sorted(listed, key=lambda v: v["LastModified"]):
        body = s3.get_object(Bucket=UPLOADS, Key=entry["Key"], VersionId=entry["VersionId"])
        left.setdefault(entry["Key"], []).append(body["Body"].read())
    return left


def test_deleting_a_document_deletes_exactly_its_own_versions_of_its_sources(s3: Any) -> None:
    mine, other = b"this document", b"another document, same key"
    first = s3.put_object(Bucket=UPLOADS, Key="scans/note.png", Body=mine)["VersionId"]
    s3.put_object(Bucket=UPLOADS, Key="scans/note.png", Body=other)  # overwritten
    again = s3.put_object(Bucket=UPLOADS, Key="again/note.png", Body=mine)["VersionId"]
    s3.put_object(Bucket=UPLOADS, Key="scans/note.png.bak", Body=mine)
    document = record("scans/note.png")
    document.source = ObjectRef(UPLOADS, "scans/note.png", first)
    document.other_sources = [ObjectRef(UPLOADS, "again/note.png", again)]
    assert S3Uploads(UPLOADS, s3, Limits()).delete_original(document) == 2
    assert versions_left(s3) == {"scans/note.png": [other], "scans/note.png.bak": [mine]}


def test_a_source_stored_without_a_version_deletes_the_versions_with_the_documents_bytes(
    s3: Any,
) -> None:
    mine, other = b"this document", b"another document, same key"
    for body in (mine, other, mine):
        s3.put_object(Bucket=UPLOADS, Key="scans/note.png", Body=body)
    s3.put_object(Bucket=UPLOADS, Key="scans/note.png.bak", Body=mine)
    document = record("scans/note.png")
    document.id = hashlib.sha256(mine).hexdigest()
    uploads = S3Uploads(UPLOADS, s3, Limits())
    assert uploads.delete_original(document) == 2
    assert versions_left(s3) == {"scans/note.png": [other], "scans/note.png.bak": [mine]}
    assert uploads.delete_original(document) == 0  # nothing of it left to delete


def test_reprocessing_starts_the_pipeline_with_a_request_the_validate_step_reads(
    cloud: None,
) -> None:
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    machine = stepfunctions.create_state_machine(
        name="pipeline", definition=definition(), roleArn=f"arn:aws:iam::{ACCOUNT}:role/x"
    )["stateMachineArn"]
    document = record()
    document.source = ObjectRef(UPLOADS, "scans/visit note.png", "v-1")
    StepFunctionsReprocessor(machine, stepfunctions).reprocess(document)
    executions = stepfunctions.list_executions(stateMachineArn=machine)["executions"]
    assert len(executions) == 1
    assert "visit" not in executions[0]["name"]  # file names may be PHI
    started = stepfunctions.describe_execution(executionArn=executions[0]["executionArn"])
    job = job_from_event(json.loads(started["input"]))
    assert job.source == ObjectRef(UPLOADS, "scans/visit note.png", "v-1")
    assert job.name == "visit note.png"
    assert job.resume is True  # the API has set the record RECEIVED: this run owns it


def api_environ(**changes: str) -> dict[str, str]:
    environ = {
        "RESULTS_BUCKET": "results",
        "TABLE_NAME": "documents",
        "UPLOAD_BUCKET": "uploads",
        "STATE_MACHINE_ARN": "arn:aws:states:eu-west-1:1:stateMachine:p",
        "AWS_REGION": "eu-west-1",
        "SITE_ORIGIN": "https://d1.cloudfront.net/",
    }
    environ.update(changes)
    return {k: v for k, v in environ.items() if v}


def test_api_settings_come_from_the_environment_and_name_what_is_missing() -> None:
    settings = ApiSettings.from_environ(api_environ())
    assert settings.upload_bucket == "uploads"
    assert settings.region == "eu-west-1"
    assert settings.site_origin == "https://d1.cloudfront.net"
    assert settings.aws.table_name == "documents"
    for missing in ("UPLOAD_BUCKET", "STATE_MACHINE_ARN", "TABLE_NAME"):
        with pytest.raises(ConfigurationError, match=missing):
            ApiSettings.from_environ(api_environ(**{missing: ""}))
    with pytest.raises(ConfigurationError, match="API_KEY_SECRET_ARN"):
        ApiKeySettings.from_environ({})
