"""Operating a deployed stack: the CLI finds everything from the stack's outputs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import boto3
import pytest
from botocore.stub import Stubber

from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.operations import service_for, stack_outputs, start_backfill
from meddoc.errors import ConfigurationError
from meddoc.model import DocumentRecord, ObjectRef, Status
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS

OUTPUTS = {
    "DocumentsTableName": TABLE,
    "ResultsBucketName": RESULTS,
    "UploadBucketName": UPLOADS,
    "PipelineStateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:pipeline",
    "BackfillStateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:backfill",
}


def described(outputs: dict[str, str]) -> dict[str, object]:
    return {
        "Stacks": [
            {
                "StackName": "meddoc",
                "CreationTime": datetime(2026, 1, 1, tzinfo=UTC),
                "StackStatus": "CREATE_COMPLETE",
                "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
            }
        ]
    }


def test_the_stack_outputs_name_every_resource_or_the_missing_one() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    with Stubber(cloudformation) as stub:
        stub.add_response("describe_stacks", described(OUTPUTS), {"StackName": "meddoc"})
        assert stack_outputs("meddoc", cloudformation) == OUTPUTS
        partial = {k: v for k, v in OUTPUTS.items() if k != "BackfillStateMachineArn"}
        stub.add_response("describe_stacks", described(partial), {"StackName": "meddoc"})
        with pytest.raises(ConfigurationError, match="BackfillStateMachineArn"):
            stack_outputs("meddoc", cloudformation)


def test_status_comes_from_the_stack_table(cloud: None) -> None:
    now = datetime.now(UTC)
    DynamoDocumentStore(TABLE).create(
        DocumentRecord(
            id="d1",
            source=ObjectRef(UPLOADS, "a.png"),
            name="a.png",
            content_type="image/png",
            size=1,
            created_at=now,
            updated_at=now,
            status=Status.PROCESSING,
        )
    )
    status = service_for(OUTPUTS, REGION).status()
    assert status.documents == {"PROCESSING": 1}
    assert status.oldest_unsettled is not None
    assert status.oldest_unsettled.id == "d1"


def test_a_backfill_request_is_what_the_workflow_reads() -> None:
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    with Stubber(stepfunctions) as stub:
        stub.add_response(
            "start_execution",
            {
                "executionArn": "arn:aws:states:us-east-1:123456789012:execution:backfill:1",
                "startDate": datetime(2026, 1, 1, tzinfo=UTC),
            },
            {
                "stateMachineArn": OUTPUTS["BackfillStateMachineArn"],
                "input": json.dumps(
                    {
                        "bucket": UPLOADS,
                        "prefix": "archive/2019/",
                        "reprocess": True,
                        "max_concurrency": 4,
                    }
                ),
            },
        )
        arn = start_backfill(OUTPUTS, "archive/2019/", True, 4, stepfunctions)
    assert arn.endswith(":backfill:1")
