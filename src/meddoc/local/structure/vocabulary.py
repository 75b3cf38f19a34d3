"""Words that name parts of medical paperwork, in English and Spanish: section headings,
document titles and page footers."""

from __future__ import annotations

import re
import unicodedata

SECTION_HEADINGS = frozenset(
    {
        # English
        "patient information",
        "patient details",
        "demographics",
        "health history",
        "medical history",
        "past medical history",
        "family history",
        "social history",
        "allergies",
        "medications",
        "current medications",
        "chemistry",
        "lipid panel",
        "complete blood count",
        "hematology",
        "urinalysis",
        "vital signs",
        "vitals",
        "assessment",
        "plan",
        "assessment and plan",
        "diagnosis",
        "history of present illness",
        "chief complaint",
        "physical exam",
        "review of systems",
        "results",
        "impression",
        "emergency contact",
        "insurance",
        "insurance information",
        "signature",
        "comments",
        "prescription",
        "instructions",
        "immunizations",
        "problems",
        "problem list",
        # Spanish
        "antecedentes",
        "antecedentes personales",
        "antecedentes familiares",
        "antecedentes heredofamiliares",
        "antecedentes patologicos",
        "historia clinica",
        "datos del paciente",
        "informacion del paciente",
        "alergias",
        "medicamentos",
        "medicamentos actuales",
        "quimica clinica",
        "quimica sanguinea",
        "perfil de lipidos",
        "biometria hematica",
        "examen general de orina",
        "signos vitales",
        "evaluacion",
        "plan de tratamiento",
        "diagnostico",
        "exploracion fisica",
        "padecimiento actual",
        "motivo de consulta",
        "resultados",
        "habitos",
        "historia social",
        "contacto de emergencia",
        "seguro",
        "indicaciones",
        "receta",
        "comentarios",
        "firma",
    }
)

TITLE_WORDS = frozenset(
    {
        "report",
        "form",
        "intake",
        "prescription",
        "note",
        "summary",
        "record",
        "consent",
        "release",
        "application",
        "invoice",
        "statement",
        "informe",
        "reporte",
        "formulario",
        "receta",
        "nota",
        "resumen",
        "expediente",
        "consentimiento",
        "solicitud",
        "historia",
    }
)

_PAGE_NUMBER = re.compile(
    r"^(?:page|p[aá]gina|p[aá]g\.?|p\.)?\s*\d{1,3}(?:\s*(?:of|de|/)\s*\d{1,3})?$", re.IGNORECASE
)
_PAGE_OF = re.compile(r"\b(?:page|p[aá]gina)\s+\d{1,3}\s+(?:of|de)\s+\d{1,3}\b", re.IGNORECASE)


def plain(text: str) -> str:
    """Lower case, accents and trailing punctuation off, single spaces."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return " ".join(folded.strip(" :.-").split())


def is_section_heading(text: str) -> bool:
    return plain(text) in SECTION_HEADINGS


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def names_page(text: str) -> bool:
    """ "page 1 of 2" anywhere in the line."""
    return bool(_PAGE_OF.search(text))


def is_title(text: str) -> bool:
    words = plain(text).split()
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 6 and all(c.isupper() for c in letters)
    return 1 <= len(words) <= 8 and (shouting or any(w in TITLE_WORDS for w in words))
