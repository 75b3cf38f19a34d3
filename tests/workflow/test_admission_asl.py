"""The pipeline ASL's promises to admission control, read from the file itself: every way
an execution ends gives its slot back, throttling is retried for hours (never a 2-minute
budget), and a single image still costs at most 10 state transitions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from meddoc.pricing.workflow import execution_route

ASL = json.loads(
    (Path(__file__).resolve().parents[2] / "statemachine" / "pipeline.asl.json").read_text()
)
STATES: dict[str, Any] = ASL["States"]


def _nexts(state: dict[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    yield from (c["Next"] for c in state.get("Catch", []))
    yield from (c["Next"] for c in state.get("Choices", []))
    if "Default" in state:
        yield state["Default"]


def _release(name: str) -> bool:
    state = STATES[name]
    return state["Type"] == "Task" and state["Resource"].endswith("dynamodb:transactWriteItems")


def test_every_end_of_the_pipeline_is_reached_only_through_a_release_state() -> None:
    ends = {n for n, s in STATES.items() if s["Type"] in ("Succeed", "Fail")}
    for name, state in STATES.items():
        for target in _nexts(state):
            if target in ends:
                assert _release(name), f"{name} ends the run at {target} with its slot held"
        if state.get("End"):
            assert _release(name), f"{name} ends the run with its slot held"
    assert ends >= {"AlreadyKnown", "Rejected", "Deleted", "Failed"}


def test_the_release_gives_back_the_slot_of_this_execution_and_never_fails_the_run() -> None:
    for name in filter(_release, STATES):
        delete, update = STATES[name]["Parameters"]["TransactItems"]
        assert delete["Delete"]["Key"]["sk"] == {"S.$": "$$.Execution.Name"}
        assert delete["Delete"]["ConditionExpression"] == "attribute_exists(pk)"
        assert update["Update"]["UpdateExpression"] == "SET in_flight = in_flight - :one"
        assert STATES[name]["Catch"][0]["ErrorEquals"] == ["States.ALL"], name


def _expected_budget(rule: dict[str, Any]) -> float:
    """Mean seconds of waiting before a throttled task gives up (FULL jitter: half of
    each attempt's ceiling)."""
    ceilings = (
        min(rule["MaxDelaySeconds"], rule["IntervalSeconds"] * rule["BackoffRate"] ** n)
        for n in range(rule["MaxAttempts"])
    )
    return sum(ceilings) / 2


def _lambda_tasks(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        if state["Type"] == "Task" and "lambda" in state["Resource"]:
            yield name, state
        for branch in state.get("Branches", []):
            yield from _lambda_tasks(branch["States"])


def test_throttling_is_retried_for_hours_within_the_execution_timeout() -> None:
    for name, state in _lambda_tasks(STATES):
        rule = next(r for r in state["Retry"] if "ServiceThrottled" in r["ErrorEquals"])
        assert "Lambda.TooManyRequestsException" in rule["ErrorEquals"], name
        assert _expected_budget(rule) >= 2 * 3600, name
        assert rule["JitterStrategy"] == "FULL", name
    longest = max(
        _expected_budget(r)
        for _, s in _lambda_tasks(STATES)
        for r in s["Retry"]
        if "ServiceThrottled" in r["ErrorEquals"]
    )
    assert ASL["TimeoutSeconds"] > longest


def test_a_single_image_costs_at_most_ten_state_transitions_release_included() -> None:
    image = {"action": "process", "content_type": "image/png", "page_count": 1}
    route = execution_route(ASL, image)
    assert route.states[-1] == "ReleaseDone"
    assert route.transitions <= 10
