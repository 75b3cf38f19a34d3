"""Operating a deployed stack from a terminal with AWS credentials: status, reprocess
(documents, a status, or all), delete a document everywhere, the bulk backfill over a
bucket prefix, recount. `python -m meddoc.aws.operations --stack meddoc COMMAND ...`"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence
from typing import Any

import boto3

from meddoc.api.roles import admin
from meddoc.api.service import ReviewService
from meddoc.aws.admission import DynamoGate, SqsAdmissionQueue
from meddoc.aws.api_wiring import review_service
from meddoc.aws.dynamodb_counters import recount
from meddoc.aws.settings import ApiSettings
from meddoc.errors import ConfigurationError, MeddocError
from meddoc.model import Status

NEEDED = (
    "DocumentsTableName",
    "ResultsBucketName",
    "UploadBucketName",
    "PipelineStateMachineArn",
    "BackfillStateMachineArn",
)


def stack_outputs(stack: str, cloudformation: Any = None) -> dict[str, str]:
    cloudformation = cloudformation or boto3.client("cloudformation")
    described = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}
    missing = [name for name in NEEDED if name not in outputs]
    if missing:
        raise ConfigurationError(f"stack {stack} has no output {', '.join(missing)}")
    return outputs


def service_for(outputs: dict[str, str], region: str) -> ReviewService:
    """The same review service the API Lambda runs, configured from the stack."""
    environ = {
        "TABLE_NAME": outputs["DocumentsTableName"],
        "RESULTS_BUCKET": outputs["ResultsBucketName"],
        "UPLOAD_BUCKET": outputs["UploadBucketName"],
        "STATE_MACHINE_ARN": outputs["PipelineStateMachineArn"],
        # Reprocessing joins the admission queue, as the API's does.
        "ADMISSION_QUEUE_URL": outputs.get("AdmissionQueueUrl", ""),
        "AWS_REGION": region,
    }
    return review_service(ApiSettings.from_environ(environ))


def admission_status(
    outputs: dict[str, str], sqs: Any = None, dynamodb: Any = None
) -> dict[str, int]:
    """Uploads waiting in the admission queue (they have no record yet; reprocessed
    documents wait as QUEUED records) and the workflows holding a slot now."""
    if "AdmissionQueueUrl" not in outputs or "AdmissionTableName" not in outputs:
        return {}  # a stack from before admission control
    return {
        "waiting_in_queue": SqsAdmissionQueue(outputs["AdmissionQueueUrl"], sqs).waiting(),
        "in_flight": DynamoGate(outputs["AdmissionTableName"], dynamodb).in_flight(),
    }


def start_backfill(
    outputs: dict[str, str],
    prefix: str,
    reprocess: bool,
    concurrency: int,
    stepfunctions: Any = None,
) -> str:
    stepfunctions = stepfunctions or boto3.client("stepfunctions")
    started = stepfunctions.start_execution(
        stateMachineArn=outputs["BackfillStateMachineArn"],
        input=json.dumps(
            {
                "bucket": outputs["UploadBucketName"],
                "prefix": prefix,
                "reprocess": reprocess,
                "max_concurrency": concurrency,
            }
        ),
    )
    arn: str = started["executionArn"]
    return arn


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.aws.operations", description=__doc__)
    parser.add_argument("--stack", default="meddoc")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "status",
        help="documents by status (QUEUED: waiting for admission), the one waiting longest, "
        "uploads in the admission queue and workflows in flight",
    )
    commands.add_parser(
        "recount", help="set the status counters from a full count (once, after an upgrade)"
    )
    reprocess = commands.add_parser("reprocess", help="run documents through the pipeline again")
    reprocess.add_argument("ids", nargs="*")
    reprocess.add_argument("--status", choices=["DONE", "FAILED"])
    reprocess.add_argument("--all", action="store_true")
    delete = commands.add_parser("delete", help="delete a document everywhere")
    delete.add_argument("document_id")
    backfill = commands.add_parser(
        "backfill",
        help="the pipeline over a prefix of the upload bucket, with bounded concurrency",
    )
    backfill.add_argument("--prefix", default="")
    backfill.add_argument(
        "--reprocess",
        action="store_true",
        help="also documents already DONE (after an engine upgrade)",
    )
    backfill.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except MeddocError as exc:
        print(f"meddoc: {exc}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    outputs = stack_outputs(args.stack)
    if args.command == "backfill":
        arn = start_backfill(outputs, args.prefix, args.reprocess, args.concurrency)
        print(f"backfill started: {arn}")
        return 0
    if args.command == "recount":
        table = boto3.resource("dynamodb").Table(outputs["DocumentsTableName"])
        print(json.dumps(recount(table, [status.value for status in Status]), indent=1))
        return 0
    region = boto3.session.Session().region_name or "us-east-1"
    service = service_for(outputs, region)
    actor = admin(f"cli:{getpass.getuser()}")
    if args.command == "status":
        status = service.status()
        print(
            json.dumps(
                {
                    "documents": status.documents,
                    "done_last_hour": status.done_last_hour,
                    "oldest_unsettled": status.oldest_unsettled.id
                    if status.oldest_unsettled
                    else None,
                    "admission": admission_status(outputs),
                },
                indent=1,
            )
        )
    elif args.command == "reprocess":
        for document_id in args.ids:
            service.reprocess(document_id, actor)
        if args.status or args.all:
            result = service.reprocess_matching(
                actor, Status(args.status) if args.status else None, args.all
            )
            print(f"queued {result.queued}, left alone {result.skipped} (under way or queued)")
    elif args.command == "delete":
        deleted = service.delete(args.document_id, actor)
        print(f"deleted document {deleted.document_id} ({deleted.objects} objects)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
