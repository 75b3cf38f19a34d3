"""Collecting an async Textract job in a test as the get_text_detection step does (fetch
each result page, then assemble), keeping the responses in the log to assert on."""

from __future__ import annotations

from meddoc.aws.textract import TextractAsyncDetector
from meddoc.model import TextDetection
from meddoc.ports import ResponseLog


def collect_all(
    detector: TextractAsyncDetector, job_id: str, log: ResponseLog
) -> TextDetection | None:
    page = detector.fetch(job_id, "")
    if page is None:
        return None
    responses = [page.response]
    log.add(page.api, page.response)
    while page.next_token:
        page = detector.fetch(job_id, page.next_token)
        assert page is not None
        responses.append(page.response)
        log.add(page.api, page.response)
    return detector.assemble(responses)
