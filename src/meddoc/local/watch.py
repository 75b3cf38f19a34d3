"""`meddoc watch`: keep taking in files that appear in (or change in) a folder. A file
is taken only once its size has stopped changing, so a scanner still writing it is
not read half-way."""

from __future__ import annotations

import time
from pathlib import Path

from meddoc.local.host import WorkerHost
from meddoc.local.ingest import ingest_sources, sources
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
    try:
        while True:
            if not owner and host.acquire():
                owner = True
                host.start(until_empty=False)
            settled = []
            for path, key in sources([folder]):
                size = path.stat().st_size
                if sizes.get(path) == size:
                    settled.append((path, key))
                sizes[path] = size
            ingest_sources(settled, runtime.blobs, runtime.queue, only_changed=True)
            time.sleep(interval)
    finally:
        if owner:
            host.stop()
        host.release()
