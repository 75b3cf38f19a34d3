"""Workflow step 2b: poll the asynchronous Textract job; when it has finished, store its
result pages (NextToken) one by one as they are read, then the detection assembled from
them page by page."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.instrumentation import instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.detect_text import collect_text_detection

aws = runtime()


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = collect_text_detection(
        job,
        detector=aws.async_text_detector,
        artifacts=aws.artifacts,
        limits=aws.settings.limits,
        # Stop storing result pages with a minute to spare; the next invocation goes on.
        more_time=lambda: context.get_remaining_time_in_millis() > 60_000,
    )
    return job_payload(job)
