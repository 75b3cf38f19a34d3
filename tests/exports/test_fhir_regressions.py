"""The clinically wrong records issue 11 found, each a regression test through the FHIR
export: on paperwork with the structure AnalyzeDocument (or the offline analyser) reads
(form fields, layout, tables) and on the same paperwork as text alone (DetectDocumentText),
with the entities an engine produced, its mistakes included."""

from __future__ import annotations

import json
from typing import Any

import pytest

from meddoc.exports.fhir import export_fhir
from meddoc.exports.json_export import ExportItem
from tests.exports.documents import record
from tests.exports.fhir_r4 import validate_bundle
from tests.structure.paperwork import Paperwork
from tests.structure.samples import LAB_PAGE_1, LAB_PAGE_2, intake_en, intake_es, lab_en, lab_es

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
BOTH_HOSTS = pytest.mark.parametrize("structured", [True, False], ids=["structure", "text-only"])
LAB_READINGS = pytest.mark.parametrize(
    ("paperwork", "structured"),
    [
        (lab_en(tables=True), True),
        (lab_en(tables=True, skew=0.02), False),
        (lab_en(tables=False), False),
    ],
    ids=["table-cells", "columns-text-only-skewed", "rows-text-only"],
)


def bundle_of(
    paperwork: Paperwork, structured: bool, include_patient: bool = False
) -> dict[str, Any]:
    document = paperwork.document(structured)
    bundle = export_fhir(
        [ExportItem(record(document.id), document, [])], include_patient=include_patient
    )
    assert validate_bundle(bundle) == []
    return bundle


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(concept: dict[str, Any]) -> set[tuple[str, str]]:
    return {(c["system"], c["code"]) for c in concept.get("coding", [])}


def medication_texts(bundle: dict[str, Any]) -> set[str]:
    return {
        r["medicationCodeableConcept"]["text"] for r in resources(bundle, "MedicationStatement")
    }


@BOTH_HOSTS
def test_given_an_allergies_field_with_a_drug_tagged_medication_then_an_allergy_not_a_statement(
    structured: bool,
) -> None:
    bundle = bundle_of(intake_en(), structured)

    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["text"] == "Sulfamethoxazole"
    assert (RXNORM, "10180") in codes(allergy["code"])
    assert allergy["type"] == "allergy"
    assert allergy["clinicalStatus"]["coding"][0]["code"] == "active"
    assert medication_texts(bundle) == {"Lisinopril", "Levothyroxine"}
    lisinopril = next(
        r
        for r in resources(bundle, "MedicationStatement")
        if r["medicationCodeableConcept"]["text"] == "Lisinopril"
    )
    assert lisinopril["status"] == "active"  # listed as a current medication
    assert lisinopril["dosage"] == [{"text": "10 mg once daily"}]


@BOTH_HOSTS
def test_given_alergias_penicilina_read_through_the_translation_then_an_allergy(
    structured: bool,
) -> None:
    bundle = bundle_of(intake_es(), structured)

    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert allergy["code"]["text"] == "Penicilina"  # as written
    assert (RXNORM, "7980") in codes(allergy["code"])  # the code found in the translation
    assert medication_texts(bundle) == {"Metformina"}


def test_given_a_translation_aligned_only_as_a_whole_then_penicilina_is_still_an_allergy() -> None:
    paperwork = intake_es()
    paperwork.aligned_by_line = False

    bundle = bundle_of(paperwork, structured=False)

    (allergy,) = resources(bundle, "AllergyIntolerance")
    assert (RXNORM, "7980") in codes(allergy["code"])
    assert medication_texts(bundle) == {"Metformina"}
    # The condition keeps the section of its own line, and "Tobacco use" is no condition.
    (diabetes,) = resources(bundle, "Condition")
    assert diabetes["code"]["text"] == "type 2 diabetes"
    assert diabetes["category"][0]["coding"][0]["code"] == "problem-list-item"


@LAB_READINGS
def test_given_analytes_tagged_as_medications_then_no_medication_statements(
    paperwork: Paperwork, structured: bool
) -> None:
    assert medication_texts(bundle_of(paperwork, structured)) == set()


def test_given_spanish_analytes_read_as_drugs_in_english_then_no_medication_statements() -> None:
    bundle = bundle_of(lab_es(), structured=False)

    assert medication_texts(bundle) == set()
    tests = {o["code"]["text"] for o in resources(bundle, "Observation")}
    assert tests == {"Glucosa", "Creatinina", "Potasio"}


def expected_rows() -> dict[str, tuple[float, str, str, float, float, str]]:
    """Sample 07's rows: test -> (value, unit as printed, UCUM, low, high, flag); a blank
    flag beside a range means the value is within it."""
    rows = {}
    for row in LAB_PAGE_1 + LAB_PAGE_2:
        if len(row) == 1:
            continue
        test, value, unit, reference, flag = row
        low, high = (float(x) for x in reference.split("-"))
        ucum = {"K/uL": "10*3/uL", "mIU/L": "m[IU]/L"}.get(unit, unit)
        rows[test] = (float(value), unit, ucum, low, high, flag or "N")
    return rows


def test_the_rows_are_sample_07s() -> None:
    with open("samples/truth/07-lab-report-en-printed-2pages.truth.json", encoding="utf-8") as f:
        printed = json.load(f)["lines"]
    for row in LAB_PAGE_1 + LAB_PAGE_2:
        assert " ".join(cell for cell in row if cell) in printed


@LAB_READINGS
def test_given_sample_07_then_each_lab_observation_has_its_own_rows_value_unit_range_and_flag(
    paperwork: Paperwork, structured: bool
) -> None:
    observations = resources(bundle_of(paperwork, structured), "Observation")

    found = {}
    for observation in observations:
        if observation["category"][0]["coding"][0]["code"] != "laboratory":
            continue
        quantity = observation["valueQuantity"]
        (reference,) = observation["referenceRange"]
        (flag,) = observation["interpretation"]
        assert quantity["system"] == UCUM
        assert reference["low"]["code"] == reference["high"]["code"] == quantity["code"]
        found[observation["code"]["text"]] = (
            float(quantity["value"]),
            quantity["unit"],
            quantity["code"],
            float(reference["low"]["value"]),
            float(reference["high"]["value"]),
            flag["coding"][0]["code"],
        )
    assert found == expected_rows()
    alt = next(o for o in observations if o["code"]["text"] == "ALT")
    assert (LOINC, "1742-6") in codes(alt["code"])  # ALT is 50 U/L, never glucose's 115


@BOTH_HOSTS
def test_given_sex_m_then_the_patient_is_male_with_the_full_name_of_the_field(
    structured: bool,
) -> None:
    (patient,) = resources(
        bundle_of(lab_en(structured), structured, include_patient=True), "Patient"
    )

    assert patient["gender"] == "male"
    assert patient["name"] == [{"text": "Gideon Testwell"}]  # not the engine's "Gideon"
    assert patient["birthDate"] == "1985-08-20"
    mrn = [i for i in patient["identifier"] if i.get("type")]
    assert [i["value"] for i in mrn] == ["947267"]


@BOTH_HOSTS
def test_given_tobacco_use_never_then_smoking_status_never_and_no_family_history(
    structured: bool,
) -> None:
    bundle = bundle_of(intake_en(), structured)

    social = [
        o
        for o in resources(bundle, "Observation")
        if o["category"][0]["coding"][0]["code"] == "social-history"
    ]
    (smoking,) = social
    assert codes(smoking["code"]) == {(LOINC, "72166-2")}
    assert codes(smoking["valueCodeableConcept"]) == {(SNOMED, "266919005")}  # never smoked
    assert smoking["valueCodeableConcept"]["text"] == "never"
    (family,) = resources(bundle, "FamilyMemberHistory")
    assert family["relationship"]["coding"][0]["code"] == "SIS"
    assert family["condition"][0]["code"]["text"] == "breast cancer"
    assert "Tobacco" not in json.dumps(resources(bundle, "FamilyMemberHistory"))
    coded = [c for r in resources(bundle, "Condition") for c in codes(r["code"])]
    assert ("http://hl7.org/fhir/sid/icd-10-cm", "Z72.0") not in coded


@BOTH_HOSTS
def test_given_consumo_de_tabaco_nunca_then_smoking_status_never(structured: bool) -> None:
    bundle = bundle_of(intake_es(), structured)

    observations = resources(bundle, "Observation")
    assert [codes(o["valueCodeableConcept"]) for o in observations] == [{(SNOMED, "266919005")}]
    (family,) = resources(bundle, "FamilyMemberHistory")
    assert family["relationship"]["coding"][0]["code"] == "SIS"  # hermana


@BOTH_HOSTS
def test_given_a_letterhead_then_the_organization_authors_it_and_the_patient_keeps_its_own(
    structured: bool,
) -> None:
    bundle = bundle_of(intake_en(), structured, include_patient=True)

    (organization,) = resources(bundle, "Organization")
    assert organization["name"] == "Lakeside Community Health"
    assert organization["address"] == [{"text": "9554 Placeholder Avenue, Anytown, OR 00342"}]
    assert organization["telecom"] == [{"system": "phone", "value": "(702) 555-0113"}]
    url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is organization)
    (reference,) = resources(bundle, "DocumentReference")
    assert reference["author"] == [{"reference": url}]
    (patient,) = resources(bundle, "Patient")
    assert patient["address"] == [{"text": "6289 Placeholder Avenue, Springfield, ZZ 00019"}]
    assert patient["telecom"] == [{"system": "phone", "value": "(686) 555-0156"}]
    assert patient["gender"] == "female"
    assert "555-0113" not in json.dumps(patient)
    assert "Placeholder Avenue, Anytown" not in json.dumps(patient)


@BOTH_HOSTS
def test_given_no_patient_asked_then_the_organization_keeps_only_what_is_not_phi(
    structured: bool,
) -> None:
    bundle = bundle_of(intake_en(), structured)

    (organization,) = resources(bundle, "Organization")
    # The engine tagged the clinic's address and phone as PHI: the masking rules hold.
    assert organization == {
        "resourceType": "Organization",
        "id": organization["id"],
        "name": "Lakeside Community Health",
    }
    text = json.dumps(bundle)
    for phi in ("Dolores", "Fictive", "555-0156", "6289", "09/15/1970", "555-0113"):
        assert phi not in text
    assert resources(bundle, "Patient") == []
