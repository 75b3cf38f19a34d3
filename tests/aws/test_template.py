"""template.yaml and the workflow definition hold together: linters pass, every
placeholder is substituted, every function's code and sample event exist."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from meddoc.aws.events import failure_request, job_from_event
from tests.aws.cloud import template

ROOT = Path(__file__).resolve().parents[2]
ASL = ROOT / "statemachine" / "pipeline.asl.json"


def functions() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def tasks(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, state in states.items():
        if state["Type"] == "Task":
            found[name] = state
        for branch in state.get("Branches", []):
            found.update(tasks(branch["States"]))
    return found


def test_cfn_lint_passes() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes() -> None:
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    executable = str(sam) if sam.exists() else shutil.which("sam")
    assert executable, "AWS SAM CLI is missing: `make test` installs it into .venv-sam"
    result = subprocess.run(
        [executable, "validate", "--lint", "--template", str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            "SAM_CLI_TELEMETRY": "0",
            "PATH": "/usr/bin:/bin",
            "HOME": str(ROOT),
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_placeholder_in_the_workflow_is_substituted_and_every_substitution_used() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", ASL.read_text()))
    substitutions = template()["Resources"]["PipelineStateMachine"]["Properties"][
        "DefinitionSubstitutions"
    ]
    assert placeholders == set(substitutions)
    for value in substitutions.values():
        assert value["GetAtt"].split(".")[0] in functions()


def test_every_function_has_its_handler_and_a_sample_event_that_parses() -> None:
    for name, props in functions().items():
        code = ROOT / props["CodeUri"] / "app.py"
        assert code.exists(), name
        assert "def handler(" in code.read_text(), name
        event = json.loads((ROOT / "events" / f"{Path(props['CodeUri']).name}.json").read_text())
        if name == "RecordFailureFunction":
            assert job_from_event(failure_request(event).job).source.bucket
        else:
            assert job_from_event(event).source.key


def test_every_task_retries_throttling_with_jitter_and_catches_everything() -> None:
    definition = json.loads(ASL.read_text())
    for name, state in tasks(definition["States"]).items():
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        assert {"ServiceThrottled", "ServiceUnavailable", "Lambda.ServiceException"} <= retried
        assert all(r["JitterStrategy"] == "FULL" for r in state["Retry"]), name
        if not name.startswith("Record"):
            assert state["Catch"][0]["ErrorEquals"] == ["States.ALL"], name


@pytest.mark.parametrize("resource", ["UploadBucket", "ResultsBucket"])
def test_buckets_are_private_encrypted_and_tls_only(resource: str) -> None:
    props = template()["Resources"][resource]["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = template()["Resources"][f"{resource}Policy"]["Properties"]["PolicyDocument"]
    assert any(
        s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Statement"]
        if s["Effect"] == "Deny"
    )
