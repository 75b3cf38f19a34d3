"""What every Lambda handler wears: powertools' structured logger (request id, cold
start; never the event, which may carry PHI), X-Ray tracing without the response and
without S3 keys, and metrics (Metric, the only names emitted) flushed per invocation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_xray_sdk.ext import boto_utils  # type: ignore[import-untyped]

from meddoc.aws.clients import observe_throttles
from meddoc.aws.metric_names import NAMESPACE, SERVICE, STATUS_DIMENSION, Metric

__all__ = ["Metric", "count", "count_documents", "instrumented", "logger", "measure", "metrics"]

# The services whose throttling is counted, by the names the adapters give
# clients.service_errors.
THROTTLED: Mapping[str, Metric] = {
    "Amazon Textract": Metric.TEXTRACT_THROTTLED,
    "Amazon Comprehend": Metric.COMPREHEND_THROTTLED,
    "Amazon Comprehend Medical": Metric.COMPREHEND_MEDICAL_THROTTLED,
    "Amazon Translate": Metric.TRANSLATE_THROTTLED,
}

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
# Named here, not only in the environment: the alarms match these exact names.
metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

Handler = Callable[[dict[str, Any], Any], Any]


def instrumented(handler: Handler) -> Handler:
    decorated: Handler = logger.inject_lambda_context(
        tracer.capture_lambda_handler(capture_response=False)(metrics.log_metrics(handler))
    )
    return decorated


def count(metric: Metric, value: float = 1) -> None:
    metrics.add_metric(name=metric.value, unit=MetricUnit.Count, value=value)


def measure(metric: Metric, value: float) -> None:
    metrics.add_metric(name=metric.value, unit=MetricUnit.NoUnit, value=value)


def count_documents(counts: Mapping[str, int]) -> None:
    """Documents per status, as the status counters say, for the dashboard (a status
    with none left is sent as 0, so its line drops instead of holding its last value)."""
    for status, documents in sorted(counts.items()):
        with single_metric(
            name=Metric.DOCUMENTS.value,
            unit=MetricUnit.Count,
            value=documents,
            namespace=NAMESPACE,
            default_dimensions={"service": SERVICE},
        ) as metric:
            metric.add_dimension(name=STATUS_DIMENSION, value=status)


def _count_throttle(service: str) -> None:
    metric = THROTTLED.get(service)
    if metric is not None:
        count(metric)


observe_throttles(_count_throttle)
