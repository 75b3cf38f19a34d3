"""Admission control's AWS side in moto: the slots (DynamoDB), the starter's batches
(SQS in, Step Functions out), the reaper, and QUEUED where people look (the API's list
and health, `operations status`); the stuck detector leaves QUEUED documents alone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from meddoc.admission import Message, Outcome, admit_batch, reap
from meddoc.api.roles import admin
from meddoc.aws import api_wiring
from meddoc.aws.admission import DynamoGate, SqsAdmissionQueue, StepFunctionsStarter
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.operations import admission_status
from meddoc.aws.settings import AdmissionSettings, ApiSettings, AwsSettings
from meddoc.aws.starter import StarterRuntime, admit_from_queue
from meddoc.errors import Conflict, ServiceUnavailable
from meddoc.model import DocumentRecord, ObjectRef, Status
from meddoc.pipeline import records
from meddoc.pipeline.stuck import fail_stuck
from meddoc.ports import DocumentQuery
from tests.aws.cloud import (
    ADMISSION,
    REGION,
    TABLE,
    TEMPLATE,
    UPLOADS,
    lambda_environment,
    resource,
)

NOW = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
WAIT = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 600, "End": True}}}


def machine() -> str:
    arn: str = boto3.client("stepfunctions", region_name=REGION).create_state_machine(
        name="pipeline",
        definition=json.dumps(WAIT),
        roleArn="arn:aws:iam::123456789012:role/pipeline",
    )["stateMachineArn"]
    return arn


def queue() -> str:
    url: str = boto3.client("sqs", region_name=REGION).create_queue(QueueName="admission")[
        "QueueUrl"
    ]
    return url


def sqs_event(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.get_queue_url(QueueName="admission")["QueueUrl"]
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    messages = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"]
    )["Messages"]
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m["Attributes"],
            }
            for m in messages
        ]
    }


def upload(event_id: str) -> dict[str, Any]:
    return {
        "id": event_id,
        "detail-type": "Object Created",
        "source": "aws.s3",
        "detail": {"bucket": {"name": UPLOADS}, "object": {"key": f"{event_id}.png"}},
    }


def runtime(limit: int) -> StarterRuntime:
    settings = AdmissionSettings(ADMISSION, queue(), machine(), limit, defer_seconds=30)
    return StarterRuntime(settings)


def test_the_gate_admits_up_to_its_limit_and_each_execution_once(cloud: None) -> None:
    gate = DynamoGate(ADMISSION)
    assert [gate.admit(n, 2, NOW) for n in ("a", "b", "c")] == [
        Outcome.ADMITTED,
        Outcome.ADMITTED,
        Outcome.FULL,
    ]
    assert gate.admit("a", 2, NOW) == Outcome.HELD
    assert gate.in_flight() == 2
    assert gate.release("a") is True
    assert gate.release("a") is False  # given back once only: the count cannot drift
    assert gate.in_flight() == 1
    assert gate.admit("c", 2, NOW) == Outcome.ADMITTED
    assert sorted(h.execution for h in gate.holders()) == ["b", "c"]


def test_a_batch_over_the_limit_starts_what_fits_and_keeps_the_rest_queued(cloud: None) -> None:
    aws = runtime(limit=3)
    event = sqs_event([upload(f"e{n}") for n in range(5)])
    answer = admit_from_queue(event, aws, lambda: NOW)
    started = boto3.client("stepfunctions", region_name=REGION).list_executions(
        stateMachineArn=aws.settings.state_machine_arn
    )["executions"]
    assert len(answer.admissions.started) == 3
    assert len(answer.response()["batchItemFailures"]) == 2
    assert len(started) == 3
    assert aws.gate.in_flight() == 3
    # Turned away for 30-60 s: nothing is visible again at once.
    assert aws.queue.waiting() == 5  # 2 kept (the event source deletes the 3 started)
    assert "Messages" not in boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=aws.settings.queue_url
    )


def test_the_same_event_twice_in_a_batch_starts_one_execution(cloud: None) -> None:
    aws = runtime(limit=10)
    answer = admit_from_queue(sqs_event([upload("same"), upload("same")]), aws, lambda: NOW)
    assert answer.admissions.started == ["upload-same"]
    assert answer.admissions.duplicates == ["upload-same"]
    assert answer.response() == {"batchItemFailures": []}
    assert aws.gate.in_flight() == 1


class RefusingStarter:
    def start(self, execution: str, workflow_input: dict[str, Any]) -> bool:
        raise ServiceUnavailable("AWS Step Functions is unavailable (InternalError)")

    def running(self, execution: str) -> bool | None:
        return None


def test_a_start_that_fails_gives_the_slot_back_and_the_message_waits(cloud: None) -> None:
    gate = DynamoGate(ADMISSION)
    message = Message("m1", upload("e1"))
    result = admit_batch([message], gate, RefusingStarter(), 5, lambda: NOW)
    assert result.waiting == [message]
    assert gate.in_flight() == 0
    assert gate.holders() == []


def test_the_reaper_frees_only_old_slots_whose_execution_is_not_running(cloud: None) -> None:
    arn = machine()
    sfn = boto3.client("stepfunctions", region_name=REGION)
    sfn.start_execution(stateMachineArn=arn, name="alive", input="{}")
    gate = DynamoGate(ADMISSION)
    old = NOW - timedelta(hours=1)
    gate.admit("alive", 10, old)  # still running (a long Wait)
    gate.admit("vanished", 10, old)  # its starter died before starting it
    gate.admit("young", 10, NOW)  # may be starting right now
    released = reap(gate, StepFunctionsStarter(arn), lambda: NOW, timedelta(minutes=15))
    assert released == ["vanished"]
    assert sorted(h.execution for h in gate.holders()) == ["alive", "young"]
    assert gate.in_flight() == 2


def test_the_limit_comes_from_the_quota_parameters_and_their_defaults() -> None:
    variables = resource("StartWorkflowsFunction")["Properties"]["Environment"]["Variables"]
    base = {"ADMISSION_TABLE": "t", "ADMISSION_QUEUE_URL": "q", "STATE_MACHINE_ARN": "s"}
    assert variables["MAX_IN_FLIGHT"] == {"Ref": "MaxInFlight"}
    assert AdmissionSettings.from_environ(base).limit == 10  # AnalyzeDocument's 10 TPS
    lowered = {**base, "ANALYZE_DOCUMENT_TPS": "4"}
    assert AdmissionSettings.from_environ(lowered).limit == 4
    snomed = {**base, "SNOMEDCT_ENABLED": "true"}
    assert AdmissionSettings.from_environ(snomed).limit == 2  # InferSNOMEDCT's 2 TPS
    assert AdmissionSettings.from_environ({**base, "MAX_IN_FLIGHT": "40"}).limit == 40


def test_the_stuck_detector_waits_longer_than_the_pipeline_may_run() -> None:
    asl = json.loads((TEMPLATE.parent / "statemachine" / "pipeline.asl.json").read_text())
    stuck = resource("FailStuckFunction")
    default = AwsSettings.from_environ(lambda_environment()).stuck_after_minutes
    parameter = stuck["Properties"]["Environment"]["Variables"]["STUCK_AFTER_MINUTES"]
    assert parameter == {"Ref": "StuckAfterMinutes"}
    assert default * 60 > asl["TimeoutSeconds"]


def _record(document_id: str, status: Status, at: datetime) -> DocumentRecord:
    record = DocumentRecord(
        id=document_id,
        source=ObjectRef(UPLOADS, f"{document_id}.png", "v1"),
        name=f"{document_id}.png",
        content_type="image/png",
        size=10,
        created_at=at,
        updated_at=at,
    )
    record.status = status
    return record


def test_queued_documents_show_in_the_list_health_and_status_and_are_never_timed_out(
    cloud: None,
) -> None:
    store = DynamoDocumentStore(TABLE)
    long_ago = NOW - timedelta(days=2)
    store.create(_record("waiting", Status.QUEUED, long_ago))
    store.create(_record("stuck", Status.RECEIVED, long_ago))
    url = queue()
    SqsAdmissionQueue(url).send(upload("not-yet-admitted"))
    environ = {
        **lambda_environment(),
        "UPLOAD_BUCKET": UPLOADS,
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:pipeline",
        "ADMISSION_QUEUE_URL": url,
        "AWS_REGION": REGION,
    }
    service = api_wiring.review_service(ApiSettings.from_environ(environ))
    reviews = DynamoReviewStore(TABLE)
    failed = fail_stuck(reviews, store, lambda: NOW, timedelta(minutes=540))
    listed = service.search(_query(Status.QUEUED))
    outputs = {"AdmissionQueueUrl": url, "AdmissionTableName": ADMISSION}
    assert failed == ["stuck"]
    assert [r.id for r in listed.items] == ["waiting"]
    assert service.health().documents["QUEUED"] == 1
    assert admission_status(outputs) == {"waiting_in_queue": 1, "in_flight": 0}


def _query(status: Status) -> DocumentQuery:
    return DocumentQuery(status=status, limit=10)


def test_reprocessing_leaves_the_document_queued_in_the_admission_queue(cloud: None) -> None:
    store = DynamoDocumentStore(TABLE)
    store.create(_record("done", Status.DONE, NOW))
    url = queue()
    environ = {
        **lambda_environment(),
        "UPLOAD_BUCKET": UPLOADS,
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:pipeline",
        "ADMISSION_QUEUE_URL": url,
        "AWS_REGION": REGION,
    }
    service = api_wiring.review_service(ApiSettings.from_environ(environ))
    accepted = service.reprocess("done", admin("test"))
    with pytest.raises(Conflict):
        service.reprocess("done", admin("test"))  # QUEUED is under way
    sqs = boto3.client("sqs", region_name=REGION)
    body = json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"])
    record = store.get("done")
    assert accepted.status == "QUEUED"
    assert record is not None
    assert (record.status, record.attempts) == (Status.QUEUED, 2)
    assert body["resume"] is True
    assert body["source"]["version"] == "v1"
    assert body["request_id"].startswith("reprocess-")
    assert records.UNDER_WAY[0] == Status.QUEUED
