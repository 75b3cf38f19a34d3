"""The bulk backfill (statemachine/backfill.asl.json): a Distributed Map over a prefix of
the upload bucket that queues each object for admission; the starter then runs the real
pipeline for each under the in-flight limit. Executed in moto."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import boto3
import pytest

from tests.aws.cloud import REGION, UPLOADS
from tests.documents import png_bytes
from tests.workflow.admission_world import WorldSettings, admission_world
from tests.workflow.harness import stored_record

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.xdist_group("workflow"),
    pytest.mark.usefixtures("cloud", "text_detection_only"),
]


def test_a_backfill_queues_every_object_under_the_prefix_and_each_is_processed() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    good = png_bytes(text="backfill")
    torn = png_bytes(200, 200, "torn")[:400]
    s3.put_object(Bucket=UPLOADS, Key="archive/2019/000001.png", Body=good)
    s3.put_object(Bucket=UPLOADS, Key="archive/2019/000002.png", Body=torn)
    s3.put_object(Bucket=UPLOADS, Key="elsewhere/000003.png", Body=png_bytes(text="not me"))
    with admission_world(WorldSettings(limit=1, scale=100)) as world:
        sfn = boto3.client("stepfunctions", region_name=REGION)
        text = (ROOT / "statemachine" / "backfill.asl.json").read_text()
        backfill = sfn.create_state_machine(
            name="backfill",
            definition=text.replace("${AdmissionQueueUrl}", world.queue_url),
            roleArn="arn:aws:iam::123456789012:role/sfn",
        )["stateMachineArn"]
        execution = sfn.start_execution(
            stateMachineArn=backfill,
            input=json.dumps(
                {"bucket": UPLOADS, "prefix": "archive/", "reprocess": False, "max_concurrency": 1}
            ),
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            described = sfn.describe_execution(executionArn=execution["executionArn"])
            if described["status"] != "RUNNING":
                break
            time.sleep(0.3)
        assert described["status"] == "SUCCEEDED", described
        queued = world.waiting()
        pumped = world.run(timeout=120)
        pipelines = world.executions()
    assert queued == 2  # the object outside the prefix was left alone
    assert pumped.peak_in_flight == 1  # under the same gate as uploads
    assert len(pipelines) == 2
    assert all(e["name"].startswith("request-backfill-") for e in pipelines)
    assert stored_record(hashlib.sha256(good).hexdigest()).status.value == "DONE"
    failed = stored_record(hashlib.sha256(torn).hexdigest())
    assert failed.status.value == "FAILED"
    assert failed.failure is not None
    assert "truncated" in failed.failure.reason
