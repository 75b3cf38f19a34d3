"""Cold-start figures of the Lambda functions on an x86 stand-in: the layers built as
src/Makefile builds them (for x86_64 here), their zipped sizes, and each handler's import
time under the runtime's Python (`-X importtime`, best of N).

  PYENV_VERSION=3.11.7:3.12.1 python -m meddoc.bench.coldstart [--compare]

--compare also builds the layout this replaced (one layer with Pillow and pdfium, no
bytecode) and times both, handler by handler, so both figures come from one run."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
X86 = "--platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64"
RUNTIME_BOTO3 = "boto3==1.44.8"  # the Lambda runtime brings its own; pinned as pyproject
LAYERS = ("CoreLayer", "ImagingLayer")
IMAGING_USERS = frozenset({"api"})  # functions whose template entry adds ImagingLayer
CPU_TIMED_IMPORT = (
    "import time; t = time.process_time(); import app; print(time.process_time() - t)"
)
IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|\s+(\S.*)$")
# What the handlers read at import (their settings); the values are never used.
ENVIRONMENT = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_LAMBDA_FUNCTION_NAME": "coldstart",  # powertools acts as on Lambda (tracer on)
    "RESULTS_BUCKET": "results",
    "TABLE_NAME": "documents",
    "IDEMPOTENCY_TABLE": "idempotency",
    "UPLOAD_BUCKET": "uploads",
    "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:pipeline",
    "API_KEY_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:key",
    "STUCK_AFTER_MINUTES": "180",
    "POWERTOOLS_SERVICE_NAME": "meddoc",
    "POWERTOOLS_METRICS_NAMESPACE": "meddoc",
    "PYTHONDONTWRITEBYTECODE": "1",  # each run finds the layer as shipped
}


@dataclass
class Figures:
    layout: str
    layers_zipped_mb: dict[str, float]
    layers_unzipped_mb: dict[str, float]
    import_ms: dict[str, float]  # -X importtime's cumulative time of app, best of the runs
    import_cpu_ms: dict[str, float]  # CPU time of the same import (steadier on a busy host)


def build_layers(out: Path, runtime_python: str, shipped_before: bool) -> dict[str, Path]:
    """Each layer's artifacts directory, built by src/Makefile for x86_64."""
    built = {}
    for layer in LAYERS:
        artifacts = out / layer
        shutil.rmtree(artifacts, ignore_errors=True)
        artifacts.mkdir(parents=True)
        _make(layer, artifacts, runtime_python)
        built[layer] = artifacts
    if shipped_before:  # one layer, Pillow and pdfium inside, sources only
        shutil.copytree(built["ImagingLayer"], built["CoreLayer"], dirs_exist_ok=True)
        shutil.rmtree(built.pop("ImagingLayer"))
        for cache in built["CoreLayer"].rglob("__pycache__"):
            shutil.rmtree(cache)
    return built


def _make(layer: str, artifacts: Path, runtime_python: str) -> None:
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT / "src"),
            f"build-{layer}",
            f"ARTIFACTS_DIR={artifacts}",
            f"PYTHON={sys.executable}",
            f"RUNTIME_PYTHON={runtime_python}",
            f"LAYER_PLATFORMS={X86}",
        ],
        check=True,
    )


def runtime_stand_in(out: Path, runtime_python: str) -> Path:
    """boto3 as the Lambda runtime provides it (compiled, as there), outside the layers."""
    target = out / "runtime"
    if not (target / "boto3").exists():
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target)),
                *X86.split(),
                *("--python-version", "3.12", "--only-binary=:all:", RUNTIME_BOTO3),
            ],
            check=True,
        )
        subprocess.run([runtime_python, "-m", "compileall", "-q", str(target)], check=True)
    return target


def zipped_mb(directory: Path) -> float:
    """The layer as SAM uploads it: a deflated zip of its artifacts directory."""
    with tempfile.TemporaryFile() as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(directory.rglob("*")):
                archive.write(path, path.relative_to(directory))
        return handle.tell() / 1e6


def unzipped_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6


def import_ms(
    function: Path, paths: Sequence[Path], runtime_python: str, runs: int
) -> tuple[float, float]:
    """The handler module's cumulative import time and the CPU time it took, each the
    best of `runs` fresh interpreters."""
    environment = {**os.environ, **ENVIRONMENT}
    environment["PYTHONPATH"] = os.pathsep.join(str(p) for p in paths)
    best, best_cpu = float("inf"), float("inf")
    for _ in range(runs):
        run = subprocess.run(
            [runtime_python, "-X", "importtime", "-c", CPU_TIMED_IMPORT],
            cwd=function,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            raise RuntimeError(f"{function.name} failed to import:\n{run.stderr[-2000:]}")
        best = min(best, _cumulative_us(run.stderr, "app") / 1000)
        best_cpu = min(best_cpu, float(run.stdout.split()[-1]) * 1000)
    return best, best_cpu


def _cumulative_us(report: str, module: str) -> int:
    for line in report.splitlines():
        found = IMPORT_LINE.search(line)
        if found and found.group(3).strip() == module:
            return int(found.group(2))
    raise RuntimeError(f"no import time for {module}")


BEFORE = "shipped before (one layer with Pillow and pdfium, no .pyc)"
AFTER = "core layer + imaging layer (API only), .pyc"


def measure(out: Path, runtime_python: str, runs: int, layouts: Sequence[str]) -> list[Figures]:
    """Figures per layout; each handler is timed in every layout in turn, so a busy host
    slows the layouts alike."""
    built = {
        layout: build_layers(out / str(n), runtime_python, layout == BEFORE)
        for n, layout in enumerate(layouts)
    }
    runtime = runtime_stand_in(out, runtime_python)
    figures = [
        Figures(
            layout,
            {name: round(zipped_mb(path), 2) for name, path in layers.items()},
            {name: round(unzipped_mb(path), 2) for name, path in layers.items()},
            {},
            {},
        )
        for layout, layers in built.items()
    ]
    for function in sorted((ROOT / "functions").iterdir()):
        if not (function / "app.py").exists():
            continue
        for figure in figures:
            layers = built[figure.layout]
            paths = [layers["CoreLayer"] / "python"]
            if function.name in IMAGING_USERS and "ImagingLayer" in layers:
                paths.append(layers["ImagingLayer"] / "python")
            wall, used = import_ms(function, [*paths, runtime], runtime_python, runs)
            figure.import_ms[function.name] = round(wall)
            figure.import_cpu_ms[function.name] = round(used)
    return figures


def render(figures: Figures, runs: int) -> str:
    lines = [f"layout: {figures.layout} (x86_64 stand-in; imports best of {runs})"]
    for name, size in figures.layers_zipped_mb.items():
        unzipped = figures.layers_unzipped_mb[name]
        lines.append(f"  {name:<14} {size:6.2f} MB zipped  ({unzipped:.2f} MB unzipped)")
    lines.append(f"  {'handler import':<29} {'importtime':>10} {'CPU':>8}")
    for function, ms in figures.import_ms.items():
        used = figures.import_cpu_ms[function]
        lines.append(f"  {function:<29} {ms:7.0f} ms {used:5.0f} ms")
    slowest = max(figures.import_ms.values(), default=0)
    slowest_cpu = max(figures.import_cpu_ms.values(), default=0)
    lines.append(f"  {'slowest':<29} {slowest:7.0f} ms {slowest_cpu:5.0f} ms")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m meddoc.bench.coldstart", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / ".aws-sam" / "coldstart")
    parser.add_argument("--python", default="python3.12", help="the Lambda runtime's Python")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compare", action="store_true", help="also the layout shipped before, interleaved"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    runtime_python = shutil.which(args.python)
    if runtime_python is None:
        parser.error(f"{args.python} is not on PATH (e.g. PYENV_VERSION=3.11.7:3.12.1)")
    layouts = [BEFORE, AFTER] if args.compare else [AFTER]
    figures = measure(args.out, runtime_python, args.runs, layouts)
    print("\n".join(render(figure, args.runs) for figure in figures))
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    if args.json:
        args.json.write_text(json.dumps([asdict(figure) for figure in figures], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
