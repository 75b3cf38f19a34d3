"""--dry-run: what would be uploaded, and what processing it on AWS would cost (with
meddoc's price table and the workflow read from the checkout's ASL and template)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from pushlib.optional import CHECKOUT, Package
from pushlib.plan import Plan, Planned
from pushlib.progress import megabytes
from pushlib.walk import Walked

ASL = CHECKOUT / "statemachine" / "pipeline.asl.json"
TEMPLATE = CHECKOUT / "template.yaml"
ANALYSES = ("pii", "icd10cm", "rxnorm", "snomedct", "detect_phi")  # the billable toggles
TEXTRACT_MODES = ("FORMS,TABLES,LAYOUT", "FORMS,TABLES", "NONE")  # TextractFeatures' values


@dataclass(frozen=True, slots=True)
class CostInputs:
    parameters: Mapping[str, str] | None  # the stack's, when known
    analyses: frozenset[str] | None = None  # chosen on the command line (wins)
    characters_per_page: int = 1_800
    translated_share: float = 0.0
    textract_features: str | None = None  # TextractFeatures on the command line (wins)


def print_plan(plan: Plan, walked: Walked, target: str, out: TextIO) -> None:
    size = sum(p.upload.size for p in plan.to_upload)
    out.write(
        f"dry run: {len(plan.to_upload)} files ({megabytes(size)}) would be uploaded to {target}\n"
    )
    for item in plan.to_upload:
        pages = item.checked.pages if item.checked.pages_known else "1?"
        where = item.upload.key or item.upload.name
        out.write(f"  {item.relative} -> {where}  [{item.checked.content_type}, {pages} p]\n")
    out.write(
        f"  already there {len(plan.already)}, duplicates {len(plan.duplicates)}, "
        f"rejected {len(plan.rejected)}\n"
    )
    for name, reason in plan.rejected:
        out.write(f"    rejected {name}: {reason}\n")
    for duplicate, original in plan.duplicates:
        out.write(f"    duplicate {duplicate}: the same bytes as {original} (sent once)\n")
    for item, where in plan.already:
        out.write(f"    already there {item.relative}: {where}\n")
    for skipped in walked.skipped:
        out.write(f"    skipped {skipped.relative}: {skipped.reason}\n")
    if walked.hidden:
        out.write(f"  left out {walked.hidden} hidden, system or excluded files\n")


def print_estimate(
    package: Package | None, items: Sequence[Planned], inputs: CostInputs, out: TextIO
) -> None:
    if package is None or package.pricing is None:
        out.write("no cost estimate: it needs the meddoc package (its src/ beside uploader/)\n")
        return
    if not (ASL.is_file() and TEMPLATE.is_file()):
        out.write("no cost estimate: statemachine/pipeline.asl.json and template.yaml not found\n")
        return
    estimate = _estimate(package.pricing, items, inputs)
    guessed = sum(1 for i in items if not i.checked.pages_known)
    notes = [_source(inputs), _textract_source(inputs)]
    if guessed:
        notes.append(
            f"{guessed} PDF or TIFF files counted as 1 page each (their pages are counted "
            "when meddoc and pypdf are installed)"
        )
    from meddoc.pricing.report import render

    out.write(render(estimate, notes))


def _source(inputs: CostInputs) -> str:
    if inputs.analyses is not None:
        return "optional analyses as chosen on the command line"
    if inputs.parameters is not None:
        return "optional analyses as the stack was deployed (its parameters)"
    return "optional analyses as template.yaml's defaults (the stack was not read)"


def _textract_source(inputs: CostInputs) -> str:
    if inputs.textract_features is not None:
        return "Textract features as chosen on the command line"
    if inputs.parameters is not None:
        return "Textract features as the stack was deployed (TextractFeatures)"
    return "Textract features as template.yaml's default (TextractFeatures)"


def _estimate(pricing: Any, items: Sequence[Planned], inputs: CostInputs) -> Any:
    parameters = dict(inputs.parameters or {})
    if inputs.textract_features is not None:
        parameters["TextractFeatures"] = inputs.textract_features
    stack = pricing.Analyses.from_parameters(parameters)
    if inputs.analyses is not None:
        chosen = {name: name in inputs.analyses for name in ANALYSES}
        analyses = pricing.Analyses(**chosen, textract_features=stack.textract_features)
    else:
        analyses = stack
    documents = [
        pricing.DocumentShape(pages=max(1, i.checked.pages), multi_page=i.checked.multi_page)
        for i in items
    ]
    assumptions = pricing.Assumptions(
        characters_per_page=inputs.characters_per_page,
        translated_share=inputs.translated_share,
    )
    shape = pricing.WorkflowShape.from_files(ASL, TEMPLATE)
    return pricing.estimate(documents, shape, analyses, assumptions)
