"""What every Lambda handler wears: powertools' structured logger (request id, cold
start; never the event, which may carry PHI), X-Ray tracing without the response and
without S3 keys, and metrics (Metric, the only names emitted) flushed per invocation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric
from aws_xray_sdk.ext import boto_utils  # type: ignore[import-untyped]

from meddoc.aws.clients import observe_throttles

NAMESPACE = "meddoc"  # POWERTOOLS_METRICS_NAMESPACE in template.yaml
SERVICE = "meddoc"  # POWERTOOLS_SERVICE_NAME: every metric's one dimension, "service"
STATUS_DIMENSION = "status"  # of Metric.DOCUMENTS: documents by status


class Metric(StrEnum):
    """Every custom metric the functions emit (EMF, namespace meddoc, dimension service);
    the template's alarms and dashboard use these names (tests/aws/test_observability.py)."""

    UPLOAD_PROCESS = "Upload_process"  # by validate, per job action
    UPLOAD_SKIP = "Upload_skip"
    UPLOAD_REJECT = "Upload_reject"
    PAGES_DETECTED = "PagesDetected"  # pages read by synchronous Textract
    DOCUMENTS_DONE = "DocumentsDone"
    DOCUMENTS_FAILED = "DocumentsFailed"
    DOCUMENTS_TIMED_OUT = "DocumentsTimedOut"  # the stuck-document detector
    TOMBSTONES_CLEARED = "TombstonesCleared"
    DOCUMENT_COST = "DocumentCost"  # estimated US dollars of a DONE document's AI calls
    DOCUMENT_PAGES = "DocumentPages"  # pages of a DONE document
    DOCUMENTS = "Documents"  # documents per status (dimension status), every 15 minutes
    TEXTRACT_THROTTLED = "TextractThrottled"  # calls that stayed throttled after the SDK
    COMPREHEND_THROTTLED = "ComprehendThrottled"  # retries (the workflow retries them)
    COMPREHEND_MEDICAL_THROTTLED = "ComprehendMedicalThrottled"
    TRANSLATE_THROTTLED = "TranslateThrottled"
    API_2XX = "Api2xx"
    API_3XX = "Api3xx"
    API_4XX = "Api4xx"
    API_5XX = "Api5xx"
    API_KEY_ACCEPTED = "ApiKeyAccepted"
    API_KEY_REFUSED = "ApiKeyRefused"


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
metrics = Metrics()

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
