"""Typed parsing of what the workflow hands a step: the S3 "Object Created" event from
EventBridge (keys arrive URL-encoded and are decoded exactly once; the version id pins
the bytes that arrived), a reprocess request, or the job an earlier step returned."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel

from meddoc import serialization
from meddoc.model import ObjectRef
from meddoc.pipeline.failure import StepError
from meddoc.pipeline.job import Job


@dataclass(slots=True)
class FailureRequest:
    """The payload of the workflow's RecordFailure state."""

    step: str
    job: dict[str, Any]
    error: dict[str, str] = field(default_factory=dict)

    @property
    def step_error(self) -> StepError:
        return StepError(self.error.get("Error", "States.ALL"), self.error.get("Cause", ""))


def job_from_event(event: dict[str, Any]) -> Job:
    if "detail" in event and "detail-type" in event:
        upload = parse(event=event, model=S3EventNotificationEventBridgeModel)
        key = unquote_plus(upload.detail.object.key)
        version = upload.detail.object.version_id or ""
        source = ObjectRef(upload.detail.bucket.name, key, "" if version == "null" else version)
        return Job(source=source, name=posixpath.basename(key))
    job: Job = parse(event=event, model=Job)
    return job


def failure_request(event: dict[str, Any]) -> FailureRequest:
    request: FailureRequest = parse(event=event, model=FailureRequest)
    return request


def job_payload(job: Job) -> dict[str, Any]:
    payload: dict[str, Any] = serialization.to_dict(job)
    return payload
