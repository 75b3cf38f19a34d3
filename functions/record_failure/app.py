"""The workflow's Catch target: mark the document FAILED with the failing step and a
reason a person can act on (identifying the upload first if validation itself broke)."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import failure_request, job_from_event, job_payload
from meddoc.aws.wiring import runtime
from meddoc.pipeline.failure import record_failure
from meddoc.pipeline.runner import utc_now

logger = Logger()
tracer = Tracer()
metrics = Metrics()
aws = runtime()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = failure_request(event)
    job = record_failure(
        job_from_event(request.job),
        request.step,
        request.step_error,
        blobs=aws.blobs,
        store=aws.store,
        limits=aws.settings.limits,
        now=utc_now,
    )
    logger.warning("document failed", extra={"document_id": job.document_id, "step": request.step})
    metrics.add_metric(name="DocumentsFailed", unit=MetricUnit.Count, value=1)
    return job_payload(job)
