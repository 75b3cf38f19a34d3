"""The workflow's Catch target: mark the document FAILED with the failing step and a
reason a person can act on (identifying the upload first if validation itself broke).
A document deleted meanwhile raises DocumentDeleted instead (the workflow then ends)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import failure_request, job_from_event, job_payload
from meddoc.aws.instrumentation import Metric, count, instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.failure import record_failure
from meddoc.pipeline.runner import utc_now

aws = runtime()


@instrumented
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
        deletions=aws.deletions,
    )
    logger.warning("document failed", extra={"document_id": job.document_id, "step": request.step})
    count(Metric.DOCUMENTS_FAILED)
    return job_payload(job)
