"""The composition root of the review API Lambda: settings from the environment, AWS
adapters, the review service and its resolver, built once per cold start (on the first
request, so that importing the handler needs no configuration)."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from botocore.config import Config

from meddoc.api.app import create_app
from meddoc.api.auth import GatewayAuthorizer
from meddoc.api.export_jobs import ExportJobs, write_export
from meddoc.api.gateways import Reprocessor
from meddoc.api.service import ReviewService
from meddoc.aws.admission import SqsAdmissionQueue
from meddoc.aws.clients import SDK_CONFIG, client, resource
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.dynamodb_tombstones import DynamoTombstones
from meddoc.aws.dynamodb_unit_of_work import DynamoReviewUnitOfWork
from meddoc.aws.export_adapters import LambdaExportRunner, PresignedDownloads
from meddoc.aws.review_adapters import S3Uploads, StepFunctionsReprocessor
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.settings import ApiSettings
from meddoc.model import Status
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.runner import utc_now
from meddoc.stored_page_images import StoredPages


def presigning_s3(region: str) -> Any:
    """S3 for presigned URLs: SigV4 on the bucket's regional host
    (<bucket>.s3.<region>.amazonaws.com), which the site's CSP and CORS rules name."""
    config = SDK_CONFIG.merge(
        Config(
            signature_version="s3v4",
            s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
        )
    )
    return boto3.client("s3", region_name=region, config=config)


def review_service(settings: ApiSettings) -> ReviewService:
    dynamodb = resource("dynamodb")
    store = DynamoDocumentStore(settings.aws.table_name, dynamodb)
    s3 = presigning_s3(settings.region)
    uploads = S3Uploads(settings.upload_bucket, s3, settings.aws.limits, settings.url_seconds)
    # Reprocessing goes through admission, as uploads do: the document waits QUEUED.
    reprocessor: Reprocessor = (
        SqsAdmissionQueue(settings.admission_queue_url, client("sqs"))
        if settings.admission_queue_url
        else StepFunctionsReprocessor(settings.state_machine_arn, client("stepfunctions"))
    )
    return ReviewService(
        store=store,
        reviews=DynamoReviewStore(settings.aws.table_name, dynamodb),
        blobs=S3BlobStore(),
        layout=ResultsLayout(settings.aws.results_bucket),
        # Page images read only the page shown from S3 (ranged GETs), not the original.
        pages=StoredPages(S3BlobStore(), settings.aws.limits),
        uploads=uploads,
        reprocessor=reprocessor,
        originals=uploads,
        now=utc_now,
        unit_of_work=lambda: DynamoReviewUnitOfWork(settings.aws.table_name, dynamodb),
        mode="aws",
        tombstones=DynamoTombstones(settings.aws.table_name, dynamodb),
        requeued=Status.QUEUED if settings.admission_queue_url else Status.RECEIVED,
    )


def export_jobs(settings: ApiSettings) -> ExportJobs | None:
    """Export jobs run by the export function, fetched through presigned GETs."""
    if not settings.export_function:
        return None
    runner = LambdaExportRunner(settings.export_function, client("lambda"))
    links = PresignedDownloads(presigning_s3(settings.region), settings.url_seconds)
    return ExportJobs(S3BlobStore(), settings.aws.results_bucket, runner, links, utc_now)


@cache
def api_app() -> APIGatewayHttpResolver:
    settings = ApiSettings.from_environ(os.environ)
    return create_app(
        review_service(settings),
        GatewayAuthorizer(),
        site_origin=settings.site_origin or None,
        exports=export_jobs(settings),
    )


def run_export(export_id: str) -> None:
    """The export function's work: one export job, written beside its request."""
    settings = ApiSettings.from_environ(os.environ)
    service = review_service(settings)
    write_export(service, service.blobs, settings.aws.results_bucket, export_id)
