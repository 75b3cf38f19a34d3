"""X-Ray traces of the functions carry no S3 keys (upload file names may be PHI): the
validate function, traced as on Lambda, reads an upload named after a patient."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.aws.cloud import lambda_environment

ROOT = Path(__file__).resolve().parents[2]
LAMBDA = {
    "AWS_LAMBDA_FUNCTION_NAME": "validate",
    "LAMBDA_TASK_ROOT": "/var/task",
    "_X_AMZN_TRACE_ID": (
        "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
    ),
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def test_traces_of_a_function_reading_an_upload_never_name_its_key() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS", "AWS"))}
    environ |= lambda_environment() | LAMBDA | {"PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    environ.pop("IDEMPOTENCY_TABLE", None)
    run = subprocess.run(
        [sys.executable, "-m", "tests.aws.traced_invocation"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environ,
        check=False,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    patched = next(line["patched"] for line in lines if "patched" in line)
    subsegments = [line for line in lines if line.get("type") == "subsegment"]
    s3_reads = [s for s in subsegments if s.get("aws", {}).get("operation") == "GetObject"]
    assert s3_reads, "the trace should show the read of the upload"
    assert s3_reads[0]["aws"]["bucket_name"]
    traced = json.dumps(subsegments)
    for word in ("Jane", "Doe", "referral"):
        assert word not in traced
    # Only botocore is patched: an HTTP-level patch would record URLs, which hold keys.
    assert patched == {"botocore": True, "httplib": False}
