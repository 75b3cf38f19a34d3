"""Uploads through admission control, in moto: the upload event waits in the queue, the
real starter admits it under the in-flight limit, the real pipeline ASL runs against AI
services that enforce their quotas (tests/workflow/admission_world.py). Waits are
compressed; attempt counts are the ASL's own."""

from __future__ import annotations

import hashlib

import pytest

from meddoc.api.roles import admin
from meddoc.api.service import ReviewService
from meddoc.aws import api_wiring
from meddoc.aws.settings import ApiSettings
from meddoc.model import Status
from tests.aws.cloud import REGION, UPLOADS, lambda_environment
from tests.documents import png_bytes
from tests.workflow.admission_world import WorldSettings, admission_world
from tests.workflow.harness import stored_record


def admission_review_service(queue_url: str) -> ReviewService:
    """The review service as the API Lambda wires it on AWS: reprocessing joins the queue."""
    environ = {
        **lambda_environment(),
        "UPLOAD_BUCKET": UPLOADS,
        "STATE_MACHINE_ARN": f"arn:aws:states:{REGION}:123456789012:stateMachine:pipeline",
        "ADMISSION_QUEUE_URL": queue_url,
        "AWS_REGION": REGION,
    }
    return api_wiring.review_service(ApiSettings.from_environ(environ))


pytestmark = [
    pytest.mark.xdist_group("workflow"),
    pytest.mark.usefixtures("cloud", "text_detection_only"),
]


def test_a_burst_over_the_textract_quota_is_delayed_and_every_document_ends_done() -> None:
    # Thirty at once, admitted thirty at a time, against a quota that takes a few a
    # (compressed) second: Textract throttles, nothing fails, nothing is billed twice.
    settings = WorldSettings(limit=30, scale=200, tps={"DetectDocumentText": 0.02})
    with admission_world(settings) as world:
        ids = []
        for n in range(30):
            data = png_bytes(text=f"burst {n}")
            ids.append(hashlib.sha256(data).hexdigest())
            world.upload(f"burst/{n:06d}.png", data)
        world.run(timeout=300)
        outcomes = world.outcomes()
        ledger = world.services.ledger
        in_flight, held = world.gate.in_flight(), world.gate.holders()
    assert ledger.throttled["DetectDocumentText"] > 0
    assert (in_flight, held) == (0, [])  # every DONE path gave its slot back
    assert outcomes == {"SUCCEEDED": 30}
    assert [stored_record(i).status for i in ids] == [Status.DONE] * 30
    assert ledger.duplicates == 0


def test_throttling_longer_than_the_old_two_minute_budget_still_ends_done() -> None:
    # Twelve refusals in a row: the old retrier (6 attempts, ~2 minutes) failed here.
    settings = WorldSettings(scale=2000, throttle_first={"DetectDocumentText": 12})
    with admission_world(settings) as world:
        data = png_bytes(text="patient")
        world.upload("slow/000001.png", data)
        world.run(timeout=120)
        throttled = world.services.ledger.throttled["DetectDocumentText"]
        held = world.gate.holders()
    assert throttled == 12
    assert stored_record(hashlib.sha256(data).hexdigest()).status == Status.DONE
    assert held == []


def test_a_real_error_still_fails_with_its_reason_and_gives_the_slot_back() -> None:
    with admission_world(WorldSettings(scale=100)) as world:
        world.services.refuse["DetectDocumentText"] = "UnsupportedDocumentException"
        data = png_bytes(text="odd")
        world.upload("odd/000001.png", data)
        world.run(timeout=120)
        in_flight, held = world.gate.in_flight(), world.gate.holders()
        outcomes = world.outcomes()
    record = stored_record(hashlib.sha256(data).hexdigest())
    assert outcomes == {"FAILED": 1}
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert record.failure.step == "detect_text"
    assert "Amazon Textract refused the request (UnsupportedDocumentException)" in (
        record.failure.reason
    )
    assert (in_flight, held) == (0, [])


def test_the_same_upload_event_delivered_twice_starts_one_workflow() -> None:
    with admission_world(WorldSettings(scale=100)) as world:
        data = png_bytes(text="twice")
        event = world.upload("twice/000001.png", data)
        world.send(event)
        world.run(timeout=120)
        executions = world.executions()
        billed = world.services.ledger.duplicates
    assert [e["status"] for e in executions] == ["SUCCEEDED"]
    assert executions[0]["name"] == f"upload-{event['id']}"
    assert billed == 0
    assert stored_record(hashlib.sha256(data).hexdigest()).status == Status.DONE


def test_a_reprocessed_document_waits_queued_then_runs_again_through_admission() -> None:
    with admission_world(WorldSettings(scale=100)) as world:
        data = png_bytes(text="again")
        world.upload("again/000001.png", data)
        world.run(timeout=120)
        document_id = hashlib.sha256(data).hexdigest()
        service = admission_review_service(world.queue_url)
        accepted = service.reprocess(document_id, admin("test"))
        queued = stored_record(document_id)
        world.run(timeout=120)
        names = sorted(e["name"] for e in world.executions())
    assert accepted.status == "QUEUED"
    assert queued.status == Status.QUEUED
    record = stored_record(document_id)
    assert record.status == Status.DONE
    assert record.attempts == 2
    assert names[0].startswith("request-reprocess-")
    assert names[1].startswith("upload-")
