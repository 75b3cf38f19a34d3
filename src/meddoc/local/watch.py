"""`meddoc watch`: keep taking in files that appear in (or change in) a folder. A file
is taken only once its size has stopped changing, so a scanner still writing it is
not read half-way."""

from __future__ import annotations

import time
from pathlib import Path

from meddoc.local.host import WorkerHost
from meddoc.local.ingest import SeenFiles, ingest_sources, sources
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings


def watch(settings: LocalSettings, folder: Path, interval: float) -> None:
    if not folder.expanduser().is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    runtime = LocalRuntime(settings)
    host = WorkerHost(runtime)
    owner = host.acquire()
    if owner:
        host.start(until_empty=False)
    sizes: dict[Path, int] = {}
    seen = SeenFiles(runtime.connection)
    try:
        while True:
            if not owner and host.acquire():
                owner = True
                host.start(until_empty=False)
            settled = []
            current: dict[Path, int] = {}
            for path, name in sources([folder]):
                try:
                    current[path] = path.stat().st_size
                except FileNotFoundError:
                    continue  # moved out of the folder between the listing and now
                if sizes.get(path) == current[path]:
                    settled.append((path, name))
            sizes = current
            ingest_sources(settled, runtime.blobs, runtime.queue, seen)
            time.sleep(interval)
    finally:
        if owner:
            host.stop()
        host.release()
