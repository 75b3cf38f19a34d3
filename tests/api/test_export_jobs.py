"""Exports of more documents than one answer holds, as export jobs, on both hosts: 202
and the job, then DONE with a link to the file (the API's own route locally, a presigned
GET on AWS); only the caller sees the job; PHI rules and the audit trail as for any
export. A job whose worker failed, or never finished, ends FAILED with a reason."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.stub import Stubber

from meddoc.api.export_jobs import OVERDUE, ExportJobs, RouteLinks
from meddoc.api.roles import Actor, Role
from meddoc.api.service import ReviewService
from meddoc.api.views import ExportRequest
from meddoc.aws.api_wiring import presigning_s3
from meddoc.aws.export_adapters import LambdaExportRunner, PresignedDownloads
from meddoc.errors import DocumentNotFound
from meddoc.model import Correction, Document, DocumentRecord, ObjectRef
from tests.api.hosts import Host
from tests.fakes import FakeBlobStore

ADMIN = Actor("admin@example.org", frozenset({Role.ADMIN}))


def start(host: Host, ids: list[str], token: str | None = None, **options: Any) -> Any:
    sent = {"token": token} if token else {}
    return host.request("POST", "/api/exports", json={"ids": ids, **options}, **sent)


def fetch(host: Host, url: str) -> tuple[str, bytes]:
    """The file behind a finished job's link: the local route with the token, or the
    presigned S3 GET's object (its disposition named in the signed query)."""
    if url.startswith("/api/"):
        reply = host.request("GET", url)
        assert reply.status == 200, reply.body
        return reply.headers["content-disposition"], reply.body
    parts = urlparse(url)
    query = parse_qs(parts.query)
    bucket = parts.hostname.split(".")[0] if parts.hostname else ""
    body = boto3.client("s3").get_object(Bucket=bucket, Key=parts.path.lstrip("/"))["Body"]
    return query["response-content-disposition"][0], body.read()


def test_given_more_documents_than_an_answer_holds_then_a_job_makes_the_file(host: Host) -> None:
    ids = host.seeded.ids  # 26: the note, a corrupt upload and 24 more notes

    reply = start(host, ids, format="csv")

    assert reply.status == 202, reply.body
    job = reply.json()
    assert (job["status"], job["format"], job["documents"]) == ("RUNNING", "csv", len(ids))
    assert reply.headers["location"] == f"/api/exports/{job['id']}"
    shown = host.request("GET", f"/api/exports/{job['id']}").json()
    assert shown["status"] == "DONE", shown
    disposition, body = fetch(host, shown["download_url"])
    assert disposition == f'attachment; filename="meddoc-{len(ids)}-documents.csv"'
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert {r["document_id"] for r in rows} == set(ids)
    assert "John Smith" not in body.decode("utf-8")  # masked: PHI was not asked for
    audit = host.request("GET", f"/api/documents/{host.seeded.note_id}").json()["audit"]
    assert audit[-1]["action"] == "EXPORT"
    assert audit[-1]["note"] == "csv export"


def test_given_an_export_job_then_only_its_caller_sees_it(host: Host) -> None:
    job = start(host, host.seeded.ids).json()

    other = host.request("GET", f"/api/exports/{job['id']}", token=host.reviewer_token)
    made_up = host.request("GET", "/api/exports/" + "0" * 32)
    malformed = host.request("GET", "/api/exports/..%2Fdocuments")

    assert other.status == 404
    assert made_up.status == 404
    assert malformed.status == 404
    file = host.request("GET", f"/api/exports/{job['id']}/file", token=host.reviewer_token)
    assert file.status == 404


def test_given_a_big_export_with_phi_asked_by_a_reviewer_then_it_is_refused(host: Host) -> None:
    reply = start(host, host.seeded.ids, include_phi=True, token=host.reviewer_token)

    assert reply.status == 403


class DeferredRunner:
    """A worker that has not run yet."""

    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, export_id: str) -> None:
        self.started.append(export_id)


class Documents:
    """The part of the review service an export reads: documents that may go."""

    def __init__(self, present: set[str]) -> None:
        self.present = present
        self.exports: list[str] = []

    def authorize(self, *args: Any) -> None:
        return None

    def record_export(self, document_id: str, *args: Any) -> None:
        self.exports.append(document_id)

    def document(
        self, document_id: str
    ) -> tuple[DocumentRecord, Document | None, list[Correction]]:
        if document_id not in self.present:
            raise DocumentNotFound(f"no document {document_id}")
        return DocumentRecord.__new__(DocumentRecord), None, []


def jobs_at(moment: list[datetime]) -> tuple[ExportJobs, DeferredRunner, FakeBlobStore]:
    runner, blobs = DeferredRunner(), FakeBlobStore()
    return ExportJobs(blobs, "results", runner, RouteLinks(), lambda: moment[0]), runner, blobs


def test_given_a_document_deleted_before_the_job_ran_then_the_job_fails_with_why() -> None:
    now = [datetime(2026, 12, 8, 9, 0, tzinfo=UTC)]
    jobs, runner, _ = jobs_at(now)
    documents = Documents({"a" * 64, "b" * 64})
    service = cast(ReviewService, documents)
    job = jobs.start(service, ADMIN, ExportRequest(["a" * 64, "b" * 64], "json"))
    assert runner.started == [job.id]
    assert jobs.status(ADMIN, job.id).status == "RUNNING"

    documents.present.discard("b" * 64)
    jobs.run(service, job.id)

    failed = jobs.status(ADMIN, job.id)
    assert (failed.status, failed.reason) == ("FAILED", "a document was deleted meanwhile")
    assert documents.exports == ["a" * 64, "b" * 64]  # recorded when asked for


def test_given_a_job_whose_worker_never_finished_then_it_fails_once_overdue() -> None:
    now = [datetime(2026, 12, 8, 9, 0, tzinfo=UTC)]
    jobs, _, _ = jobs_at(now)
    job = jobs.start(cast(ReviewService, Documents({"a" * 64})), ADMIN, ExportRequest(["a" * 64]))

    now[0] += OVERDUE - timedelta(seconds=1)
    assert jobs.status(ADMIN, job.id).status == "RUNNING"
    now[0] += timedelta(seconds=2)
    overdue = jobs.status(ADMIN, job.id)

    assert overdue.status == "FAILED"
    assert "did not finish in time" in overdue.reason


def test_the_export_function_is_invoked_asynchronously_and_links_are_presigned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    lambda_client = boto3.client("lambda", region_name="us-east-1")
    s3 = presigning_s3("us-east-1")  # as the API function signs
    with Stubber(lambda_client) as stub:
        expected = {
            "FunctionName": "meddoc-export",
            "InvocationType": "Event",
            "Payload": b'{"export_id": "abc"}',
        }
        stub.add_response("invoke", {"StatusCode": 202}, expected)
        LambdaExportRunner("meddoc-export", lambda_client).start("abc")
        stub.assert_no_pending_responses()

    ref = ObjectRef("results", "exports/abc/file")
    url = PresignedDownloads(s3, 300).url(ref, "abc", "meddoc-30-documents.csv", "text/csv")

    query = parse_qs(urlparse(url).query)
    assert query["response-content-disposition"] == [
        'attachment; filename="meddoc-30-documents.csv"'
    ]
    assert query["X-Amz-Expires"] == ["300"]
