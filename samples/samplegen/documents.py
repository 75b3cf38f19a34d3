"""One sample document from its specification: the composed text and labels (the ground
truth, independent of fonts) and the page images (drawn, then aged like a scan or photo)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PIL import Image

from meddoc.serialization import to_dict
from samplegen import degrade, fonts, forms, reports, seeded
from samplegen.compose import HAND
from samplegen.draft import Draft
from samplegen.render import HALF_LETTER, LETTER, PageLayout, Paper, Pen, layout, render
from samplegen.structure import DOCUMENT_TYPES, structure_truth

KINDS: dict[str, tuple[Callable[[Draft], None], Paper]] = {
    "intake": (forms.intake_form, LETTER),
    "prescription": (forms.prescription, HALF_LETTER),
    "visit_note": (reports.visit_note, LETTER),
    "lab_report": (reports.lab_report, LETTER),
}
LANGUAGES = ("en", "es")
FORMATS = ("png", "jpg", "pdf", "tiff")
# Characters per line before wrapping, by paper and hand: handwriting runs wider.
WIDTHS = {
    (LETTER, False): 88,
    (LETTER, True): 66,
    (HALF_LETTER, False): 58,
    (HALF_LETTER, True): 50,
}
HAND_INKS = ((22, 38, 120), (30, 30, 40), (16, 60, 140))


@dataclass(frozen=True)
class Spec:
    name: str  # file stem and truth id
    kind: str
    language: str
    hand: bool
    look: str = degrade.SCAN
    fmt: str = "png"
    pages: int = 1
    checkboxes: bool = False  # intake forms get checkbox groups (bench sets; committed 01, 12)

    @property
    def file_name(self) -> str:
        return f"{self.name}.{self.fmt}"


def compose(spec: Spec, seed: int) -> Draft:
    build, paper = KINDS[spec.kind]
    rng = seeded(seed, spec.name, "text")
    width = WIDTHS[(paper, spec.hand)]
    draft = Draft(
        rng, spec.language, spec.hand, width, pages=spec.pages, checkboxes=spec.checkboxes
    )
    build(draft)
    return draft


def truth(spec: Spec, seed: int, draft: Draft) -> dict[str, Any]:
    """The ground truth file's content, in the shared model's entity format."""
    text = draft.composer.text
    entities, phi = draft.labels.resolve(text)
    chosen = pen(spec, seed)
    handwriting = [
        [line.begin + start, line.begin + end]
        for line in draft.composer.specs
        for start, end, style in line.runs
        if style == HAND
    ]
    return {
        "id": spec.name,
        "text": text,
        "language": spec.language,
        "lines": list(draft.composer.lines),
        "entities": [to_dict(e) for e in entities],
        "phi": [to_dict(p) for p in phi],
        "file": spec.file_name,
        "kind": spec.kind,
        "pages": spec.pages,
        "rotation": degrade.ROTATIONS.get(spec.look, 0),
        "look": spec.look,
        "handwriting": handwriting,
        "fonts": {"printed": chosen.printed.name, "handwriting": chosen.hand.name},
        "dpi": chosen.dpi,
        "seed": seed,
        "document_type": DOCUMENT_TYPES[spec.kind].value,
        **structure_truth(draft.structure, text, page_layouts(spec, seed, draft), chosen),
    }


def page_layouts(spec: Spec, seed: int, draft: Draft) -> list[PageLayout]:
    """Where every line sits on the clean pages (the renderer's own layout)."""
    paper = KINDS[spec.kind][1]
    chosen = pen(spec, seed)
    specs = draft.composer.specs
    return [
        layout([s for s in specs if s.page == number], paper, chosen)
        for number in range(1, spec.pages + 1)
    ]


def pen(spec: Spec, seed: int) -> Pen:
    rng = seeded(seed, spec.name, "pen")
    return Pen(
        printed=rng.choice(fonts.PRINTED),
        hand=rng.choice(fonts.HANDWRITING),
        ink=rng.choice(HAND_INKS),
        dpi=rng.choice((150, 160, 170)) if spec.kind != "prescription" else 200,
    )


def images(spec: Spec, seed: int, draft: Draft) -> list[Image.Image]:
    paper = KINDS[spec.kind][1]
    chosen = pen(spec, seed)
    pages = render(draft.composer.specs, spec.pages, paper, chosen, f"{seed}:{spec.name}:ink")
    return [
        degrade.age(page, spec.look, f"{seed}:{spec.name}:look:{number}")
        for number, page in enumerate(pages, 1)
    ]
