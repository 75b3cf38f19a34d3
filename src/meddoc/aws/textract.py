"""Reading documents with Amazon Textract: AnalyzeDocument (forms, tables, layout) or,
in the cheap mode without features, DetectDocumentText for single images; the
asynchronous Start/Get pair of the same API for PDFs and multi-page TIFFs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from meddoc.aws.clients import client, service_errors
from meddoc.aws.textract_parser import (
    parse_textract,
    parse_textract_pages,
    textract_job_status,
    textract_next_token,
)
from meddoc.errors import TextDetectionFailed
from meddoc.model import ObjectRef, TextDetection
from meddoc.ports import ResponseLog, ResultPage

SERVICE = "Amazon Textract"


def _document(ref: ObjectRef) -> dict[str, Any]:
    """The S3 object Textract reads: that version exactly, when the ref pins one."""
    s3_object = {"Bucket": ref.bucket, "Name": ref.key}
    if ref.version:
        s3_object["Version"] = ref.version
    return {"S3Object": s3_object}


class TextractDetector:
    """`features` are AnalyzeDocument's FeatureTypes (FORMS, TABLES, LAYOUT); none means
    DetectDocumentText: words only, at a fraction of the price."""

    def __init__(self, textract: Any = None, features: Sequence[str] = ()) -> None:
        self.textract = textract or client("textract")
        self.features = list(features)

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        with service_errors(SERVICE):
            if self.features:
                api = "AnalyzeDocument"
                response = self.textract.analyze_document(
                    Document=_document(ref), FeatureTypes=self.features
                )
            else:
                api = "DetectDocumentText"
                response = self.textract.detect_document_text(Document=_document(ref))
        log.add(api, response)
        return parse_textract([response])


class TextractAsyncDetector:
    """StartDocumentAnalysis/GetDocumentAnalysis with `features`, else
    StartDocumentTextDetection/GetDocumentTextDetection."""

    def __init__(self, textract: Any = None, features: Sequence[str] = ()) -> None:
        self.textract = textract or client("textract")
        self.features = list(features)

    def start(self, ref: ObjectRef, token: str, log: ResponseLog) -> str:
        request: dict[str, Any] = {"DocumentLocation": _document(ref), "ClientRequestToken": token}
        with service_errors(SERVICE):
            if self.features:
                api = "StartDocumentAnalysis"
                response = self.textract.start_document_analysis(
                    **request, FeatureTypes=self.features
                )
            else:
                api = "StartDocumentTextDetection"
                response = self.textract.start_document_text_detection(**request)
        log.add(api, response)
        return str(response["JobId"])

    def fetch(self, job_id: str, token: str) -> ResultPage | None:
        api = "GetDocumentAnalysis" if self.features else "GetDocumentTextDetection"
        get = (
            self.textract.get_document_analysis
            if self.features
            else self.textract.get_document_text_detection
        )
        request: dict[str, Any] = {"JobId": job_id, "MaxResults": 1000}
        if token:
            request["NextToken"] = token
        with service_errors(SERVICE):
            response = get(**request)
        status = textract_job_status(response)
        if status == "IN_PROGRESS":
            return None
        if status not in ("SUCCEEDED", "PARTIAL_SUCCESS"):
            message = response.get("StatusMessage") or status
            raise TextDetectionFailed(f"{SERVICE} could not read the document ({message})")
        return ResultPage(api, response, textract_next_token(response) or "")

    def assemble(self, pages: Iterable[Any]) -> TextDetection:
        return parse_textract_pages(pages)
