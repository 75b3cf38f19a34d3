"""Generate fictitious-patient medical documents with their ground truth.

python samples/generate.py --out samples/                  # the committed set
python samples/generate.py --count 200 --out /tmp/bench     # a larger random set
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _importable() -> None:
    """Run from a checkout without installing: the generator package sits beside this
    script and meddoc under ../src."""
    sys.path.insert(0, str(HERE))
    try:
        import meddoc  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(HERE.parent / "src"))


def main(argv: list[str] | None = None) -> int:
    _importable()
    from samplegen import fonts, plan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=plan.COMMITTED_SEED)
    parser.add_argument(
        "--count", type=int, default=None, help="random documents (default: the committed set)"
    )
    parser.add_argument(
        "--checkboxes", action="store_true", help="random intake forms get checkbox groups"
    )
    parser.add_argument("--truth-only", action="store_true", help="write the truth files only")
    args = parser.parse_args(argv)
    specs = (
        list(plan.COMMITTED)
        if args.count is None
        else plan.random_plan(args.count, args.seed, checkboxes=args.checkboxes)
    )
    if fonts.missing():  # the truth's boxes come from the fonts' metrics too
        packages = " ".join(fonts.PACKAGES)
        print(f"missing fonts {fonts.missing()}; apt-get install {packages}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    written = 0
    for spec in specs:
        paths = plan.write(spec, args.seed, args.out, with_images=not args.truth_only)
        written += sum(path.stat().st_size for path in paths)
    elapsed = time.perf_counter() - started
    print(f"{len(specs)} documents, {written / 1e6:.2f} MB in {args.out} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
