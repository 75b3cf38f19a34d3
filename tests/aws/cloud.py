"""The AWS side of tests: moto resources made from template.yaml's own definitions, so
the tests exercise the tables and buckets the stack really creates."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import boto3
import yaml

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
REGION = "us-east-1"
UPLOADS = "meddoc-uploads"
RESULTS = "meddoc-results"
TABLE = "meddoc-documents"
IDEMPOTENCY = "meddoc-idempotency"
ADMISSION = "meddoc-admission"


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node)}
    return {suffix: loader.construct_mapping(node)}  # type: ignore[arg-type]


_CfnLoader.add_multi_constructor("!", _tag)


@functools.cache
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506
    return loaded


def resource(logical_id: str) -> dict[str, Any]:
    found: dict[str, Any] = template()["Resources"][logical_id]
    return found


def create_table(logical_id: str, name: str) -> None:
    props = resource(logical_id)["Properties"]
    kwargs: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props["BillingMode"],
    }
    if "GlobalSecondaryIndexes" in props:
        kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    boto3.client("dynamodb", region_name=REGION).create_table(**kwargs)


def create_stack_resources() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=UPLOADS)
    s3.create_bucket(Bucket=RESULTS)
    versioning = resource("UploadBucket")["Properties"]["VersioningConfiguration"]
    s3.put_bucket_versioning(Bucket=UPLOADS, VersioningConfiguration=versioning)
    create_table("DocumentsTable", TABLE)
    create_table("IdempotencyTable", IDEMPOTENCY)
    create_table("AdmissionTable", ADMISSION)


def lambda_environment() -> dict[str, str]:
    """The functions' environment as the template sets it, with test resource names."""
    variables = template()["Globals"]["Function"]["Environment"]["Variables"]
    names = {
        "RESULTS_BUCKET": RESULTS,
        "TABLE_NAME": TABLE,
        "IDEMPOTENCY_TABLE": IDEMPOTENCY,
    }
    env = {}
    for key, value in variables.items():
        if key in names:
            env[key] = names[key]
        elif isinstance(value, dict):  # !Ref to a parameter: take its default
            env[key] = str(template()["Parameters"][value["Ref"]]["Default"])
        else:
            env[key] = str(value)
    return env
