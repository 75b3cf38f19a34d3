"""The generated-documents yardstick's scoring on hand-made truth and results: field
matching, normalisation, lab row pairing and the clinical statement counts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from meddoc.bench.generated import SAMPLES, Only, generate, score
from meddoc.bench.generated_metrics import (
    Counts,
    LabObservation,
    allergies_as_medication,
    compact,
    lab_observations,
    lab_rows,
    normalise,
    paired,
    patient_from_letterhead,
    score_fields,
    score_lab,
    social_as_family_history,
    truth_fields,
)
from meddoc.model import (
    Document,
    DocumentRecord,
    DocumentType,
    Field,
    FieldPart,
    ObjectRef,
    Page,
    SelectionStatus,
    Status,
    Structure,
    Summary,
    TypeGuess,
)

LETTERHEAD = "Lakeside Clinic\n12 Mock Court, Anytown\nTel. (555) 555-0101"
PATIENT = "Patient: Ruth Fictive\nPhone: (702) 555-0113"
ALLERGY = "Allergies: Penicillin"
MEDICATIONS = "Current medications: Lisinopril 10 mg"
FAMILY = "Family history: mother - breast cancer"
SOCIAL = "Tobacco use: never"
TEXT = "\n".join([LETTERHEAD, PATIENT, ALLERGY, MEDICATIONS, FAMILY, SOCIAL])


def _section(kind: str, part: str) -> dict[str, Any]:
    begin = TEXT.index(part)
    return {"kind": kind, "title": "", "begin": begin, "end": begin + len(part)}


def _cell(row: int, column: int, text: str) -> dict[str, Any]:
    return {"row": row, "column": column, "text": text, "header": row == 1}


def _truth() -> dict[str, Any]:
    header = ["Test", "Result", "Units", "Reference", "Flag"]
    rows = [
        header,
        ["Chemistry", "", "", "", ""],
        ["Glucose", "115", "mg/dL", "70-99", "H"],
        ["ALT", "50", "U/L", "7-56", ""],
    ]
    return {
        "id": "01-intake-en-printed-scan",
        "kind": "intake",
        "document_type": "INTAKE_FORM",
        "text": TEXT,
        "fields": [
            {"label": "Patient:", "value": "Ruth Fictive", "selection": None},
            {"label": "Allergies:", "value": "Penicillin", "selection": None},
            {"label": "No", "value": "", "selection": "SELECTED"},
        ],
        "sections": [
            _section("ISSUER", LETTERHEAD),
            _section("PATIENT", PATIENT),
            _section("ALLERGIES", ALLERGY),
            _section("MEDICATIONS", MEDICATIONS),
            _section("FAMILY_HISTORY", FAMILY),
            _section("SOCIAL_HISTORY", SOCIAL),
        ],
        "tables": [
            {
                "cells": [
                    _cell(r, c, text)
                    for r, row in enumerate(rows, 1)
                    for c, text in enumerate(row, 1)
                ]
            }
        ],
    }


def _observation(
    test: str, value: float, unit: str, low: float, high: float, flag: str = ""
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "code": {"text": test},
        "valueQuantity": {"value": value, "unit": unit},
        "referenceRange": [{"low": {"value": low}, "high": {"value": high}}],
    }
    if flag:
        resource["interpretation"] = [{"coding": [{"code": flag}]}]
    return resource


def _bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "entry": [{"resource": r} for r in resources]}


def test_normalising_folds_case_accents_spaces_and_a_labels_colon() -> None:
    assert normalise("  Fecha de  Nacimiento: ") == "fecha de nacimiento"
    assert normalise("Teléfono:") == "telefono"
    assert compact("(559)555-0158") == compact("(559) 555-0158")


def test_a_field_is_right_only_when_its_label_and_its_value_both_match() -> None:
    truth = [("patient", "ruth fictive"), ("allergies", "penicillin")]
    found = [("patient", "ruth fictive"), ("allergies", "sulfa"), ("mrn", "1")]
    assert score_fields(truth, found) == (1, 2, 3)


def test_each_truth_field_is_matched_once_even_when_found_twice() -> None:
    truth = [("date", "01/02/2025")]
    assert score_fields(truth, truth * 2) == (1, 1, 2)


def test_an_unmatched_field_labelled_with_a_section_title_is_not_a_false_positive() -> None:
    truth = [("patient", "ruth fictive")]
    found = [("patient", "ruth fictive"), ("plan", "start amoxicillin")]
    assert score_fields(truth, found, ["Plan:"]) == (1, 1, 1)
    # ...but a truth field with that label still counts it wrong when the value differs
    assert score_fields(truth, [("patient", "ruth")], ["Patient:"]) == (0, 1, 1)


def test_a_checkbox_field_matches_on_its_state() -> None:
    truth = truth_fields(_truth())
    assert ("no", "SELECTED") in truth
    assert score_fields(truth, [("no", "NOT_SELECTED")]) == (0, 3, 1)


def test_lab_rows_are_the_result_rows_with_range_and_flag_read_from_their_cells() -> None:
    rows = lab_rows(_truth())
    assert [(r.test, r.value, r.unit, r.low, r.high, r.flag) for r in rows] == [
        ("glucose", "115", "mg/dl", 70.0, 99.0, "H"),
        ("alt", "50", "u/l", 7.0, 56.0, "N"),
    ]


def test_a_row_is_paired_only_when_value_unit_range_and_flag_are_all_its_own() -> None:
    glucose = lab_rows(_truth())[0]
    right = LabObservation("glucose", 115.0, "mg/dl", 70.0, 99.0, "H")
    assert paired(glucose, right)
    for wrong in (
        LabObservation("glucose", 50.0, "mg/dl", 70.0, 99.0, "H"),  # ALT's value
        LabObservation("glucose", 115.0, "", 70.0, 99.0, "H"),  # no unit
        LabObservation("glucose", 115.0, "mg/dl", 7.0, 56.0, "H"),  # ALT's range
        LabObservation("glucose", 115.0, "mg/dl", 70.0, 99.0, ""),  # no flag
    ):
        assert not paired(glucose, wrong)


def test_lab_scores_count_paired_rows_and_values_taken_from_another_row() -> None:
    rows = lab_rows(_truth())
    bundle = _bundle(
        _observation("Glucose", 115, "mg/dL", 70, 99, "H"),
        _observation("ALT", 115, "U/L", 7, 56),  # glucose's value on ALT
        _observation("Heart rate", 80, "bpm", 60, 100),  # not a lab row: not counted
    )
    observations = lab_observations(bundle)
    assert observations[0] == LabObservation("glucose", 115.0, "mg/dl", 70.0, 99.0, "H")
    assert score_lab(rows, observations) == (1, 2, 1)


def test_an_allergen_exported_as_a_medication_statement_is_counted_and_a_taken_drug_is_not() -> (
    None
):
    bundle = _bundle(
        {
            "resourceType": "MedicationStatement",
            "medicationCodeableConcept": {"text": "Penicillin"},
        },
        {
            "resourceType": "MedicationStatement",
            "medicationCodeableConcept": {"text": "Lisinopril"},
        },
    )
    assert allergies_as_medication(_truth(), bundle) == 1


def test_patient_values_from_the_letterhead_are_counted_the_patients_own_are_not() -> None:
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:meddoc:document-subject", "value": "abc"}],
        "name": [{"text": "Ruth Fictive"}],
        "telecom": [
            {"system": "phone", "value": "(555)555-0101"},  # the clinic's, OCR'd tight
            {"system": "phone", "value": "(702) 555-0113"},
        ],
        "address": [{"text": "12 Mock Court, Anytown"}],
    }
    assert patient_from_letterhead(_truth(), _bundle(patient)) == 2


def test_social_history_as_family_history_is_counted_a_relatives_disease_is_not() -> None:
    bundle = _bundle(
        {"resourceType": "FamilyMemberHistory", "condition": [{"code": {"text": "Tobacco use"}}]},
        {
            "resourceType": "FamilyMemberHistory",
            "condition": [{"code": {"text": "breast cancer"}}],
        },
    )
    assert social_as_family_history(_truth(), bundle) == 1


def _stored(document_type: str, fields: list[Field]) -> tuple[DocumentRecord, Document]:
    record = DocumentRecord(
        id="d" * 64,
        source=ObjectRef("inbox", "a.png"),
        name="a.png",
        content_type="image/png",
        size=1,
        created_at=datetime(2025, 1, 1),
        updated_at=datetime(2025, 1, 1),
        status=Status.DONE,
        summary=Summary(document_type=document_type),
    )
    document = Document(id=record.id, pages=[Page(1, fields=fields)], text=TEXT)
    return record, document


def _field(label: str, value: str, selection: SelectionStatus | None = None) -> Field:
    return Field("p1.f1", FieldPart(label), FieldPart(value), 0.9, selection)


def test_a_stored_document_is_scored_from_its_summary_fields_and_fhir_export() -> None:
    fields = [
        _field("PATIENT:", "Ruth  Fictive"),
        _field("Allergies", "Penicillin."),
        _field("No", "", SelectionStatus.SELECTED),
        _field("Tel.", "(555) 555-0101"),
    ]
    counts = score(_truth(), *_stored("INTAKE_FORM", fields))
    assert (counts.type_right, counts.fields_right, counts.fields_truth, counts.fields_found) == (
        1,
        3,
        3,
        4,
    )
    assert counts.lab_rows == 2
    assert counts.lab_rows_paired == 0
    figures = counts.figures()
    assert figures["field_recall"] == 1.0
    assert figures["field_precision"] == 0.75


def test_the_document_type_falls_back_to_the_structure_and_a_failed_document_scores_nothing() -> (
    None
):
    record, document = _stored("", [])
    document.structure = Structure(TypeGuess(DocumentType.INTAKE_FORM, 0.9))
    assert score(_truth(), record, document).type_right == 1
    failed = score(_truth(), None, None)
    assert (failed.documents, failed.type_right, failed.fields_truth, failed.lab_rows) == (
        1,
        0,
        3,
        2,
    )


def test_pooled_counts_add_up_and_give_the_figures() -> None:
    total = Counts()
    total.add(Counts(documents=1, type_right=1, fields_truth=4, fields_found=2, fields_right=2))
    total.add(Counts(documents=1, fields_truth=4, fields_found=2, fields_right=0, lab_rows=2))
    figures = total.figures()
    assert figures["document_type_accuracy"] == 0.5
    assert figures["field_f1"] == 2 * 2 / (8 + 4)
    assert figures["lab_row_pairing"] == 0.0
    assert Counts().figures()["field_f1"] is None


def test_given_a_focus_on_kinds_and_looks_then_only_those_of_the_plan_are_drawn(
    tmp_path: Path,
) -> None:
    """Seed 11's plan of 4: intake photo, prescription scan, intake skewed, lab report
    scan; the one kept is numbered as in the whole plan."""
    focus = Only(frozenset({"intake", "lab_report"}), frozenset({"skewed"}))

    kept = generate(tmp_path, 4, 11, SAMPLES, focus)

    (name,) = kept
    assert name.startswith("03-intake-")
    assert "-skewed." in name
    assert [p.name for p in (tmp_path / "documents").iterdir()] == [name]
