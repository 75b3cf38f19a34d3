"""Admission control: documents wait in a queue and a workflow starts only while fewer
than a limit are in flight, the limit derived from the account's AI service quotas, so a
burst of uploads is delayed, never failed. Host-independent rules; adapters in aws/."""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from meddoc.errors import MeddocError

# Step Functions execution names: 1-80 characters of letters, digits, - and _.
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


@dataclass(frozen=True, slots=True)
class Quotas:
    """Requests per second the account may make (Service Quotas; the defaults are
    us-east-1's at the time of writing, lower in some regions)."""

    detect_document_text: float = 10.0
    analyze_document: float = 10.0
    start_jobs: float = 10.0  # StartDocumentTextDetection / StartDocumentAnalysis
    get_jobs: float = 10.0  # GetDocumentTextDetection / GetDocumentAnalysis
    comprehend_medical: float = 100.0  # DetectEntitiesV2, InferICD10CM, InferRxNorm, DetectPHI
    snomed_ct: float = 2.0  # InferSNOMEDCT


def in_flight_limit(
    quotas: Quotas, *, analyze: bool, snomed: bool = False, override: int = 0
) -> int:
    """How many workflows may run at once. A workflow calls each API at most once at a
    time (its steps, and the calls inside a step, follow one another) and each call
    takes a second or more end to end, so N workflows make at most N calls a second to
    any one API: N is the smallest quota of the APIs a document uses. `override` > 0
    replaces the derived figure (an account whose quotas were raised, or a test)."""
    if override > 0:
        return override
    textract = quotas.analyze_document if analyze else quotas.detect_document_text
    apis = [textract, quotas.start_jobs, quotas.get_jobs, quotas.comprehend_medical]
    if snomed:
        apis.append(quotas.snomed_ct)
    return max(1, int(min(apis)))


def execution_name(body: Mapping[str, Any], message_id: str) -> str:
    """The workflow execution's name for a queued message; the same message (an
    EventBridge event delivered twice, a message received again) gets the same name, so
    Step Functions starts it once. No file name in it (it could be PHI)."""
    if "detail-type" in body and body.get("id"):
        return _safe(f"upload-{body['id']}")
    request = str(body.get("request_id") or "")
    if request:
        return _safe(f"request-{request}")
    return _safe(f"message-{hashlib.sha256(message_id.encode()).hexdigest()[:32]}")


def _safe(name: str) -> str:
    return _NAME_UNSAFE.sub("_", name)[:80]


def workflow_input(body: Mapping[str, Any]) -> dict[str, Any]:
    """What the workflow is started with: the upload event or the request, as sent."""
    return {k: v for k, v in body.items() if k != "request_id"}


def deferral_seconds(base: int, cap: int, draw: float) -> int:
    """How long a message that found every slot taken stays out of sight: `base` to
    twice `base` (`draw` in [0, 1) spreads them, so that waiting messages come round
    steadily and a freed slot is taken within seconds), at most `cap`. Not growing with
    the receive count: that would leave slots idle while long-waiting messages sleep
    (the simulation showed it); the queue's maxReceiveCount bounds the receives instead."""
    return max(1, int(min(cap, base * (1.0 + draw))))


class Outcome(enum.StrEnum):
    ADMITTED = "admitted"  # a slot is now held by the execution
    HELD = "held"  # the execution held its slot already (the message came again)
    FULL = "full"  # no slot free: the message waits


@dataclass(frozen=True, slots=True)
class Holder:
    execution: str  # the execution's name
    since: datetime


class Gate(Protocol):
    """The in-flight slots, one per running workflow, at most `limit`."""

    def admit(self, execution: str, limit: int, now: datetime) -> Outcome: ...

    def release(self, execution: str) -> bool: ...

    def holders(self) -> list[Holder]: ...

    def in_flight(self) -> int: ...


class Starter(Protocol):
    def start(self, execution: str, workflow_input: dict[str, Any]) -> bool:
        """True if this call started it, False if it existed already."""
        ...

    def running(self, execution: str) -> bool | None:
        """Whether the execution is running; None if there is no such execution."""
        ...


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    body: dict[str, Any]
    receive_count: int = 1


@dataclass(slots=True)
class Admissions:
    """What a batch came to: started, already started (duplicates), and still waiting."""

    started: list[str]
    duplicates: list[str]
    waiting: list[Message]


def admit_batch(
    messages: Iterable[Message],
    gate: Gate,
    starter: Starter,
    limit: int,
    now: Callable[[], datetime],
) -> Admissions:
    """Start a workflow for each message while slots are free; once the gate is full,
    the rest wait (they stay in the queue). A failed start gives its slot back and the
    message waits, so nothing is lost between the slot and the execution."""
    result = Admissions([], [], [])
    for message in messages:
        name = execution_name(message.body, message.id)
        outcome = gate.admit(name, limit, now()) if not _full(result) else Outcome.FULL
        if outcome == Outcome.FULL:
            result.waiting.append(message)
            continue
        try:
            started = starter.start(name, workflow_input(message.body))
        except MeddocError:
            if outcome == Outcome.ADMITTED:
                gate.release(name)
            result.waiting.append(message)
            continue
        fresh = started and outcome == Outcome.ADMITTED
        (result.started if fresh else result.duplicates).append(name)
    return result


def _full(result: Admissions) -> bool:
    # Once one message found the gate full, later ones of the batch do not try again:
    # a slot freed meanwhile goes to a message that has waited (they come round first).
    return bool(result.waiting)


def reap(gate: Gate, starter: Starter, now: Callable[[], datetime], grace: timedelta) -> list[str]:
    """Slots whose execution ended without giving them back (timed out, aborted, or a
    starter that died between taking the slot and starting): released. Younger than
    `grace` they are left alone (the starter may still be starting them)."""
    moment = now()
    released = []
    for holder in gate.holders():
        if moment - holder.since <= grace:
            continue
        if starter.running(holder.execution):
            continue
        if gate.release(holder.execution):
            released.append(holder.execution)
    return released
