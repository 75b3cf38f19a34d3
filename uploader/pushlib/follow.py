"""--wait: read the documents' records until each is DONE or FAILED, or time runs out.
Each look reads at most WINDOW of the documents still waiting, oldest first (they finish
first), so following thousands of documents stays cheap for the table or the server."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from pushlib.target import DONE, FAILED, Known, Target

WINDOW = 200


@dataclass(slots=True)
class Followed:
    done: list[str] = field(default_factory=list)
    failed: dict[str, Known] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)  # id -> last status ("" unseen)
    timed_out: bool = False
    interrupted: bool = False


def follow(
    target: Target,
    ids: Sequence[str],
    timeout: float,
    interval: float,
    stream: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    window: int = WINDOW,
) -> Followed:
    out = stream or sys.stderr
    followed = Followed(pending={i: "" for i in dict.fromkeys(ids)})
    deadline = clock() + timeout
    last_line = ""
    try:
        while followed.pending:
            _update(followed, target.lookup(list(followed.pending)[:window]))
            line = _line(followed)
            if line != last_line:
                out.write(line + "\n")
                out.flush()
                last_line = line
            if not followed.pending:
                break
            if clock() >= deadline:
                followed.timed_out = True
                break
            sleep(min(interval, max(deadline - clock(), 0.0)))
    except KeyboardInterrupt:
        followed.interrupted = True
    return followed


def _update(followed: Followed, known: dict[str, Known]) -> None:
    for document_id, record in known.items():
        if document_id not in followed.pending:
            continue
        if record.status == DONE:
            followed.done.append(document_id)
            del followed.pending[document_id]
        elif record.status == FAILED:
            followed.failed[document_id] = record
            del followed.pending[document_id]
        else:
            followed.pending[document_id] = record.status


def _line(followed: Followed) -> str:
    waiting = len(followed.pending)
    unseen = sum(1 for status in followed.pending.values() if not status)
    not_yet = f" ({unseen} not seen by the pipeline yet)" if unseen else ""
    return (
        f"processing: {len(followed.done)} DONE, {len(followed.failed)} FAILED, "
        f"{waiting} waiting{not_yet}"
    )
