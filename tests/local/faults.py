"""Stand-ins for files that kill their worker, for supervision tests: worker processes
run the real pipeline over the API tests' fake engines, except that a PNG carrying a
`fault` text chunk makes the OCR misbehave the way real poison files make real engines
misbehave. Files are made at test time."""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PIL import Image, PngImagePlugin

from meddoc.local.files import FileBlobStore
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import RESULTS, LocalSettings
from meddoc.model import ObjectRef, TextDetection
from meddoc.ports import ResponseLog, TextDetector
from tests.api.hosts import fake_pipeline

T = TypeVar("T")

# What a fault makes the worker do.
MEMORY = "memory"  # allocate until the worker's memory limit refuses (MemoryError)
OOM_KILL = "oom-kill"  # die of SIGKILL, as the kernel's out-of-memory killer kills
ABORT = "abort"  # abort, as a C++ library does when an allocation fails (pdfium)
HANG = "hang"  # never finish (a decoder that takes hours)
FILL_DISK = "fill-disk"  # fill the disk holding the results (once), then read as usual
SMALL_DISK = 64 * 1024 * 1024


def page(seed: int, fault: str = "") -> bytes:
    """A small PNG, different for each seed; with a fault, it carries the fault's name."""
    image = Image.new("RGB", (40 + seed % 50, 30 + seed // 50), (seed % 256, 200, 200))
    info = PngImagePlugin.PngInfo()
    if fault:
        info.add_text("fault", fault)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


class FaultyTextDetector:
    def __init__(self, blobs: FileBlobStore, reads: TextDetector) -> None:
        self.blobs = blobs
        self.root = blobs.root
        self.reads = reads

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        data = self.blobs.read(ref)
        if b"fault\x00" + MEMORY.encode() in data:
            hoard = []
            while True:  # untouched zero pages: address space only, no real memory
                hoard.append(bytes(256 << 20))
        if b"fault\x00" + OOM_KILL.encode() in data:
            os.kill(os.getpid(), signal.SIGKILL)
        if b"fault\x00" + ABORT.encode() in data:
            os.abort()
        if b"fault\x00" + HANG.encode() in data:
            time.sleep(3600)
        if b"fault\x00" + FILL_DISK.encode() in data:
            fill(self.root / RESULTS / "filler")
        return self.reads.detect(ref, content_type, log)


def fill(path: Path) -> None:
    """Fill the disk holding `path` with that file, once: a marker beside it (left when
    the test deletes the file to make room) says it was done. Only small disks (the
    tests' own tmpfs) are ever filled."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if shutil.disk_usage(path.parent).total > SMALL_DISK:
        raise AssertionError(f"refusing to fill {path.parent}: not a small test disk")
    try:
        path.with_name(path.name + ".done").touch(exist_ok=False)
    except FileExistsError:
        return
    try:
        with path.open("wb") as filler:
            while True:
                filler.write(bytes(1 << 20))
                filler.flush()
    except OSError as exc:
        if exc.errno != errno.ENOSPC:
            raise


def faulty_engines(runtime: LocalRuntime) -> None:
    """A worker's `prepare`: fake engines, with faults for files that carry one."""
    fake_pipeline(runtime.pipeline)
    runtime.pipeline.detector = FaultyTextDetector(runtime.blobs, runtime.pipeline.detector)


def supervised(data_dir: Path, **overrides: Any) -> LocalSettings:
    """Settings for supervision tests: two workers, a 1 GB memory limit and a 3 s time
    limit (the fake engines need a fraction of both), short pauses for disk space."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "workers": 2,
        "memory_limit_mb": 1024,
        "job_minutes": 0.05,
        "page_seconds": 1.0,
        "disk_pause_seconds": 0.2,
        "disk_patience_seconds": 3.0,
    }
    values.update(overrides)
    return LocalSettings(**values)


def eventually(check: Callable[[], T], timeout: float = 60.0, every: float = 0.1) -> T:
    """The first truthy result of `check`, or its last falsy one after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)
