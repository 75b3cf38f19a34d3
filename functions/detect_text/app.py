"""Workflow step 2 (single images): synchronous text detection with Amazon Textract."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.idempotency import once_per_attempt
from meddoc.aws.instrumentation import Metric, count, instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.detect_text import detect_text
from meddoc.pipeline.runner import utc_now

aws = runtime()


@instrumented
@once_per_attempt(aws.settings)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = detect_text(
        job, detector=aws.text_detector, artifacts=aws.artifacts, store=aws.store, now=utc_now
    )
    count(Metric.PAGES_DETECTED, job.page_count)
    return job_payload(job)
