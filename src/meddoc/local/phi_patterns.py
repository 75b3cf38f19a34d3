"""Shape-based PHI recognizers: dates, ages, phone numbers, e-mail, URLs, identifiers,
street addresses and named facilities, found by regular expressions (English, Spanish)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache


class Kind(enum.StrEnum):
    """What a finding is, finer than either vocabulary it is reported in."""

    NAME = "NAME"
    AGE = "AGE"
    DATE = "DATE"
    ADDRESS = "ADDRESS"
    FACILITY = "FACILITY"
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    URL = "URL"
    IP_ADDRESS = "IP_ADDRESS"
    SSN = "SSN"
    ITIN = "ITIN"
    PASSPORT = "PASSPORT"
    DRIVER_ID = "DRIVER_ID"
    BANK_ACCOUNT = "BANK_ACCOUNT"
    CREDIT_CARD = "CREDIT_CARD"
    ID = "ID"
    PROFESSION = "PROFESSION"


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected stretch of PHI; `priority` decides overlaps (higher wins)."""

    kind: Kind
    begin: int
    end: int
    score: float
    priority: int


# --- dates ----------------------------------------------------------------------------

_EN_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_EN_MONTH_FULL = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december)"
)
_ES_MONTH = (
    r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre"
    r"|noviembre|diciembre)"
)
_ES_MONTH_ABBR = r"(?:ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)"
_ORD = r"(?:st|nd|rd|th)?"
_TEXT_DATES = re.compile(
    "|".join(
        (
            rf"\b{_EN_MONTH}\.?[ \t]+\d{{1,2}}{_ORD}(?:,[ \t]*|[ \t]+)\d{{4}}\b",
            rf"\b\d{{1,2}}{_ORD}[ \t]+{_EN_MONTH}\.?,?[ \t]+\d{{4}}\b",
            rf"\b{_EN_MONTH}\.?,?[ \t]+\d{{4}}\b",
            rf"\b{_EN_MONTH_FULL}[ \t]+\d{{1,2}}{_ORD}\b(?![:/.]?\d)",
            rf"\b\d{{1,2}}[ \t]+de[ \t]+{_ES_MONTH}(?:[ \t]+(?:de|del)[ \t]+\d{{4}})?\b",
            rf"\b{_ES_MONTH}[ \t]+(?:de|del)[ \t]+\d{{4}}\b",
            rf"\b\d{{1,2}}[-/ ]{_ES_MONTH_ABBR}\.?[-/ ]\d{{2,4}}\b",
        )
    ),
    re.IGNORECASE,
)
_NUMERIC_DATE = re.compile(r"(?<![\d/.-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?![\d/-]|\.\d)")
_ISO_DATE = re.compile(r"(?<![\d/.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d/-])")
_MONTH_YEAR = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{4})(?![\d/-]|\.\d)")


# Letters OCR reads in place of digits (handwriting, worn print): within a token that is
# mostly digits, "O" is a zero and "l" a one. Shapes (dates, phones) are also looked
# for in a copy of the text read that way; offsets stay the same (one for one).
_OCR_DIGITS = str.maketrans("OoDQUuCcIilL|!ZzSsbGBgq", "00000000111111225566899")
_TOKEN = re.compile(r"[^\s]+")


@lru_cache(maxsize=4)
def ocr_digits(text: str) -> str:
    """The text with letters read as the digits OCR took them for, in every token whose
    letters and digits are mostly digits (at least two); same length as `text`."""
    return _TOKEN.sub(_read_token, text)


def _read_token(match: re.Match[str]) -> str:
    token = match.group()
    digits = sum(c.isdigit() for c in token)
    if digits >= 2 and digits > sum(c.isalpha() for c in token):
        return token.translate(_OCR_DIGITS)
    return token


# A numeric date the OCR spaced out ("02 /16/1988"); a four-digit year keeps it a date.
_SPACED_DATE = re.compile(
    r"(?<![\d/.-])(\d{1,2})[ \t]?([/.-])[ \t]?(\d{1,2})[ \t]?\2[ \t]?(\d{4})(?![\d/-]|\.\d)"
)


def _valid_day_month(a: int, b: int) -> bool:
    """True when (a, b) reads as month/day or day/month."""
    return (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)


def find_dates(text: str) -> Iterator[Finding]:
    for match in _TEXT_DATES.finditer(text):
        yield Finding(Kind.DATE, match.start(), match.end(), 0.9, 60)
    for match in _NUMERIC_DATE.finditer(text):
        if _valid_day_month(int(match.group(1)), int(match.group(3))):
            yield Finding(Kind.DATE, match.start(), match.end(), 0.9, 60)
    read = ocr_digits(text)
    for match in _NUMERIC_DATE.finditer(read) if read != text else ():
        # A misread date ("05/0b/2025"): kept when it has a four-digit year.
        misread = read[match.start() : match.end()] != text[match.start() : match.end()]
        if (
            misread
            and len(match.group(4)) == 4
            and _valid_day_month(int(match.group(1)), int(match.group(3)))
        ):
            yield Finding(Kind.DATE, match.start(), match.end(), 0.7, 59)
    for match in _SPACED_DATE.finditer(read):
        spaced = " " in match.group() or "\t" in match.group()
        if spaced and _valid_day_month(int(match.group(1)), int(match.group(3))):
            yield Finding(Kind.DATE, match.start(), match.end(), 0.7, 59)
    for match in _ISO_DATE.finditer(text):
        if 1 <= int(match.group(2)) <= 12 and 1 <= int(match.group(3)) <= 31:
            yield Finding(Kind.DATE, match.start(), match.end(), 0.9, 60)
    for match in _MONTH_YEAR.finditer(text):
        if 1 <= int(match.group(1)) <= 12 and 1900 <= int(match.group(2)) <= 2100:
            yield Finding(Kind.DATE, match.start(), match.end(), 0.7, 55)


# --- ages -----------------------------------------------------------------------------

# "años", also as OCR misreads it ("anos", "aos", "afios", "arios")
_YEARS_ES = r"(?:años|anos|aos|afios|arios|añ0s)"
_AGES = re.compile(
    "|".join(
        (
            r"\b(\d{1,3})[ \t]*-?[ \t]*(?:years?|yrs?)[ \t]*-?[ \t]*old\b",
            r"\b(\d{1,3})[ \t]*(?:yo|y/o|y\.o\.?|yrs?\.?[ \t]+old)(?![\w/])",
            r"\b(?:aged?|at[ \t]+age)[ \t]+(\d{1,3})\b",
            rf"\b(?:de|edad(?:[ \t]+de)?:?)[ \t]+(\d{{1,3}})[ \t]+{_YEARS_ES}\b",
            rf"\b(\d{{1,3}})[ \t]+{_YEARS_ES}[ \t]+de[ \t]+edad\b",
        )
    ),
    re.IGNORECASE,
)


def find_ages(text: str) -> Iterator[Finding]:
    for match in _AGES.finditer(text):
        group = next(g for g in range(1, (match.lastindex or 0) + 1) if match.group(g))
        if int(match.group(group)) <= 120:
            yield Finding(Kind.AGE, match.start(group), match.end(group), 0.9, 50)


# --- contact points -------------------------------------------------------------------

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|gov|edu|health|info|io|es|mx|us)"
    r"(?:/[^\s<>\"')\]]*)?(?![\w@])",
    re.IGNORECASE,
)
_IP = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
_PHONES = re.compile(
    "|".join(
        (
            # US: (217) 555-0148, 217-555-0199, 617.555.0163, 1-800-555-0100
            r"(?:\+?1[-. \t]?)?(?:\(\d{3}\)[ \t]?|\d{3}[-. \t])\d{3}[-. \t]\d{4}",
            # Spain: 976 123 456, +34 611 22 33 44
            r"(?:\+34[ \t-]?)?[6789]\d{2}(?:[ \t-]?\d{3}[ \t-]?\d{3}|(?:[ \t-]?\d{2}){3})",
            # Mexico: 55 5555 0123, (55) 1234-5678
            r"(?:\+52[ \t-]?)?(?:\(\d{2,3}\)[ \t]?|\d{2,3}[ \t])\d{4}[ \t-]\d{4}",
        )
    )
)
# Before a phone: nothing that continues a number; an area code in parentheses may
# follow a word the OCR ran into it ("Salazar(212) 555-0150", "Tel.(212)...").
_PHONE = re.compile(
    rf"(?:(?<![\w/.-])|(?<=[^\W\d_.]|[.:])(?=\())(?:{_PHONES.pattern})(?![\w/-]|\.\d)"
)


def find_contact_points(text: str) -> Iterator[Finding]:
    emails = [(m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for begin, end in emails:
        yield Finding(Kind.EMAIL, begin, end, 0.99, 90)
    for match in _URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:":
            end -= 1
        if not any(b <= match.start() < e for b, e in emails):
            yield Finding(Kind.URL, match.start(), end, 0.95, 90)
    for match in _IP.finditer(text):
        yield Finding(Kind.IP_ADDRESS, match.start(), match.end(), 0.9, 70)
    for match in _PHONE.finditer(text):
        yield Finding(Kind.PHONE, match.start(), match.end(), 0.85, 60)
    read = ocr_digits(text)
    for match in _PHONE.finditer(read) if read != text else ():
        # A misread phone ("(7O2) 555-O113") keeps its separators and most of its digits.
        written = text[match.start() : match.end()]
        misread = sum(a != b for a, b in zip(written, match.group(), strict=True))
        if 0 < misread <= 2 and any(c in written for c in "()-. "):
            yield Finding(Kind.PHONE, match.start(), match.end(), 0.7, 59)


# --- identifiers ----------------------------------------------------------------------

_SSN = re.compile(r"(?<![\w-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])")
_ITIN = re.compile(r"(?<![\w-])9\d{2}-(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])-\d{4}(?![\w-])")
_CARD = re.compile(r"(?<![\d-])(?:\d{4}[- ]){3}\d{1,7}(?![\d-])")
_NATIONAL_IDS = re.compile(
    r"\b(?:[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z\d]\d"  # CURP (Mexico)
    r"|\d{8}[A-HJ-NP-TV-Z]"  # DNI (Spain)
    r"|[XYZ]\d{7}[A-Z])\b"  # NIE (Spain)
)
# Uppercase codes mixing letters and at least four digits: member ids, accession numbers
_CODE = re.compile(
    r"(?<![\w.-])(?=[A-Z0-9-]*[A-Z])(?=(?:[A-Z-]*\d){4})"
    r"[A-Z0-9][A-Z0-9-]{5,}[A-Z0-9](?![\w-]|\.\d)"
)
_DOSE_LIKE = re.compile(r"\d+(?:MG|MCG|ML|G|KG|MEQ|IU|UNITS?|TABS?|CAPS?|MM|CM|HR|H)$")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def find_identifiers(text: str) -> Iterator[Finding]:
    for match in _ITIN.finditer(text):
        yield Finding(Kind.ITIN, match.start(), match.end(), 0.8, 71)
    for match in _SSN.finditer(text):
        yield Finding(Kind.SSN, match.start(), match.end(), 0.85, 70)
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            yield Finding(Kind.CREDIT_CARD, match.start(), match.end(), 0.85, 70)
    for match in _NATIONAL_IDS.finditer(text):
        yield Finding(Kind.ID, match.start(), match.end(), 0.85, 65)
    for match in _CODE.finditer(text):
        if not _DOSE_LIKE.match(match.group()):
            yield Finding(Kind.ID, match.start(), match.end(), 0.7, 45)


# --- addresses and facilities ---------------------------------------------------------

_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place"
    r"|pl|terrace|circle|cir|highway|hwy|parkway|pkwy|square|sq|trail|trl)"
)
_CAP_WORD = r"[A-Z0-9][\w'.-]*"
_US_STATE = r"(?:[A-Z]{2}|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?)"
_US_STREET = re.compile(
    rf"(?<![\w-])\d{{1,6}}[A-Z]?[ \t]+(?:[NSEW]\.?[ \t]+)?(?:{_CAP_WORD}[ \t]+){{0,4}}?"
    rf"(?i:{_STREET_SUFFIX})\b\.?"
    r"(?:,?[ \t]*(?i:apt|apartment|suite|ste|unit|room|rm|#)\.?[ \t]*#?[ \t]*[\w-]+)?"
    r"(?:,[ \t]*[A-Z][A-Za-z.'-]+(?:[ \t][A-Z][A-Za-z.'-]+){0,2}"
    r"(?=,|[ \t]+\d{5}|[ \t]*$|[ \t]+[A-Z]{2}\b))?"
    rf"(?:,?[ \t]+{_US_STATE}\b\.?)?(?:,?[ \t]*\d{{5}}(?:-\d{{4}})?)?"
    r"(?:,[ \t]*(?:USA|U\.S\.A\.|United States))?",
    re.MULTILINE,
)
_CITY_STATE_ZIP = re.compile(
    r"\b[A-Z][A-Za-z.'-]+(?:[ \t][A-Z][A-Za-z.'-]+){0,2},[ \t]*[A-Z]{2},?[ \t]+\d{5}(?:-\d{4})?\b"
)
_ES_WORD = r"[A-ZÁÉÍÓÚÑ0-9][\wáéíóúñÁÉÍÓÚÑ.'-]*"
_ES_LINK = r"(?:(?:de|del|la|las|los|el|y)[ \t]+)"
_PLACE_WORD = r"(?:St\.|[A-Z][\w'-]+)"
_PLACE = rf"{_PLACE_WORD}(?:[ \t]+{_PLACE_WORD}){{0,2}}"
_ES_STREET = re.compile(
    r"\b(?:Calle|CALLE|C/|Avenida|AVENIDA|Avda\.?|Av\.|AV\.|Paseo|Plaza|Pza\.?|Camino"
    r"|Carretera|Ctra\.?|Ronda|Travesía|Calzada|Callejón|Privada|Bulevar)[ \t]+"
    rf"{_ES_LINK}*{_ES_WORD}(?:[ \t]+{_ES_LINK}*{_ES_WORD}){{0,4}}?"
    r",?[ \t]+(?:n[º°o.][ \t]*)?\d{1,5}[A-Za-z]?\b"
    r"(?:,[ \t]*\d{1,2}[ \t]?[º°ªo]\.?(?:[ \t]?[A-Za-z]{1,4}\.?)?)?"
    rf"(?:,[ \t]*(?:Col\.|Colonia)[ \t]+{_ES_WORD}(?:[ \t]+{_ES_WORD}){{0,3}})?"
    rf"(?:,[ \t]*(?:\d{{5}}[ \t]+)?{_ES_WORD}(?:[ \t]+(?:de|del)?[ \t]*{_ES_WORD}){{0,3}}){{0,3}}"
)
_PLACE_CUE = re.compile(
    r"\b(?:resident of|lives in|living in|moved from|vive en|residente en|reside en"
    r"|domiciliad[oa] en|natural de|originari[oa] de)[ \t]+"
    rf"({_PLACE}(?:,[ \t]*{_PLACE}){{0,2}})"
)
_PLACE_BEFORE_DATE = re.compile(
    r"^([A-ZÁÉÍÓÚÑ][\wáéíóúñ]+(?:[ \t]+[A-ZÁÉÍÓÚÑ][\wáéíóúñ]+)?),[ \t]+"
    rf"(?=\d{{1,2}}[ \t]+de[ \t]+{_ES_MONTH})",
    re.MULTILINE | re.IGNORECASE,
)
_EN_FACILITY = re.compile(
    r"\b(?:[A-Z][\w'.&-]*[ \t]+){1,4}(?i:Hospital|Medical Cent(?:er|re)|Medical Group|Clinic"
    r"|Community Health|Health Partners|Health Services|Family Practice|Primary Care"
    r"|Health Cent(?:er|re)|Health System|Healthcare|Laboratories|Laboratory|Labs|Pharmacy"
    r"|Family Medicine|Internal Medicine|Pediatrics|Rehab Center|Rehabilitation Center"
    r"|Urgent Care|Imaging Center|Surgery Center|Nursing Home|Associates|Cardiology"
    r"|Dermatology|Orthopaedics|Orthopedics|Oncology|Radiology|Dental|Dentistry)\b"
)
_ES_FACILITY = re.compile(
    r"\b(?i:Hospital|Clínica|Centro de Salud|Centro Médico|Sanatorio|Laboratorios?"
    r"|Policlínico|Ambulatorio|Farmacia)"
    r"(?:[ \t]+(?:(?:de|del|la|las|los|y|DE|DEL|LA|LOS|Y)[ \t]+)*"
    r"[A-ZÁÉÍÓÚÑ][\wáéíóúñÁÉÍÓÚÑ.'-]*){1,5}"
)
_FACILITY_HEADERS = frozenset(
    {"course", "stay", "day", "days", "discharge", "admission", "note", "notes", "record"}
)


def find_addresses(text: str, language: str) -> Iterator[Finding]:
    for match in _US_STREET.finditer(text):
        yield Finding(Kind.ADDRESS, match.start(), match.end(), 0.85, 52)
    for match in _CITY_STATE_ZIP.finditer(text):
        yield Finding(Kind.ADDRESS, match.start(), match.end(), 0.85, 52)
    for match in _ES_STREET.finditer(text):
        # above dates: streets are named after dates ("Calle 5 de Mayo")
        yield Finding(Kind.ADDRESS, match.start(), match.end(), 0.8, 61)
    for match in _PLACE_CUE.finditer(text):
        yield Finding(Kind.ADDRESS, match.start(1), match.end(1), 0.7, 40)
    for match in _PLACE_BEFORE_DATE.finditer(text):
        yield Finding(Kind.ADDRESS, match.start(1), match.end(1), 0.6, 40)
    yield from _find_facilities(text, language)


def _find_facilities(text: str, language: str) -> Iterator[Finding]:
    patterns = (_ES_FACILITY, _EN_FACILITY) if language == "es" else (_EN_FACILITY,)
    for pattern in patterns:
        for match in pattern.finditer(text):
            words = match.group().split()
            if words[-1].lower() in _FACILITY_HEADERS or not _capitalized(words):
                continue
            yield Finding(Kind.FACILITY, match.start(), match.end(), 0.75, 42)


def _capitalized(words: list[str]) -> bool:
    """Every word but connectors starts upper-case (the pattern itself ignores case)."""
    connectors = {"de", "del", "la", "las", "los", "y", "of", "and", "&"}
    return all(w[0].isupper() or w.lower() in connectors for w in words)
