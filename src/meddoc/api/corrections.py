"""What a reviewer's correction changes, worked out against the document as reviewed so
far: an entity (corrected, added, removed) or the value of a form field or table cell.
The review service writes each draft the same way (with its audit event, in one unit of
work) whatever it corrects."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meddoc import serialization
from meddoc.errors import Conflict
from meddoc.model import Correction, CorrectionKind, Document, MedicalEntity
from meddoc.review import (
    check_correction,
    check_structure_correction,
    keep_details,
    reviewed_view,
)


@dataclass(slots=True)
class Draft:
    """A correction but for who made it, when and why; `before` and `after` go to the
    audit trail. `reindex`: the document's search terms change with it."""

    kind: CorrectionKind
    before: Any
    after: Any
    entity_id: int | None = None
    entity: MedicalEntity | None = None
    target: str = ""
    value: str = ""
    reindex: bool = False


# Drafts a correction from the processed document and the corrections made so far;
# Conflict or InvalidRequest when it cannot apply.
Drafting = Callable[[Document, list[Correction]], Draft]


def entity_draft(
    kind: CorrectionKind, entity_id: int | None, entity: MedicalEntity | None
) -> Drafting:
    def draft(document: Document, corrections: list[Correction]) -> Draft:
        if document.medical is None:
            raise Conflict("the document has no medical analysis to correct")
        current = {e.id: e for e in reviewed_view(document, corrections)}
        given = copy.deepcopy(entity)  # checked and completed afresh on each attempt
        before = check_correction(kind, entity_id, given, current, document)
        if kind == CorrectionKind.CORRECT and given is not None and entity_id is not None:
            given = keep_details(given, current[entity_id])
        after = serialization.to_dict(given) if given is not None else None
        return Draft(kind, before, after, entity_id=entity_id, entity=given, reindex=True)

    return draft


def structure_draft(kind: CorrectionKind, target: str, value: str) -> Drafting:
    def draft(document: Document, corrections: list[Correction]) -> Draft:
        before = check_structure_correction(kind, target, document, corrections)
        return Draft(kind, before, {**before, "value": value}, target=target, value=value)

    return draft
