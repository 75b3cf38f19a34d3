"""Social history (tobacco, alcohol, drugs) as observations: "never", "denies" and "nunca"
respected, the smoking status coded, and a ticked checkbox read as the answer."""

from __future__ import annotations

import re

from meddoc.model import BoundingBox, Line, Word
from meddoc.model_structure import Section, SectionKind, SelectionStatus
from meddoc.structure.lines import word_span
from meddoc.structure.reading import Piece, Reader
from meddoc.structure.statements import Statement, StatementKind
from meddoc.structure.vocabulary import label_of, plain

_TOPIC_WORDS = {
    "tobacco": re.compile(r"\b(?:smok\w*|tobacco|cigar\w*|tabac\w*|fuma\w*|cigarr\w*)\b"),
    "alcohol": re.compile(r"\b(?:alcohol\w*|drink\w*|etoh|beer|wine|bebe\w*|cerveza|vino)\b"),
    "drugs": re.compile(r"\b(?:drugs?|marijuana|cannabis|cocaine|drogas?|illicit)\b"),
}
_QUESTIONS = {
    "tobacco": ("72166-2", "Tobacco smoking status"),
    "alcohol": ("11331-6", "History of Alcohol use"),
    "drugs": ("11343-1", "History of Other nonmedical drug use"),
}
_NEVER = re.compile(
    r"\b(?:never|denies|denied|none|no|non-?smoker|nunca|niega|negado|negativo|ninguno)\b"
)
_FORMER = re.compile(
    r"\b(?:former|quit|ex-?smoker|exfumador\w*|ex|stopped|no longer|ya no|dejo|previo)\b"
)
_DAILY = re.compile(r"\b(?:daily|every day|packs?|ppd|a day|diario|diariamente|al dia)\b")
_CURRENT = re.compile(
    r"\b(?:current\w*|yes|si|smokes|fuma|occasional\w*|ocasional\w*|social\w*|actual)\b"
)
# SNOMED CT answers of the smoking status question (LOINC 72166-2).
_SMOKING_ANSWERS = {
    "never": ("266919005", "Never smoked tobacco"),
    "former": ("8517006", "Ex-smoker"),
    "daily": ("449868002", "Smokes tobacco daily"),
    "current": ("77176002", "Smoker"),
    "unknown": ("266927001", "Tobacco smoking consumption unknown"),
}


def social_history(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    """A tobacco, alcohol or drugs field, or each line of a social-history heading."""
    label = label_of(section.title.rstrip(":"))
    topic = label.detail if label is not None else ""
    statements = []
    for piece in reader.pieces(section):
        found = topic or _topic(piece.text)
        if found:
            habit = _habit(found, piece, section, ticked_option(reader, piece))
            habit.entity_ids = [p.entity.id for p in reader.inside(section.begin, section.end)]
            statements.append(habit)
    _claim_all(reader, section, claimed)
    return statements


def _topic(text: str) -> str:
    flat = plain(text)
    return next((topic for topic, words in _TOPIC_WORDS.items() if words.search(flat)), "")


def _habit(topic: str, piece: Piece, section: Section, ticked: str | None) -> Statement:
    """The habit and its answer: the option a checkbox marks where one is read, else the
    words written ("never", "nunca"); options listed with none read as marked say
    nothing ("None Occasional Daily")."""
    written = piece.text.split(":", 1)[1].strip() if ":" in piece.text else piece.text
    answer = ticked if ticked is not None else written
    statuses = _statuses(plain(answer))
    status = statuses[0] if len(statuses) == 1 else "unknown"
    code, display = _QUESTIONS[topic]
    statement = Statement(
        kind=StatementKind.SOCIAL_HISTORY,
        key=f"social/{topic}/{piece.begin}",
        text=display,
        begin=piece.begin,
        end=piece.end,
        section=SectionKind.SOCIAL_HISTORY,
        status=status,
        detail=answer,
        code=code,
        code_display=display,
    )
    if topic == "tobacco":
        statement.answer, statement.answer_display = _SMOKING_ANSWERS[status]
    return statement


def _statuses(flat: str) -> list[str]:
    found = [
        status
        for status, words in (
            ("never", _NEVER),
            ("former", _FORMER),
            ("daily", _DAILY),
            ("current", _CURRENT),
        )
        if words.search(flat)
    ]
    if "former" in found:
        return ["former"]  # "quit", "no longer smokes"
    if "daily" in found and "current" in found:
        found.remove("current")  # "smokes daily"
    return found


def ticked_option(reader: Reader, piece: Piece) -> str | None:
    """The option a ticked checkbox marks on a piece's line: a form field whose key is the
    option and whose box is SELECTED (Textract FORMS), or the word right of a SELECTED
    mark on the line; None when no mark is read there (text alone)."""
    for page in reader.document.pages:
        for field in page.fields:
            span = word_span(page, field.key.words)
            if field.selection is SelectionStatus.SELECTED and span and _within(span[0], piece):
                return reader.text[span[0] : span[1]]
        marks = [s.geometry.box for s in page.selections if s.status is SelectionStatus.SELECTED]
        for line in page.lines:
            if not marks or line.begin is None:
                continue
            if not (line.begin < piece.end and piece.begin < line.begin + len(line.text)):
                continue
            for mark in marks:
                word = _word_after(line, mark)
                if word is not None and word.begin is not None and _within(word.begin, piece):
                    return reader.text[word.begin : word.begin + len(word.text)]
    return None


def _within(offset: int, piece: Piece) -> bool:
    return piece.begin <= offset < piece.end


def _word_after(line: Line, mark: BoundingBox) -> Word | None:
    box = line.geometry.box
    if mark.top > box.top + box.height or mark.top + mark.height < box.top:
        return None  # another line
    after = [w for w in line.words if w.geometry.box.left >= mark.left + mark.width / 2]
    return min(after, key=lambda w: w.geometry.box.left, default=None)


def _claim_all(reader: Reader, section: Section, claimed: set[int]) -> None:
    # Whatever an engine tagged in a social-history field ("Tobacco use" as a condition
    # of the family) is read as the habit, not as a statement of its own.
    claimed.update(p.entity.id for p in reader.inside(section.begin, section.end))
