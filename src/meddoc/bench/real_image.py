"""The one real page with genuine Comprehend Medical output for its text: the
medical_notes.png visit note through local OCR and NLP, scored on the original text.

Its text is the input of the InferICD10CM example `icd10_40yo_mother_2020` (published
abridged: four conditions, invalid JSON); `cli_de_v2_clonidine` is two of its sentences and
`de_v1_heent_vyvanse_2019` shares its "Meds" line. No response covers the whole page in
every category, so only recall of these genuine entities is measured; precision is
measured against the local engine's own output on the typed text (what OCR costs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from meddoc.bench.alignment import OffsetMap, map_entities
from meddoc.bench.medical import cm_entity, predict
from meddoc.bench.medical_metrics import ALL_CATEGORIES, CATEGORIES, headline, score_document
from meddoc.bench.ocr_metrics import character_errors
from meddoc.model import MedicalEntity

if TYPE_CHECKING:
    from meddoc.bench.end_to_end import Pipeline

IMAGE = Path("medical-images/medical_notes.png")
ORIGINAL = "icd10_40yo_mother_2020"  # its input is the page's text as typed
SOURCES = (
    ("icd10_40yo_mother_2020", "response.partial.txt", ("MEDICAL_CONDITION",)),
    ("cli_de_v2_clonidine", "response.json", ("MEDICATION",)),
    ("de_v1_heent_vyvanse_2019", "response.json", ALL_CATEGORIES),
)
_CONTEXT = 8  # characters around an entity that must match too
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def balanced_objects(text: str) -> list[dict[str, Any]]:
    """Every complete JSON object in a text that is not valid JSON as a whole (an abridged
    published response), inner ones before the objects holding them; trailing commas
    are forgiven."""
    found: list[dict[str, Any]] = []
    starts: list[int] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        elif char == "{":
            starts.append(index)
        elif char == "}" and starts:
            begin = starts.pop()
            try:
                found.append(json.loads(_TRAILING_COMMA.sub(r"\1", text[begin : index + 1])))
            except json.JSONDecodeError:
                continue
    return found


def response_entities(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError:
        entities = [o for o in balanced_objects(text) if {"Category", "Text"} <= o.keys()]
        for entity in entities:
            if "ICD10CMConcepts" in entity:
                # The abridged InferICD10CM example lost the last entity's Type; every
                # coded entity of that API is a DX_NAME.
                entity.setdefault("Type", "DX_NAME")
        return [e for e in entities if "Type" in e]
    if isinstance(data, list):
        return data
    return list(data["Entities"]) if "Entities" in data else [data]


def genuine_references(folder: Path) -> tuple[str, list[MedicalEntity]]:
    """The page's typed text and the headline entities of every genuine response whose
    text lies, letter for letter, in that page."""
    original = (folder / f"{ORIGINAL}.input.txt").read_text(encoding="utf-8")
    references: dict[tuple[str, int, int], MedicalEntity] = {}
    for name, response, categories in SOURCES:
        source = (folder / f"{name}.input.txt").read_text(encoding="utf-8")
        raw = response_entities(folder / f"{name}.{response}")
        entities = headline([cm_entity(source, e) for e in raw], categories)
        offsets = OffsetMap(source, original)
        for entity, moved in zip(entities, map_entities(entities, offsets), strict=True):
            # Only where the page repeats the response's text, context included: "HEENT"
            # of another note's "HEENT: Oropharynx clear" is no reference here.
            if offsets.block_length(entity.begin, entity.end) >= len(entity.text) + _CONTEXT:
                references.setdefault((str(moved.category), moved.begin, moved.end), moved)
    return original, sorted(references.values(), key=lambda e: e.begin)


def real_image_report(pipeline: Pipeline, shared: Path) -> dict[str, Any]:
    folder = shared / "comprehend-medical"
    if not (shared / IMAGE).exists():
        print(f"\nreal image: {shared / IMAGE} not found, skipped")
        return {}
    original, references = genuine_references(folder)
    ocr_text = pipeline.read((shared / IMAGE).read_bytes())
    predicted = predict(pipeline.medical, pipeline.phi, ocr_text, "en")
    mapped = map_entities(predicted, OffsetMap(ocr_text, original))
    typed = predict(pipeline.medical, pipeline.phi, original, "en")
    found = score_document(references, mapped, ALL_CATEGORIES)
    ceiling = score_document(references, typed, ALL_CATEGORIES)
    ocr_loss = score_document(typed, mapped, CATEGORIES).micro()
    edits, characters = character_errors(original, ocr_text)
    matched = {r.text for r in references if _found(r, mapped)}
    print(f"\nREAL IMAGE {IMAGE.name} (OCR CER {edits / max(1, characters):.3f} vs typed text)")
    print(
        f"genuine CM entities on the page: {len(references)}; found from the image "
        f"{len(matched)} (recall {found.micro().recall:.3f}), from the typed text "
        f"{ceiling.micro().recall:.3f}; ICD-10-CM top-1 {_value(found.icd10_top1.value)}"
    )
    print(f"  found: {sorted(matched)}")
    print(f"  missed: {sorted(r.text for r in references if r.text not in matched)}")
    print(
        f"image vs typed text, same engine (what OCR costs): P {ocr_loss.precision:.3f} "
        f"R {ocr_loss.recall:.3f} F1 {ocr_loss.f1:.3f} (n={ocr_loss.references})"
    )
    return {
        "image": str(IMAGE),
        "reference_sources": [name for name, _, _ in SOURCES],
        "cer": edits / max(1, characters),
        "genuine_references": len(references),
        "genuine_recall": found.micro().recall,
        "genuine_recall_from_typed_text": ceiling.micro().recall,
        "icd10cm_top1": found.icd10_top1.value,
        "vs_typed_text": {
            "precision": ocr_loss.precision,
            "recall": ocr_loss.recall,
            "f1": ocr_loss.f1,
        },
    }


def _found(reference: MedicalEntity, predicted: list[MedicalEntity]) -> bool:
    return any(
        p.category == reference.category and p.begin < reference.end and reference.begin < p.end
        for p in headline(predicted, ALL_CATEGORIES)
    )


def _value(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
