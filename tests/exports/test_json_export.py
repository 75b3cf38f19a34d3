"""export_json: the reviewed document, the machine's entities and the corrections side by
side, for DONE documents and for records that have no document yet."""

from __future__ import annotations

import json

from meddoc.exports.json_export import ExportItem, export_json
from meddoc.model import Category, CorrectionKind, Document, MedicalEntity, Status
from meddoc.review import ADDED_IDS_FROM
from meddoc.serialization import from_dict
from tests.exports.documents import (
    AT,
    PHI_TEXTS,
    correction,
    entity_id,
    record,
    reviewers_corrections,
    visit_note,
)


def codes(entities: list[dict[str, object]]) -> dict[str, list[str]]:
    return {str(e["text"]): [str(c["code"]) for c in e["concepts"]] for e in entities}  # type: ignore[attr-defined]


def test_given_corrections_when_exported_then_reviewed_and_machine_entities_are_both_kept() -> (
    None
):
    document = visit_note()
    corrections = reviewers_corrections(document)

    exported = export_json([ExportItem(record(), document, corrections)], exported_at=AT)

    (entry,) = exported["documents"]
    reviewed = codes(entry["document"]["medical"]["entities"])
    machine = codes(entry["machine_entities"])
    assert reviewed["Diabetes mellitus type 2"] == ["E11.65"]
    assert machine["Diabetes mellitus type 2"] == ["E11.9", "44054006"]
    assert "chest" in machine
    assert "chest" not in reviewed
    assert reviewed["hypertension"] == ["I10"]
    assert [c["kind"] for c in entry["corrections"]] == ["CORRECT", "REMOVE", "ADD"]
    assert exported["exported_at"] == "2024-05-06T07:08:09.123456Z"


def test_given_corrections_when_exported_then_each_entity_says_where_it_came_from() -> None:
    document = visit_note()
    exported = export_json([ExportItem(record(), document, reviewers_corrections(document))])

    (entry,) = exported["documents"]
    origins = entry["entity_origins"]
    assert origins[str(entity_id(document, "Diabetes mellitus type 2"))] == "corrected"
    assert origins[str(ADDED_IDS_FROM)] == "added"
    assert origins[str(entity_id(document, "aspirin"))] == "machine"
    assert entry["removed_entity_ids"] == [entity_id(document, "chest")]
    assert set(origins.values()) == {"machine", "corrected", "added"}


def test_given_an_export_with_phi_when_read_back_then_the_document_round_trips() -> None:
    document = visit_note()
    exported = export_json(
        [ExportItem(record(), document, reviewers_corrections(document))], include_phi=True
    )

    text = json.dumps(exported)
    back = from_dict(Document, json.loads(text)["documents"][0]["document"])
    assert back.medical is not None
    assert [e.text for e in back.medical.entities if e.text == "hypertension"] == ["hypertension"]
    assert back.text == document.text


def test_given_an_export_then_the_machine_document_is_unchanged() -> None:
    document = visit_note()
    before = json.dumps(export_json([ExportItem(record(), document, [])])["documents"][0])

    export_json([ExportItem(record(), document, reviewers_corrections(document))])

    after = json.dumps(export_json([ExportItem(record(), document, [])])["documents"][0])
    assert after == before


def test_given_records_without_a_document_when_exported_then_each_record_still_appears() -> None:
    items = [
        ExportItem(record("b" * 64, Status.FAILED), None, []),
        ExportItem(record("c" * 64, Status.PROCESSING), None, []),
        ExportItem(record(), visit_note(), []),
    ]

    exported = export_json(items)

    documents = exported["documents"]
    assert [d["record"]["status"] for d in documents] == ["FAILED", "PROCESSING", "DONE"]
    assert documents[0]["document"] is None
    assert documents[0]["record"]["failure"]["reason"] == "The image could not be read."
    assert documents[0]["machine_entities"] == []
    assert documents[2]["document"] is not None


def test_given_no_phi_asked_then_texts_corrections_notes_and_file_name_are_masked() -> None:
    document = visit_note()
    begin = document.text.index("Maria Lopez")
    name = MedicalEntity(
        "Maria Lopez", begin, begin + 11, 1.0, category=Category.PROTECTED_HEALTH_INFORMATION
    )
    added = correction(CorrectionKind.ADD, entity=name)
    added.note = "Maria Lopez confirmed her DOB 03/14/1961"
    item = ExportItem(record(name="Maria Lopez 03-14-1961.png"), document, [added])

    exported = json.dumps(export_json([item]), ensure_ascii=False)

    assert [phi for phi in PHI_TEXTS if phi in exported] == []
    assert "Lopez" not in exported
    assert "confirmed her DOB" in exported
    assert "Diabetes mellitus type 2" in exported
