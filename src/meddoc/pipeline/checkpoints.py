"""Per-chunk checkpoints of billable calls (Comprehend, Comprehend Medical, Translate):
each answer is kept under the document's step results as soon as it is paid for, so a
retried step reads it back instead of paying again. Answers quote PHI: never logged."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from meddoc.errors import DocumentNotFound
from meddoc.model import ObjectRef
from meddoc.pipeline.job import Job, ResultsLayout
from meddoc.ports import BlobStore

JSON = "application/json"


class Checkpoints:
    """The checkpoints of one step of one attempt of a document. Keyed by the attempt
    number, not the upload's version: the document id is already the hash of the bytes,
    and a reprocess (a new attempt) is asked for to call the services again."""

    def __init__(self, blobs: BlobStore, layout: ResultsLayout, job: Job, step: str) -> None:
        self.blobs = blobs
        self.layout = layout
        self.document_id = job.document_id
        self.attempt = job.attempt
        self.step = step

    def get(self, api: str, index: int, request: str) -> Any | None:
        try:
            data = self.blobs.read(self._ref(api, index, request))
        except DocumentNotFound:
            return None
        return json.loads(data)

    def put(self, api: str, index: int, request: str, response: Any) -> None:
        body = json.dumps(response, ensure_ascii=False, default=str).encode("utf-8")
        self.blobs.write(self._ref(api, index, request), body, JSON)

    def _ref(self, api: str, index: int, request: str) -> ObjectRef:
        digest = hashlib.sha256(request.encode("utf-8")).hexdigest()[:32]
        name = f"{self.step}/{api}-{index:05d}-{digest}"
        return self.layout.checkpoint(self.document_id, self.attempt, name)
