"""The boto3 adapters against moto (S3, DynamoDB) and botocore's Stubber (Textract,
Comprehend, Comprehend Medical, Translate: calls moto does not emulate)."""

from __future__ import annotations

import copy
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meddoc.aws.comprehend import ComprehendAnalyzer, ComprehendLanguageDetector
from meddoc.aws.comprehend_medical import ComprehendMedicalAnalyzer, MedicalOptions
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.events import job_from_event, job_payload
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.aws.textract import TextractAsyncDetector, TextractDetector
from meddoc.aws.translate import AmazonTranslator
from meddoc.chunking import chunk_text
from meddoc.errors import DocumentNotFound, ServiceRejected, ServiceThrottled
from meddoc.model import (
    CodeSystem,
    CodingState,
    DocumentRecord,
    Language,
    ObjectRef,
    Status,
)
from meddoc.pipeline import records
from meddoc.ports import IndexTerm, ResponseLog
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS
from tests.aws.textract_collect import collect_all

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "aws"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def textract_fixture(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (FIXTURES / "textract" / f"{name}.textract.json").read_text()
    )
    return loaded


def record(document_id: str = "d1") -> DocumentRecord:
    return DocumentRecord(
        id=document_id,
        source=ObjectRef(UPLOADS, "a b+ñ.png"),
        name="a b+ñ.png",
        content_type="image/png",
        size=3,
        created_at=NOW,
        updated_at=NOW,
    )


# --- S3 --------------------------------------------------------------------------------


def test_s3_blob_store_writes_reads_and_deletes_by_prefix(cloud: None) -> None:
    blobs = S3BlobStore(boto3.client("s3", region_name=REGION))
    ref = ObjectRef(RESULTS, "documents/d1/steps/informe niño+1.json")
    blobs.write(ref, b"x" * 3000, "application/json")
    blobs.write(ObjectRef(RESULTS, "documents/d1/document.json"), b"{}", "application/json")
    blobs.write(ObjectRef(RESULTS, "documents/d2/document.json"), b"{}", "application/json")
    assert blobs.size(ref) == 3000
    assert blobs.read(ref) == b"x" * 3000
    assert b"".join(blobs.read_chunks(ref, chunk_size=1024)) == b"x" * 3000
    assert blobs.delete_prefix(RESULTS, "documents/d1/") == 2
    with pytest.raises(DocumentNotFound):
        blobs.size(ref)
    assert blobs.read(ObjectRef(RESULTS, "documents/d2/document.json")) == b"{}"


def test_s3_blob_store_reads_the_pinned_version_after_the_key_is_overwritten(
    cloud: None,
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    blobs = S3BlobStore(s3)
    first = s3.put_object(Bucket=UPLOADS, Key="scan.png", Body=b"patient A")["VersionId"]
    s3.put_object(Bucket=UPLOADS, Key="scan.png", Body=b"patient B, longer")
    pinned = ObjectRef(UPLOADS, "scan.png", first)
    assert blobs.read(pinned) == b"patient A"
    assert blobs.size(pinned) == len(b"patient A")
    assert blobs.read(ObjectRef(UPLOADS, "scan.png")) == b"patient B, longer"
    current = blobs.pinned(ObjectRef(UPLOADS, "scan.png"))
    assert current.version
    assert current.version != first
    assert blobs.pinned(pinned) == pinned
    s3.delete_object(Bucket=UPLOADS, Key="scan.png", VersionId=first)
    with pytest.raises(DocumentNotFound):
        blobs.read(pinned)


def test_an_upload_event_names_the_decoded_key_and_pins_its_version() -> None:
    event = json.loads((ROOT / "events" / "validate.json").read_text())
    job = job_from_event(event)
    assert job.source == ObjectRef(
        "meddoc-uploads", "intake/scan one+1.png", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY"
    )
    del event["detail"]["object"]["version-id"]  # an unversioned bucket
    assert job_from_event(event).source.version == ""
    # The job travels between steps as JSON: the version with it.
    assert job_from_event(job_payload(job)).source == job.source


# --- DynamoDB --------------------------------------------------------------------------


def test_dynamodb_store_creates_once_and_updates_atomically(cloud: None) -> None:
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    assert store.create(record()) is True
    assert store.create(record()) is False
    updated = store.update("d1", records.start(NOW))
    assert updated.status == Status.PROCESSING
    stored = store.get("d1")
    assert stored == updated
    item = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName=TABLE, Key={"pk": {"S": "DOC#d1"}, "sk": {"S": "RECORD"}}
    )["Item"]
    assert item["gsi1pk"]["S"] == "STATUS#PROCESSING"
    assert item["gsi3pk"]["S"] == "MONTH#2026-11"
    with pytest.raises(DocumentNotFound):
        store.update("missing", records.start(NOW))


def test_dynamodb_store_reapplies_a_change_after_a_concurrent_write(cloud: None) -> None:
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    other = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    store.create(record())
    calls = 0

    def add_source_racing(rec: DocumentRecord) -> bool:
        nonlocal calls
        calls += 1
        if calls == 1:  # someone else writes between our read and our write
            other.update("d1", records.add_source(ObjectRef(UPLOADS, "other.png"), NOW))
        return records.add_source(ObjectRef(UPLOADS, "mine.png"), NOW)(rec)

    final = store.update("d1", add_source_racing)
    assert calls == 2
    assert {s.key for s in final.other_sources} == {"other.png", "mine.png"}


def test_dynamodb_index_replaces_terms_and_is_queryable_by_term(cloud: None) -> None:
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    store.create(record())
    store.index(
        "d1",
        [
            IndexTerm("entity", "metformin", "MEDICATION"),
            IndexTerm("ICD-10-CM", "E11.9", "MEDICAL_CONDITION"),
        ],
        "",
    )
    store.index("d1", [IndexTerm("ICD-10-CM", "E11.9", "MEDICAL_CONDITION")], "")
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    by_code = table.query(
        IndexName="ByTerm",
        KeyConditionExpression="gsi2pk = :t",
        ExpressionAttributeValues={":t": "ICD-10-CM#E11.9"},
    )["Items"]
    assert [i["pk"] for i in by_code] == ["DOC#d1"]
    by_entity = table.query(
        IndexName="ByTerm",
        KeyConditionExpression="gsi2pk = :t",
        ExpressionAttributeValues={":t": "entity#metformin"},
    )["Items"]
    assert by_entity == []


# --- Textract --------------------------------------------------------------------------


def test_textract_sync_detection_parses_the_real_response() -> None:
    client = boto3.client("textract", region_name=REGION)
    response = textract_fixture("textractor_test_page1")
    expected_lines = (FIXTURES / "textract" / "textractor_test_page1.lines.txt").read_text()
    with Stubber(client) as stub:
        stub.add_response(
            "detect_document_text",
            response,
            {"Document": {"S3Object": {"Bucket": UPLOADS, "Name": "scan 1.png"}}},
        )
        log = ResponseLog()
        detection = TextractDetector(client).detect(
            ObjectRef(UPLOADS, "scan 1.png"), "image/png", log
        )
    assert [line.text for line in detection.pages[0].lines] == expected_lines.splitlines()
    assert log.responses[0][0] == "DetectDocumentText"


def test_textract_async_detection_waits_then_gathers_every_result_page() -> None:
    client = boto3.client("textract", region_name=REGION)
    full = textract_fixture("contract_terms_strip")
    blocks = full["Blocks"]
    first = {
        "JobStatus": "SUCCEEDED",
        "NextToken": "t1",
        "Blocks": blocks[: len(blocks) // 2],
        "DocumentMetadata": {"Pages": 1},
    }
    second = {
        "JobStatus": "SUCCEEDED",
        "Blocks": blocks[len(blocks) // 2 :],
        "DocumentMetadata": {"Pages": 1},
    }
    detector = TextractAsyncDetector(client)
    with Stubber(client) as stub:
        stub.add_response(
            "start_document_text_detection",
            {"JobId": "job-1"},
            {
                # The version the upload event named: never another document's bytes.
                "DocumentLocation": {
                    "S3Object": {"Bucket": UPLOADS, "Name": "a.pdf", "Version": "v-7"}
                },
                "ClientRequestToken": "tok-1",
            },
        )
        stub.add_response(
            "get_document_text_detection",
            {"JobStatus": "IN_PROGRESS"},
            {"JobId": "job-1", "MaxResults": 1000},
        )
        stub.add_response(
            "get_document_text_detection", first, {"JobId": "job-1", "MaxResults": 1000}
        )
        stub.add_response(
            "get_document_text_detection",
            second,
            {"JobId": "job-1", "MaxResults": 1000, "NextToken": "t1"},
        )
        log = ResponseLog()
        assert detector.start(ObjectRef(UPLOADS, "a.pdf", "v-7"), "tok-1", log) == "job-1"
        assert collect_all(detector, "job-1", log) is None
        detection = collect_all(detector, "job-1", log)
    assert detection is not None
    expected = (FIXTURES / "textract" / "contract_terms_strip.lines.txt").read_text()
    assert [line.text for line in detection.pages[0].lines] == expected.splitlines()


@pytest.mark.parametrize(
    ("code", "status", "error"),
    [
        ("ProvisionedThroughputExceededException", 400, ServiceThrottled),
        ("ThrottlingException", 400, ServiceThrottled),
        ("UnsupportedDocumentException", 400, ServiceRejected),
    ],
)
def test_textract_errors_become_typed_errors(code: str, status: int, error: type) -> None:
    client = boto3.client("textract", region_name=REGION)
    with Stubber(client) as stub:
        stub.add_client_error(
            "detect_document_text",
            service_error_code=code,
            service_message="John Smith's scan",
            http_status_code=status,
        )
        with pytest.raises(error) as raised:
            TextractDetector(client).detect(
                ObjectRef(UPLOADS, "a.png"), "image/png", ResponseLog()
            )
    assert code in str(raised.value)
    assert "John Smith" not in str(raised.value)  # service messages may quote documents


# --- Comprehend ------------------------------------------------------------------------


def test_comprehend_chunks_sentiment_and_remaps_key_phrases() -> None:
    client = boto3.client("comprehend", region_name=REGION)
    text = "\n".join(f"Line {i} mentions aspirin daily." for i in range(400))  # ~12 KB
    pieces = [c for c in chunk_text(text, 5_000)]
    assert len(pieces) == 3
    with Stubber(client) as stub:
        stub.add_response(
            "detect_key_phrases",
            {
                "KeyPhrases": [
                    {
                        "Text": "aspirin",
                        "Score": 0.9,
                        "BeginOffset": m.start(),
                        "EndOffset": m.end(),
                    }
                    for m in re.finditer("aspirin", text)
                ]
            },
            {"Text": text, "LanguageCode": "en"},
        )
        stub.add_response(
            "detect_entities", {"Entities": []}, {"Text": text, "LanguageCode": "en"}
        )
        stub.add_response(
            "detect_pii_entities", {"Entities": []}, {"Text": text, "LanguageCode": "en"}
        )
        for piece in pieces:
            stub.add_response(
                "detect_sentiment",
                {
                    "Sentiment": "NEUTRAL",
                    "SentimentScore": {
                        "Positive": 0.1,
                        "Negative": 0.1,
                        "Neutral": 0.8,
                        "Mixed": 0.0,
                    },
                },
                {"Text": piece.text, "LanguageCode": "en"},
            )
        analysis = ComprehendAnalyzer(client).analyze(text, Language("en", 0.99), ResponseLog())
        stub.assert_no_pending_responses()
    assert len(analysis.key_phrases) == 400
    assert all(text[p.begin : p.end] == "aspirin" for p in analysis.key_phrases)
    assert analysis.sentiment is not None
    assert analysis.sentiment.label == "NEUTRAL"


def test_comprehend_skips_pii_when_turned_off_or_unsupported() -> None:
    client = boto3.client("comprehend", region_name=REGION)
    with Stubber(client) as stub:
        for api in ("detect_key_phrases", "detect_entities"):
            stub.add_response(api, {"KeyPhrases": []} if "key" in api else {"Entities": []})
        stub.add_response(
            "detect_sentiment",
            {
                "Sentiment": "NEUTRAL",
                "SentimentScore": {"Positive": 0.0, "Negative": 0.0, "Neutral": 1.0, "Mixed": 0.0},
            },
        )
        analysis = ComprehendAnalyzer(client, pii=False).analyze(
            "Texte.", Language("fr", 0.9), ResponseLog()
        )
        stub.assert_no_pending_responses()
    assert analysis.pii == []


def test_language_detection_weighs_the_sampled_chunks() -> None:
    client = boto3.client("comprehend", region_name=REGION)
    with Stubber(client) as stub:
        stub.add_response(
            "detect_dominant_language", {"Languages": [{"LanguageCode": "es", "Score": 0.96}]}
        )
        language = ComprehendLanguageDetector(client).detect_language(
            "Paciente con dolor.", ResponseLog()
        )
    assert (language.code, language.score) == ("es", 0.96)


# --- Translate -------------------------------------------------------------------------


def test_translate_keeps_line_breaks_and_aligns_lines() -> None:
    client = boto3.client("translate", region_name=REGION)
    text = "Paciente: dolor de cabeza\nPlan: reposo\n"
    with Stubber(client) as stub:
        stub.add_response(
            "translate_text",
            {
                "TranslatedText": "Patient: headache\nPlan: rest",
                "SourceLanguageCode": "es",
                "TargetLanguageCode": "en",
            },
            {"Text": text.rstrip(), "SourceLanguageCode": "es", "TargetLanguageCode": "en"},
        )
        translation = AmazonTranslator(client).translate(text, "es", "en", ResponseLog())
    assert translation.text == "Patient: headache\nPlan: rest\n"
    first = translation.segments[0]
    assert text[first.source_begin : first.source_end] == "Paciente: dolor de cabeza"
    assert translation.text[first.target_begin : first.target_end] == "Patient: headache"


# --- Comprehend Medical ----------------------------------------------------------------


class FakeComprehendMedical:
    """Answers like the service, computed from the text it is sent: every capitalised
    word is a medication whose following number is its dosage; 'diabetes' gets an
    ICD-10-CM concept. Lets a property test send any text through the adapter."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def _entities(self, text: str) -> list[dict[str, Any]]:
        found = []
        for number, match in enumerate(re.finditer(r"\b[A-Z]\w*", text)):
            dose = re.compile(r"\s(\d+)").match(text, match.end())
            entity = {
                "Id": number,
                "Text": match.group(),
                "BeginOffset": match.start(),
                "EndOffset": match.end(),
                "Score": 0.9,
                "Category": "MEDICATION",
                "Type": "GENERIC_NAME",
                "Traits": [],
                "Attributes": [],
            }
            if dose:
                entity["Attributes"] = [
                    {
                        "Type": "DOSAGE",
                        "Score": 0.8,
                        "RelationshipScore": 0.9,
                        "RelationshipType": "DOSAGE",
                        "Id": 1000 + number,
                        "Text": dose.group(1),
                        "BeginOffset": dose.start(1),
                        "EndOffset": dose.end(1),
                        "Traits": [],
                    }
                ]
            found.append(entity)
        return found

    def detect_entities_v2(self, Text: str) -> dict[str, Any]:  # noqa: N803 - boto3's name
        self.calls.append(("DetectEntitiesV2", len(Text.encode())))
        return {
            "Entities": self._entities(Text),
            "UnmappedAttributes": [],
            "ModelVersion": "2.4.0",
        }

    def infer_icd10_cm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self.calls.append(("InferICD10CM", len(Text)))
        entities = [
            {
                "Id": n,
                "Text": m.group(),
                "BeginOffset": m.start(),
                "EndOffset": m.end(),
                "Score": 0.9,
                "Category": "MEDICAL_CONDITION",
                "Type": "DX_NAME",
                "Traits": [],
                "ICD10CMConcepts": [
                    {"Code": "E11.9", "Description": "Type 2 diabetes", "Score": 0.8}
                ],
            }
            for n, m in enumerate(re.finditer("diabetes", Text))
        ]
        return {"Entities": entities, "ModelVersion": "0.1.0"}

    def infer_rx_norm(self, Text: str) -> dict[str, Any]:  # noqa: N803
        self.calls.append(("InferRxNorm", len(Text)))
        return {"Entities": [], "ModelVersion": "0.1.0"}

    def infer_snomedct(self, Text: str) -> dict[str, Any]:  # noqa: N803
        raise AssertionError("SNOMED CT is off by default")

    def detect_phi(self, Text: str) -> dict[str, Any]:  # noqa: N803
        raise AssertionError("DetectPHI is off by default")


NOTE_WORDS = st.sampled_from(
    [
        "Metformin",
        "500",
        "mg",
        "diabetes",
        "daily",
        "Lisinopril",
        "10",
        "ñandú",
        "中文",
        ".",
        "\n",
        "\n\n",
        "with",
        "and",
        "Patient",
        "x" * 300,
    ]
)


@given(words=st.lists(NOTE_WORDS, min_size=1, max_size=400))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_medical_entities_from_chunked_calls_slice_exactly_their_text(words: list[str]) -> None:
    # Repeat the note so it crosses the 20 KB and 10,000-character limits.
    text = " ".join(words) * (1 + 45_000 // max(1, len(" ".join(words))))
    client = FakeComprehendMedical()
    analysis = ComprehendMedicalAnalyzer(MedicalOptions(), client).analyze(
        text, "en", ResponseLog()
    )
    assert all(size <= 20_000 for api, size in client.calls if api == "DetectEntitiesV2")
    assert all(size <= 10_000 for api, size in client.calls if api.startswith("Infer"))
    assert [e.id for e in analysis.entities] == list(range(len(analysis.entities)))
    for entity in analysis.entities:
        assert text[entity.begin : entity.end] == entity.text
        for attribute in entity.attributes:
            assert text[attribute.begin : attribute.end] == attribute.text
    diabetes = [e for e in analysis.entities if e.text == "diabetes"]
    assert len(diabetes) == text.count("diabetes")
    assert all(e.concepts[0].code == "E11.9" for e in diabetes)


def test_medical_toggles_decide_which_calls_are_made_and_say_so() -> None:
    client = FakeComprehendMedical()
    options = MedicalOptions(icd10cm=True, rxnorm=False, snomedct=False)
    analysis = ComprehendMedicalAnalyzer(options, client).analyze(
        "Metformin 500 for diabetes", "en", ResponseLog()
    )
    assert [api for api, _ in client.calls] == ["DetectEntitiesV2", "InferICD10CM"]
    states = {c.system: c.state for c in analysis.coding}
    assert states == {
        CodeSystem.ICD10CM: CodingState.LINKED,
        CodeSystem.RXNORM: CodingState.DISABLED,
        CodeSystem.SNOMEDCT: CodingState.DISABLED,
    }
    assert analysis.engines[0].version == "2.4.0"


def test_medical_phi_entities_are_reported_apart_from_clinical_ones() -> None:
    client = boto3.client("comprehendmedical", region_name=REGION)
    response = json.loads(
        (FIXTURES / "comprehend-medical" / "de_v1_phi_john_smith.response.json").read_text()
    )
    text = (FIXTURES / "comprehend-medical" / "de_v1_phi_john_smith.input.txt").read_text()
    with Stubber(client) as stub:
        # A v1 documentation example: today's service model also requires ModelVersion.
        stub.add_response(
            "detect_entities_v2", {**copy.deepcopy(response), "ModelVersion": "2.0.0"}
        )
        analysis = ComprehendMedicalAnalyzer(
            MedicalOptions(icd10cm=False, rxnorm=False), client
        ).analyze(text, "en", ResponseLog())
    assert analysis.phi
    assert all(e.category.value == "PROTECTED_HEALTH_INFORMATION" for e in analysis.phi)
    assert all(e.category.value != "PROTECTED_HEALTH_INFORMATION" for e in analysis.entities)
