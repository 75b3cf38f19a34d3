"""PHI detection on labelled English and Spanish snippets: spans, types, exact offsets."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.local.language_bench import read_corpus
from meddoc.local.phi import detect_phi
from meddoc.model import Category

HERE = Path(__file__).parent


def found(text: str, language: str = "en") -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in detect_phi(text, language)}


def test_given_comprehend_medical_example_when_detected_then_its_phi_types_are_found() -> None:
    text = "Patient is John Smith, a 48-year-old teacher and resident of Seattle, Washington."

    entities = detect_phi(text)

    assert [(e.type, e.begin, e.end) for e in entities] == [
        ("NAME", 11, 21),
        ("AGE", 25, 27),
        ("PROFESSION", 37, 44),
        ("ADDRESS", 61, 80),
    ]
    assert all(e.category is Category.PROTECTED_HEALTH_INFORMATION for e in entities)
    assert [e.id for e in entities] == [0, 1, 2, 3]


def test_given_phi_free_clinical_sentence_when_detected_then_nothing_is_found() -> None:
    assert detect_phi("Patient denies chest pain.") == []
    assert detect_phi("Paciente niega dolor torácico. Continuar con enalapril 10 mg.", "es") == []


def test_given_intake_form_fields_when_detected_then_each_value_is_found() -> None:
    text = (
        "Patient Name: Margaret L. Whitfield\n"
        "DOB: 04/17/1956   Age: 68   Sex: F\n"
        "SSN: 321-54-9876\n"
        "Address: 4821 Maple Grove Ave, Apt 3B\n"
        "Home Phone: (217) 555-0148   Email: mwhitfield56@example.com\n"
        "Member ID: XKB884512307\n"
        "Referring Physician: Dr. Anita Patel"
    )

    assert found(text) == {
        ("NAME", "Margaret L. Whitfield"),
        ("DATE", "04/17/1956"),
        ("AGE", "68"),
        ("ID", "321-54-9876"),
        ("ADDRESS", "4821 Maple Grove Ave, Apt 3B"),
        ("PHONE_OR_FAX", "(217) 555-0148"),
        ("EMAIL", "mwhitfield56@example.com"),
        ("ID", "XKB884512307"),
        ("NAME", "Anita Patel"),
    }


def test_given_value_on_the_next_ocr_line_when_detected_then_it_is_the_labelled_name() -> None:
    text = (
        "Emergency Contact 1:\nFirst Name:\nCARLOS\nLast Name: SALAZAR\n"
        "Relationship to\nPatient:\nFRIEND"
    )

    assert found(text) == {("NAME", "CARLOS"), ("NAME", "SALAZAR")}


def test_given_spanish_intake_when_detected_then_spanish_cues_and_formats_are_read() -> None:
    text = (
        "Nombre: María Fernanda López García\n"
        "Fecha de nacimiento: 15/03/1985   Edad: 39 años\n"
        "DNI: 45872319K\n"
        "Dirección: Calle Mayor 24, 3º B\n"
        "Teléfono: 976 123 456\n"
        "Ocupación: maestra\n"
        "Próxima cita: 12 de abril de 2024"
    )

    assert found(text, "es") == {
        ("NAME", "María Fernanda López García"),
        ("DATE", "15/03/1985"),
        ("AGE", "39"),
        ("ID", "45872319K"),
        ("ADDRESS", "Calle Mayor 24, 3º B"),
        ("PHONE_OR_FAX", "976 123 456"),
        ("PROFESSION", "maestra"),
        ("DATE", "12 de abril de 2024"),
    }


def test_given_spanish_narrative_when_detected_then_age_profession_and_doctor_are_found() -> None:
    text = "Paciente masculino de 58 años, albañil, con hipertensión. Médico: Dra. Carmen Vidal"

    assert found(text, "es") == {
        ("AGE", "58"),
        ("PROFESSION", "albañil"),
        ("NAME", "Carmen Vidal"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Robert Chen, MD   NPI 1487652093", {("NAME", "Robert Chen"), ("ID", "1487652093")}),
        ("Patient: HARRIS, DEBORAH A", {("NAME", "HARRIS, DEBORAH A")}),
        ("34 yo female. Lives with husband Marcus.", {("AGE", "34"), ("NAME", "Marcus")}),
        (
            "Seen on January 8, 2024 and 2024-02-14.",
            {("DATE", "January 8, 2024"), ("DATE", "2024-02-14")},
        ),
        (
            "Portal: https://portal.example.com/login",
            {("URL", "https://portal.example.com/login")},
        ),
        ("Admitted to Henry Ford Hospital.", {("ADDRESS", "Henry Ford Hospital")}),
        (
            "Rx# 6048123  Call 1-800-555-0100",
            {("ID", "6048123"), ("PHONE_OR_FAX", "1-800-555-0100")},
        ),
    ],
)
def test_given_common_phi_shapes_when_detected_then_type_and_text_match(
    text: str, expected: set[tuple[str, str]]
) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "BP 148/92, HR 78, Temp 98.6 F. Pain is 6/10.",
        "Glucose 128 mg/dL (70-99). Creatinine 0.9 mg/dL (0.6-1.1). HbA1c 6.9 %.",
        "Take 1 tablet by mouth twice daily. Refills: 3. Metformin 1000MG.",
        "Hospital course: uneventful. Follow-up with Cardiology in 4 weeks.",
        "Patient states she feels well. She was seen 5 years ago.",
    ],
)
def test_given_clinical_values_when_detected_then_they_are_not_phi(text: str) -> None:
    assert detect_phi(text) == []


@pytest.mark.parametrize(
    "name", ["phi_dev.txt", "phi_holdout.txt", "phi_fresh.txt", "phi_ocr.txt"]
)
def test_given_labelled_corpus_when_read_then_every_marked_span_slices_the_text(name: str) -> None:
    documents = read_corpus(HERE / name)

    assert documents
    for document in documents:
        assert document.language in {"en", "es"}
        for _, begin, end in document.entities:
            assert document.text[begin:end].strip() == document.text[begin:end] != ""


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Fecha:05/0b/2025", "es", ("DATE", "05/0b/2025")),
        ("Visit date: 1l/O4/2025 seen", "en", ("DATE", "1l/O4/2025")),
        ("Date of birth: U6/V6/200C", "en", ("DATE", "U6/V6/200C")),
        ("Date of birth: 02 /16/1988", "en", ("DATE", "02 /16/1988")),
        ("Seen on 04/ 09/2025 for follow-up", "en", ("DATE", "04/ 09/2025")),
        ("Tel. (7O2) 555-O113", "en", ("PHONE_OR_FAX", "(7O2) 555-O113")),
        ("Emergency contact: Ana Ruiz(821) 555-0110", "en", ("PHONE_OR_FAX", "(821) 555-0110")),
        ("Tel.(743)555-0144", "en", ("PHONE_OR_FAX", "(743)555-0144")),
        ("Mujer de 70 aos con fiebre", "es", ("AGE", "70")),
        ("Lakeside Community Health\nVISIT NOTE", "en", ("ADDRESS", "Lakeside Community Health")),
    ],
)
def test_given_what_ocr_makes_of_phi_when_detected_then_it_is_found(
    text: str, language: str, expected: tuple[str, str]
) -> None:
    assert expected in found(text, language)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Address: 7004 Sample Street, Springfield, ZZ U0443",
            "en",
            ("ADDRESS", "7004 Sample Street, Springfield, ZZ U0443"),
        ),
        (
            "Domicilio:\nPaseo de la Muestra 3329, Villaejemplo, TX 00040",
            "es",
            ("ADDRESS", "Paseo de la Muestra 3329, Villaejemplo, TX 00040"),
        ),
    ],
)
def test_given_a_place_name_holding_a_label_word_then_the_whole_address_is_found(
    text: str, language: str, expected: tuple[str, str]
) -> None:
    assert found(text, language) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Lot BC4821937 expires 2026",
        "Sodium 142 mmol/L 135-145, SpO2 95 %, B12 400 pg/mL",
        "Hemoglobin A1c 6.4 % 4.0-5.6 H",
    ],
)
def test_given_codes_and_values_that_look_misread_then_they_are_no_date_nor_phone(
    text: str,
) -> None:
    assert {kind for kind, _ in found(text)} & {"DATE", "PHONE_OR_FAX"} == set()


def test_given_labelled_dev_documents_when_detected_then_pinned_entities_are_found() -> None:
    pinned = {
        "en_rx_01": {("ID", "BC4821937"), ("NAME", "Luis Ortega")},
        "en_lab_01": {("ID", "QV-2024-118734"), ("NAME", "KIM, JONATHAN")},
        "es_rx_01": {("DATE", "12 de marzo de 2024"), ("PHONE_OR_FAX", "55 5555 0123")},
        "es_intake_02": {("ADDRESS", "C/ de la Paz 7, 2º izq., 28012 Madrid")},
    }
    documents = {d.id: d for d in read_corpus(HERE / "phi_dev.txt")}

    for document_id, expected in pinned.items():
        document = documents[document_id]
        assert expected <= found(document.text, document.language), document_id


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("Dr. Ana Ruiz 45 años 12/03/2024 Calle\n:,-"), max_size=120)
)
def test_given_any_text_when_detected_then_entities_slice_the_text_in_order(text: str) -> None:
    entities = detect_phi(text, "es")

    assert all(text[e.begin : e.end] == e.text != "" for e in entities)
    assert all(a.end <= b.begin for a, b in itertools.pairwise(entities))
