"""python -m meddoc.pricing: what a batch of N documents would cost on AWS, e.g. 1,000
one-page documents with every analysis on: --documents 1000 --all-analyses; Textract
in the cheap mode (words only): --textract-features NONE."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from pathlib import Path

import meddoc
from meddoc.pricing.estimate import Analyses, Assumptions, DocumentShape, WorkflowShape, estimate
from meddoc.pricing.report import render
from meddoc.textract_features import TEXTRACT_FEATURES, textract_features

CHECKOUT = Path(meddoc.__file__).resolve().parents[2]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.pricing", description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=1, help="pages per document")
    parser.add_argument("--pdf", action="store_true", help="PDFs (asynchronous detection)")
    parser.add_argument("--all-analyses", action="store_true")
    parser.add_argument(
        "--textract-features",
        type=textract_features,
        default=TEXTRACT_FEATURES,
        help="TextractFeatures: FORMS,TABLES,LAYOUT (default), a part of it, or NONE",
    )
    parser.add_argument("--chars-per-page", type=int, default=Assumptions().characters_per_page)
    parser.add_argument("--translated-share", type=float, default=0.0)
    parser.add_argument("--asl", type=Path, default=CHECKOUT / "statemachine/pipeline.asl.json")
    parser.add_argument("--template", type=Path, default=CHECKOUT / "template.yaml")
    args = parser.parse_args(argv)
    shape = WorkflowShape.from_files(args.asl, args.template)
    chosen = Analyses.all_on() if args.all_analyses else Analyses()
    analyses = dataclasses.replace(chosen, textract_features=args.textract_features)
    document = DocumentShape(args.pages, multi_page=args.pdf or args.pages > 1)
    assumptions = Assumptions(
        characters_per_page=args.chars_per_page, translated_share=args.translated_share
    )
    result = estimate([document] * args.documents, shape, analyses, assumptions)
    print(render(result), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
