"""One batch of everything a busy records office and an adversary send at once, through
the real `meddoc process` with the real engines on both cores: 50 poison and broken
files (tests/poison, made at test time), awkward names and folder entries, duplicates,
two scans sharing a name, beside real samples. The batch ends with its summary, every
bad file FAILED with its own reason (or processed), every good file DONE, and no process
of the batch needs more than the bound below; a rerun with a new file makes progress."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.poison import CATALOGUE, write_all

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "documents"
GOOD = ("01-intake-en-printed-scan.png", "07-lab-report-en-printed-2pages.pdf")
LATE = "04-prescription-es-printed-scan.png"  # arrives for the rerun
# Peak resident memory of any one process of the batch (workers read with their 4 GB
# address-space cap). An ordinary worker peaks near 1.5 GB on the samples.
PEAK_BOUND_MB = 2500
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]


@dataclass(frozen=True, slots=True)
class Settled:
    outcome: str
    reason: str


def jobs(data_dir: Path) -> dict[str, list[Settled]]:
    """Settled jobs by the name the batch showed (the file's base name)."""
    db = sqlite3.connect(data_dir / "meddoc.db")
    try:
        rows = db.execute(
            "SELECT name, state, outcome, reason FROM jobs ORDER BY number"
        ).fetchall()
    finally:
        db.close()
    assert {row[1] for row in rows} == {"settled"}, "a job was left unsettled"
    settled: dict[str, list[Settled]] = {}
    for name, _, outcome, reason in rows:
        settled.setdefault(name, []).append(Settled(outcome, reason or ""))
    return settled


# Runs the batch and reports the largest peak resident memory of any process in it
# (the batch and the workers it waited for), in KB, as the last line on stderr.
MEASURED = """
import resource, subprocess, sys
finished = subprocess.run(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(finished.returncode)
"""


@dataclass(frozen=True, slots=True)
class Batch:
    code: int
    summary: str
    errors: str
    peak_mb: int


def process(folder: Path, data_dir: Path) -> Batch:
    finished = subprocess.run(
        [sys.executable, "-c", MEASURED, sys.executable, "-m", "meddoc.cli", "process",
         str(folder), "--workers", "2", "--data-dir", str(data_dir), "--memory-limit", "4096"],
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
        cwd=ROOT,
    )  # fmt: skip
    *errors, peak = finished.stderr.strip().splitlines()
    return Batch(finished.returncode, finished.stdout, "\n".join(errors), int(peak) // 1024)


def awkward_entries(folder: Path, outside: Path) -> dict[str, str]:
    """Folder entries a batch must take in, or pass over, without harm; returns the
    outcome owed to each taken-in name."""
    good = (SAMPLES / GOOD[0]).read_bytes()
    owed = {}
    (folder / "names").mkdir()
    for name in ("line\nbreak.png", "ünïcödé résumé.png", "x" * 250 + ".png", " .png"):
        (folder / "names" / name).write_bytes(good)
        owed[name] = "SKIPPED"  # the same bytes as a good file: processed once
    # Copies of the good files under the one name a scanner reuses, in two folders.
    for index, sample in enumerate(GOOD):
        (folder / f"scanner-{index}").mkdir()
        shutil.copyfile(SAMPLES / sample, folder / f"scanner-{index}" / "scan001.png")
    # Not taken in at all: hidden files, links out of the folder, a FIFO, an empty folder.
    (folder / ".hidden.png").write_bytes(good)
    (outside / "secret.png").write_bytes(b"\x89PNG outside")
    (folder / "link-out.png").symlink_to(outside / "secret.png")
    (folder / "link-dir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "pipe.png")
    (folder / "empty-folder").mkdir()
    return owed


def test_a_batch_of_poison_broken_and_good_files_ends_with_every_file_accounted_for(
    tmp_path: Path,
) -> None:
    folder, outside, data_dir = tmp_path / "inbox", tmp_path / "outside", tmp_path / "data"
    outside.mkdir()
    poison = write_all(folder / "poison")
    assert len(poison) >= 50
    for sample in GOOD:
        shutil.copyfile(SAMPLES / sample, folder / sample)
    owed = awkward_entries(folder, outside)

    batch = process(folder, data_dir)

    assert batch.code == 0, batch.errors[-3000:]
    summary = batch.summary
    settled = jobs(data_dir)
    total = len(poison) + len(GOOD) + len(owed) + 2
    assert f"{total} files in " in summary
    for path, expected in poison.items():
        (outcome,) = settled[path.name]
        if expected.refused:
            assert outcome.outcome == "FAILED", path.name
            assert expected.reason in outcome.reason, (path.name, outcome.reason)
            assert f"FAILED  {path.name}: " in summary
        else:
            assert outcome.outcome == "DONE", (path.name, outcome.reason)
    for sample in GOOD:
        assert [s.outcome for s in settled[sample]] == ["DONE"], settled[sample]
    assert sorted(s.outcome for s in settled["scan001.png"]) == ["SKIPPED", "SKIPPED"]
    for name, outcome in owed.items():
        assert [s.outcome for s in settled[name]] == [outcome], name
    for passed_over in (".hidden.png", "link-out.png", "secret.png", "pipe.png"):
        assert passed_over not in settled
    assert batch.peak_mb < PEAK_BOUND_MB, f"a process of the batch peaked at {batch.peak_mb} MB"

    # A rerun with one new file: the known files do not stop it, the new one ends DONE.
    shutil.copyfile(SAMPLES / LATE, folder / LATE)
    again = process(folder, data_dir)
    assert again.code == 0, again.errors[-3000:]
    assert [s.outcome for s in jobs(data_dir)[LATE]] == ["DONE"]
    refused = sum(p.refused for p in CATALOGUE)
    assert f"{refused} FAILED" in again.summary  # the refused files, refused again
