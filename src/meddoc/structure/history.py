"""Allergies, medications (taken or prescribed) and family history, read item by item from
their sections, each with the reviewed entities it holds."""

from __future__ import annotations

import re

from meddoc.model import Category
from meddoc.model_structure import Section
from meddoc.structure.reading import Piece, Placed, Reader
from meddoc.structure.statements import Statement, StatementKind
from meddoc.structure.vocabulary import fold, label_of, plain, relatives

_ITEM_BREAK = re.compile(r"\s*(?:;|,|\band\b|\by\b)\s*", re.I)
_MEDICATION_BREAK = re.compile(r"\s*;\s*")
_BULLET = re.compile(r"^(?:[-*•·]|\d+[.)])\s+")
_REACTION = re.compile(
    r"^(?P<substance>.+?)\s*(?:\((?P<paren>[^)]+)\)|\s[-\u2013\u2014:]\s*(?P<dash>.+)"
    r"|\s(?:causes|caused|gives|reaction|produce|provoca|causa)\s+(?P<verb>.+))$",
    re.I,
)
_NONE = {
    "nkda",
    "nka",
    "nkfa",
    "none",
    "no",
    "no known allergies",
    "no known drug allergies",
    "no allergies",
    "denies",
    "ninguna",
    "ninguno",
    "niega",
    "negadas",
    "negativo",
    "no conocidas",
    "sin alergias",
    "no refiere",
}
_DRUG_ALLERGY_NONE = {"nkda", "no known drug allergies"}
_STOPPED = re.compile(
    r"\b(?:stopped|discontinued|d/c|no longer|quit|suspendid[oa]|suspender|ya no|dejo de)\b", re.I
)
_DOSE_START = re.compile(r"\s\d")
_STRENGTH = re.compile(r"\d\s*(?:mg|mcg|µg|ug|g|ml|units?|unidades|iu|ui|%)\b", re.I)
_FAMILY_FILLER = re.compile(
    r"^[\s:\-\u2013\u2014,]*(?:had|has|with|con|tiene|tuvo|padece)?[\s:\-\u2013\u2014,]*", re.I
)


def split_items(piece: Piece, breaker: re.Pattern[str]) -> list[Piece]:
    items = []
    cursor = 0
    for match in [*breaker.finditer(piece.text), None]:
        stop = match.start() if match else len(piece.text)
        raw = piece.text[cursor:stop]
        stripped = _BULLET.sub("", raw.strip()).strip(" .")
        if stripped:
            items.append(Piece(piece.begin + cursor + raw.index(stripped), stripped))
        cursor = match.end() if match else stop
    return items


def allergies(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    items = [i for p in reader.pieces(section) for i in split_items(p, _ITEM_BREAK)]
    known = [i for i in items if fold(i.text) not in _NONE]
    statements: list[Statement] = []
    for item in known:
        match = _REACTION.match(item.text)
        substance = match.group("substance") if match else item.text
        reaction = next((g for g in match.groups()[1:] if g), "") if match else ""
        near = reader.inside(item.begin, item.end)
        if not (near or _on_title_line(reader, section, item) or len(substance.split()) <= 4):
            continue  # a sentence under an Allergies heading, not an allergen
        inside = _claim(near, claimed, item, substance)
        statement = _statement(StatementKind.ALLERGY, item, substance, section, inside)
        statement.detail = reaction.strip()
        statements.append(statement)
    if items and not known:
        first = items[0]
        none = _statement(StatementKind.NO_KNOWN_ALLERGIES, first, first.text, section, [])
        drug = fold(first.text) in _DRUG_ALLERGY_NONE
        none.answer = "409137002" if drug else "716186003"
        none.answer_display = "No known drug allergy" if drug else "No known allergy"
        statements.append(none)
    _claim(reader.inside(section.begin, section.end), claimed)
    return statements


def medications(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    """Each item of a current-medications list: the drug, its dosage as written, and
    whether the list says it was stopped."""
    statements = []
    for item in _medication_items(reader, section):
        entities = [
            p
            for p in reader.inside(item.begin, item.end)
            if p.entity.category is Category.MEDICATION
        ]
        if not (entities or _on_title_line(reader, section, item) or _STRENGTH.search(item.text)):
            continue  # a line under a Medications heading that names no drug
        drug, dosage = _drug_and_dosage(item, entities)
        inside = _claim(entities, claimed, item, drug)
        statement = _statement(StatementKind.MEDICATION, item, drug, section, inside)
        statement.detail = dosage
        stopped = _STOPPED.search(item.text) is not None
        negated = any(p.entity.has_trait("NEGATION") for p in inside)
        statement.status = "stopped" if stopped else "not-taken" if negated else "active"
        statements.append(statement)
    return statements


def _medication_items(reader: Reader, section: Section) -> list[Piece]:
    pieces = reader.pieces(section)
    if not pieces:
        return []
    if len(pieces) > 1 and "\n" not in reader.text[section.begin : pieces[0].begin]:
        # A field's value wrapped over lines: one text, split where the list says.
        whole = reader.text[pieces[0].begin : pieces[-1].end]
        if any(p.text != reader.text[p.begin : p.end] for p in pieces):
            whole = " ".join(p.text for p in pieces)
        pieces = [Piece(pieces[0].begin, whole.replace("\n", " "))]
    return [i for p in pieces for i in split_items(p, _MEDICATION_BREAK)]


def _drug_and_dosage(item: Piece, entities: list[Placed]) -> tuple[str, str]:
    exact = [p for p in entities if p.exact and item.begin <= p.begin]
    if exact:
        first = min(exact, key=lambda p: p.begin)
        drug = item.text[first.begin - item.begin : first.end - item.begin] or first.entity.text
        return drug, item.text[first.end - item.begin :].strip(" ,;")
    dose = _DOSE_START.search(item.text)
    if dose is None:
        return item.text, ""
    return item.text[: dose.start()].strip(), item.text[dose.start() :].strip()


def prescriptions(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    """What an Rx heading prescribes: each drug line, with the instructions (Sig), the
    quantity and refills written under it."""
    parts = {"sig": "", "dispense": "", "refills": ""}
    for inner in reader.structure.sections:
        label = label_of(inner.title.rstrip(":"))
        inner_part = inner is not section and section.begin <= inner.begin < section.end
        if inner_part and label and label.detail in parts and not parts[label.detail]:
            parts[label.detail] = " ".join(p.text for p in reader.pieces(inner))
    statements = []
    for piece in reader.pieces(section):
        entities = [
            p
            for p in reader.inside(piece.begin, piece.end)
            if p.entity.category is Category.MEDICATION
        ]
        if not entities and not _STRENGTH.search(piece.text):
            continue  # a line under the Rx that names no drug (a footer, a note)
        drug, strength = _drug_and_dosage(piece, entities)
        inside = _claim(entities, claimed, piece, drug)
        statement = _statement(StatementKind.PRESCRIPTION, piece, drug, section, inside)
        statement.detail = " ".join(t for t in (strength, parts["sig"]) if t)
        statement.dispense, statement.refills = parts["dispense"], parts["refills"]
        statement.status = "unknown"
        statements.append(statement)
    _claim(reader.inside(section.begin, section.end), claimed)
    return statements


def family_history(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    """Each relative's condition ("sister - breast cancer", "madre: hipertensión"); an
    item naming no relative belongs to the one named before it."""
    statements = []
    relative: tuple[str, str, str, int, int] | None = None
    for item in [i for p in reader.pieces(section) for i in split_items(p, _MEDICATION_BREAK)]:
        for part in split_items(item, re.compile(r"\s*,\s*")):
            found = find_relative(part.text)
            relative = found or relative
            rest = part.text
            if found is not None:
                rest = (part.text[: found[3]] + " " + part.text[found[4] :]).strip()
            condition = _FAMILY_FILLER.sub("", rest).strip(" .")
            conditions = [
                p
                for p in reader.inside(part.begin, part.end)
                if p.entity.category is Category.MEDICAL_CONDITION
            ]
            if not (found or conditions or _on_title_line(reader, section, part)):
                continue  # names neither a relative nor a condition
            inside = _claim(conditions, claimed, part, condition)
            statement = _statement(
                StatementKind.FAMILY_HISTORY, part, condition or part.text, section, inside
            )
            statement.detail = condition
            if relative is not None:
                statement.relationship, statement.relationship_display = relative[1], relative[2]
            statements.append(statement)
    _claim(reader.inside(section.begin, section.end), claimed)
    return statements


def find_relative(text: str) -> tuple[str, str, str, int, int] | None:
    """(word as written, RoleCode, display, begin, end) of the relative a text names."""
    flat = plain(text)
    best: tuple[str, str, str, int, int] | None = None
    for word, relative in relatives().items():
        match = re.search(rf"\b{re.escape(word)}\b", flat)
        if match and (best is None or len(word) > best[4] - best[3]):
            best = (
                text[match.start() : match.end()],
                relative.code,
                relative.display,
                *match.span(),
            )
    return best


def _on_title_line(reader: Reader, section: Section, item: Piece) -> bool:
    """Whether an item is a field's own value ("Allergies: ..."), not a line below a
    heading, where any text may follow."""
    return "\n" not in reader.text[section.begin : item.begin]


def _claim(
    placed: list[Placed], claimed: set[int], item: Piece | None = None, text: str = ""
) -> list[Placed]:
    """Entities a statement stands for. An entity read on the translation is placed only
    by its line: it goes to the item whose text starts like it ("Penicilina",
    "Penicillin"), or to the item when nothing else on the line could be it."""
    chosen = [p for p in placed if p.exact or item is None or _alike(p.entity.text, text)]
    if not chosen and item is not None:
        chosen = [p for p in placed if not p.exact]
    claimed.update(p.entity.id for p in chosen)
    return chosen


def _alike(entity_text: str, item_text: str) -> bool:
    return fold(entity_text)[:4] == fold(item_text)[:4] != ""


def _statement(
    kind: StatementKind, item: Piece, text: str, section: Section, inside: list[Placed]
) -> Statement:
    return Statement(
        kind=kind,
        key=f"{kind.value.lower()}/{item.begin}",
        text=text.strip(),
        begin=item.begin,
        end=item.end,
        section=section.kind,
        entity_ids=[p.entity.id for p in inside],
        concepts=[c for p in inside for c in p.entity.concepts],
        traits=sorted({t.name for p in inside for t in p.entity.traits}),
    )
