"""`meddoc watch`: files that appear in a folder (once they stop growing) are processed;
files and folders that vanish, and the folder itself going away and coming back, are
reported and never stop it."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from meddoc.local.files import FileBlobStore, Original
from meddoc.local.host import WorkerHost
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings
from meddoc.local.stopping import StopRequest
from meddoc.local.watch import FolderWatch, watch
from meddoc.model import Status
from tests.local.faults import eventually, faulty_engines, page, supervised

SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "samples"
    / "documents"
    / ("04-prescription-es-printed-scan.png")
)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]


def statuses(data_dir: Path) -> list[str]:
    try:
        db = sqlite3.connect(data_dir / "meddoc.db", timeout=30)
        try:
            return [row[0] for row in db.execute("SELECT status FROM records")]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return []


def test_a_file_dropped_into_a_watched_folder_is_processed(tmp_path: Path) -> None:
    inbox, data_dir = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "meddoc.cli",
            "watch",
            str(inbox),
            "--data-dir",
            str(data_dir),
            "--workers",
            "1",
            "--interval",
            "0.5",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        time.sleep(1)
        shutil.copy(SAMPLE, inbox / "new scan.png")
        deadline = time.monotonic() + 180
        while statuses(data_dir) != ["DONE"] and time.monotonic() < deadline:
            assert watcher.poll() is None, "the watcher stopped"
            time.sleep(0.5)
        assert statuses(data_dir) == ["DONE"]
    finally:
        os.killpg(watcher.pid, signal.SIGTERM)
        watcher.wait(timeout=30)


@contextmanager
def watching(settings: LocalSettings, folder: Path) -> Iterator[io.StringIO]:
    """`meddoc watch` in a thread (fake engines, one worker process); what it says."""
    out = io.StringIO()
    stop = StopRequest()
    thread = threading.Thread(
        target=watch, args=(settings, folder, 0.2, out, faulty_engines, stop), daemon=True
    )
    thread.start()
    try:
        yield out
        assert thread.is_alive(), out.getvalue()
    finally:
        stop.set()
        thread.join(60)
    assert not thread.is_alive()


def document_status(settings: LocalSettings, data: bytes) -> Status | None:
    record = LocalRuntime(settings).store.get(hashlib.sha256(data).hexdigest())
    return record.status if record else None


def test_the_watched_folder_vanishing_and_coming_back_is_reported_not_fatal(
    tmp_path: Path,
) -> None:
    settings = supervised(tmp_path / "data", workers=1)
    inbox = tmp_path / "inbox"
    (inbox / "ward 3").mkdir(parents=True)
    first, second = page(700), page(701)
    with watching(settings, inbox) as out:
        (inbox / "ward 3" / "first.png").write_bytes(first)
        assert eventually(lambda: document_status(settings, first) == Status.DONE)
        assert "took in 1 file(s): inbox/ward 3/first.png" in out.getvalue()

        shutil.rmtree(inbox)  # an archiver moves the whole folder away
        assert eventually(lambda: "is gone; waiting for it to come back" in out.getvalue())
        (inbox / "ward 4").mkdir(parents=True)
        (inbox / "ward 4" / "second.png").write_bytes(second)

        assert eventually(lambda: "DONE second.png" in out.getvalue())
        said = out.getvalue()
        assert "is back; watching it again" in said
        assert "took in 1 file(s): inbox/ward 4/second.png" in said
        assert document_status(settings, second) == Status.DONE


def test_files_that_vanish_before_they_are_read_are_counted_and_the_rest_taken_in(
    tmp_path: Path,
) -> None:
    settings = supervised(tmp_path / "data", workers=1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "kept.png").write_bytes(page(710))
    out = io.StringIO()
    watcher = FolderWatch(inbox, WorkerHost(settings), out)

    taken = watcher._take_in(
        [
            (inbox / "moved away.png", "inbox/moved away.png"),
            (inbox / "kept.png", "inbox/kept.png"),
        ]
    )

    assert taken == 1
    assert "took in 1 file(s): inbox/kept.png" in out.getvalue()
    assert "1 file(s) vanished before they could be read" in out.getvalue()
    assert LocalRuntime(settings).queue.pending() == 1


class NoReadingOf(FileBlobStore):
    """The data directory's file store, except that one file may not be read (tests run
    as root, who may read anything)."""

    def __init__(self, root: Path, forbidden: str) -> None:
        super().__init__(root)
        self.forbidden = forbidden

    def take_in_file(self, bucket: str, source: Path) -> Original:
        if source.name == self.forbidden:
            raise PermissionError(errno.EACCES, "Permission denied", str(source))
        return super().take_in_file(bucket, source)


def test_a_file_it_may_not_read_is_reported_once_and_the_rest_taken_in(tmp_path: Path) -> None:
    settings = supervised(tmp_path / "data", workers=1)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "locked.png").write_bytes(page(720))
    (inbox / "open.png").write_bytes(page(721))
    host = WorkerHost(settings)
    host.runtime.blobs = NoReadingOf(settings.data_dir, "locked.png")
    out = io.StringIO()
    watcher = FolderWatch(inbox, host, out)

    looks = [watcher.look() for _ in range(3)]  # sizes settle at the second look

    assert looks == [0, 1, 0]
    said = out.getvalue()
    assert "took in 1 file(s): inbox/open.png" in said
    assert said.count("cannot read inbox/locked.png (Permission denied); skipped") == 1
    assert host.queue.pending() == 1
