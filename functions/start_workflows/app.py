"""Admission: the SQS queue of uploads and reprocess requests in, pipeline executions out,
while fewer than the in-flight limit run; the rest stay queued (batch item failures).
On its schedule it gives back the slots of executions that ended without releasing."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from meddoc.aws.instrumentation import Metric, count, instrumented, logger
from meddoc.aws.starter import admit_from_queue, reap_slots, starter_runtime
from meddoc.pipeline.runner import utc_now


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    aws = starter_runtime()  # built at the first event, once per cold start
    if "Records" not in event:  # the schedule
        released = reap_slots(aws, utc_now)
        logger.info("slots reaped", extra={"released": len(released)})
        count(Metric.SLOTS_REAPED, len(released))
        return {"released": released}
    answer = admit_from_queue(event, aws, utc_now)
    admissions = answer.admissions
    logger.info(
        "admitted",
        extra={
            "started": len(admissions.started),
            "duplicates": len(admissions.duplicates),
            "waiting": len(admissions.waiting),
        },
    )
    count(Metric.WORKFLOWS_STARTED, len(admissions.started))
    count(Metric.DUPLICATES_SKIPPED, len(admissions.duplicates))
    count(Metric.DOCUMENTS_WAITING, len(admissions.waiting))
    return answer.response()
