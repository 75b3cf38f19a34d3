"""Admission control on AWS: the in-flight slots in DynamoDB, workflow starts in Step
Functions, waiting messages in SQS. The admission table holds one counter and one
holder item per running workflow, changed together in one transaction:

  pk        sk               attributes
  COUNTER   COUNTER          in_flight (number of holders)
  HOLDER    <execution>      since (ISO time it was admitted)

The pipeline's end states give the slot back with the same transaction as release()
(statemachine/pipeline.asl.json, the Release* states)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from meddoc import serialization
from meddoc.admission import Holder, Outcome
from meddoc.aws.clients import client, error_code, service_errors
from meddoc.model import DocumentRecord

DYNAMODB = "Amazon DynamoDB"
COUNTER = {"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}}


def _holder_key(execution: str) -> dict[str, Any]:
    return {"pk": {"S": "HOLDER"}, "sk": {"S": execution}}


class DynamoGate:
    """At most `limit` holders: the counter's condition refuses one more, and the holder
    item's condition makes a second admission of the same execution a no-op."""

    def __init__(self, table_name: str, dynamodb: Any = None) -> None:
        self.table = table_name
        self.dynamodb = dynamodb or client("dynamodb")

    def admit(self, execution: str, limit: int, now: datetime) -> Outcome:
        take = {
            "Update": {
                "TableName": self.table,
                "Key": COUNTER,
                "UpdateExpression": "SET in_flight = if_not_exists(in_flight, :zero) + :one",
                "ConditionExpression": "attribute_not_exists(in_flight) OR in_flight < :limit",
                "ExpressionAttributeValues": {
                    ":zero": {"N": "0"},
                    ":one": {"N": "1"},
                    ":limit": {"N": str(limit)},
                },
            }
        }
        hold = {
            "Put": {
                "TableName": self.table,
                "Item": {**_holder_key(execution), "since": {"S": serialization.to_dict(now)}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
        try:
            with service_errors(DYNAMODB):
                self.dynamodb.transact_write_items(TransactItems=[take, hold])
        except Exception as exc:
            if not _cancelled(exc):
                raise
            return Outcome.HELD if self._holds(execution) else Outcome.FULL
        return Outcome.ADMITTED

    def release(self, execution: str) -> bool:
        """False if the execution held no slot (released already)."""
        try:
            with service_errors(DYNAMODB):
                self.dynamodb.transact_write_items(
                    TransactItems=release_items(self.table, execution)
                )
        except Exception as exc:
            if _cancelled(exc):
                return False
            raise
        return True

    def holders(self) -> list[Holder]:
        found: list[Holder] = []
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": "pk = :holder",
            "ExpressionAttributeValues": {":holder": {"S": "HOLDER"}},
            "ConsistentRead": True,
        }
        with service_errors(DYNAMODB):
            while True:
                answer = self.dynamodb.query(**request)
                for item in answer.get("Items", []):
                    since = serialization.from_dict(datetime, item["since"]["S"])
                    found.append(Holder(item["sk"]["S"], since))
                if "LastEvaluatedKey" not in answer:
                    return found
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def in_flight(self) -> int:
        with service_errors(DYNAMODB):
            item = self.dynamodb.get_item(
                TableName=self.table, Key=COUNTER, ConsistentRead=True
            ).get("Item")
        return int(item["in_flight"]["N"]) if item and "in_flight" in item else 0

    def _holds(self, execution: str) -> bool:
        with service_errors(DYNAMODB):
            answer = self.dynamodb.get_item(
                TableName=self.table, Key=_holder_key(execution), ConsistentRead=True
            )
        return "Item" in answer


def release_items(table: str, execution: str) -> list[dict[str, Any]]:
    """The release transaction (the ASL's Release* states write the same one)."""
    return [
        {
            "Delete": {
                "TableName": table,
                "Key": _holder_key(execution),
                "ConditionExpression": "attribute_exists(pk)",
            }
        },
        {
            "Update": {
                "TableName": table,
                "Key": COUNTER,
                "UpdateExpression": "SET in_flight = in_flight - :one",
                "ConditionExpression": "in_flight > :zero",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":zero": {"N": "0"}},
            }
        },
    ]


def _cancelled(exc: BaseException) -> bool:
    cause = exc.__cause__ if exc.__cause__ is not None else exc
    return isinstance(cause, ClientError) and error_code(cause) in (
        "TransactionCanceledException",
        "ConditionalCheckFailedException",
    )


class StepFunctionsStarter:
    """Starts the pipeline under the name admission chose; a name already started
    (the same message again) is not started twice."""

    def __init__(self, state_machine_arn: str, stepfunctions: Any = None) -> None:
        self.state_machine_arn = state_machine_arn
        self.stepfunctions = stepfunctions or client("stepfunctions")

    def start(self, execution: str, workflow_input: dict[str, Any]) -> bool:
        try:
            with service_errors("AWS Step Functions"):
                self.stepfunctions.start_execution(
                    stateMachineArn=self.state_machine_arn,
                    name=execution,
                    input=json.dumps(workflow_input),
                )
        except Exception as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and error_code(cause) == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def running(self, execution: str) -> bool | None:
        arn = self.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{execution}"
        try:
            with service_errors("AWS Step Functions"):
                described = self.stepfunctions.describe_execution(executionArn=arn)
        except Exception as exc:
            cause = exc.__cause__
            if isinstance(cause, ClientError) and error_code(cause) == "ExecutionDoesNotExist":
                return None
            raise
        return bool(described["status"] == "RUNNING")


class SqsAdmissionQueue:
    """The queue documents wait in: a message turned away stays out of sight a while;
    reprocess requests join it; its depth is how many wait."""

    def __init__(self, queue_url: str, sqs: Any = None) -> None:
        self.queue_url = queue_url
        self.sqs = sqs or client("sqs")

    def defer(self, receipt_handle: str, seconds: int) -> None:
        with service_errors("Amazon SQS"):
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )

    def send(self, body: dict[str, Any]) -> None:
        with service_errors("Amazon SQS"):
            self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(body))

    def waiting(self) -> int:
        """Messages in the queue, visible or turned away for now (approximate)."""
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        with service_errors("Amazon SQS"):
            answer = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=names)
        attributes = answer.get("Attributes", {})
        return sum(int(attributes.get(name, 0)) for name in names)

    def reprocess(self, record: DocumentRecord) -> None:
        """The Reprocessor port: the document joins the queue as the owner of its
        (QUEUED) record, pinned to the version it came from."""
        self.send(
            {
                "source": serialization.to_dict(record.source),
                "name": record.name,
                "resume": True,
                "request_id": f"reprocess-{record.id[:16]}-{uuid.uuid4().hex[:16]}",
            }
        )
