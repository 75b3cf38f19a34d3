"""Paperwork a clinician or a laboratory writes: the visit note and the lab report."""

from __future__ import annotations

from datetime import timedelta

from meddoc.model import SectionKind as K
from samplegen import people, vocab
from samplegen.compose import BOLD, PRINT, Mark, Part, Styled
from samplegen.draft import Draft
from samplegen.structure import Span
from samplegen.vocab import LabTest, Scenario, Term

T = Term
PATIENT = T("Patient:", "Paciente:")
BIRTH = T("Date of birth:", "Fecha de nacimiento:")
MRN = T("MRN:", "Expediente:")
VISIT = T("Visit date:", "Fecha de consulta:")
PROVIDER = T("Provider:", "Médico:")
COMPLAINT = T("Chief complaint:", "Motivo de consulta:")
HPI = T("HPI:", "Padecimiento actual:")
VITALS = T("Vitals:", "Signos vitales:")
EXAM = T("Exam:", "Exploración:")
ASSESSMENT = T("Assessment:", "Diagnóstico:")
PLAN = T("Plan:", "Plan:")
SIGNED = T("Signed:", "Firma:")
AND, OR, NO = T("and", "y"), T("or", "ni"), T("no", "sin")
WOMAN = {"F": T("woman", "Mujer"), "M": T("man", "Hombre")}


def visit_note(draft: Draft) -> None:
    rng, t, labels = draft.rng, draft.t, draft.labels
    clinic = people.provider(rng, draft.language)
    visit = people.visit_day(rng)
    patient = people.patient(rng, draft.language, visit)
    scenario = rng.choice(vocab.SCENARIOS)
    draft.letterhead(clinic)
    draft.title(T("VISIT NOTE", "NOTA DE CONSULTA"))
    with draft.structure.section(K.PATIENT):
        draft.field(PATIENT, patient.name, "NAME")
        draft.field(BIRTH, people.format_date(patient.birth, draft.language), "DATE")
        draft.field(MRN, patient.mrn, "ID")
    draft.field(VISIT, people.format_date(visit, draft.language), "DATE")
    doctor = labels.phi(Mark(clinic.name, draft.value_style), "NAME")
    draft.labelled(
        PROVIDER, [Styled(f"{clinic.title} ", draft.value_style), doctor], blank=draft.hand
    )
    first, second = (_symptom(draft, c) for c in scenario.symptoms)
    _section(draft, COMPLAINT, [first, f" {t(AND)} ", second], 0.6, K.REASON)
    history = _history(draft, scenario, patient.sex, patient.age_on(visit))
    _section(draft, HPI, history, 0.3, K.REASON)
    _section(draft, VITALS, _vitals(draft, scenario.symptoms), 0.3, K.VITAL_SIGNS)
    site = labels.anatomy(Mark(t(scenario.site)))
    finding = Mark(t(scenario.finding.name))
    traits = ("SIGN", "NEGATION") if scenario.negated_finding else ("SIGN",)
    labels.condition(finding, scenario.finding.code, traits)
    exam: list[Part] = [site, ": ", *([f"{t(NO)} "] if scenario.negated_finding else []), finding]
    _section(draft, EXAM, [*exam, "."], 0.3, K.EXAM)
    diagnosis = labels.condition(Mark(t(scenario.diagnosis.name)), scenario.diagnosis.code)
    _section(draft, ASSESSMENT, [diagnosis, "."], 0.3, K.PROBLEMS)
    _section(draft, PLAN, _plan(draft, scenario), 0.3, K.PLAN)
    draft.signature(SIGNED, clinic.name)
    draft.footer()


def _symptom(draft: Draft, condition: vocab.Condition, traits: tuple[str, ...] = ()) -> Mark:
    mark = Mark(condition.name.of(draft.language))
    return draft.labels.condition(mark, condition.code, ("SYMPTOM", *traits))


def _section(draft: Draft, label: Term, parts: list[Part], gap: float, kind: K) -> None:
    """A headed paragraph of the note: a section in the truth (not a form field)."""
    style = draft.value_style
    body = [p if not isinstance(p, str) else Styled(p, style) for p in parts]
    for mark in body:
        if isinstance(mark, Mark):
            mark.style = mark.style or style
    with draft.structure.section(kind, draft.t(label)):
        draft.line([Styled(draft.t(label) + " ", BOLD), *body], space_before=gap)


def _history(draft: Draft, scenario: Scenario, sex: str, age: int) -> list[Part]:
    t, labels = draft.t, draft.labels
    age_mark = labels.phi(Mark(str(age)), "AGE")
    chronic, drug = draft.rng.choice(vocab.CHRONIC)
    history = labels.condition(Mark(t(chronic.name)), chronic.code)
    first, second = (_symptom(draft, c) for c in scenario.symptoms)
    denied = [_symptom(draft, c, ("NEGATION",)) for c in scenario.denied]
    days = draft.rng.randint(2, 6)
    if draft.language == "es":
        return [
            f"{t(WOMAN[sex])} de ", age_mark, " años con antecedente de ", history,
            " que acude por ", first, " y ", second, f" de {days} días de evolución. Niega ",
            denied[0], " y ", denied[1], ". Toma ", *draft.drug_line(drug), ".",
        ]  # fmt: skip
    return [
        age_mark, f"-year-old {t(WOMAN[sex])} with a history of ", history, " presents with ",
        first, " and ", second, f" for {days} days. Denies ", denied[0], " or ", denied[1],
        ". Takes ", *draft.drug_line(drug), ".",
    ]  # fmt: skip


def _vitals(draft: Draft, symptoms: tuple[vocab.Condition, ...]) -> list[Part]:
    rng, labels = draft.rng, draft.labels
    temperature = rng.uniform(38.1, 39.2) if vocab.FEVER in symptoms else rng.uniform(36.3, 37.1)
    readings = [
        (T("BP", "TA"), f"{rng.randint(112, 158)}/{rng.randint(68, 96)}", "mmHg"),
        (T("HR", "FC"), str(rng.randint(62, 104)), T("bpm", "lpm").of(draft.language)),
        (T("Temp", "Temp"), f"{temperature:.1f}", "°C"),
        (T("SpO2", "SatO2"), str(rng.randint(93, 99)), "%"),
    ]  # fmt: skip
    parts: list[Part] = []
    for index, (name, value, unit) in enumerate(readings):
        name_mark, value_mark, unit_mark = Mark(draft.t(name)), Mark(value), Mark(unit)
        labels.test(name_mark, value_mark, unit_mark)
        parts += [", "] if index else []
        # unlabelled marks as glue: a reading and its unit stay on one line
        parts += [name_mark, Mark(" "), value_mark, Mark(" "), unit_mark]
    return parts


def _plan(draft: Draft, scenario: Scenario) -> list[Part]:
    t, drug = draft.t, scenario.drug
    name, dose = Mark(drug.name.of(draft.language).lower()), Mark(drug.strength)
    route, frequency = Mark(t(drug.route)), Mark(t(drug.frequency))
    attributes = [("DOSAGE", dose), ("ROUTE_OR_MODE", route), ("FREQUENCY", frequency)]
    parts: list[Part] = [t(T("Start ", "Iniciar ")), name, " ", dose, " ", route, " ", frequency]
    if drug.duration:
        duration = Mark(t(drug.duration))
        attributes.append(("DURATION", duration))
        parts += [f" {t(T('for', 'durante'))} ", duration]
    draft.labels.medication(name, attributes)
    test = draft.labels.test(Mark(t(scenario.test)), kind=scenario.test_kind)
    weeks = draft.rng.randint(2, 6)
    follow = t(T(f"Follow up in {weeks} weeks.", f"Control en {weeks} semanas."))
    return [*parts, ". ", t(T("Order ", "Solicitar ")), test, ". ", follow]


LAB_TITLE = T("LABORATORY REPORT", "INFORME DE LABORATORIO")
SEX = T("Sex:", "Sexo:")
ORDERED = T("Ordering physician:", "Médico solicitante:")
COLLECTED = T("Collected:", "Fecha de toma:")
REPORTED = T("Reported:", "Fecha de informe:")
HEADER = (
    T("Test", "Prueba"), T("Result", "Resultado"), T("Units", "Unidades"),
    T("Reference", "Referencia"), T("Flag", "Indicador"),
)  # fmt: skip
COLUMNS = (0.0, 0.4, 0.55, 0.72, 0.9)
PANELS = (
    (T("Chemistry", "Química clínica"), vocab.CHEMISTRY),
    (T("Lipid panel", "Perfil de lípidos"), vocab.LIPIDS),
    (T("Complete blood count", "Biometría hemática"), vocab.BLOOD_COUNT),
)
FLAGS = {"H": T("H", "A"), "L": T("L", "B")}
COMMENT = T("Comment:", "Comentario:")
CONSISTENT = T("Results consistent with ", "Resultados compatibles con ")
NO_CRITICAL = T("No critical values.", "Sin valores críticos.")


def lab_report(draft: Draft) -> None:
    rng, t, labels = draft.rng, draft.t, draft.labels
    lab = people.provider(rng, draft.language, laboratory=True)
    doctor = people.provider(rng, draft.language)
    reported = people.visit_day(rng)
    collected = reported - timedelta(days=rng.randint(0, 2))
    patient = people.patient(rng, draft.language, reported)
    diabetic = rng.random() < 0.6
    section, structure = draft.structure.section, draft.structure
    draft.letterhead(lab)
    draft.title(LAB_TITLE)
    with section(K.PATIENT):
        draft.field(PATIENT, patient.name, "NAME")
        draft.field(BIRTH, people.format_date(patient.birth, draft.language), "DATE")
        draft.field(SEX, patient.sex)
        draft.field(MRN, patient.mrn, "ID")
    draft.field(ORDERED, doctor.name, "NAME")
    draft.field(COLLECTED, people.format_date(collected, draft.language), "DATE")
    draft.field(REPORTED, people.format_date(reported, draft.language), "DATE")
    results = structure.open(K.RESULTS)
    _header_row(draft)
    for index, (panel, tests) in enumerate(PANELS):
        if draft.pages > 1 and index == 2:
            structure.close(results)
            draft.footer(1)
            draft.composer.new_page()
            with section(K.PATIENT):
                draft.field(PATIENT, patient.name, "NAME")
                draft.field(MRN, patient.mrn, "ID")
            results = structure.open(K.RESULTS)
            _header_row(draft)
        heading = Span()
        draft.composer.line(heading.around([t(panel)]), style=BOLD, space_before=0.5)
        draft.structure.row([heading, *(Span() for _ in COLUMNS[1:])])
        for test in tests:
            _result_row(draft, test, high=diabetic and test in vocab.GLYCEMIC)
    structure.close(results)
    if diabetic:
        diagnosis = labels.condition(Mark(t(vocab.DIABETES.name)), vocab.DIABETES.code)
        draft.labelled(COMMENT, [f"{t(CONSISTENT)}", diagnosis, "."], space_before=0.8)
    else:
        draft.labelled(COMMENT, [f"{t(NO_CRITICAL)}"], space_before=0.8)
    with section(K.SIGNATURE, t(REVIEWED)):
        draft.field(REVIEWED, lab.name, "NAME")
    draft.footer(draft.pages)


REVIEWED = T("Reviewed by:", "Validado por:")


def _header_row(draft: Draft) -> None:
    """The column headings, where a table starts (one table per page)."""
    draft.structure.table(COLUMNS)
    spans = [Span() for _ in HEADER]
    cells: list[list[Part]] = [
        span.around([draft.t(h)]) for span, h in zip(spans, HEADER, strict=True)
    ]
    draft.composer.row(cells, COLUMNS, style=BOLD, space_before=0.6, rule_below=True)
    draft.structure.row(spans, header=True)


def _result_row(draft: Draft, test: LabTest, *, high: bool) -> None:
    rng = draft.rng
    roll = 0.0 if high else rng.random()
    span = test.high - test.low
    if roll < 0.2:
        value, flag = rng.uniform(test.high + 0.05 * span, test.high + 0.6 * span), "H"
    elif roll < 0.3:
        value, flag = rng.uniform(test.low * 0.6, test.low * 0.97), "L"
    else:
        value, flag = rng.uniform(test.low, test.high), ""
    decimals = test.decimals
    name, result, unit = (
        Mark(test.name.of(draft.language)),
        Mark(f"{value:.{decimals}f}"),
        Mark(test.unit),
    )
    draft.labels.test(name, result, unit)
    reference = f"{test.low:.{decimals}f}-{test.high:.{decimals}f}"
    spans = [Span.of(name), Span.of(result), Span.of(unit), Span()]
    cells: list[list[Part]] = [[name], [result], [unit], spans[3].around([reference])]
    if flag:
        spans.append(Span())
        cells.append(spans[4].around([draft.t(FLAGS[flag])]))
    draft.composer.row(cells, COLUMNS[: len(cells)], style=PRINT)
    draft.structure.row(spans + [Span() for _ in COLUMNS[len(spans) :]])
