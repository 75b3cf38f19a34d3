"""The sandbox the server renders page images and identifies uploads in: a task that
runs out of time or memory loses its process, not the server, and the next task gets a
fresh one; errors come back as they were raised (meddoc's) or by type only (others)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from meddoc.errors import InvalidDocument
from meddoc.local.sandbox import Overrun, Sandbox


def process_id() -> int:
    return os.getpid()


def sleep_forever() -> None:
    while True:
        time.sleep(60)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes << 20))


def refuse(reason: str) -> None:
    raise InvalidDocument(reason)


def leak(secret: str) -> None:
    raise ValueError(secret)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    pool = Sandbox(slots=1, memory_cap=512 << 20)
    try:
        yield pool
    finally:
        pool.close()


def test_tasks_run_in_another_process_that_is_kept_warm(sandbox: Sandbox) -> None:
    first = sandbox.run(30, process_id)
    second = sandbox.run(30, process_id)
    assert first == second != os.getpid()


def test_a_task_past_its_time_loses_its_process_and_the_next_gets_a_new_one(
    sandbox: Sandbox,
) -> None:
    before = sandbox.run(30, process_id)
    with pytest.raises(Overrun) as overrun:
        sandbox.run(0.5, sleep_forever)
    after = sandbox.run(30, process_id)
    assert overrun.value.what == "time"
    assert after != before


def test_a_task_past_its_memory_cap_fails_as_such(sandbox: Sandbox) -> None:
    with pytest.raises(Overrun) as overrun:
        sandbox.run(30, allocate, 2048)
    assert overrun.value.what == "memory"
    assert sandbox.run(30, allocate, 16) == 16 << 20


def test_meddoc_errors_come_back_as_raised_and_others_by_type_only(sandbox: Sandbox) -> None:
    with pytest.raises(InvalidDocument, match="not a readable image"):
        sandbox.run(30, refuse, "not a readable image")
    with pytest.raises(RuntimeError) as failed:
        sandbox.run(30, leak, "Jane Doe, MRN 123")
    assert "ValueError" in str(failed.value)
    assert "Jane" not in str(failed.value)


def test_closing_the_sandbox_ends_its_processes() -> None:
    pool = Sandbox(slots=1)
    pid = pool.run(30, process_id)
    pool.close()
    with pytest.raises(ProcessLookupError):  # killed and reaped
        os.kill(pid, 0)
