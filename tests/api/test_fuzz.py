"""The review API fuzzed from its own OpenAPI document with schemathesis, against a
seeded local server (the Lambda host runs the same resolver): whatever a client sends,
the answer is never a 5xx."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.api.hosts import TOKEN, local_host


def test_no_request_makes_the_api_answer_with_a_server_error(tmp_path: Path) -> None:
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert schemathesis, "schemathesis is a dev extra"
    with local_host(tmp_path / "data") as host:
        base = f"http://127.0.0.1:{host.port}"
        run = subprocess.run(
            [
                schemathesis,
                "run",
                f"{base}/api/openapi.json",
                "--url",
                base,
                "-H",
                f"Authorization: Bearer {TOKEN}",
                "--checks",
                "not_a_server_error",
                "--max-examples",
                "15",
                "--seed",
                "7",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path / "report"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert run.returncode == 0, run.stdout[-4000:]
    assert " passed" in run.stdout
