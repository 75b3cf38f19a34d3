"""Clinical statements: what a reviewed document says about the patient once each entity
and each piece of structure is read in the section it sits in (an allergy, a medication
taken or prescribed, a lab result from one table row, a vital sign, a social habit, a
relative's condition, a condition), plus the patient's own details and the issuer."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from meddoc.model import Concept
from meddoc.model_structure import SectionKind, Structure


class StatementKind(enum.StrEnum):
    ALLERGY = "ALLERGY"
    NO_KNOWN_ALLERGIES = "NO_KNOWN_ALLERGIES"
    MEDICATION = "MEDICATION"  # a medication the patient takes (or took)
    PRESCRIPTION = "PRESCRIPTION"  # a medication this document orders (Rx)
    LAB_RESULT = "LAB_RESULT"  # one row of a lab report
    VITAL_SIGN = "VITAL_SIGN"
    SOCIAL_HISTORY = "SOCIAL_HISTORY"  # tobacco, alcohol, drugs
    FAMILY_HISTORY = "FAMILY_HISTORY"  # a relative's condition
    CONDITION = "CONDITION"  # the patient's condition
    TEST_RESULT = "TEST_RESULT"  # a test with its value found in free text


@dataclass(slots=True)
class Quantity:
    value: float
    text: str  # as written
    comparator: str = ""  # < <= >= >
    unit: str = ""  # as written
    ucum: str = ""  # the UCUM code, when the unit is known


@dataclass(slots=True)
class Component:
    """One part of a vital sign measured in parts (blood pressure)."""

    code: str  # LOINC
    display: str
    value: Quantity


@dataclass(slots=True)
class Statement:
    kind: StatementKind
    key: str  # unique in the document, stable across runs
    text: str  # the substance, drug, test, habit or condition as written
    begin: int  # where it is in Document.text; -1 when it cannot be placed
    end: int
    section: SectionKind = SectionKind.OTHER
    entity_ids: list[int] = field(default_factory=list)  # reviewed entities it stands for
    concepts: list[Concept] = field(default_factory=list)  # their codes
    traits: list[str] = field(default_factory=list)  # their traits, as the section reads them
    # MEDICATION/PRESCRIPTION: active | stopped | not-taken | completed | intended | unknown;
    # CONDITION: its clinical status ("" when the document cannot tell);
    # SOCIAL_HISTORY: never | former | current | daily | unknown.
    status: str = ""
    verification: str = ""  # CONDITION: refuted | provisional | unconfirmed
    # ALLERGY: the reaction; MEDICATION/PRESCRIPTION: the dosage or instructions;
    # SOCIAL_HISTORY: the answer as written; FAMILY_HISTORY: the condition as written.
    detail: str = ""
    code: str = ""  # LOINC of a lab test, vital sign or social-history question
    code_display: str = ""
    answer: str = ""  # SNOMED CT code of a coded answer (smoking status, no known allergy)
    answer_display: str = ""
    value: Quantity | None = None
    value_text: str = ""  # a value that is no number ("positive")
    components: list[Component] = field(default_factory=list)
    low: Quantity | None = None
    high: Quantity | None = None
    range_text: str = ""
    interpretation: str = ""  # H | L | N | A (abnormal)
    relationship: str = ""  # FAMILY_HISTORY: HL7 v3 RoleCode of the relative
    relationship_display: str = ""
    dispense: str = ""  # PRESCRIPTION: quantity to dispense, as written
    refills: str = ""
    route: str = ""  # MEDICATION: the route as written
    body_sites: list[str] = field(default_factory=list)  # CONDITION: where, as written


@dataclass(slots=True)
class PatientDetails:
    """The patient's own fields, as written (never the letterhead's)."""

    name: str = ""
    birth_date: str = ""
    sex: str = ""
    gender: str = ""  # FHIR administrative gender: male | female | other | unknown | ""
    address: str = ""
    phone: str = ""
    email: str = ""
    mrn: str = ""


@dataclass(slots=True)
class Issuer:
    """Who issued the document (the letterhead): an organisation, never the patient."""

    name: str = ""
    address: str = ""
    phone: str = ""
    begin: int = -1
    end: int = -1


@dataclass(slots=True)
class ClinicalStatements:
    structure: Structure
    statements: list[Statement] = field(default_factory=list)
    patient: PatientDetails = field(default_factory=PatientDetails)
    issuer: Issuer | None = None
    # Entities the statements read in their section (an analyte tagged MEDICATION, an
    # allergen): they are in the statements, not statements of their own.
    absorbed_entity_ids: list[int] = field(default_factory=list)

    def statement_of(self, entity_id: int) -> Statement | None:
        """The statement an entity is read into (what the site shows it as), or None
        when the entity makes no statement (an anatomy, a letterhead's word)."""
        return next((s for s in self.statements if entity_id in s.entity_ids), None)

    def readings(self) -> dict[int, Statement]:
        """Per entity id, the statement it is read into (the first, in text order)."""
        found: dict[int, Statement] = {}
        for statement in self.statements:
            for entity_id in statement.entity_ids:
                found.setdefault(entity_id, statement)
        return found
