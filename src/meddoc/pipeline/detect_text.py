"""Step 2: text detection. Single images synchronously; PDFs and multi-page TIFFs as
an asynchronous job that the workflow polls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from meddoc.errors import TextDetectionFailed
from meddoc.limits import Limits
from meddoc.model import TextDetection
from meddoc.pipeline import records
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import OCR, Job
from meddoc.ports import AsyncTextDetector, DocumentStore, ResponseLog, TextDetector

STEP = "detect_text"
IN_PROGRESS = "IN_PROGRESS"
COLLECTING = "COLLECTING"  # finished; its result pages are being stored
SUCCEEDED = "SUCCEEDED"


def detect_text(
    job: Job,
    *,
    detector: TextDetector,
    artifacts: Artifacts,
    store: DocumentStore,
    now: Callable[[], datetime],
) -> Job:
    _start(job, artifacts, store, now)
    log = ResponseLog()
    detection = detector.detect(job.source, job.content_type, log)
    _save(job, detection, log, artifacts)
    job.text_status = SUCCEEDED
    return job


def start_text_detection(
    job: Job,
    *,
    detector: AsyncTextDetector,
    artifacts: Artifacts,
    store: DocumentStore,
    now: Callable[[], datetime],
) -> Job:
    _start(job, artifacts, store, now)
    log = ResponseLog()
    # The token makes a retried start return the same job; a new attempt gets a new one.
    token = f"{job.document_id[:56]}-{job.attempt}"
    job.text_job_id = detector.start(job.source, token, log)
    artifacts.save_raw(job, "start_text_detection", log)
    job.text_status = IN_PROGRESS
    job.polls = 0
    return job


def collect_text_detection(
    job: Job,
    *,
    detector: AsyncTextDetector,
    artifacts: Artifacts,
    limits: Limits,
    more_time: Callable[[], bool] = lambda: True,
) -> Job:
    """Check the job; once it has finished, store its result pages one by one as they
    are read (memory does not grow with the page count), then assemble the detection
    from the stored pages. When `more_time` says no, the job returns COLLECTING and the
    next invocation carries on from the token it holds."""
    artifacts.stop_if_deleted(job)  # no need to wait for a deleted document's text
    api = ""
    while True:
        page = detector.fetch(job.text_job_id, job.text_token)
        if page is None:
            return _still_running(job, limits)
        api = page.api
        job.text_pages += 1
        artifacts.save_raw_page(job, STEP, job.text_pages, api, page.response)
        job.text_token = page.next_token
        if not job.text_token:
            break
        if not more_time():
            job.text_status = COLLECTING
            return job
    artifacts.stop_if_deleted(job)
    detection = detector.assemble(artifacts.raw_pages(job, STEP, api, job.text_pages))
    artifacts.save(job, OCR, detection)
    job.text_status = SUCCEEDED
    return job


def _still_running(job: Job, limits: Limits) -> Job:
    job.polls += 1
    if job.polls > limits.max_polls:
        raise TextDetectionFailed(f"text detection did not finish after {limits.max_polls} checks")
    job.text_status = IN_PROGRESS
    return job


def _start(
    job: Job, artifacts: Artifacts, store: DocumentStore, now: Callable[[], datetime]
) -> None:
    """PROCESSING; a document deleted since it was identified stops here, before its
    text detection is paid for."""
    artifacts.stop_if_deleted(job)
    store.update(job.document_id, records.start(now()))


def _save(job: Job, detection: TextDetection, log: ResponseLog, artifacts: Artifacts) -> None:
    artifacts.save(job, OCR, detection)
    artifacts.save_raw(job, STEP, log)
