"""The whole local pipeline with the real offline engines on the committed samples, and
a batch killed with SIGKILL half-way that resumes without losing or redoing anything."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from meddoc import serialization
from meddoc.local.batch import BatchSummary, process
from meddoc.local.settings import LocalSettings
from meddoc.model import Document, DocumentRecord, Status

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "documents"
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]

# Entities each sample must keep giving (found by the engines on the committed set).
PINNED = {
    "01-intake-en-printed-scan.png": [
        ("polyuria", "MEDICAL_CONDITION"),
        ("Lisinopril", "MEDICATION"),
    ],
    "02-intake-es-hand-photo.jpg": [
        ("sibilancias", "MEDICAL_CONDITION"),
        ("Paracetamol", "MEDICATION"),
    ],
    "03-prescription-en-hand-photo.jpg": [
        ("migraine", "MEDICAL_CONDITION"),
        ("Sumatriptan", "MEDICATION"),
    ],
    "04-prescription-es-printed-scan.png": [
        ("neumonía", "MEDICAL_CONDITION"),
        ("Amoxicilina", "MEDICATION"),
    ],
    "05-visit-note-en-printed-skewed.png": [
        ("headache", "MEDICAL_CONDITION"),
        ("hypertension", "MEDICAL_CONDITION"),
    ],
    "06-visit-note-es-hand-scan.png": [
        ("fiebre", "MEDICAL_CONDITION"),
        ("diabetes tipo 2", "MEDICAL_CONDITION"),
    ],
    "07-lab-report-en-printed-2pages.pdf": [
        ("Glucose", "TEST_TREATMENT_PROCEDURE"),
        ("Creatinine", "TEST_TREATMENT_PROCEDURE"),
    ],
    "08-lab-report-es-printed-rot90.png": [
        ("Sodio", "TEST_TREATMENT_PROCEDURE"),
        ("TSH", "TEST_TREATMENT_PROCEDURE"),
    ],
    "09-intake-en-hand-scan.png": [
        ("blurred vision", "MEDICAL_CONDITION"),
        ("Albuterol", "MEDICATION"),
    ],
    "10-prescription-es-hand-scan.png": [("Salbutamol", "MEDICATION")],
    "11-visit-note-en-hand-photo.jpg": [
        ("dysuria", "MEDICAL_CONDITION"),
        ("GERD", "MEDICAL_CONDITION"),
    ],
    "12-intake-es-printed-skewed.tiff": [
        ("falta de aire", "MEDICAL_CONDITION"),
        ("Metformina", "MEDICATION"),
    ],
}


def records(data_dir: Path) -> dict[str, DocumentRecord]:
    db = sqlite3.connect(data_dir / "meddoc.db")
    try:
        rows = db.execute("SELECT data FROM records").fetchall()
    finally:
        db.close()
    loaded = [serialization.loads(DocumentRecord, row[0]) for row in rows]
    return {record.name: record for record in loaded}


def document(data_dir: Path, record: DocumentRecord) -> Document:
    assert record.result is not None
    path = data_dir / record.result.bucket / record.result.key
    return serialization.loads(Document, path.read_bytes())


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchSummary]:
    """The samples plus a corrupt file and a text file, processed on both cores."""
    folder = tmp_path_factory.mktemp("inbox")
    shutil.copytree(SAMPLES, folder / "samples")
    (folder / "samples" / "zz-torn scan.png").write_bytes(
        (SAMPLES / "01-intake-en-printed-scan.png").read_bytes()[:5000]
    )
    (folder / "samples" / "zz-notes.jpg").write_text("not an image, just notes\n" * 10)
    data_dir = tmp_path_factory.mktemp("data")
    summary = process(
        LocalSettings(data_dir=data_dir, workers=2), [folder / "samples"], out=io.StringIO()
    )
    return data_dir, summary


def test_every_sample_ends_done_and_bad_files_fail_with_reasons(
    batch: tuple[Path, BatchSummary],
) -> None:
    data_dir, summary = batch
    assert summary.count("DONE") == len(PINNED)
    assert summary.count("FAILED") == 2
    found = records(data_dir)
    assert {name for name, r in found.items() if r.status == Status.DONE} == set(PINNED)
    torn = found["zz-torn scan.png"].failure
    assert torn is not None
    assert "PNG image is truncated" in torn.reason
    notes = found["zz-notes.jpg"].failure
    assert notes is not None
    assert "the file is text" in notes.reason
    assert "FAILED  zz-notes.jpg: the file is text" in summary.report()


@pytest.mark.parametrize("name", sorted(PINNED))
def test_each_sample_keeps_its_pinned_entities(
    batch: tuple[Path, BatchSummary], name: str
) -> None:
    data_dir, _ = batch
    record = records(data_dir)[name]
    medical = document(data_dir, record).medical
    assert medical is not None
    found = {(e.text.lower(), e.category.value) for e in medical.entities}
    for text, category in PINNED[name]:
        assert (text.lower(), category) in found, (text, category)
    assert {e.name for e in record.engines} >= {"rapidocr"}


def test_spanish_samples_are_read_in_spanish_and_english_ones_in_english(
    batch: tuple[Path, BatchSummary],
) -> None:
    data_dir, _ = batch
    for name, record in records(data_dir).items():
        if record.status != Status.DONE:
            continue
        analysis = document(data_dir, record).language
        assert analysis is not None
        assert analysis.language.code == ("es" if "-es-" in name else "en"), name


def test_the_multi_page_pdf_and_the_rotated_scan_read_right(
    batch: tuple[Path, BatchSummary],
) -> None:
    data_dir, _ = batch
    found = records(data_dir)
    pdf = document(data_dir, found["07-lab-report-en-printed-2pages.pdf"])
    assert len(pdf.pages) == 2
    turned = document(data_dir, found["08-lab-report-es-printed-rot90.png"])
    assert turned.pages[0].rotation == 90  # turned 90 degrees clockwise to read
    assert "Sodio" in turned.text


# --- killed and resumed -------------------------------------------------------------------


def distinct_copies(folder: Path, count: int) -> None:
    """Re-encoded copies of the samples, each with different bytes (so a new document)."""
    images = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".png", ".jpg"))
    for number in range(count):
        source = images[number % len(images)]
        with Image.open(source) as image:
            copy = image.convert("RGB")
            copy.putpixel((0, 0), (number % 256, 7, 7))
            copy.save(folder / f"copy-{number:02d}{source.suffix}")


def run_batch(folder: Path, data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "meddoc.cli",
            "process",
            str(folder),
            "--data-dir",
            str(data_dir),
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, killed whole like a crash
    )


def settled(data_dir: Path) -> int:
    try:
        db = sqlite3.connect(data_dir / "meddoc.db", timeout=30)
        try:
            row = db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'settled'").fetchone()
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0
    return int(row[0])


def test_a_batch_killed_mid_way_resumes_without_losing_or_redoing(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    distinct_copies(folder, 8)
    data_dir = tmp_path / "data"
    first = run_batch(folder, data_dir)
    deadline = time.monotonic() + 240
    while settled(data_dir) < 2 and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.2)
    assert first.poll() is None, "the batch ended before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    done_before = {n for n, r in records(data_dir).items() if r.status == Status.DONE}
    assert 2 <= len(done_before) < 8

    second = run_batch(folder, data_dir)
    output, _ = second.communicate(timeout=300)
    assert second.returncode == 0, output
    final = records(data_dir)
    assert sorted(final) == sorted(p.name for p in folder.iterdir())
    assert all(r.status == Status.DONE for r in final.values()), output
    for name in done_before:
        assert final[name].attempts == 1, name  # finished before the kill: not redone
    # The interrupted jobs resumed; the files finished before the kill were skipped.
    assert "8 files in" in output
    assert f"{8 - len(done_before)} DONE, 0 FAILED, {len(done_before)} SKIPPED" in output
