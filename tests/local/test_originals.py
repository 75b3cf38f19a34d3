"""Originals are kept by the hash of their bytes: two scans that share a name (a scanner
that reuses names, phones' IMG_0001.JPG) stay two intact documents, deleting one removes
exactly its own bytes, and what a killed copy left behind is cleaned up."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from meddoc.api.roles import admin
from meddoc.limits import Limits
from meddoc.local.batch import process
from meddoc.local.database import connect
from meddoc.local.files import FileBlobStore, content_ref
from meddoc.local.ingest import SeenFiles, ingest_sources, sweep_unclaimed
from meddoc.local.jobs import JobQueue
from meddoc.local.operations import reprocess
from meddoc.local.review_adapters import LocalUploads
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import UPLOADS, LocalSettings
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import DocumentRecord, ObjectRef, Status
from meddoc.pipeline.job import Job

ADMIN = admin("local")


def page(text: str) -> bytes:
    image = Image.new("RGB", (900, 300), "white")
    ImageDraw.Draw(image).text((40, 120), text, fill="black", font_size=40)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_the_same_bytes_are_stored_once_and_other_bytes_never_replace_them(
    tmp_path: Path,
) -> None:
    blobs = FileBlobStore(tmp_path / "data")
    first = blobs.take_in_file(UPLOADS, write(tmp_path / "A" / "scan001.png", b"first scan"))
    again = blobs.take_in_file(UPLOADS, write(tmp_path / "C" / "copy.png", b"first scan"))
    other = blobs.take_in_file(UPLOADS, write(tmp_path / "B" / "scan001.png", b"other scan"))

    assert (
        first.ref == again.ref == content_ref(UPLOADS, hashlib.sha256(b"first scan").hexdigest())
    )
    assert other.ref != first.ref
    assert blobs.read(first.ref) == b"first scan"
    assert blobs.read(other.ref) == b"other scan"
    leftovers = [p.name for p in (tmp_path / "data").rglob("*") if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_a_stream_longer_than_its_limit_is_refused_and_leaves_nothing(tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path)
    with pytest.raises(ValueError, match="more than 4 bytes"):
        blobs.take_in(UPLOADS, io.BytesIO(b"12345"), limit=4)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_temporary_files_of_killed_writers_are_swept_and_those_of_live_ones_kept(
    tmp_path: Path,
) -> None:
    blobs = FileBlobStore(tmp_path)
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    dead = write(tmp_path / "uploads" / "sha256" / f".tmp-{dead_pid}-abc", b"partial")
    dead_result = write(tmp_path / "results" / "documents" / "d" / f".tmp-{dead_pid}-x", b"{")
    unknown = write(tmp_path / "uploads" / ".tmp-abc", b"old style")
    live = write(tmp_path / "uploads" / "sha256" / f".tmp-{os.getpid()}-def", b"in progress")

    assert blobs.sweep_temporary() == 3
    assert [p.exists() for p in (dead, dead_result, unknown)] == [False, False, False]
    assert live.exists()


def test_a_watched_file_that_vanishes_before_it_is_read_is_reported_not_fatal(
    tmp_path: Path,
) -> None:
    connection = connect(tmp_path / "data" / "meddoc.db")
    blobs, queue = FileBlobStore(tmp_path / "data"), JobQueue(connection)
    kept = write(tmp_path / "inbox" / "kept.png", b"kept")
    gone = tmp_path / "inbox" / "moved-away.png"  # listed, then archived elsewhere

    ingested = ingest_sources(
        [(gone, "inbox/moved-away.png"), (kept, "inbox/kept.png")],
        blobs,
        queue,
        SeenFiles(connection),
    )

    assert ingested.files == 1
    assert ingested.vanished == ["inbox/moved-away.png"]
    again = ingest_sources([(kept, "inbox/kept.png")], blobs, queue, SeenFiles(connection))
    assert again.files == 0  # unchanged since it was taken in


def _legacy_record(document_id: str, key: str) -> DocumentRecord:
    now = datetime.now(UTC)
    return DocumentRecord(
        id=document_id,
        source=ObjectRef(UPLOADS, key),
        name="scan001.png",
        content_type="image/png",
        size=1,
        created_at=now,
        updated_at=now,
    )


def test_deleting_a_document_stored_by_name_spares_other_bytes_stored_there_since(
    tmp_path: Path,
) -> None:
    blobs = FileBlobStore(tmp_path)
    connection = connect(tmp_path / "meddoc.db")

    def never(ref: ObjectRef, name: str) -> Job:
        raise AssertionError("not called")

    uploads = LocalUploads(blobs, JobQueue(connection), Limits(), never)
    # A data folder from before content addressing: A's key now holds B's bytes.
    write(tmp_path / UPLOADS / "scans" / "scan001.png", b"B's scan")
    first = _legacy_record(hashlib.sha256(b"A's scan").hexdigest(), "scans/scan001.png")
    second = _legacy_record(hashlib.sha256(b"B's scan").hexdigest(), "scans/scan001.png")

    assert uploads.delete_original(first) == 0
    assert (tmp_path / UPLOADS / "scans" / "scan001.png").read_bytes() == b"B's scan"
    assert uploads.delete_original(second) == 1
    assert not (tmp_path / UPLOADS / "scans" / "scan001.png").exists()


@pytest.mark.slow
@pytest.mark.xdist_group("engines")
def test_two_scans_with_the_same_name_stay_two_intact_documents(tmp_path: Path) -> None:
    settings = LocalSettings(data_dir=tmp_path / "data", workers=1)
    first_bytes = page("Alpha Anders: asthma")
    second_bytes = page("Brenda Bell: gout")
    write(tmp_path / "A" / "scans" / "scan001.png", first_bytes)
    write(tmp_path / "B" / "scans" / "scan001.png", second_bytes)

    process(settings, [tmp_path / "A"], out=io.StringIO())
    process(settings, [tmp_path / "B"], out=io.StringIO())

    runtime = LocalRuntime(settings)
    service = review_service(runtime, local_uploads(runtime))
    first_id = hashlib.sha256(first_bytes).hexdigest()
    second_id = hashlib.sha256(second_bytes).hexdigest()
    for document_id, data, word in (
        (first_id, first_bytes, "asthma"),
        (second_id, second_bytes, "gout"),
    ):
        record, document, _ = service.document(document_id)
        assert record.status == Status.DONE
        assert runtime.blobs.read(record.source) == data
        assert document is not None
        assert word in document.text.lower()

    # Reprocessing the first document reads its own bytes again and ends DONE.
    reprocess(settings, [first_id], None, False, out=io.StringIO())
    record, document, _ = service.document(first_id)
    assert record.status == Status.DONE
    assert record.attempts == 2
    assert document is not None
    assert "asthma" in document.text.lower()

    # Deleting the first removes exactly its bytes: the second keeps its original.
    service.delete(first_id, ADMIN)
    assert not runtime.blobs.exists(content_ref(UPLOADS, first_id))
    assert runtime.blobs.read(content_ref(UPLOADS, second_id)) == second_bytes


def test_originals_no_record_or_job_refers_to_are_swept_after_an_hour(tmp_path: Path) -> None:
    connection = connect(tmp_path / "meddoc.db")
    blobs, queue = FileBlobStore(tmp_path), JobQueue(connection)
    store = SqliteDocumentStore(connection)
    queued = blobs.take_in(UPLOADS, io.BytesIO(b"queued, not yet read"))
    queue.enqueue(queued.ref, "queued.png")
    recorded = blobs.take_in(UPLOADS, io.BytesIO(b"processed"))
    store.create(_legacy_record(recorded.sha256, recorded.ref.key))
    orphan = blobs.take_in(UPLOADS, io.BytesIO(b"copied, then the process was killed"))
    recent = blobs.take_in(UPLOADS, io.BytesIO(b"copied a minute ago"))
    hour_ago = datetime.now(UTC).timestamp() - 3700
    for original in (queued, recorded, orphan):
        os.utime(blobs.path(original.ref), (hour_ago, hour_ago))

    assert sweep_unclaimed(blobs, store, queue) == 1

    assert not blobs.exists(orphan.ref)
    assert [blobs.exists(o.ref) for o in (queued, recorded, recent)] == [True, True, True]
    # Taking the same bytes in again makes them fresh: not swept while being queued.
    os.utime(blobs.path(recorded.ref), (hour_ago, hour_ago))
    again = blobs.take_in(UPLOADS, io.BytesIO(b"processed"))
    assert blobs.path(again.ref).stat().st_mtime > hour_ago + 3000
