"""Send the planned files, `concurrency` at a time. One file failing does not stop the
others (running again retries it); a target refusing us altogether stops the run; Ctrl-C
lets the files in flight finish, then reports what was sent."""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from pushlib.plan import Planned
from pushlib.progress import Progress
from pushlib.target import KNOWN, REFUSED, Sent, Target, TargetRefused, UploadFailed


@dataclass(slots=True)
class Results:
    uploaded: list[Planned] = field(default_factory=list)
    known: list[tuple[Planned, str]] = field(default_factory=list)  # the target had them
    refused: list[tuple[Planned, str]] = field(default_factory=list)
    failed: list[tuple[Planned, str]] = field(default_factory=list)
    interrupted: bool = False
    seconds: float = 0.0

    @property
    def uploaded_bytes(self) -> int:
        return sum(p.upload.size for p in self.uploaded)


def upload_all(
    items: Sequence[Planned], target: Target, concurrency: int, progress: Progress
) -> Results:
    results = Results()
    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="upload")
    futures = {pool.submit(target.upload, p.upload, progress.add_bytes): p for p in items}
    collected: set[Future[Sent]] = set()
    try:
        for future in as_completed(futures):
            collected.add(future)
            _collect(future, futures[future], results)
            progress.file_done()
    except KeyboardInterrupt:
        results.interrupted = True
    except TargetRefused:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        results.seconds = time.monotonic() - started
    # Files in flight when Ctrl-C came have finished by now: count them too.
    for future, item in futures.items():
        if future not in collected and future.done() and not future.cancelled():
            _collect(future, item, results)
    return results


def _collect(future: Future[Sent], item: Planned, results: Results) -> None:
    try:
        sent = future.result()
    except TargetRefused:
        raise
    except UploadFailed as exc:
        results.failed.append((item, str(exc)))
        return
    except FileNotFoundError:
        results.failed.append((item, "the file disappeared before it was sent"))
        return
    except OSError as exc:
        results.failed.append((item, f"cannot be read ({exc.strerror or exc})"))
        return
    if sent.outcome == KNOWN:
        results.known.append((item, sent.reason or "the server has these bytes already"))
    elif sent.outcome == REFUSED:
        results.refused.append((item, sent.reason))
    else:
        results.uploaded.append(item)
