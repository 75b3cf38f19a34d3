"""Every test here runs inside moto, with fake credentials: nothing can reach AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from moto import mock_aws

from tests.aws.cloud import REGION, create_stack_resources, lambda_environment


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        **lambda_environment(),
    }.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def cloud(aws_environment: None) -> Iterator[None]:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        create_stack_resources()
        yield
