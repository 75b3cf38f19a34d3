"""Workflow step 1: identify an upload (type from its bytes, limits, content hash) and
create its one record. Input: the S3 Object Created event, or a reprocess request."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.instrumentation import Metric, count, instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.validate import validate

aws = runtime()


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    # A request from a listing (backfill) names no version: pin the one current now.
    job.source = aws.blobs.pinned(job.source)
    job = validate(
        job,
        blobs=aws.blobs,
        store=aws.store,
        limits=aws.settings.limits,
        now=utc_now,
        deletions=aws.deletions,
    )
    logger.info("validated", extra={"document_id": job.document_id, "action": job.action})
    count(Metric(f"Upload_{job.action}"))
    return job_payload(job)
