"""Scheduled: documents RECEIVED or PROCESSING for longer than the threshold become
FAILED "timed out", so nothing waits forever unnoticed (the stuck-document detector);
tombstones of deleted documents past their grace go, with what their runs left."""

from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.instrumentation import Metric, count, count_documents, instrumented, logger
from meddoc.aws.wiring import runtime
from meddoc.model import Status
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.stuck import fail_stuck, sweep_tombstones

aws = runtime()


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    older_than = timedelta(minutes=aws.settings.stuck_after_minutes)
    failed = fail_stuck(aws.reviews, aws.store, utc_now, older_than)
    for document_id in failed:
        logger.warning("document timed out", extra={"document_id": document_id})
    count(Metric.DOCUMENTS_TIMED_OUT, len(failed))
    swept = sweep_tombstones(aws.deletions, utc_now)
    count(Metric.TOMBSTONES_CLEARED, len(swept))
    # The dashboard's documents by status: every status, 0 for those with none.
    count_documents({s.value: 0 for s in Status} | aws.reviews.count_by_status())
    return {"timed_out": failed, "tombstones_cleared": swept}
