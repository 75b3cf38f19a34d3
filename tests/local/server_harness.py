"""Helpers for the local server's tests: `meddoc serve` as a real process (to measure its
memory and read its output from outside), raw HTTP exchanges that can stop sending
half-way, and a page renderer that waits for the test to let it finish."""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from meddoc.model import BoundingBox, ObjectRef

REPO = Path(__file__).resolve().parents[2]
BANNER = re.compile(r"meddoc review site: http://(?P<host>\[[^\]]+\]|[^:/]+):(?P<port>\d+)/")
MB = 1 << 20


@dataclass
class ServeProcess:
    process: subprocess.Popen[str]
    host: str  # as in a URL: 127.0.0.1 or [::1]
    port: int
    token: str | None
    output: list[str] = field(default_factory=list)  # every line, stdout and stderr

    @property
    def address(self) -> str:
        return self.host.strip("[]")

    def memory_kb(self, name: str = "VmHWM") -> int:
        """VmRSS (resident now) or VmHWM (peak resident) of the server process."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
        raise AssertionError(f"no {name} in /proc/{self.process.pid}/status")

    def connect(self) -> socket.socket:
        connection = socket.create_connection((self.address, self.port), timeout=30)
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection


@contextmanager
def serve_process(
    data_dir: Path, *options: str, env: Mapping[str, str] | None = None
) -> Iterator[ServeProcess]:
    """`meddoc serve` on a free port with one in-process worker; stopped on exit (its
    output stays in `.output`)."""
    environ = {**os.environ, **(env or {})}
    environ["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "src"), *filter(None, [environ.get("PYTHONPATH")])]
    )
    command = [sys.executable, "-m", "meddoc.cli", "serve", "--data-dir", str(data_dir)]
    process = subprocess.Popen(
        [*command, "--port", "0", "--workers", "1", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
        cwd=REPO,
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put("")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        server = _started(process, lines, output, "--no-auth" not in options)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)


def _started(
    process: subprocess.Popen[str], lines: queue.Queue[str], output: list[str], auth: bool
) -> ServeProcess:
    match = None
    while match is None:
        line = lines.get(timeout=60)
        assert line, "meddoc serve exited:\n" + "".join(output)
        match = BANNER.search(line)
    token = None
    if auth:
        token = lines.get(timeout=60).rsplit(" ", 1)[-1].strip()
    return ServeProcess(process, match["host"], int(match["port"]), token, output)


@dataclass
class Exchange:
    """What happened to a request whose body was sent only in part."""

    status: int  # of the answer that came before the body
    body_sent: int  # bytes of the body sent before the server closed
    closed: bool  # the server closed the connection


def send_headers_then_body(
    connection: socket.socket, head: bytes, body_limit: int = 8 * MB
) -> Exchange:
    """Send the request head, read the answer the server gives before the body, then
    keep sending body bytes until the server closes (or `body_limit` is sent)."""
    connection.sendall(head)
    answer = _read_head(connection)
    status = int(answer.split(b" ", 2)[1])
    sent = 0
    chunk = b"\0" * (256 << 10)
    try:
        while sent < body_limit:
            connection.sendall(chunk)
            sent += len(chunk)
    except OSError:  # reset or broken pipe: the server stopped reading and closed
        return Exchange(status, sent, closed=True)
    connection.settimeout(5)
    try:
        while connection.recv(1 << 16):
            pass
    except TimeoutError:  # still open, waiting for the rest of the body
        return Exchange(status, sent, closed=False)
    except OSError:
        pass
    return Exchange(status, sent, closed=True)


def _read_head(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        assert chunk, "the server closed the connection without an answer"
        data += chunk
    return data.split(b"\r\n", 1)[0]


def request_head(method: str, path: str, host: str, headers: Mapping[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def waiting_render(
    root: Path, source: ObjectRef, number: int, rotation: int, redact: list[BoundingBox]
) -> bytes:
    """A page renderer (run in the sandbox) that says when it starts, then waits until
    the test creates `render-may-finish` in the data directory."""
    (root / "render-started").touch()
    while not (root / "render-may-finish").exists():
        time.sleep(0.01)
    return b"\xff\xd8 a page image \xff\xd9"
