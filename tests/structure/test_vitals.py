"""Noise of handwriting OCR kept out of the record: a misread vital sign ("FR 500") is no
observation, a value stops at the next label even run into its value, and a smoking
answer in odd case or accents is still coded."""

from __future__ import annotations

from meddoc.model import Category
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.statements import StatementKind
from tests.structure.paperwork import Mention, Paperwork, Sheet
from tests.structure.test_clinical import of_kind, statements


def measured(name: str, value: str) -> Mention:
    """A test name with its value, as the medical engine tags "FR 500"."""
    category = Category.TEST_TREATMENT_PROCEDURE
    return Mention(name, category, "TEST_NAME", values=(("TEST_VALUE", value, 0),))


def test_given_a_test_named_as_a_vital_with_an_impossible_value_then_no_observation() -> None:
    text = "Padecimiento actual: fiebre de 5 dias\ndeevoucinNi in T fr500\ndos veces al dia"
    fr = Mention(
        "fr", Category.TEST_TREATMENT_PROCEDURE, "TEST_NAME", values=(("TEST_VALUE", "500", 0),)
    )

    found = statements(text, fr)

    assert of_kind(found, StatementKind.TEST_RESULT) == []
    assert of_kind(found, StatementKind.VITAL_SIGN) == []


def test_given_a_vital_named_in_free_text_with_a_plausible_value_then_the_coded_sign() -> None:
    text = "Assessment: breathing fast, RR 28 on arrival"
    rr = Mention(
        "RR", Category.TEST_TREATMENT_PROCEDURE, "TEST_NAME", values=(("TEST_VALUE", "28", 0),)
    )

    (sign,) = statements(text, rr)

    assert (sign.kind, sign.code, sign.value.value if sign.value else None) == (
        StatementKind.VITAL_SIGN,
        "9279-1",
        28,
    )
    assert sign.entity_ids


def test_given_vitals_with_misread_values_then_only_the_plausible_signs() -> None:
    found = statements(
        "Signos vitales: TA 155/71 mmHg, FC 690 lpm, FR 500, Temp 38.4 C, Sat 97 %, TA 70/90"
    )

    vitals = [s.code for s in of_kind(found, StatementKind.VITAL_SIGN)]
    assert vitals == ["85354-9", "8310-5"]


def test_given_a_label_run_into_its_value_then_the_address_above_stops_before_it() -> None:
    # Handwriting OCR read "Fecha:12/04/2025"; the form field ran it into the address.
    lines = [
        "RECETA MÉDICA",
        "Paciente: Rosalinda Ejemplar",
        "Domicilio:",
        "Calle Imaginaria 8791, Pueblo Muestra, FL 00656",
        "Fecha:12/04/2025",
        "Diagnóstico: crisis asmática",
    ]
    paperwork = Paperwork([Sheet(lines, title=0, continued=(3, 4))], [])

    patient = clinical_statements(paperwork.document(structured=True)).patient

    assert patient.address == "Calle Imaginaria 8791, Pueblo Muestra, FL 00656"


def test_given_a_smoking_answer_in_odd_case_or_accents_then_coded_with_its_own_words() -> None:
    for written in ("nunCa", "NÚNCA", "Never"):
        (habit,) = statements(f"Consumo de tabaco: {written}")

        assert (habit.code, habit.answer, habit.detail) == ("72166-2", "266919005", written)
