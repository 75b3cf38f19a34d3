"""The deployed stack, found by name: its upload bucket and documents table (outputs)
and the analyses it was deployed with (parameters), through boto3."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, NoRegionError

from pushlib.s3_target import S3Target


class StackProblem(Exception):
    """The stack cannot be used (missing, no outputs, no credentials); a usage error."""


@dataclass(frozen=True, slots=True)
class Stack:
    name: str
    bucket: str
    table: str
    parameters: dict[str, str] = field(default_factory=dict)


def session(profile: str | None, region: str | None) -> boto3.session.Session:
    try:
        return boto3.session.Session(profile_name=profile, region_name=region)
    except BotoCoreError as exc:  # e.g. no such profile
        raise StackProblem(str(exc)) from exc


def client(aws: boto3.session.Session, service: str, config: Config | None = None) -> Any:
    try:
        return aws.client(service, config=config)
    except NoRegionError as exc:
        raise StackProblem("no AWS region: give --region, or set AWS_DEFAULT_REGION") from exc
    except BotoCoreError as exc:
        raise StackProblem(str(exc)) from exc


def describe(cloudformation: Any, name: str) -> Stack:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except NoCredentialsError as exc:
        raise StackProblem("no AWS credentials found (aws configure, or AWS_PROFILE)") from exc
    except ClientError as exc:
        message = exc.response.get("Error", {}).get("Message", str(exc))
        raise StackProblem(f"cannot read the stack {name!r}: {message}") from exc
    except BotoCoreError as exc:
        raise StackProblem(f"cannot read the stack {name!r}: {exc}") from exc
    stack = stacks[0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    if "UploadBucketName" not in outputs:
        raise StackProblem(f"the stack {name!r} has no UploadBucketName output; is it meddoc?")
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack.get("Parameters", [])}
    return Stack(
        name, outputs["UploadBucketName"], outputs.get("DocumentsTableName", ""), parameters
    )


def s3_target(aws: boto3.session.Session, bucket: str, table: str, concurrency: int) -> S3Target:
    config = Config(
        max_pool_connections=max(10, concurrency * 5),  # multipart parts share the pool
        retries={"max_attempts": 10, "mode": "adaptive"},  # slow down when S3 says so
    )
    s3 = client(aws, "s3", config)
    dynamodb = client(aws, "dynamodb", config) if table else None
    return S3Target(s3, bucket, dynamodb, table)
