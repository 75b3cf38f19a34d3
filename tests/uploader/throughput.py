"""The uploader's throughput (a measurement to print, not a test): N small generated PNG
images pushed with the default options to a moto server (S3 + DynamoDB over HTTP on
localhost) and to a real local meddoc server (jobs queue; no worker runs, so the figure
is the upload path alone). Repeats each run and prints min and median files/s.

    /work/venvs/uploader/bin/python -m tests.uploader.throughput --files 500 --repeat 3
(both servers run as their own processes: moto_server from moto[server], and
`meddoc serve` with its worker lock held, so no worker competes for the two cores)
"""

from __future__ import annotations

import argparse
import fcntl
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "uploader"))

from pushlib.cli import main

from tests.uploader.folders import small_images


def measure(label: str, run: Callable[[int], dict[str, float]], repeat: int) -> None:
    totals, uploads = [], []
    for attempt in range(repeat):
        figures = run(attempt)
        totals.append(figures["total"])
        uploads.append(figures["upload"])
    print(
        f"{label}: end to end min {min(totals):.1f} / median {statistics.median(totals):.1f} "
        f"files/s; upload phase min {min(uploads):.1f} / median "
        f"{statistics.median(uploads):.1f} files/s ({repeat} runs)"
    )


CONCURRENCY = ["--concurrency", "8"]


def push(folder: Path, files: int, *args: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        started = time.perf_counter()
        code = main(
            [str(folder), *args, *CONCURRENCY, "--state-dir", scratch, "--report", str(report)],
            out=io.StringIO(),
        )
        elapsed = time.perf_counter() - started
        outcome = json.loads(report.read_text())
    uploaded = len(outcome["uploaded"])
    if code != 0 or uploaded != files:
        problems = outcome["rejected"] + outcome["upload_errors"] + outcome["already_there"]
        raise SystemExit(f"run failed: exit {code}, {uploaded}/{files} uploaded: {problems[:3]}")
    return {"total": files / elapsed, "upload": files / outcome["upload_seconds"]}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_for(port: int) -> None:
    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


@contextmanager
def process(
    command: list[str], port: int, capture: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """A server in its own process, as people run it (no GIL shared with the uploader).
    Its output is read only when asked for (moto logs every request: a pipe nobody
    reads would fill up and stop it)."""
    output = subprocess.PIPE if capture else subprocess.DEVNULL
    server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(port)
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


def against_moto(folder: Path, files: int, repeat: int) -> None:
    import boto3

    from tests.aws.cloud import create_table

    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    with process([str(moto), "-H", "127.0.0.1", "-p", str(port)], port):
        os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{port}"
        boto3.client("s3").create_bucket(Bucket="meddoc-uploads")
        create_table("DocumentsTable", "meddoc-documents")
        args = ("--bucket", "meddoc-uploads", "--table", "meddoc-documents", "--new-batch")
        measure("moto server (S3 + DynamoDB)", lambda _: push(folder, files, *args), repeat)
        del os.environ["AWS_ENDPOINT_URL"]


def against_local(folder: Path, files: int, repeat: int) -> None:
    def run(attempt: int) -> dict[str, float]:
        with tempfile.TemporaryDirectory() as data:
            # Holding the worker lock keeps `meddoc serve` from starting workers: the
            # figure is the upload path (announce, send, identify, queue) alone.
            lock = (Path(data) / "worker.lock").open("a+")
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            port = free_port()
            serve = "import sys; from meddoc.cli import main; sys.exit(main())"
            command = [sys.executable, "-c", serve, "serve", "--data-dir", data]
            with process([*command, "--port", str(port)], port, capture=True) as server:
                token = _token(server)
                endpoint = f"http://127.0.0.1:{port}"
                figures = push(folder, files, "--endpoint", endpoint, f"--token={token}")
            lock.close()
            return figures

    measure("local meddoc server (meddoc serve, no workers)", run, repeat)


def _token(server: subprocess.Popen[str]) -> str:
    assert server.stdout is not None
    for line in server.stdout:
        if "access token" in line:
            return line.rsplit(" ", 1)[-1].strip()
    raise SystemExit("meddoc serve printed no token")


def main_command() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", choices=["moto", "local", "both"], default="both")
    parser.add_argument("--concurrency", default="8")
    args = parser.parse_args()
    CONCURRENCY[1] = args.concurrency
    with tempfile.TemporaryDirectory() as scratch:
        folder = small_images(Path(scratch) / "images", args.files)
        size = sum(p.stat().st_size for p in folder.iterdir())
        kilobytes = f"{size / 1000:.0f} kB"
        print(f"{args.files} PNG images, {kilobytes} in all, --concurrency {args.concurrency}")
        if args.target in ("moto", "both"):
            against_moto(folder, args.files, args.repeat)
        if args.target in ("local", "both"):
            against_local(folder, args.files, args.repeat)


if __name__ == "__main__":
    main_command()
