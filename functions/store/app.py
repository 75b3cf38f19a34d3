"""Workflow step 5: assemble the document, store it in full in S3, and its record,
summary and search terms in DynamoDB; the document is DONE."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.document_cost import document_cost
from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.instrumentation import Metric, count, instrumented, logger, measure
from meddoc.aws.wiring import runtime
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.store import store_document

aws = runtime()


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    job = job_from_event(event)
    logger.append_keys(document_id=job.document_id)
    job = store_document(job, artifacts=aws.artifacts, store=aws.store, now=utc_now)
    count(Metric.DOCUMENTS_DONE)
    measure(Metric.DOCUMENT_PAGES, job.page_count)
    measure(Metric.DOCUMENT_COST, document_cost(job.page_count, job.multi_page, aws.settings))
    return job_payload(job)
