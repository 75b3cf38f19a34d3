"""The Patient built from detected PHI (labels decide whose PHI it is), birth dates read
as people write them, and the redaction of PHI from a bundle's free text."""

from __future__ import annotations

from datetime import date

import pytest

from meddoc.exports.fhir import export_fhir
from meddoc.exports.fhir_patient import Redactor, parse_birth_date
from meddoc.exports.json_export import ExportItem
from meddoc.layout import layout_text
from meddoc.model import (
    Category,
    Document,
    Geometry,
    Language,
    LanguageAnalysis,
    Line,
    MedicalAnalysis,
    Page,
)
from tests.exports.documents import Builder, record
from tests.exports.fhir_r4 import validate_bundle


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("03/14/1961", False, "1961-03-14"),
        ("14/03/1961", False, "1961-03-14"),  # 14 cannot be a month
        ("04/03/1961", True, "1961-03-04"),
        ("04/03/1961", False, "1961-04-03"),
        ("1961-03-14", False, "1961-03-14"),
        ("3-14-61", False, "1961-03-14"),
        ("March 14, 1961", False, "1961-03-14"),
        ("Mar. 14 1961", False, "1961-03-14"),
        ("14 de marzo de 1961", True, "1961-03-14"),
        ("14 Septiembre 1961", True, "1961-09-14"),
        ("02/30/1961", False, None),
        ("13/13/1961", False, None),
        ("sometime in 1961", False, None),
        ("Smarch 14, 1961", False, None),
    ],
)
def test_given_a_written_birth_date_then_it_reads_as_iso(
    text: str, day_first: bool, expected: str | None
) -> None:
    assert parse_birth_date(text, day_first) == expected


def test_given_a_two_digit_year_in_the_future_then_it_is_last_century() -> None:
    next_year = (date.today().year + 1) % 100
    assert parse_birth_date(f"01/02/{next_year:02d}") == f"19{next_year:02d}-01-02"


def test_given_a_future_date_then_it_is_no_birth_date() -> None:
    assert parse_birth_date(f"01/02/{date.today().year + 1}") is None


def test_given_phi_then_the_redactor_replaces_whole_words_case_blind() -> None:
    redact = Redactor(["Maria Lopez", "45", "Oak"])

    assert redact("MARIA LOPEZ intake.png") == "[PHI] intake.png"
    assert redact("Oakland oak") == "Oakland [PHI]"
    assert redact("45 mg") == "45 mg"  # too short to identify anyone, and a dose
    assert Redactor([])("Maria Lopez") == "Maria Lopez"


def spanish_note() -> Document:
    texts = (
        "Clínica San José  Tel: 91 555 0000",
        "Nombre: Ana García Ruiz",
        "Fecha de nacimiento: 04/03/1958",
        "Domicilio: Calle Mayor 5, Madrid",
        "Médico: Luis Pérez",
        "Diabetes.",
    )
    lines = [Line(t, Geometry.from_box(0, i / 10, 1, 0.05), 0.9) for i, t in enumerate(texts)]
    pages = [Page(1, lines)]
    text = layout_text(pages)
    b = Builder(text)
    phi = Category.PROTECTED_HEALTH_INFORMATION
    entities = [
        b.entity("Clínica San José", phi, "ADDRESS"),
        b.entity("91 555 0000", phi, "PHONE_OR_FAX"),
        b.entity("Ana García Ruiz", phi, "NAME"),
        b.entity("04/03/1958", phi, "DATE"),
        b.entity("Calle Mayor 5, Madrid", phi, "ADDRESS"),
        b.entity("Luis Pérez", phi, "NAME"),
    ]
    condition = b.entity("Diabetes", Category.MEDICAL_CONDITION, "DX_NAME")
    medical = MedicalAnalysis(entities=[condition], phi=entities)
    language = LanguageAnalysis(Language("es", 0.99))
    return Document("e" * 64, pages, text, language=language, medical=medical)


def test_given_a_spanish_form_then_the_patient_comes_from_the_labelled_fields() -> None:
    item = ExportItem(record("e" * 64), spanish_note(), [])

    bundle = export_fhir([item], include_patient=True)

    assert validate_bundle(bundle) == []
    (patient,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert patient["name"] == [{"text": "Ana García Ruiz"}]  # labelled, though not first
    assert patient["birthDate"] == "1958-03-04"  # day first in Spanish
    assert patient["address"] == [{"text": "Calle Mayor 5, Madrid"}]  # not the clinic
    assert "telecom" not in patient  # the clinic's phone is not the patient's


def test_given_phi_in_the_entities_themselves_then_it_counts_as_phi_too() -> None:
    document = spanish_note()
    assert document.medical is not None
    document.medical.entities += document.medical.phi
    document.medical.phi = []
    item = ExportItem(record("e" * 64), document, [])

    without = str(export_fhir([item], include_patient=False))
    with_patient = export_fhir([item], include_patient=True)

    assert "Ana García Ruiz" not in without
    names = [e["resource"].get("name") for e in with_patient["entry"]]
    assert [{"text": "Ana García Ruiz"}] in names
