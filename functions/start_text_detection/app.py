"""Workflow step 2 (PDF, multi-page TIFF): start an asynchronous Textract job; the
client request token makes a retried start return the same job."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.instrumentation import instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.detect_text import start_text_detection
from meddoc.pipeline.runner import utc_now

aws = runtime()


@instrumented
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
