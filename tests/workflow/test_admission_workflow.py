"""Uploads through admission control, in moto: the upload event waits in the queue, the
real starter admits it under the in-flight limit, the real pipeline ASL runs against AI
services that enforce their quotas (tests/workflow/admission_world.py). Waits are
compressed; attempt counts are the ASL's own."""

from __future__ import annotations

import hashlib

import pytest

from meddoc.model import Status
from tests.documents import png_bytes
from tests.workflow.admission_world import WorldSettings, admission_world
from tests.workflow.harness import stored_record

pytestmark = [
    pytest.mark.xdist_group("workflow"),
    pytest.mark.usefixtures("cloud", "text_detection_only"),
]


def test_a_burst_over_the_textract_quota_is_delayed_and_every_document_ends_done() -> None:
    # Thirty at once, admitted thirty at a time, against a quota that takes a few a
    # (compressed) second: Textract throttles, nothing fails, nothing is billed twice.
    settings = WorldSettings(limit=30, scale=200, tps={"DetectDocumentText": 0.02})
    with admission_world(settings) as world:
        ids = []
        for n in range(30):
            data = png_bytes(text=f"burst {n}")
            ids.append(hashlib.sha256(data).hexdigest())
            world.upload(f"burst/{n:06d}.png", data)
        world.run(timeout=300)
        outcomes = world.outcomes()
        ledger = world.services.ledger
    assert ledger.throttled["DetectDocumentText"] > 0
    assert outcomes == {"SUCCEEDED": 30}
    assert [stored_record(i).status for i in ids] == [Status.DONE] * 30
    assert ledger.duplicates == 0
