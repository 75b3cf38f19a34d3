"""The bulk backfill (statemachine/backfill.asl.json): a Distributed Map over a prefix
of the upload bucket, running the real pipeline per object, executed in moto."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import boto3
import pytest

from tests.aws.cloud import REGION, UPLOADS
from tests.documents import png_bytes
from tests.workflow.harness import (
    Services,
    fixture,
    stored_record,
    stub_comprehend,
    stub_medical,
)
from tests.workflow.shim import definition

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.xdist_group("workflow"), pytest.mark.usefixtures("text_detection_only")]


def machine(sfn: object, name: str, text: str) -> str:
    arn: str = sfn.create_state_machine(  # type: ignore[attr-defined]
        name=name, definition=text, roleArn="arn:aws:iam::123456789012:role/sfn"
    )["stateMachineArn"]
    return arn


def test_a_backfill_runs_the_pipeline_over_every_object_under_the_prefix(
    services: Services,
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    good = png_bytes(text="backfill")
    torn = png_bytes(200, 200, "torn")[:400]
    s3.put_object(Bucket=UPLOADS, Key="archive/2019/a good scan.png", Body=good)
    s3.put_object(Bucket=UPLOADS, Key="archive/2019/b torn.png", Body=torn)
    s3.put_object(Bucket=UPLOADS, Key="elsewhere/c.png", Body=png_bytes(text="not me"))
    services.textract.add_response(
        "detect_document_text", fixture("textract/textractor_test_page1.textract.json")
    )
    stub_comprehend(services)
    stub_medical(services, {"Entities": [], "UnmappedAttributes": [], "ModelVersion": "2"})
    sfn = boto3.client("stepfunctions", region_name=REGION)
    pipeline = machine(sfn, "pipeline", definition())
    backfill_text = (ROOT / "statemachine" / "backfill.asl.json").read_text()
    backfill = machine(
        sfn, "backfill", backfill_text.replace("${PipelineStateMachineArn}", pipeline)
    )
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
    done = stored_record(hashlib.sha256(good).hexdigest())
    assert done.status.value == "DONE"
    failed = stored_record(hashlib.sha256(torn).hexdigest())
    assert failed.status.value == "FAILED"
    assert failed.failure is not None
    assert "truncated" in failed.failure.reason
    pipelines = sfn.list_executions(stateMachineArn=pipeline)["executions"]
    assert len(pipelines) == 2  # the object outside the prefix was left alone
