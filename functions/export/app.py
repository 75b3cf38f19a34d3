"""Export jobs: invoked asynchronously by the review API with {"export_id": ...}; writes
the export (JSON, CSV or FHIR of up to 500 documents) beside its request in the results
bucket, or the reason it could not. Logs carry no ids of documents and no PHI."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.api_wiring import run_export
from meddoc.aws.instrumentation import instrumented, logger


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    run_export(str(event["export_id"]))
    logger.info("export written")
