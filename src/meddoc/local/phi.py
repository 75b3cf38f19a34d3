"""Offline PHI detection (English and Spanish) with Comprehend Medical's DetectPHI types;
the same findings feed the PII entities of the local language analyzer."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from functools import cache

from meddoc.local.phi_fields import find_fields
from meddoc.local.phi_names import NameLists, find_names, name_lists, propagate_names
from meddoc.local.phi_patterns import (
    Finding,
    Kind,
    find_addresses,
    find_ages,
    find_contact_points,
    find_dates,
    find_identifiers,
)
from meddoc.local.phi_professions import find_professions
from meddoc.model import Category, Engine, MedicalEntity

ENGINE = Engine(name="meddoc-phi-rules", version="1")

# Comprehend Medical DetectPHI entity types
PHI_TYPES: dict[Kind, str] = {
    Kind.NAME: "NAME",
    Kind.AGE: "AGE",
    Kind.DATE: "DATE",
    Kind.ADDRESS: "ADDRESS",
    Kind.FACILITY: "ADDRESS",
    Kind.PHONE: "PHONE_OR_FAX",
    Kind.EMAIL: "EMAIL",
    Kind.URL: "URL",
    Kind.IP_ADDRESS: "ID",
    Kind.SSN: "ID",
    Kind.ITIN: "ID",
    Kind.PASSPORT: "ID",
    Kind.DRIVER_ID: "ID",
    Kind.BANK_ACCOUNT: "ID",
    Kind.CREDIT_CARD: "ID",
    Kind.ID: "ID",
    Kind.PROFESSION: "PROFESSION",
}

# Comprehend DetectPiiEntities entity types; kinds without one are no PII type there
# (medical record numbers, facilities and occupations stay PHI only).
PII_TYPES: dict[Kind, str] = {
    Kind.NAME: "NAME",
    Kind.AGE: "AGE",
    Kind.DATE: "DATE_TIME",
    Kind.ADDRESS: "ADDRESS",
    Kind.PHONE: "PHONE",
    Kind.EMAIL: "EMAIL",
    Kind.URL: "URL",
    Kind.IP_ADDRESS: "IP_ADDRESS",
    Kind.SSN: "SSN",
    Kind.ITIN: "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER",
    Kind.PASSPORT: "PASSPORT_NUMBER",
    Kind.DRIVER_ID: "DRIVER_ID",
    Kind.BANK_ACCOUNT: "BANK_ACCOUNT_NUMBER",
    Kind.CREDIT_CARD: "CREDIT_DEBIT_NUMBER",
}


class PhiDetector:
    """Rules over labels, shapes and name lists; one instance can serve many texts."""

    def __init__(self, lists: NameLists | None = None) -> None:
        self._lists = lists or name_lists()

    def find(self, text: str, language: str = "en") -> list[Finding]:
        """Non-overlapping findings in text order."""
        language = language.split("-")[0].lower()
        candidates: list[Finding] = [
            *find_fields(text, self._lists),
            *find_contact_points(text),
            *find_identifiers(text),
            *find_dates(text),
            *find_ages(text),
            *find_addresses(text, language),
            *find_names(text, self._lists),
            *find_professions(text, language),
        ]
        kept = _resolve(candidates)
        kept = _resolve([*kept, *propagate_names(text, kept, self._lists)])
        return sorted(kept, key=lambda f: f.begin)

    def detect_phi(self, text: str, language: str = "en") -> list[MedicalEntity]:
        return [
            MedicalEntity(
                text=text[f.begin : f.end],
                begin=f.begin,
                end=f.end,
                score=f.score,
                id=index,
                category=Category.PROTECTED_HEALTH_INFORMATION,
                type=PHI_TYPES[f.kind],
            )
            for index, f in enumerate(self.find(text, language))
        ]


def _resolve(candidates: Iterable[Finding]) -> list[Finding]:
    """Keep the highest-priority (then longest) findings that overlap nothing kept."""
    ranked = sorted(candidates, key=lambda f: (-f.priority, -(f.end - f.begin), f.begin))
    kept: list[Finding] = []
    starts: list[int] = []  # begins of the kept findings, sorted; kept ones never overlap
    ends: list[int] = []
    for finding in ranked:
        if finding.end <= finding.begin:
            continue
        index = bisect.bisect_left(starts, finding.end)
        if index and ends[index - 1] > finding.begin:
            continue
        starts.insert(index, finding.begin)
        ends.insert(index, finding.end)
        kept.append(finding)
    return kept


@cache
def default_detector() -> PhiDetector:
    return PhiDetector()


def detect_phi(text: str, language: str = "en") -> list[MedicalEntity]:
    """PHI entities of `text` (Comprehend Medical DetectPHI types), offsets into `text`."""
    return default_detector().detect_phi(text, language)
