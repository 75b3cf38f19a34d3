"""Admission control at scale, two ways. `python -m meddoc.bench.aws_load` (from the
repository root; `make bench-aws`):

1. moto: uploads through the real starter and the real pipeline ASL, with the real
   handlers in-process, against fake Textract / Comprehend / Comprehend Medical that
   enforce quotas and throttle beyond them (tests/workflow/load_run.py). Waits are
   compressed (ASL retry backoff and the starter's deferral / `--scale`), attempt counts
   never. A second run raises the in-flight limit far over lowered quotas and injects
   random throttles.
2. simulation: a discrete-event model of a 10,000-upload burst whose route, retry
   policies, timeout, quotas, limit and queue settings are read from
   statemachine/pipeline.asl.json and template.yaml (so the figures move with them),
   with assumed service latencies (meddoc/bench/aws_simulation.py).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from meddoc.bench.aws_simulation import LATENCY, read_setup, simulate

ROOT = Path.cwd()


def moto_runs(count: int, stress: int, scale: float) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    load_run: Any = importlib.import_module("tests.workflow.load_run")
    figures: dict[str, Any] = {}
    if count:
        print(f"moto: {count} uploads at the default quotas and derived limit ...", flush=True)
        with quiet():
            figures["default"] = load_run.run(count, scale=scale)
        _print("moto, default quotas, derived in-flight limit", figures["default"])
    if stress:
        print(f"moto: {stress} uploads over lowered quotas, injected throttles ...", flush=True)
        with quiet():
            figures["stress"] = load_run.run(
                stress,
                scale=100.0,
                limit=30,
                tps={"DetectDocumentText": 0.01, "DetectEntitiesV2": 0.02},
                inject=0.02,
            )
        _print(
            "moto, in-flight limit 30 over quotas lowered to 1-2 calls per real second, "
            "2 % of all AI calls throttled at random",
            figures["stress"],
        )
    return figures


def quiet() -> contextlib.redirect_stdout[io.StringIO]:
    """The handlers' metrics (powertools prints them) stay out of the figures."""
    return contextlib.redirect_stdout(io.StringIO())


def simulations(uploads: int, asl: Path, template: Path, compare: Path | None) -> dict[str, Any]:
    scenarios: dict[str, tuple[Path, int | None]] = {
        "this tree (template defaults)": (asl, None),
        "MaxInFlight 80 (8x the derived limit)": (asl, 80),
        "no admission (every upload starts at once)": (asl, 10**9),
    }
    if compare:
        scenarios["no admission, the compared ASL"] = (compare, 10**9)
    figures = {}
    for name, (path, limit) in scenarios.items():
        figures[name] = simulate(read_setup(path, template, limit), uploads)
        _print(f"simulation, {uploads} uploads, {name} [{path}]", figures[name])
    return figures


def _print(title: str, figures: dict[str, Any]) -> None:
    print(f"\n== {title}")
    for key, value in figures.items():
        print(f"  {key:32} {value}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.aws_load", description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="moto uploads (0: none)")
    parser.add_argument("--stress", type=int, default=200, help="moto uploads of the stress run")
    parser.add_argument("--scale", type=float, default=20.0, help="moto time compression")
    parser.add_argument("--simulate", type=int, default=10_000, help="simulated uploads")
    parser.add_argument("--asl", type=Path, default=ROOT / "statemachine" / "pipeline.asl.json")
    parser.add_argument("--template", type=Path, default=ROOT / "template.yaml")
    parser.add_argument("--compare-asl", type=Path, help="also simulate this ASL unadmitted")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {"assumed_latency_seconds": LATENCY}
    report["simulation"] = simulations(args.simulate, args.asl, args.template, args.compare_asl)
    report["moto"] = moto_runs(args.count, args.stress, args.scale)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
