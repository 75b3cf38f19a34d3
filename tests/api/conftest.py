"""One API test suite, two hosts: every test runs against the local server and against
the API Lambda (each seeded afresh with the same documents)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.hosts import Host, local_host

HOSTS = ["local", "lambda"]


@pytest.fixture(params=HOSTS)
def host(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Host]:
    if request.param == "local":
        with local_host(tmp_path) as local:
            yield local
    else:
        from tests.api.lambda_host import lambda_host  # written beside the AWS adapters

        with lambda_host(tmp_path) as aws:
            yield aws
