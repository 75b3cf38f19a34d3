"""The clinical mapping read item by item: allergies (with reactions, or none known),
medications taken or stopped, what an Rx prescribes, vital signs, social habits, family
history and conditions with the status their section gives them."""

from __future__ import annotations

from meddoc.layout import layout_text
from meddoc.model import (
    Category,
    Cell,
    Document,
    Field,
    FieldPart,
    Geometry,
    MedicalAnalysis,
    Page,
    Selection,
    SelectionStatus,
    Table,
    WordRef,
)
from meddoc.structure.clinical import clinical_statements
from meddoc.structure.statements import Statement, StatementKind
from tests.structure.paperwork import Mention, drug, entities_of, icd, line_of


def statements(text: str, *mentions: Mention) -> list[Statement]:
    entities, phi = entities_of(text, list(mentions))
    document = Document("x" * 64, [], text, medical=MedicalAnalysis(entities=entities, phi=phi))
    return clinical_statements(document).statements


def of_kind(found: list[Statement], kind: StatementKind) -> list[Statement]:
    return [s for s in found if s.kind is kind]


def test_given_allergies_with_reactions_then_one_allergy_each_with_its_reaction() -> None:
    found = statements(
        "Allergies: Penicillin (hives), sulfa - rash and latex",
        drug("Penicillin", "7980"),
    )

    allergies = [(s.text, s.detail) for s in of_kind(found, StatementKind.ALLERGY)]
    assert allergies == [("Penicillin", "hives"), ("sulfa", "rash"), ("latex", "")]
    assert of_kind(found, StatementKind.MEDICATION) == []


def test_given_nkda_or_ninguna_then_a_no_known_allergy_statement() -> None:
    (drugs,) = statements("Allergies: NKDA")
    (none,) = statements("Alergias: ninguna")

    assert (drugs.kind, drugs.answer) == (StatementKind.NO_KNOWN_ALLERGIES, "409137002")
    assert (none.kind, none.answer) == (StatementKind.NO_KNOWN_ALLERGIES, "716186003")


def test_given_current_medications_then_dosage_and_stopped_ones_marked() -> None:
    found = statements(
        "Current medications: Metformin 500 mg twice daily; Atorvastatin 20 mg stopped;\n"
        "Aspirina 100 mg suspendido",
        drug("Metformin", "6809"),
    )

    taken = [(s.text, s.detail, s.status) for s in of_kind(found, StatementKind.MEDICATION)]
    assert taken == [
        ("Metformin", "500 mg twice daily", "active"),
        ("Atorvastatin", "20 mg stopped", "stopped"),
        ("Aspirina", "100 mg suspendido", "stopped"),
    ]
    assert found[0].entity_ids
    assert found[0].concepts[0].code == "6809"


def test_given_an_rx_then_what_it_prescribes_with_sig_quantity_and_refills() -> None:
    text = (
        "PRESCRIPTION\nPatient: Ann Example\nRx\nSumatriptan 50 mg tablets\n"
        "Sig: 1 tablet by mouth at onset of migraine\nDisp: #9 Refills: 0\nSignature: A. Doctor"
    )

    found = statements(text, drug("Sumatriptan", "37418"))

    (rx,) = of_kind(found, StatementKind.PRESCRIPTION)
    assert (rx.text, rx.detail) == (
        "Sumatriptan",
        "50 mg tablets 1 tablet by mouth at onset of migraine",
    )
    assert (rx.dispense, rx.refills) == ("#9", "0")
    assert of_kind(found, StatementKind.MEDICATION) == []


def test_given_vitals_then_each_sign_with_its_unit_and_blood_pressure_in_parts() -> None:
    found = statements("Vitals: BP 154/69 mmHg, HR 78 bpm, Temp 101.2 F, SpO2 95 %, Weight 70 kg")

    vitals = {s.code: s for s in of_kind(found, StatementKind.VITAL_SIGN)}
    bp = vitals["85354-9"]
    assert [(c.code, c.value.value, c.value.ucum) for c in bp.components] == [
        ("8480-6", 154, "mm[Hg]"),
        ("8462-4", 69, "mm[Hg]"),
    ]
    assert vitals["8867-4"].value is not None
    assert vitals["8867-4"].value.ucum == "/min"
    assert vitals["8310-5"].value is not None
    assert vitals["8310-5"].value.ucum == "[degF]"
    assert vitals["59408-5"].value is not None
    assert vitals["59408-5"].value.ucum == "%"
    assert vitals["29463-7"].value is not None
    assert vitals["29463-7"].value.ucum == "kg"


def test_given_a_social_history_heading_then_never_former_and_current_respected() -> None:
    found = statements(
        "Social history\nEx-smoker, quit 2010.\nDenies alcohol.\nUses marijuana daily.",
        Mention("smoker", Category.MEDICAL_CONDITION, "DX_NAME", ("PERTAINS_TO_FAMILY",)),
    )

    habits = [(s.code, s.status) for s in of_kind(found, StatementKind.SOCIAL_HISTORY)]
    assert habits == [("72166-2", "former"), ("11331-6", "never"), ("11343-1", "daily")]
    assert of_kind(found, StatementKind.FAMILY_HISTORY) == []
    assert of_kind(found, StatementKind.CONDITION) == []


def test_given_a_habit_asked_twice_then_one_answer_unless_the_answers_differ() -> None:
    same = statements("Tobacco use: never\nSmoker: no\nAlcohol: none")
    differ = statements("Tobacco use: never\nSmoker: yes")
    vague = statements("Tobacco use: maybe\nSmoker: no")

    same_habits = [(s.code, s.status) for s in of_kind(same, StatementKind.SOCIAL_HISTORY)]
    assert same_habits == [("72166-2", "never"), ("11331-6", "never")]
    assert [s.status for s in of_kind(differ, StatementKind.SOCIAL_HISTORY)] == [
        "never",
        "current",
    ]
    assert [s.status for s in of_kind(vague, StatementKind.SOCIAL_HISTORY)] == ["never"]


def test_given_a_family_history_then_each_relative_with_their_condition() -> None:
    found = statements(
        "Family history: mother - diabetes, hypertension; padre: infarto",
        Mention(
            "diabetes", Category.MEDICAL_CONDITION, "DX_NAME", (), (icd("E11.9", "Diabetes"),)
        ),
    )

    family = [(s.relationship, s.text) for s in of_kind(found, StatementKind.FAMILY_HISTORY)]
    assert family == [("MTH", "diabetes"), ("MTH", "hypertension"), ("FTH", "infarto")]
    assert of_kind(found, StatementKind.CONDITION) == []


def test_given_conditions_then_their_status_follows_the_section() -> None:
    condition = Category.MEDICAL_CONDITION
    found = statements(
        "Past medical history: asthma, resolved\nAssessment: migraine.\nDenies fever.\n"
        "Notes: gout",
        Mention("asthma", condition, "DX_NAME"),
        Mention("migraine", condition, "DX_NAME"),
        Mention("fever", condition, "DX_NAME", ("NEGATION",)),
        Mention("gout", condition, "DX_NAME"),
    )

    said = {s.text: (s.section.value, s.status, s.verification) for s in found}
    assert said == {
        "asthma": ("PAST_HISTORY", "resolved", "unconfirmed"),
        "migraine": ("PROBLEMS", "active", "unconfirmed"),
        "fever": ("PROBLEMS", "", "refuted"),  # the assessment runs on; denied: no status
        "gout": ("OTHER", "", "unconfirmed"),  # nothing says whether it goes on
    }


def test_given_a_drug_in_an_allergies_heading_section_then_never_a_medication() -> None:
    found = statements("Allergies\nCodeine - nausea\nSulfa", drug("Codeine", "2670"))

    assert [s.kind for s in found] == [StatementKind.ALLERGY, StatementKind.ALLERGY]
    assert found[0].detail == "nausea"
    assert found[0].entity_ids


def test_given_an_entity_then_the_statement_it_is_read_into() -> None:
    text = "Allergies: Sulfamethoxazole\nTobacco use: never\nLakeside Clinic"
    tobacco = Mention(
        "Tobacco use", Category.MEDICAL_CONDITION, "DX_NAME", ("PERTAINS_TO_FAMILY",)
    )
    entities, _ = entities_of(text, [drug("Sulfamethoxazole", "10180"), tobacco])
    clinical = clinical_statements(
        Document("x" * 64, [], text, medical=MedicalAnalysis(entities=entities))
    )

    allergy, smoking = (clinical.statement_of(e.id) for e in entities)
    assert allergy is not None
    assert allergy.kind is StatementKind.ALLERGY
    assert smoking is not None
    assert smoking.kind is StatementKind.SOCIAL_HISTORY
    assert clinical.statement_of(999) is None


def checkbox_line(text: str, ticked: str | None) -> Document:
    """One line of options; a SELECTED mark just left of the ticked one."""
    line = line_of(text, 0.5)
    page = Page(1, [line])
    for word in line.words[1:]:
        box = word.geometry.box
        status = SelectionStatus.SELECTED if word.text == ticked else SelectionStatus.NOT_SELECTED
        mark = Geometry.from_box(box.left - 0.02, box.top, 0.012, box.height)
        page.selections.append(Selection(status, mark, 0.9))
    return Document("x" * 64, [page], layout_text([page]))


def test_given_options_with_a_ticked_checkbox_then_the_ticked_one_is_the_answer() -> None:
    (daily,) = clinical_statements(
        checkbox_line("Alcohol: None Occasional Daily", "Daily")
    ).statements
    (none,) = clinical_statements(checkbox_line("Smoker: No Yes", "No")).statements

    assert (daily.code, daily.status, daily.detail) == ("11331-6", "daily", "Daily")
    assert (none.status, none.answer) == ("never", "266919005")


def test_given_options_and_no_mark_read_then_the_answer_is_unknown() -> None:
    (smoking,) = clinical_statements(checkbox_line("Smoker: No Yes", None)).statements

    assert (smoking.status, smoking.answer) == ("unknown", "266927001")
    assert smoking.detail == "No Yes"


def test_given_a_ticked_form_field_then_it_is_the_answer() -> None:
    document = checkbox_line("Fuma: No Sí", None)
    page = document.pages[0]
    page.selections.clear()
    for number, option in enumerate(("No", "Sí"), start=1):
        ticked = SelectionStatus.SELECTED if option == "Sí" else SelectionStatus.NOT_SELECTED
        key = FieldPart(option, [WordRef(0, number)])
        page.fields.append(Field(f"p1.f{number}", key, FieldPart(""), 0.9, ticked))

    (smoking,) = clinical_statements(document).statements

    assert (smoking.status, smoking.detail) == ("current", "Sí")


def test_given_a_corrected_field_value_then_the_statement_says_the_correction() -> None:
    """A reviewer's FIELD correction (meddoc.review applies it to the field's value)."""
    line = line_of("Allergies: Penicilin", 0.1)
    page = Page(1, [line])
    key, value = FieldPart("Allergies", [WordRef(0, 0)]), FieldPart("Penicillin", [WordRef(0, 1)])
    page.fields.append(Field("p1.f1", key, value, 0.9))
    document = Document("x" * 64, [page], layout_text([page]))

    (allergy,) = clinical_statements(document).statements

    assert (allergy.kind, allergy.text) == (StatementKind.ALLERGY, "Penicillin")


def test_given_prose_under_a_list_heading_then_no_statements_made_of_it() -> None:
    text = (
        "Medications\nMetformin 500 mg daily\nPatient counselled on diet and exercise.\n"
        "Allergies\nPenicillin\nReviewed with the patient at length today.\n"
        "Family history\nMother - diabetes\nLives alone and works nights."
    )

    found = statements(text, drug("Metformin", "6809"))

    said = [(s.kind.value, s.text) for s in found]
    assert said == [
        ("MEDICATION", "Metformin"),
        ("ALLERGY", "Penicillin"),
        ("FAMILY_HISTORY", "diabetes"),
    ]


def test_given_a_lab_table_and_its_rows_as_lines_then_one_result_per_row() -> None:
    """The offline analyser's table cells point at the row's own line: one statement."""
    line = line_of("Glucose 115 mg/dL 70-99 H", 0.3)
    page = Page(1, [line_of("Test Result Units Reference Flag", 0.27), line])
    table = Table("p1.t1", line.geometry, 0.9, 2, 5)
    for column, word in enumerate(["Test", "Result", "Units", "Reference", "Flag"], start=1):
        table.cells.append(Cell(1, column, word, [WordRef(0, column - 1)], header=True))
    for column, word in enumerate(line.words, start=1):
        table.cells.append(Cell(2, column, word.text, [WordRef(1, column - 1)]))
    page.tables.append(table)
    document = Document("x" * 64, [page], layout_text([page]))

    found = clinical_statements(document).statements

    assert [(s.kind, s.text, s.interpretation) for s in found] == [
        (StatementKind.LAB_RESULT, "Glucose", "H")
    ]


def test_given_a_name_run_together_on_one_page_then_the_spaced_writing_is_the_patients() -> None:
    text = "LABORATORY REPORT\nPatient: GideonTestwell\nSex: M\n\nPatient: Gideon Testwell"
    document = Document("x" * 64, [], text, medical=MedicalAnalysis())

    patient = clinical_statements(document).patient

    assert (patient.name, patient.gender) == ("Gideon Testwell", "male")
