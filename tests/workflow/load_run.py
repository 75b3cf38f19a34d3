"""The moto part of `python -m meddoc.bench.aws_load`: many uploads through the real
starter and the real pipeline ASL (admission_world.py), against fake AI services that
enforce quotas; returns the figures. Standalone: it sets up its own moto world."""

from __future__ import annotations

import logging
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws

from meddoc.aws.dynamodb_review import DynamoReviewStore
from tests.aws.cloud import REGION, TABLE, create_stack_resources, lambda_environment
from tests.documents import png_bytes
from tests.workflow.admission_world import WorldSettings, admission_world


@contextmanager
def standalone() -> Iterator[None]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        "POWERTOOLS_METRICS_DISABLED": "true",
        **lambda_environment(),
        "POWERTOOLS_LOG_LEVEL": "CRITICAL",
        "TEXTRACT_FEATURES": "NONE",  # the fake answers DetectDocumentText
    }
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    with (
        mock.patch.dict(os.environ, env),
        mock_aws(config={"stepfunctions": {"execute_state_machine": True}}),
    ):
        create_stack_resources()
        yield


def run(
    count: int,
    *,
    scale: float,
    limit: int = 0,
    tps: dict[str, float] | None = None,
    inject: float = 0.0,
    duplicate_every: int = 50,
    seed: int = 12,
    timeout: float = 7200,
) -> dict[str, Any]:
    settings = WorldSettings(limit=limit, scale=scale, tps=tps or {}, inject=inject, seed=seed)
    with standalone(), admission_world(settings) as world:
        started = time.monotonic()
        for n in range(count):
            event = world.upload(f"load/{n:06d}.png", png_bytes(text=f"load {n}"))
            if duplicate_every and n % duplicate_every == 0:
                world.send(event)  # EventBridge delivers at least once: the same event again
        pumped = world.run(timeout=timeout)
        seconds = time.monotonic() - started
        executions = world.executions()
        outcomes = Counter(e["status"] for e in executions)
        records = DynamoReviewStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
        by_status = records.count_by_status()
        transitions = _transitions(world.sfn, executions[: min(len(executions), 40)])
        ledger = world.services.ledger
        return {
            "uploads": count,
            "duplicate_events_sent": len(range(0, count, duplicate_every))
            if duplicate_every
            else 0,
            "executions": len(executions),
            "execution_outcomes": dict(outcomes),
            "records": by_status,
            "lost": count - sum(by_status.values()),
            "in_flight_limit": world.limit,
            "peak_in_flight": pumped.peak_in_flight,
            "peak_running_sampled": pumped.peak_running,
            "messages_turned_away": pumped.turned_away,
            "billable_calls": ledger.calls,
            "billable_calls_per_document": round(ledger.calls / max(1, count), 2),
            "duplicate_billable_calls": ledger.duplicates,
            "duplicates_by_api": dict(
                Counter(api for (api, _), n in ledger.billed.items() for _ in range(n - 1))
            ),
            "throttled_by_quota": dict(ledger.throttled),
            "throttles_injected": ledger.injected,
            "transitions_per_document": transitions,
            "real_seconds": round(seconds, 1),
            "compressed_seconds": round(seconds * scale, 1),
        }


def _transitions(sfn: Any, executions: list[dict[str, Any]]) -> dict[str, float]:
    """State transitions per execution (what Step Functions bills: every state entered,
    and every retry of a task), from the histories of a sample of executions."""
    counts = []
    for execution in executions:
        kinds: Counter[str] = Counter()
        request: dict[str, Any] = {"executionArn": execution["executionArn"], "maxResults": 1000}
        while True:
            page = sfn.get_execution_history(**request)
            kinds.update(e["type"] for e in page["events"])
            if not page.get("nextToken"):
                break
            request["nextToken"] = page["nextToken"]
        entered = sum(n for kind, n in kinds.items() if kind.endswith("StateEntered"))
        scheduled = sum(n for kind, n in kinds.items() if kind.endswith("Scheduled"))
        counts.append(entered + max(0, scheduled - kinds["TaskStateEntered"]))
    if not counts:
        return {}
    return {"sampled": len(counts), "mean": statistics.mean(counts), "max": max(counts)}
