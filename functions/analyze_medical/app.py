"""Workflow step 4b: medical entities, PHI and ICD-10-CM / RxNorm / SNOMED CT codes
with Amazon Comprehend Medical (the costly calls behind the deployer's toggles)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.idempotency import once_per_attempt
from meddoc.aws.instrumentation import instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.pipeline.analyze_medical import analyze_medical

aws = runtime()


@instrumented
@once_per_attempt(aws.settings)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = analyze_medical(job, analyzer=aws.medical_analyzer, artifacts=aws.artifacts)
    return job_payload(job)
