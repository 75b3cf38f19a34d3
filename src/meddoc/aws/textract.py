"""Text detection with Amazon Textract: DetectDocumentText for single images, the
asynchronous Start/GetDocumentTextDetection pair for PDFs and multi-page TIFFs."""

from __future__ import annotations

from typing import Any

from meddoc.aws.clients import client, service_errors
from meddoc.aws.textract_parser import parse_textract, textract_job_status, textract_next_token
from meddoc.errors import TextDetectionFailed
from meddoc.model import ObjectRef, TextDetection
from meddoc.ports import ResponseLog

SERVICE = "Amazon Textract"


def _document(ref: ObjectRef) -> dict[str, Any]:
    """The S3 object Textract reads: that version exactly, when the ref pins one."""
    s3_object = {"Bucket": ref.bucket, "Name": ref.key}
    if ref.version:
        s3_object["Version"] = ref.version
    return {"S3Object": s3_object}


class TextractDetector:
    def __init__(self, textract: Any = None) -> None:
        self.textract = textract or client("textract")

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        with service_errors(SERVICE):
            response = self.textract.detect_document_text(Document=_document(ref))
        log.add("DetectDocumentText", response)
        return parse_textract([response])


class TextractAsyncDetector:
    def __init__(self, textract: Any = None) -> None:
        self.textract = textract or client("textract")

    def start(self, ref: ObjectRef, token: str, log: ResponseLog) -> str:
        with service_errors(SERVICE):
            response = self.textract.start_document_text_detection(
                DocumentLocation=_document(ref), ClientRequestToken=token
            )
        log.add("StartDocumentTextDetection", response)
        return str(response["JobId"])

    def poll(self, job_id: str, log: ResponseLog) -> TextDetection | None:
        responses = []
        token: str | None = None
        while True:
            request: dict[str, Any] = {"JobId": job_id, "MaxResults": 1000}
            if token:
                request["NextToken"] = token
            with service_errors(SERVICE):
                response = self.textract.get_document_text_detection(**request)
            status = textract_job_status(response)
            if status == "IN_PROGRESS":
                return None
            if status not in ("SUCCEEDED", "PARTIAL_SUCCESS"):
                message = response.get("StatusMessage") or status
                raise TextDetectionFailed(f"{SERVICE} could not read the document ({message})")
            log.add("GetDocumentTextDetection", response)
            responses.append(response)
            token = textract_next_token(response)
            if not token:
                return parse_textract(responses)
