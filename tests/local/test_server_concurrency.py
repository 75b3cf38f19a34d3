"""The local server resolves API requests one at a time (powertools keeps the current
request in a class attribute): concurrent uploads never read each other's bodies."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.api.hosts import local_host
from tests.documents import png_bytes


def test_concurrent_uploads_each_land_with_their_own_bytes(tmp_path: Path) -> None:
    files = [png_bytes(40 + n, 30, f"c{n}") for n in range(16)]
    with local_host(tmp_path) as host:

        def send(data: bytes) -> str:
            intent = host.request(
                "POST", "/api/uploads", json={"name": "c.png", "size": len(data)}
            ).json()
            reply = host.request(
                "PUT",
                intent["url"],
                body=data,
                headers={"Content-Type": "application/octet-stream"},
            )
            assert reply.status == 200, reply.body
            document_id: str = reply.json()["document_id"]
            return document_id

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(send, files))
    assert ids == [hashlib.sha256(data).hexdigest() for data in files]
