"""Workflow step 2 (PDF, multi-page TIFF): start an asynchronous Textract job; the
client request token makes a retried start return the same job."""

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.wiring import runtime
from meddoc.pipeline.detect_text import start_text_detection
from meddoc.pipeline.runner import utc_now

logger = Logger()
tracer = Tracer()
metrics = Metrics()
aws = runtime()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = start_text_detection(
        job,
        detector=aws.async_text_detector,
        artifacts=aws.artifacts,
        store=aws.store,
        now=utc_now,
    )
    return job_payload(job)
