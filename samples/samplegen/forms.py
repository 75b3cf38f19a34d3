"""Forms a patient or a prescriber fills in: the intake form and the prescription."""

from __future__ import annotations

from meddoc.model import SectionKind as K
from samplegen import people, vocab
from samplegen.compose import BOLD, HAND, PRINT, Mark, Part, Styled
from samplegen.draft import Draft
from samplegen.structure import Span
from samplegen.vocab import Term

T = Term
NAME = T("Patient name:", "Nombre del paciente:")
BIRTH = T("Date of birth:", "Fecha de nacimiento:")
AGE = T("Age:", "Edad:")
SEX = T("Sex:", "Sexo:")
SEXES = {"F": T("F", "F"), "M": T("M", "M")}
ADDRESS = T("Address:", "Domicilio:")
PHONE = T("Phone:", "Teléfono:")
EMAIL = T("Email:", "Correo electrónico:")
MEMBER = T("Insurance member ID:", "Número de afiliación:")
CONTACT = T("Emergency contact:", "Contacto de emergencia:")
REASON = T("Reason for visit:", "Motivo de la consulta:")
CURRENT = T("Current medications:", "Medicamentos actuales:")
HISTORY = T("Past medical history:", "Antecedentes médicos:")
ALLERGIES = T("Allergies:", "Alergias:")
FAMILY = T("Family history:", "Antecedentes familiares:")
RELATIVES = (T("mother", "madre"), T("father", "padre"), T("sister", "hermana"))
TOBACCO = T("Tobacco use:", "Consumo de tabaco:")
NEVER = T("never", "nunca")
AND = T("and", "y")
SIGNED = T("Patient signature:", "Firma del paciente:")
DATE = T("Date:", "Fecha:")
SMOKER = T("Smoker:", "Fumador:")
NO_YES = (T("No", "No"), T("Yes", "Sí"))
ALCOHOL = T("Alcohol:", "Alcohol:")
DRINKS = (T("None", "Nunca"), T("Occasional", "Ocasional"), T("Daily", "Diario"))


def intake_form(draft: Draft) -> None:
    rng, t, labels = draft.rng, draft.t, draft.labels
    clinic = people.provider(rng, draft.language)
    visit = people.visit_day(rng)
    patient = people.patient(rng, draft.language, visit)
    chronic = rng.sample(vocab.CHRONIC, 2)
    section = draft.structure.section
    draft.letterhead(clinic)
    draft.title(T("PATIENT INTAKE FORM", "FORMULARIO DE INGRESO DEL PACIENTE"))
    heading = T("Patient information", "Datos del paciente")
    with section(K.PATIENT, t(heading)):
        draft.heading(heading)
        draft.field(NAME, patient.name, "NAME")
        draft.field(BIRTH, people.format_date(patient.birth, draft.language), "DATE")
        draft.field(AGE, str(patient.age_on(visit)), "AGE")
        draft.field(SEX, t(SEXES[patient.sex]))
        draft.field(ADDRESS, patient.address, "ADDRESS")
        draft.field(PHONE, patient.phone, "PHONE_OR_FAX")
        draft.field(EMAIL, patient.email, "EMAIL")
        draft.field(MEMBER, patient.member_id, "ID")
        contact = people.patient(rng, draft.language, visit)
        name = labels.phi(Mark(f"{contact.first} {patient.last}", draft.value_style), "NAME")
        phone = labels.phi(Mark(contact.phone, draft.value_style), "PHONE_OR_FAX")
        draft.labelled(CONTACT, [name, " ", phone], blank=draft.hand)
    draft.heading(T("Health history", "Historia clínica"))
    scenario = rng.choice(vocab.SCENARIOS)
    with section(K.REASON, t(REASON)):
        _listed(draft, REASON, [(c, ("SYMPTOM",)) for c in scenario.symptoms])
    with section(K.MEDICATIONS, t(CURRENT)):
        _medications(draft, [drug for _, drug in chronic])
    with section(K.PAST_HISTORY, t(HISTORY)):
        _listed(draft, HISTORY, [(condition, ("DIAGNOSIS",)) for condition, _ in chronic])
    allergen = Mark(t(rng.choice(vocab.ALLERGENS)), draft.value_style)
    labels.medication(allergen)
    with section(K.ALLERGIES, t(ALLERGIES)):
        draft.labelled(ALLERGIES, [allergen], blank=draft.hand)
    relative = Mark(t(rng.choice(RELATIVES)), draft.value_style)
    family = rng.choice(vocab.FAMILY)
    traits = ("DIAGNOSIS", "PERTAINS_TO_FAMILY")
    disease = labels.condition(Mark(t(family.name), draft.value_style), family.code, traits)
    with section(K.FAMILY_HISTORY, t(FAMILY)):
        draft.labelled(FAMILY, [relative, Styled(" - ", draft.value_style), disease])
    with section(K.SOCIAL_HISTORY, t(TOBACCO)):
        draft.field(TOBACCO, t(NEVER))
        if draft.checkboxes:
            draft.checkbox_group(SMOKER, [(NO_YES[0], True), (NO_YES[1], False)])
            drinks = rng.randrange(len(DRINKS))
            draft.checkbox_group(ALCOHOL, [(d, i == drinks) for i, d in enumerate(DRINKS)])
    draft.signature(SIGNED, patient.name)
    draft.field(DATE, people.format_date(visit, draft.language), "DATE")
    draft.footer()


def _listed(
    draft: Draft, label: Term, items: list[tuple[vocab.Condition, tuple[str, ...]]]
) -> None:
    """ "Reason for visit: cough and fever", each condition labelled with its traits."""
    parts: list[Part] = []
    for index, (condition, traits) in enumerate(items):
        if index:
            separator = f" {draft.t(AND)} " if index == len(items) - 1 else ", "
            parts.append(Styled(separator, draft.value_style))
        mark = Mark(condition.name.of(draft.language), draft.value_style)
        parts.append(draft.labels.condition(mark, condition.code, traits))
    draft.labelled(label, parts, blank=draft.hand)


def _medications(draft: Draft, drugs: list[vocab.Drug]) -> None:
    parts: list[Part] = []
    for index, drug in enumerate(drugs):
        if index:
            parts.append("; ")
        parts.extend(draft.drug_line(drug))
    draft.labelled(CURRENT, _styled(parts, draft.value_style), blank=draft.hand)


RX_TITLE = T("PRESCRIPTION", "RECETA MÉDICA")
PATIENT = T("Patient:", "Paciente:")
BIRTH_SHORT = T("DOB:", "Fecha de nac.:")
DIAGNOSIS = T("Diagnosis:", "Diagnóstico:")
SIG = T("Sig:", "Indicaciones:")
DISPENSE = T("Disp: #{0} Refills: {1}", "Cantidad: {0} Resurtidos: {1}")
PRESCRIBER = T("Signature:", "Firma:")


def prescription(draft: Draft) -> None:
    rng, t, labels = draft.rng, draft.t, draft.labels
    doctor = people.provider(rng, draft.language)
    visit = people.visit_day(rng)
    patient = people.patient(rng, draft.language, visit)
    scenario = rng.choice(vocab.SCENARIOS)
    section = draft.structure.section
    draft.letterhead(doctor, doctor=True)
    draft.title(RX_TITLE)
    with section(K.PATIENT):
        draft.field(PATIENT, patient.name, "NAME")
        draft.field(BIRTH_SHORT, people.format_date(patient.birth, draft.language), "DATE")
        draft.field(ADDRESS, patient.address, "ADDRESS")
    draft.field(DATE, people.format_date(visit, draft.language), "DATE")
    diagnosis = Mark(t(scenario.diagnosis.name), draft.value_style)
    labels.condition(diagnosis, scenario.diagnosis.code)
    with section(K.PROBLEMS, t(DIAGNOSIS)):
        draft.labelled(DIAGNOSIS, [diagnosis], blank=draft.hand)
    with section(K.PRESCRIBED, "Rx"):
        draft.composer.line(["Rx"], style=BOLD, size=1.6, space_before=0.4)
        drugs = [scenario.drug]
        if rng.random() < 0.5 and scenario.drug is not vocab.ACETAMINOPHEN:
            drugs.append(vocab.ACETAMINOPHEN)
        for drug in drugs:
            _prescribed(draft, drug)
    draft.signature(PRESCRIBER, doctor.name)
    draft.footer()


def _prescribed(draft: Draft, drug: vocab.Drug) -> None:
    """The drug line, its sig and "Disp: #30 Refills: 0" (two fields on one line)."""
    first, sig = draft.rx_lines(drug)
    style = HAND if draft.hand else PRINT
    draft.line(_styled(first, style), indent=0.04, space_before=0.3)
    draft.labelled(SIG, _styled(sig, style), indent=0.04)
    refills = draft.rng.choice((0, 0, 1, 2))
    dispense = draft.t(DISPENSE).format(drug.dispense, refills)
    # "Disp: #30 Refills: 0" -> ("Disp:", "#30"), ("Refills:", "0"): one line, two fields
    words = [Mark(word, style) for word in dispense.split(" ")]
    parts: list[Part] = []
    for index, word in enumerate(words):
        parts += [Styled(" ", style)] if index else []
        parts.append(word)
    draft.line(parts, indent=0.04)
    for label, value in zip(words[::2], words[1::2], strict=True):
        draft.structure.field(label, Span.of(value))


def _styled(parts: list[Part], style: str) -> list[Part]:
    """The same parts drawn in `style`: plain text becomes styled text, marks without a
    style of their own take it (marks keep their identity: they carry the labels)."""
    result: list[Part] = []
    for part in parts:
        if isinstance(part, Mark):
            part.style = part.style or style
            result.append(part)
        else:
            result.append(Styled(part if isinstance(part, str) else part.text, style))
    return result
