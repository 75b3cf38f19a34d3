"""`meddoc watch`: files that appear in a folder (once they stop growing) are processed."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

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
