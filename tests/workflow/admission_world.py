"""Uploads through admission, in moto: the upload event lands in the admission queue (as
the UploadRule would put it), the real starter handler admits it (this module plays the
SQS event source: batches of 10, batch item failures stay), and the real pipeline ASL
runs with the real handlers in-process (shim.py) against quota-enforcing fake AI
services (quota_fakes.py). Waits (ASL retry backoff, the starter's deferral) are
compressed by `scale`; attempt counts never are."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from unittest import mock

import boto3
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

from meddoc.aws import clients, wiring
from meddoc.aws import starter as starter_module
from meddoc.aws.admission import DynamoGate
from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer
from meddoc.aws.textract import TextractDetector
from meddoc.aws.translate import AmazonTranslator
from tests.aws.cloud import ADMISSION, REGION, UPLOADS, resource
from tests.workflow.harness import upload_event
from tests.workflow.quota_fakes import QuotaServices
from tests.workflow.shim import (
    IN_FLIGHT,
    LambdaContext,
    definition,
    function_arn,
    handlers_in_process,
    load_handlers,
)

QUEUE = "meddoc-admission"
STARTER = function_arn("StartWorkflowsFunction")


@dataclass
class WorldSettings:
    limit: int = 0  # MAX_IN_FLIGHT; 0 derives it from the template's quota defaults
    scale: float = 1.0  # compressed seconds per real second
    tps: dict[str, float] = field(default_factory=dict)
    inject: float = 0.0  # chance that any AI call is throttled regardless of quota
    seed: int = 12
    throttle_first: dict[str, int] = field(default_factory=dict)


@dataclass
class Pumped:
    peak_in_flight: int = 0
    peak_running: int = 0
    receives: int = 0
    turned_away: int = 0


class World:
    def __init__(self, settings: WorldSettings, services: QuotaServices, handlers: Any) -> None:
        self.settings = settings
        self.services = services
        self.handlers = handlers
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.s3 = boto3.client("s3", region_name=REGION)
        self.queue_url = os.environ["ADMISSION_QUEUE_URL"]
        self.machine = os.environ["STATE_MACHINE_ARN"]
        self.gate = DynamoGate(ADMISSION, boto3.client("dynamodb", region_name=REGION))
        self.pumped = Pumped()

    @property
    def limit(self) -> int:
        """The in-flight limit the starter derived (or was given)."""
        return starter_module.starter_runtime().settings.limit

    def upload(self, key: str, data: bytes) -> dict[str, Any]:
        """Store the file, and queue its Object Created event (what UploadRule does)."""
        put = self.s3.put_object(Bucket=UPLOADS, Key=key, Body=data)
        event = upload_event(key, put.get("VersionId", ""))
        event["id"] = str(uuid.uuid4())
        self.send(event)
        return event

    def send(self, body: dict[str, Any]) -> None:
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=json.dumps(body))

    def pump_once(self) -> int:
        """One poll of the event source: a batch to the starter, answered as Lambda's
        SQS integration does (messages not reported as failures are deleted)."""
        answer = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["ApproximateReceiveCount"],
        )
        messages = answer.get("Messages", [])
        if not messages:
            return 0
        records = [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "eventSource": "aws:sqs",
            }
            for m in messages
        ]
        response = self.handlers[STARTER]({"Records": records}, LambdaContext(STARTER))
        kept = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        self.pumped.receives += len(messages)
        self.pumped.turned_away += len(kept)
        for message in messages:
            if message["MessageId"] not in kept:
                self.sqs.delete_message(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
        return len(messages)

    def waiting(self) -> int:
        names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=names)
        return sum(int(attributes["Attributes"].get(n, 0)) for n in names)

    def run(self, timeout: float = 600, sample_running_every: int = 25) -> Pumped:
        """Pump until nothing waits and no slot is held."""
        deadline = time.monotonic() + timeout
        loops = 0
        while time.monotonic() < deadline:
            loops += 1
            handled = self.pump_once()
            in_flight = self.gate.in_flight()
            self.pumped.peak_in_flight = max(self.pumped.peak_in_flight, in_flight)
            if loops % sample_running_every == 0:
                self.pumped.peak_running = max(self.pumped.peak_running, self.running())
            if not handled:
                if in_flight == 0 and self.waiting() == 0 and self.running() == 0:
                    IN_FLIGHT.wait_idle()
                    return self.pumped
                time.sleep(0.05)
        raise AssertionError(f"admission did not drain within {timeout} s")

    def running(self) -> int:
        return len(self.executions("RUNNING"))

    def executions(self, status: str = "") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"stateMachineArn": self.machine, "maxResults": 1000}
        if status:
            request["statusFilter"] = status
        while True:
            page = self.sfn.list_executions(**request)
            found.extend(page["executions"])
            if not page.get("nextToken"):
                return found
            request["nextToken"] = page["nextToken"]

    def outcomes(self) -> Counter[str]:
        return Counter(e["status"] for e in self.executions())


def starter_environment(queue_url: str, machine: str, settings: WorldSettings) -> dict[str, str]:
    """The starter's environment as the template sets it, test names in, waits scaled."""
    variables = resource("StartWorkflowsFunction")["Properties"]["Environment"]["Variables"]
    parameters = _template_parameters()
    env: dict[str, str] = {}
    for key, value in variables.items():
        if isinstance(value, dict) and value.get("Ref") in parameters:
            env[key] = str(parameters[value["Ref"]]["Default"])
        elif not isinstance(value, dict):
            env[key] = str(value)
    env.update(ADMISSION_TABLE=ADMISSION, ADMISSION_QUEUE_URL=queue_url, STATE_MACHINE_ARN=machine)
    if settings.limit:
        env["MAX_IN_FLIGHT"] = str(settings.limit)
    for key in ("DEFER_SECONDS", "DEFER_MAX_SECONDS", "REAP_AFTER_SECONDS"):
        env[key] = str(max(1, round(int(env[key]) / settings.scale)))
    return env


def _template_parameters() -> dict[str, Any]:
    from tests.aws.cloud import template

    parameters: dict[str, Any] = template()["Parameters"]
    return parameters


@contextmanager
def admission_world(settings: WorldSettings) -> Iterator[World]:
    """Inside moto with the stack's resources (the `cloud` fixture, or standalone())."""
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    sfn = boto3.client("stepfunctions", region_name=REGION)
    machine = sfn.create_state_machine(
        name=f"pipeline-{time.monotonic_ns()}",
        definition=definition(),
        roleArn="arn:aws:iam::123456789012:role/pipeline",
    )["stateMachineArn"]
    env = starter_environment(queue_url, machine, settings)
    scaled_time = SimpleNamespace(sleep=lambda seconds: time.sleep(seconds / settings.scale))
    with (
        mock.patch.dict(os.environ, env),
        mock.patch.object(retrier_decl, "time", scaled_time),
    ):
        clients.client.cache_clear()
        clients.resource.cache_clear()
        wiring.runtime.cache_clear()
        starter_module.starter_runtime.cache_clear()
        handlers = load_handlers()
        services = QuotaServices(
            settings.scale, settings.tps, settings.inject, settings.seed, settings.throttle_first
        )
        _install(services)
        with handlers_in_process(handlers):
            yield World(settings, services, handlers)
        starter_module.starter_runtime.cache_clear()


def _install(services: QuotaServices) -> None:
    aws = wiring.runtime()
    aws.text_detector = TextractDetector(services, aws.settings.textract_features)
    aws.language_detector = ComprehendLanguageDetector(services)
    aws.language_analyzer = ComprehendAnalyzer(services, pii=aws.settings.pii)
    aws.translator = AmazonTranslator(services)
    aws.medical_analyzer = ComprehendMedicalAnalyzer(aws.settings.medical, services)
