"""The starter function's work: admit queued documents into the pipeline while slots are
free (SQS batch in, batch item failures out: a message turned away stays in the queue),
and, on its schedule, give back the slots of executions that died without releasing."""

from __future__ import annotations

import json
import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, cached_property
from typing import Any

from meddoc.admission import Admissions, Message, admit_batch, deferral_seconds, reap
from meddoc.aws.admission import DynamoGate, SqsAdmissionQueue, StepFunctionsStarter
from meddoc.aws.settings import AdmissionSettings

log = logging.getLogger(__name__)


@dataclass
class StarterRuntime:
    settings: AdmissionSettings
    clients: dict[str, Any] = field(default_factory=dict)  # service name -> client (tests)

    @cached_property
    def gate(self) -> DynamoGate:
        return DynamoGate(self.settings.table_name, self.clients.get("dynamodb"))

    @cached_property
    def starter(self) -> StepFunctionsStarter:
        return StepFunctionsStarter(self.settings.state_machine_arn, self.clients.get("sfn"))

    @cached_property
    def queue(self) -> SqsAdmissionQueue:
        return SqsAdmissionQueue(self.settings.queue_url, self.clients.get("sqs"))


@cache
def starter_runtime() -> StarterRuntime:
    return StarterRuntime(AdmissionSettings.from_environ(os.environ))


@dataclass(slots=True)
class BatchAnswer:
    admissions: Admissions
    receipts: dict[str, str]  # message id -> receipt handle
    unreadable: list[str]

    def response(self) -> dict[str, Any]:
        """What the SQS event source needs: the messages to keep (all others go)."""
        failures = [{"itemIdentifier": m.id} for m in self.admissions.waiting]
        return {"batchItemFailures": failures}


def messages_of(event: dict[str, Any]) -> tuple[list[Message], dict[str, str], list[str]]:
    messages, receipts, unreadable = [], {}, []
    for record in event.get("Records", []):
        message_id = str(record["messageId"])
        try:
            body = json.loads(record["body"])
        except ValueError:
            body = None
        if not isinstance(body, dict):
            unreadable.append(message_id)  # can never start a workflow: dropped, logged
            continue
        count = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        messages.append(Message(message_id, body, count))
        receipts[message_id] = str(record["receiptHandle"])
    return messages, receipts, unreadable


def admit_from_queue(
    event: dict[str, Any], runtime: StarterRuntime, now: Callable[[], datetime]
) -> BatchAnswer:
    settings = runtime.settings
    messages, receipts, unreadable = messages_of(event)
    for message_id in unreadable:
        log.error("a queued message is not a JSON object; dropped (%s)", message_id)
    admissions = admit_batch(messages, runtime.gate, runtime.starter, settings.limit, now)
    for message in admissions.waiting:
        seconds = deferral_seconds(
            settings.defer_seconds,
            settings.defer_max_seconds,
            random.random(),  # noqa: S311
        )
        runtime.queue.defer(receipts[message.id], seconds)
    return BatchAnswer(admissions, receipts, unreadable)


def reap_slots(runtime: StarterRuntime, now: Callable[[], datetime]) -> list[str]:
    grace = timedelta(seconds=runtime.settings.reap_after_seconds)
    return reap(runtime.gate, runtime.starter, now, grace)
