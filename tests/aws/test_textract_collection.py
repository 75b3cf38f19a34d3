"""Collecting an asynchronous Textract job's results: each result page is stored in S3
(moto) as it is read, before the next is asked for; collection carries on from its token
in the next invocation when time runs short; the detection is assembled from the stored
pages one document page at a time, and equals the whole-response parse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from meddoc import serialization
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.textract import TextractAsyncDetector
from meddoc.aws.textract_parser import parse_textract, parse_textract_pages
from meddoc.bench.synthetic_textract import LINES, FakeTextractJob
from meddoc.limits import Limits
from meddoc.model import ObjectRef, TextDetection
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.detect_text import COLLECTING, SUCCEEDED, collect_text_detection
from meddoc.pipeline.job import OCR, Job, ResultsLayout
from tests.aws.cloud import REGION, RESULTS, UPLOADS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "aws" / "textract"
DOCUMENT = "c" * 64


def stored_pages() -> list[str]:
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(
        Bucket=RESULTS, Prefix=f"documents/{DOCUMENT}/raw/"
    )
    return sorted(item["Key"] for item in listed.get("Contents", []))


class StoredBeforeNext(FakeTextractJob):
    """Checks, on every request for the next page, that every page read so far is in S3."""

    def get_document_text_detection(self, **request: Any) -> dict[str, Any]:
        assert len(stored_pages()) == self.gets
        return super().get_document_text_detection(**request)


def collect(fake: FakeTextractJob, job: Job, **options: Any) -> Job:
    return collect_text_detection(
        job,
        detector=TextractAsyncDetector(fake),
        artifacts=Artifacts(S3BlobStore(), ResultsLayout(RESULTS)),
        limits=Limits(),
        **options,
    )


def new_job() -> Job:
    return Job(ObjectRef(UPLOADS, "big.pdf"), document_id=DOCUMENT, text_job_id="job-1")


def detection() -> TextDetection:
    return Artifacts(S3BlobStore(), ResultsLayout(RESULTS)).load(new_job(), OCR, TextDetection)


@pytest.mark.usefixtures("cloud")
def test_given_a_finished_job_then_each_result_page_is_stored_before_the_next_is_read() -> None:
    fake = StoredBeforeNext(pages=6)
    job = collect(fake, new_job())
    assert job.text_status == SUCCEEDED
    assert job.text_pages == fake.gets == len(stored_pages()) >= 5
    assert all("/raw/detect_text-" in key for key in stored_pages())
    pages = detection().pages
    assert [len(p.lines) for p in pages] == [LINES] * 6
    assert pages[5].lines[-1].words[-1].text == f"word6x{LINES - 1}x11"


@pytest.mark.usefixtures("cloud")
def test_given_time_runs_short_then_the_next_invocation_resumes_from_its_token() -> None:
    fake = FakeTextractJob(pages=4)
    job = new_job()
    invocations = 0
    while job.text_status != SUCCEEDED:
        job = collect(fake, job, more_time=lambda: False)
        invocations += 1
        assert job.text_status in (COLLECTING, SUCCEEDED)
        # Travels through the workflow as JSON between invocations.
        job = serialization.loads(Job, json.dumps(serialization.to_dict(job)))
    assert invocations == fake.gets == job.text_pages
    assert len(set(fake.tokens)) == len(fake.tokens)  # no result page read twice
    assert [len(p.lines) for p in detection().pages] == [LINES] * 4


def async_responses(files: list[str], per_response: int = 1000) -> list[dict[str, Any]]:
    """Real AnalyzeDocument responses as one async job's pages: each file a page (its
    blocks numbered with Page, ids made unique), cut into responses of 1,000 blocks."""
    blocks: list[dict[str, Any]] = []
    for number, name in enumerate(files, start=1):
        for block in json.loads((FIXTURES / name).read_text())["Blocks"]:
            copied = {**block, "Id": f"{number}-{block['Id']}", "Page": number}
            copied["Relationships"] = [
                {**r, "Ids": [f"{number}-{i}" for i in r.get("Ids", [])]}
                for r in block.get("Relationships") or []
            ]
            blocks.append(copied)
    cuts = range(0, len(blocks), per_response)
    return [
        {
            "JobStatus": "SUCCEEDED",
            "DocumentMetadata": {"Pages": len(files)},
            "AnalyzeDocumentModelVersion": "1.0",
            "Blocks": blocks[start : start + per_response],
        }
        for start in cuts
    ]


REAL = [
    "employment_application.textract.json",
    "patient_intake_scan.textract.json",
    "balance_sheet_table.textract.json",
    "energy_assistance_form.textract.json",
]


def test_parsing_page_by_page_equals_the_whole_parse_on_real_forms_and_tables() -> None:
    responses = async_responses(REAL, per_response=300)  # pages cut across responses
    paged = parse_textract_pages(responses)
    assert sum(len(p.fields) for p in paged.pages) > 0
    assert sum(len(p.tables) for p in paged.pages) > 0
    assert serialization.to_dict(paged) == serialization.to_dict(parse_textract(responses))


def test_given_blocks_out_of_page_order_then_the_whole_parse_is_used() -> None:
    responses = async_responses(REAL[:2])
    late = next(b for b in responses[0]["Blocks"] if b["BlockType"] == "WORD")
    responses.append({**responses[-1], "Blocks": [late]})  # a page 1 block after page 2
    assert serialization.to_dict(parse_textract_pages(responses)) == serialization.to_dict(
        parse_textract(responses)
    )
