"""The one mapping from a reviewed document to clinical statements, used by the FHIR, JSON
and CSV exports (and the site): each piece of structure read in its section, and each
reviewed entity the structure does not already stand for, with its meaning (resource
type, traits, status) following the section it sits in."""

from __future__ import annotations

import re
from collections.abc import Callable

from meddoc.model import Category, Document, MedicalEntity
from meddoc.model_structure import Section, SectionKind
from meddoc.structure import structure_of
from meddoc.structure.history import (
    allergies,
    family_history,
    find_relative,
    medications,
    prescriptions,
)
from meddoc.structure.observations import lab_results
from meddoc.structure.parties import issuer, patient_details
from meddoc.structure.quantities import number, ucum
from meddoc.structure.reading import Placed, Reader
from meddoc.structure.social import social_history
from meddoc.structure.statements import ClinicalStatements, Statement, StatementKind
from meddoc.structure.vitals import vital_kind, vital_sign, vital_signs
from meddoc.structure.vocabulary import label_of

Builder = Callable[[Reader, Section, set[int]], list[Statement]]
_BUILDERS: dict[SectionKind, Builder] = {
    SectionKind.ALLERGIES: allergies,
    SectionKind.MEDICATIONS: medications,
    SectionKind.FAMILY_HISTORY: family_history,
    SectionKind.SOCIAL_HISTORY: social_history,
    SectionKind.VITAL_SIGNS: vital_signs,
}
# Sections whose entities make no statement: who issued or signed the document.
_SILENT = (SectionKind.ISSUER, SectionKind.SIGNATURE)
_PRESCRIPTION_PARTS = ("sig", "dispense", "refills")
_DOSAGE_PARTS = ("DOSAGE", "STRENGTH", "FORM", "ROUTE_OR_MODE", "FREQUENCY", "RATE", "DURATION")
_RESOLVED = re.compile(r"\b(?:resolved|cured|remission|resuelt[oa]|curad[oa]|remision)\b", re.I)
# Entity traits that say whose or which time a statement is about; the section decides
# them where it says otherwise (a smoking field is the patient's, not the family's).
_SECTION_TRAITS = {
    SectionKind.FAMILY_HISTORY: "PERTAINS_TO_FAMILY",
    SectionKind.PAST_HISTORY: "PAST_HISTORY",
}


def clinical_statements(document: Document) -> ClinicalStatements:
    """The statements of a reviewed document (its entities with reviewers' corrections
    applied; form fields and cells as corrected). A document stored without structure
    gets it worked out here."""
    structure = structure_of(document)
    reader = Reader(document, structure)
    claimed: set[int] = set()
    statements: list[Statement] = []
    for section in structure.sections:
        statements += _section_statements(reader, section, claimed)
    statements += lab_results(reader, claimed)
    statements += _entity_statements(reader, claimed)
    return ClinicalStatements(
        structure=structure,
        statements=_one_answer_per_habit(
            _unique(sorted(statements, key=lambda s: (s.begin, s.key)))
        ),
        patient=patient_details(reader),
        issuer=issuer(reader),
        absorbed_entity_ids=sorted(claimed),
    )


def _section_statements(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    if section.kind in _SILENT:
        claimed.update(p.entity.id for p in reader.inside(section.begin, section.end))
        return []
    if section.kind is SectionKind.PRESCRIBED:
        label = label_of(section.title.rstrip(":"))
        if label is not None and label.detail in _PRESCRIPTION_PARTS:
            return []  # read with the drug it belongs to
        return prescriptions(reader, section, claimed)
    builder = _BUILDERS.get(section.kind)
    return builder(reader, section, claimed) if builder is not None else []


def _unique(statements: list[Statement]) -> list[Statement]:
    seen: dict[str, Statement] = {}
    for statement in statements:
        seen.setdefault(statement.key, statement)
    return list(seen.values())


def _one_answer_per_habit(statements: list[Statement]) -> list[Statement]:
    """A habit asked twice with the same answer ("Tobacco use: never" and "Smoker: [x] No")
    is one statement (the first, standing for the entities of both); an unknown answer
    gives way to a known one. Different known answers both stay: a reviewer decides."""
    answers: dict[str, list[Statement]] = {}
    for statement in statements:
        if statement.kind is StatementKind.SOCIAL_HISTORY:
            answers.setdefault(statement.code, []).append(statement)
    dropped: set[int] = set()
    for asked in answers.values():
        known = {id(s) for s in asked if s.status != "unknown"} or {id(asked[0])}
        kept: dict[str, Statement] = {}
        for statement in asked:
            first = kept.get(statement.status)
            if id(statement) not in known or first is not None:
                if first is not None:
                    first.entity_ids = sorted({*first.entity_ids, *statement.entity_ids})
                dropped.add(id(statement))
            else:
                kept[statement.status] = statement
    return [s for s in statements if id(s) not in dropped]


# --- entities no structure stands for ---------------------------------------------------


def _entity_statements(reader: Reader, claimed: set[int]) -> list[Statement]:
    statements = []
    placed = {p.entity.id: p for p in reader.entities}
    entities = reader.document.medical.entities if reader.document.medical else []
    for entity in entities:
        if entity.id in claimed or entity.category is Category.PROTECTED_HEALTH_INFORMATION:
            continue
        where = placed.get(entity.id)
        section = reader.section_of(where) if where is not None else None
        statement = _entity_statement(reader, entity, where, section)
        if statement is not None:
            statements.append(statement)
    return statements


def _entity_statement(
    reader: Reader, entity: MedicalEntity, where: Placed | None, section: Section | None
) -> Statement | None:
    kind = section.kind if section is not None else SectionKind.OTHER
    statement = Statement(
        kind=StatementKind.CONDITION,
        key=str(entity.id),
        text=entity.text,
        begin=where.begin if where is not None else -1,
        end=where.end if where is not None else -1,
        section=kind,
        entity_ids=[entity.id],
        concepts=list(entity.concepts),
        traits=_traits(entity, kind),
    )
    if entity.category is Category.MEDICAL_CONDITION:
        return _condition(reader, entity, statement)
    if entity.category is Category.MEDICATION:
        return _medication(entity, statement)
    if entity.category is Category.TEST_TREATMENT_PROCEDURE and entity.type == "TEST_NAME":
        return _test(entity, statement)
    return None


def _traits(entity: MedicalEntity, kind: SectionKind) -> list[str]:
    names = {t.name for t in entity.traits}
    if kind in _SECTION_TRAITS:
        names.add(_SECTION_TRAITS[kind])
    if kind not in (SectionKind.FAMILY_HISTORY, SectionKind.OTHER):
        # A field of the patient's own (history, problems, vitals) is the patient's.
        names.discard("PERTAINS_TO_FAMILY")
    return sorted(names)


def _condition(reader: Reader, entity: MedicalEntity, statement: Statement) -> Statement:
    if "PERTAINS_TO_FAMILY" in statement.traits:
        statement.kind = StatementKind.FAMILY_HISTORY
        statement.detail = entity.text
        if statement.begin >= 0:
            line_start = reader.text.rfind("\n", 0, statement.begin) + 1
            found = find_relative(reader.text[line_start : statement.begin])
            if found is not None:
                statement.relationship, statement.relationship_display = found[1], found[2]
        return statement
    if entity.has_trait("NEGATION"):
        statement.verification = "refuted"
    elif entity.has_trait("HYPOTHETICAL"):
        statement.verification = "provisional"
    else:
        statement.verification = "unconfirmed"
    statement.body_sites = [
        a.text for a in entity.attributes if a.type == "SYSTEM_ORGAN_SITE" and a.text.strip()
    ]
    if statement.verification != "refuted":
        statement.status = _clinical_status(reader, statement)
    return statement


def _clinical_status(reader: Reader, statement: Statement) -> str:
    """Active for the reason of the visit, the assessment and a past medical history
    (the standing conditions an intake form lists), resolved where the text says so;
    elsewhere the document does not tell."""
    if statement.section not in (
        SectionKind.PROBLEMS,
        SectionKind.REASON,
        SectionKind.PAST_HISTORY,
    ):
        return ""
    line_end = reader.text.find("\n", statement.end)
    line = reader.text[statement.begin : line_end if line_end >= 0 else len(reader.text)]
    return "resolved" if _RESOLVED.search(line) else "active"


def _medication(entity: MedicalEntity, statement: Statement) -> Statement:
    statement.kind = (
        StatementKind.PRESCRIPTION
        if statement.section is SectionKind.PRESCRIBED
        else StatementKind.MEDICATION
    )
    if entity.has_trait("NEGATION"):
        statement.status = "not-taken"
    elif entity.has_trait("PAST_HISTORY"):
        statement.status = "completed"
    elif (
        entity.has_trait("FUTURE")
        or entity.has_trait("HYPOTHETICAL")
        or statement.section is SectionKind.PLAN
    ):
        statement.status = "intended"
    else:
        # A drug named in free text: whether it is still taken is not said.
        statement.status = "unknown"
    statement.detail = " ".join(
        a.text.strip()
        for kind in _DOSAGE_PARTS
        for a in entity.attributes
        if a.type == kind and a.text.strip()
    )
    routes = [
        a.text.strip() for a in entity.attributes if a.type == "ROUTE_OR_MODE" and a.text.strip()
    ]
    statement.route = routes[0] if routes else ""
    return statement


def _test(entity: MedicalEntity, statement: Statement) -> Statement | None:
    """A test with a value; a test name alone (ordered, planned) says no result."""
    values = [a for a in entity.attributes if a.type == "TEST_VALUE" and a.text.strip()]
    if not values:
        return None
    units = [a.text.strip() for a in entity.attributes if a.type == "TEST_UNIT" and a.text.strip()]
    unit = units[0] if units else ""
    sign = vital_kind(entity.text)
    if sign:
        # A vital sign named in free text ("FR 500" in a misread line): coded as the
        # sign, and only with a value a patient may have.
        vital = vital_sign(
            sign, values[0].text.strip(), unit, statement.begin, statement.end, statement.section
        )
        if vital is not None:
            vital.key, vital.entity_ids = statement.key, statement.entity_ids
        return vital
    statement.kind = StatementKind.TEST_RESULT
    statement.value = number(values[0].text, unit)
    statement.value_text = "" if statement.value else values[0].text.strip()
    if statement.value is not None and not statement.value.ucum:
        statement.value.ucum = ucum(unit)
    return statement
