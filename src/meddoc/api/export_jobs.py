"""Exports too big to answer in one request (API Gateway waits 29 s, a Lambda answer
holds 6 MB): the request is kept in the results store and a worker writes the file
beside it; the caller asks for the job until it is DONE (with a short-lived link) or
FAILED (with a reason). A job whose worker died is FAILED once it is overdue, so no
export stays RUNNING for ever."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from meddoc.api.exporting import authorize_export, checked_ids, render_export
from meddoc.api.gateways import DownloadLinks, ExportRunner
from meddoc.api.roles import Actor
from meddoc.api.service import ReviewService
from meddoc.api.views import ExportJob, ExportRequest
from meddoc.errors import DocumentNotFound, MeddocError
from meddoc.model import ObjectRef
from meddoc.ports import BlobStore

log = logging.getLogger(__name__)
PREFIX = "exports/"
# Longer than the export function may run (15 minutes), with room for its one retry.
OVERDUE = timedelta(minutes=35)


@dataclass
class ExportJobs:
    blobs: BlobStore
    bucket: str
    runner: ExportRunner
    links: DownloadLinks
    now: Callable[[], datetime]

    def start(self, service: ReviewService, actor: Actor, request: ExportRequest) -> ExportJob:
        """The job, recorded and handed to the worker; each document's audit trail
        records the export (with whether PHI goes out) as it is asked for."""
        ids = checked_ids(request)
        phi = authorize_export(service, actor, request, ids)
        job = ExportJob(uuid.uuid4().hex, "RUNNING", request.format, len(ids), self.now())
        spec = {
            "actor": actor.name,
            "created_at": job.created_at.isoformat(),
            "request": {
                "ids": ids,
                "format": request.format,
                "include_phi": request.include_phi,
                "include_patient": request.include_patient,
            },
        }
        self._write(job.id, "request.json", spec)
        for document_id in ids:
            service.record_export(document_id, actor, request.format, phi)
        self.runner.start(job.id)
        return job

    def run(self, service: ReviewService, export_id: str) -> None:
        write_export(service, self.blobs, self.bucket, export_id)

    def status(self, actor: Actor, export_id: str) -> ExportJob:
        """The job as its caller sees it; nobody else's (404, as if there were none)."""
        spec = self._spec_of(actor, export_id)
        request = spec["request"]
        created = datetime.fromisoformat(spec["created_at"])
        job = ExportJob(export_id, "RUNNING", request["format"], len(request["ids"]), created)
        done = self._maybe(export_id, "done.json")
        failed = self._maybe(export_id, "failed.json")
        if done is not None:
            job.status = "DONE"
            ref = self._ref(export_id, "file")
            job.download_url = self.links.url(ref, export_id, done["name"], done["content_type"])
        elif failed is not None:
            job.status, job.reason = "FAILED", failed["reason"]
        elif self.now() - created > OVERDUE:
            job.status = "FAILED"
            job.reason = "the export did not finish in time; export fewer documents at once"
        return job

    def file(self, actor: Actor, export_id: str) -> tuple[bytes, str, str]:
        """A finished export's bytes, content type and file name (the local link)."""
        self._spec_of(actor, export_id)
        done = self._maybe(export_id, "done.json")
        if done is None:
            raise DocumentNotFound(f"export {export_id} has no file yet")
        body = self.blobs.read(self._ref(export_id, "file"))
        return body, done["content_type"], done["name"]

    def _spec_of(self, actor: Actor, export_id: str) -> dict[str, Any]:
        spec = self._maybe(export_id, "request.json") if _well_formed(export_id) else None
        if spec is None or spec["actor"] != actor.name:
            raise DocumentNotFound(f"no export {export_id}")
        return spec

    def _ref(self, export_id: str, name: str) -> ObjectRef:
        return _ref(self.bucket, export_id, name)

    def _write(self, export_id: str, name: str, content: dict[str, Any]) -> None:
        _write(self.blobs, self._ref(export_id, name), content)

    def _read(self, export_id: str, name: str) -> dict[str, Any]:
        return _read(self.blobs, self._ref(export_id, name))

    def _maybe(self, export_id: str, name: str) -> dict[str, Any] | None:
        try:
            return self._read(export_id, name)
        except DocumentNotFound:
            return None


def write_export(service: ReviewService, blobs: BlobStore, bucket: str, export_id: str) -> None:
    """The worker's part: the file beside its request, or the reason there is none
    (free of PHI)."""
    spec = _read(blobs, _ref(bucket, export_id, "request.json"))
    failed = _ref(bucket, export_id, "failed.json")
    try:
        exported = render_export(service, ExportRequest(**spec["request"]))
    except DocumentNotFound:
        _write(blobs, failed, {"reason": "a document was deleted meanwhile"})
        return
    except MeddocError as error:
        log.warning("export failed: %s", type(error).__name__)
        _write(blobs, failed, {"reason": "the export could not be made"})
        return
    body = exported.body.encode("utf-8")
    blobs.write(_ref(bucket, export_id, "file"), body, exported.content_type)
    done = {"name": exported.name, "content_type": exported.content_type}
    _write(blobs, _ref(bucket, export_id, "done.json"), done)


def _ref(bucket: str, export_id: str, name: str) -> ObjectRef:
    return ObjectRef(bucket, f"{PREFIX}{export_id}/{name}")


def _write(blobs: BlobStore, ref: ObjectRef, content: dict[str, Any]) -> None:
    blobs.write(ref, json.dumps(content).encode("utf-8"), "application/json")


def _read(blobs: BlobStore, ref: ObjectRef) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(blobs.read(ref))
    return content


def _well_formed(export_id: str) -> bool:
    return len(export_id) == 32 and all(c in "0123456789abcdef" for c in export_id)


class InlineExportRunner:
    """Runs the job at once, in the request that asked for it: the local server has no
    gateway timeout or answer size to keep under, and answers as the AWS host does."""

    def __init__(self) -> None:
        self.work: Callable[[str], None] | None = None

    def start(self, export_id: str) -> None:
        if self.work is None:
            raise RuntimeError("the export runner has no jobs to run")
        self.work(export_id)


@dataclass(frozen=True, slots=True)
class RouteLinks:
    """The API's own route to a finished export (bearer token needed, as for any route)."""

    def url(self, ref: ObjectRef, export_id: str, filename: str, content_type: str) -> str:
        return f"/api/exports/{export_id}/file"


def inline_export_jobs(
    service: ReviewService, blobs: BlobStore, bucket: str, now: Callable[[], datetime]
) -> ExportJobs:
    """Export jobs run in the request, fetched through the API's own route."""
    runner = InlineExportRunner()
    jobs = ExportJobs(blobs, bucket, runner, RouteLinks(), now)
    runner.work = lambda export_id: jobs.run(service, export_id)
    return jobs
