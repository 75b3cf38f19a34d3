"""PHI on AWS: a Spanish document read through Translate, Comprehend and Comprehend
Medical (botocore Stubber) into S3 and DynamoDB (moto) is masked on both texts and its
page, with or without DetectPiiEntities; the DynamoDB search index holds no PHI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from meddoc import serialization
from meddoc.aws.comprehend import ComprehendAnalyzer
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer, MedicalOptions
from meddoc.aws.dynamodb_search import DocumentSearch
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.translate import AmazonTranslator
from meddoc.model import Document, ObjectRef, Status
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.runner import Pipeline, utc_now
from meddoc.pipeline.store import search_index
from meddoc.ports import DocumentQuery
from meddoc.privacy import MASK, mask_document, phi_boxes
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS
from tests.documents import png_bytes
from tests.fakes import FakeLanguageDetector, FakeTextDetector, page_of

ORIGINAL = (
    "Paciente: Inés Ilusorio",
    "Teléfono: (939) 555-0109",
    "Dolor de garganta y fiebre",
    "Control con Dr. Ilusorio",
)
ENGLISH = (
    "Patient: Inés Ilusorio",
    "Phone: (939) 555-0109",
    "Sore throat and fever",
    "Follow up with Dr. Ilusorio",
)
SENTIMENT = {
    "Sentiment": "NEUTRAL",
    "SentimentScore": {"Positive": 0.0, "Negative": 0.0, "Neutral": 1.0, "Mixed": 0.0},
}


def medical_response() -> dict[str, Any]:
    """DetectEntitiesV2 on the English text: the name and phone as PHI, fever, and a
    procedure that quotes a name (the service's entities may hold PHI words)."""
    text = "\n".join(ENGLISH)
    found = [
        ("Inés Ilusorio", "PROTECTED_HEALTH_INFORMATION", "NAME"),
        ("(939) 555-0109", "PROTECTED_HEALTH_INFORMATION", "PHONE_OR_FAX"),
        ("fever", "MEDICAL_CONDITION", "DX_NAME"),
        ("Follow up with Dr. Ilusorio", "TEST_TREATMENT_PROCEDURE", "TREATMENT_NAME"),
    ]
    entities = [
        {
            "Id": number,
            "BeginOffset": text.index(phrase),
            "EndOffset": text.index(phrase) + len(phrase),
            "Score": 0.99,
            "Text": phrase,
            "Category": category,
            "Type": kind,
            "Traits": [],
        }
        for number, (phrase, category, kind) in enumerate(found)
    ]
    return {"Entities": entities, "UnmappedAttributes": [], "ModelVersion": "2.4.0"}


def pii_response() -> dict[str, Any]:
    """DetectPiiEntities on the Spanish original: the name only."""
    text = "\n".join(ORIGINAL)
    begin = text.index("Inés Ilusorio")
    return {
        "Entities": [
            {"Score": 0.99, "Type": "NAME", "BeginOffset": begin, "EndOffset": begin + 13}
        ]
    }


@pytest.fixture
def stubs() -> Iterator[dict[str, Stubber]]:
    clients = {
        name: boto3.client(name, region_name=REGION)
        for name in ("translate", "comprehend", "comprehendmedical")
    }
    with ExitStack() as stack:
        yield {name: stack.enter_context(Stubber(c)) for name, c in clients.items()}


def run_spanish_document(stubs: dict[str, Stubber], pii: bool) -> tuple[Document, str]:
    stubs["translate"].add_response(
        "translate_text",
        {
            "TranslatedText": "\n".join(ENGLISH),
            "SourceLanguageCode": "es",
            "TargetLanguageCode": "en",
        },
    )
    comprehend = stubs["comprehend"]
    comprehend.add_response("detect_key_phrases", {"KeyPhrases": []})
    comprehend.add_response("detect_entities", {"Entities": []})
    if pii:
        comprehend.add_response(
            "detect_pii_entities", pii_response(), {"Text": ANY, "LanguageCode": "es"}
        )
    comprehend.add_response("detect_sentiment", SENTIMENT)
    stubs["comprehendmedical"].add_response("detect_entities_v2", medical_response())

    blobs = S3BlobStore(boto3.client("s3", region_name=REGION))
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    options = MedicalOptions(icd10cm=False, rxnorm=False)
    pipeline = Pipeline(
        blobs=blobs,
        store=store,
        artifacts=Artifacts(blobs, ResultsLayout(RESULTS)),
        detector=FakeTextDetector([page_of(*ORIGINAL)]),
        language_detector=FakeLanguageDetector(),
        translator=AmazonTranslator(stubs["translate"].client),
        language_analyzer=ComprehendAnalyzer(stubs["comprehend"].client, pii=pii),
        medical_analyzer=ComprehendMedicalAnalyzer(options, stubs["comprehendmedical"].client),
    )
    ref = ObjectRef(UPLOADS, "consulta.png")
    blobs.write(ref, png_bytes(200, 100, "consulta"), "image/png")
    record = pipeline.run(ref)
    for stub in stubs.values():
        stub.assert_no_pending_responses()
    assert record.status == Status.DONE, record.failure
    assert record.result is not None
    assert record.summary is not None
    assert record.summary.phi == 3  # the name, the phone, the name again
    return serialization.loads(Document, blobs.read(record.result)), record.id


@pytest.mark.parametrize("pii", [True, False], ids=["PiiEnabled", "PiiDisabled"])
def test_given_a_spanish_document_then_phi_found_on_its_translation_masks_the_original(
    cloud: None, stubs: dict[str, Stubber], pii: bool
) -> None:
    document, _ = run_spanish_document(stubs, pii)
    assert document.medical is not None
    assert document.medical.text_source == "translation"

    masked = mask_document(document)

    assert masked.text.split("\n") == [
        f"Paciente: {MASK * 4} {MASK * 8}",
        f"Teléfono: {MASK * 5} {MASK * 8}",
        "Dolor de garganta y fiebre",
        f"Control con Dr. {MASK * 8}",
    ]
    assert masked.translation is not None
    assert "Ilusorio" not in masked.translation.text
    lines = document.pages[0].lines
    expected = [w.geometry.box for line in lines[:2] for w in line.words[1:]]
    assert phi_boxes(masked, 1) == [*expected, lines[3].words[3].geometry.box]


def test_given_a_patient_name_when_searched_on_dynamodb_then_nothing_is_found(
    cloud: None, stubs: dict[str, Stubber]
) -> None:
    document, document_id = run_spanish_document(stubs, pii=False)
    search = DocumentSearch(boto3.resource("dynamodb", region_name=REGION), TABLE, utc_now)

    def found(text: str = "", entity: str = "") -> list[str]:
        return [r.id for r in search.page(DocumentQuery(text=text, entity=entity)).records]

    assert found(text="fever") == [document_id]
    for name in ("Inés Ilusorio", "ilusorio", "ines", "555-0109", "follow up with dr. ilusorio"):
        assert found(text=name) == []
        assert found(entity=name) == []
    terms, text = search_index(document)
    assert sorted(t.value for t in terms) == ["fever", "follow up with dr."]
    assert "Ilusorio" not in text
    assert "0109" not in text
