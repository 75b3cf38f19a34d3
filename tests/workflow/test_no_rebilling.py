"""No re-billing through the real workflow: a throttle on the last Comprehend Medical
call of AnalyzeMedical, the ASL's Retry, and every chunk billed exactly once; deleting
the document removes its checkpoints with the rest of its results."""

from __future__ import annotations

import json

import pytest

from meddoc.api.roles import admin
from meddoc.aws import wiring
from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer, MedicalOptions
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import Engine, Status, TextDetection
from tests.aws.billing_fakes import ComprehendFake, MedicalFake, long_text
from tests.documents import png_bytes
from tests.fakes import page_of
from tests.workflow.harness import (
    Services,
    execute,
    result_keys,
    review_service,
    stored_record,
)

pytestmark = [pytest.mark.xdist_group("workflow"), pytest.mark.usefixtures("text_detection_only")]

APIS = ("DetectEntitiesV2", "InferICD10CM", "InferRxNorm", "InferSNOMEDCT")


def test_given_analyze_medical_throttled_last_when_the_asl_retries_then_each_chunk_billed_once(
    services: Services,
) -> None:
    text = long_text(2_500)  # ~27 KB: 2 DetectEntitiesV2 chunks, 3 of each Infer*
    lines = text.split("\n")
    detection = TextDetection([page_of(*lines)], Engine("amazon-textract", "1.0"))
    services.textract.add_response("detect_document_text", to_textract_json(detection))
    comprehend = ComprehendFake()
    runtime = wiring.runtime()
    runtime.language_detector = ComprehendLanguageDetector(comprehend)
    runtime.language_analyzer = ComprehendAnalyzer(comprehend)
    calls = 2 + 3 * 3
    medical = MedicalFake(throttle_at={calls})  # the last InferSNOMEDCT chunk
    options = MedicalOptions(icd10cm=True, rxnorm=True, snomedct=True)
    runtime.medical_analyzer = ComprehendMedicalAnalyzer(options, medical)

    execution = execute("dense note.png", png_bytes(text="dense"))

    assert execution["status"] == "SUCCEEDED"
    document_id = json.loads(execution["output"])["document_id"]
    assert stored_record(document_id).status == Status.DONE
    assert services.invoked.count("AnalyzeMedicalFunction") == 2  # type: ignore[attr-defined]
    assert medical.calls == calls + 1  # only the throttled call was made again
    assert max(medical.billed.values()) == 1
    assert medical.apis() == {"DetectEntitiesV2": 2, "InferICD10CM": 3, "InferRxNorm": 3} | {
        "InferSNOMEDCT": 3
    }
    assert max(comprehend.billed.values()) == 1
    checkpoints = [k for k in result_keys(document_id) if "/steps/checkpoints/1/" in k]
    assert len(checkpoints) >= calls

    review_service().delete(document_id, admin("admin@example.org"))
    assert result_keys(document_id) == []
