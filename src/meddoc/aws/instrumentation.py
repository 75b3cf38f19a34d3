"""What every Lambda handler wears: powertools' structured logger (request id, cold
start; never the event, which may carry PHI), X-Ray tracing without the response and
without S3 keys, and metrics flushed at the end of each invocation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_xray_sdk.ext import boto_utils  # type: ignore[import-untyped]

# The X-Ray SDK records some request parameters of AWS calls (its whitelist); for S3
# those include object keys and prefixes, which are upload file names and may be PHI.
UNTRACED_PARAMETERS = frozenset({"Key", "Prefix", "CopySource"})


def scrub_traced_parameters() -> None:
    """Keep S3 keys and prefixes out of the subsegments of botocore calls (the bucket
    name, operation and status stay)."""
    operations = boto_utils.whitelist["services"].get("s3", {}).get("operations", {})
    for operation in operations.values():
        recorded = operation.get("request_parameters", [])
        operation["request_parameters"] = [p for p in recorded if p not in UNTRACED_PARAMETERS]


scrub_traced_parameters()
logger = Logger()
# Only botocore: an HTTP-level patch would record request URLs, and an S3 URL holds the key.
tracer = Tracer(patch_modules=["botocore"])
metrics = Metrics()

Handler = Callable[[dict[str, Any], Any], Any]


def instrumented(handler: Handler) -> Handler:
    decorated: Handler = logger.inject_lambda_context(
        tracer.capture_lambda_handler(capture_response=False)(metrics.log_metrics(handler))
    )
    return decorated


def count(name: str, value: float = 1) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
