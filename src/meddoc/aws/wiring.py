"""The composition root of the Lambda functions: AWS adapters built from the settings,
once per cold start, each only when a step first needs it."""

from __future__ import annotations

import os
from functools import cache, cached_property

from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.dynamodb_tombstones import DynamoTombstones
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.settings import AwsSettings
from meddoc.aws.textract import TextractAsyncDetector, TextractDetector
from meddoc.aws.translate import AmazonTranslator
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.job import ResultsLayout


class AwsRuntime:
    def __init__(self, settings: AwsSettings) -> None:
        self.settings = settings

    @cached_property
    def blobs(self) -> S3BlobStore:
        return S3BlobStore()

    @cached_property
    def store(self) -> DynamoDocumentStore:
        return DynamoDocumentStore(self.settings.table_name)

    @cached_property
    def reviews(self) -> DynamoReviewStore:
        return DynamoReviewStore(self.settings.table_name)

    @cached_property
    def tombstones(self) -> DynamoTombstones:
        return DynamoTombstones(self.settings.table_name)

    @cached_property
    def deletions(self) -> Deletions:
        layout = ResultsLayout(self.settings.results_bucket)
        return Deletions(self.store, self.tombstones, self.blobs, layout)

    @cached_property
    def artifacts(self) -> Artifacts:
        return Artifacts(self.blobs, self.deletions.layout, self.deletions)

    @cached_property
    def text_detector(self) -> TextractDetector:
        return TextractDetector(features=self.settings.textract_features)

    @cached_property
    def async_text_detector(self) -> TextractAsyncDetector:
        return TextractAsyncDetector(features=self.settings.textract_features)

    @cached_property
    def language_detector(self) -> ComprehendLanguageDetector:
        return ComprehendLanguageDetector()

    @cached_property
    def translator(self) -> AmazonTranslator:
        return AmazonTranslator()

    @cached_property
    def language_analyzer(self) -> ComprehendAnalyzer:
        return ComprehendAnalyzer(pii=self.settings.pii)

    @cached_property
    def medical_analyzer(self) -> ComprehendMedicalAnalyzer:
        return ComprehendMedicalAnalyzer(self.settings.medical)


@cache
def runtime() -> AwsRuntime:
    return AwsRuntime(AwsSettings.from_environ(os.environ))
