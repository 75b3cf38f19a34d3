"""Workflow step 3: the document text's language (Comprehend), and its English
translation (Translate) when it is not English."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.idempotency import once_per_attempt
from meddoc.aws.instrumentation import instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.analyze_language import analyze_language

aws = runtime()


@instrumented
@once_per_attempt(aws.settings)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = analyze_language(
        job,
        detector=aws.language_detector,
        translator=aws.translator,
        artifacts=aws.artifacts,
    )
    return job_payload(job)
