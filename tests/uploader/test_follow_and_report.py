"""--wait's loop with a target whose documents move on by themselves, the exit codes,
and progress output on a terminal and in a log."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pushlib import report
from pushlib.checks import Checked
from pushlib.follow import Followed, follow
from pushlib.plan import Plan, Planned
from pushlib.progress import Progress
from pushlib.target import Known, Sent, Stored, Upload
from pushlib.upload import Results
from pushlib.walk import Found, Walked


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class MovingTarget:
    """Documents whose records change with time: a fake of the Target port."""

    description = "fake"
    uses_keys = True
    can_lookup = True

    def __init__(self, clock: Clock, timeline: dict[str, Callable[[float], Known | None]]) -> None:
        self.clock = clock
        self.timeline = timeline

    def listing(self, prefix: str) -> dict[str, Stored]:
        return {}

    def stored_sha256(self, key: str) -> str | None:
        return None

    def upload(self, item: Upload, progress: Callable[[int], None]) -> Sent:
        raise AssertionError("not used")

    def lookup(self, ids: Sequence[str]) -> dict[str, Known]:
        found = {i: self.timeline[i](self.clock.now) for i in ids}
        return {i: k for i, k in found.items() if k is not None}


def test_follow_waits_until_every_document_is_settled() -> None:
    clock = Clock()
    target = MovingTarget(
        clock,
        {
            "a": lambda t: Known("DONE") if t >= 10 else Known("PROCESSING"),
            "b": lambda t: None if t < 5 else Known("FAILED", "the PDF is corrupt", "validate"),
        },
    )
    out = io.StringIO()

    followed = follow(target, ["a", "b", "a"], 60, 5, out, clock, clock.sleep)

    assert followed.done == ["a"]
    assert followed.failed == {"b": Known("FAILED", "the PDF is corrupt", "validate")}
    assert not followed.pending
    assert not followed.timed_out
    assert out.getvalue().splitlines() == [
        "processing: 0 DONE, 0 FAILED, 2 waiting (1 not seen by the pipeline yet)",
        "processing: 0 DONE, 1 FAILED, 1 waiting",
        "processing: 1 DONE, 1 FAILED, 0 waiting",
    ]
    assert clock.now == 10


def test_follow_gives_up_at_the_timeout_with_what_is_still_waiting() -> None:
    clock = Clock()
    target = MovingTarget(clock, {"a": lambda t: Known("PROCESSING"), "b": lambda t: None})

    followed = follow(target, ["a", "b"], 12, 5, io.StringIO(), clock, clock.sleep)

    assert followed.timed_out
    assert followed.pending == {"a": "PROCESSING", "b": ""}
    assert clock.now == 12


def _planned(name: str) -> Planned:
    checked = Checked(Found(Path(name), name), 1, "0" * 64, "0" * 32, "image/png")
    return Planned(checked, Upload(Path(name), name, name, 1, "0" * 64, "0" * 32, "image/png"))


@pytest.mark.parametrize(
    ("rejected", "failed", "followed", "interrupted", "code"),
    [
        (False, False, None, False, report.OK),
        (True, False, None, False, report.REJECTED),
        (True, True, None, False, report.UPLOAD_ERRORS),
        (True, False, Followed(failed={"x": Known("FAILED")}), False, report.PROCESSING_FAILED),
        (False, False, Followed(pending={"x": ""}, timed_out=True), False, report.TIMED_OUT),
        (False, True, None, True, report.INTERRUPTED),
    ],
)
def test_exit_codes_put_the_most_pressing_first(
    rejected: bool, failed: bool, followed: Followed | None, interrupted: bool, code: int
) -> None:
    plan = Plan("p/", rejected=[("a.txt", "not a document")] if rejected else [])
    results = Results(failed=[(_planned("b.png"), "network")] if failed else [])
    results.interrupted = interrupted

    outcome = report.Outcome(Walked(), plan, results, followed)

    assert outcome.exit_code() == code


def test_progress_draws_a_bar_on_a_terminal_and_lines_in_a_log() -> None:
    terminal, log = io.StringIO(), io.StringIO()
    bar = Progress("uploading", 20, 2_000_000, terminal, tty=True)
    lines = Progress("uploading", 20, 2_000_000, log, tty=False)
    for progress in (bar, lines):
        for _ in range(20):
            progress.add_bytes(100_000)
            progress.file_done()
        progress.close()

    assert terminal.getvalue().startswith("\r")
    assert "[##############################] 20/20 files  2.0 MB/2.0 MB" in terminal.getvalue()
    logged = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert len(logged) == 10  # one line per tenth of the files
    assert logged[-1].startswith("uploading: 20/20 files  2.0 MB/2.0 MB")


def test_follow_reads_only_a_window_of_the_oldest_waiting_documents() -> None:
    clock = Clock()
    asked: list[list[str]] = []
    target = MovingTarget(clock, {i: (lambda t: Known("DONE")) for i in "abcde"})
    lookup = target.lookup

    def recording(ids: Sequence[str]) -> dict[str, Known]:
        asked.append(list(ids))
        return lookup(ids)

    target.lookup = recording  # type: ignore[method-assign]

    followed = follow(target, list("abcde"), 60, 1, io.StringIO(), clock, clock.sleep, window=2)

    assert asked == [["a", "b"], ["c", "d"], ["e"]]
    assert followed.done == list("abcde")
