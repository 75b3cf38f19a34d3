"""Peak memory and time of each poison file, and of the largest files the limits accept,
through one stage of meddoc, each in a fresh child process under an address-space cap:

    PYTHONPATH=src .venv/bin/python -m tests.poison.measure --stage view [kind ...]

Stages: validate (file_types.identify, as validation and the uploader run it), pages (the
OCR page loader), ocr (the whole offline OCR engine), view (a reviewer's page image).
A figure, not a test: nothing here asserts."""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.poison import BY_KIND, images, pdfs

STAGES = ("validate", "pages", "ocr", "view")


def _pillow(mode: str, size: tuple[int, int], fmt: str, **options: object) -> Callable[[], bytes]:
    def make() -> bytes:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new(mode, size, 255 if mode in ("L", "I;16") else "white").save(
            buffer, fmt, **options
        )
        return buffer.getvalue()

    return make


def _busy_pdf() -> bytes:
    """A 40 x 40 inch page with just under 16 MB of drawing instructions."""
    content = b"1 1 5 5 re f\n" * ((16 << 20) // 13 - 1000)
    return pdfs.pages_pdf(size=(2880, 2880), content=content)


# The largest files the default limits accept: what bounds memory for good uploads.
LARGEST: dict[str, Callable[[], bytes]] = {
    "largest-png-rgb": lambda: images.png(10_000, 8_000, color_type=2),
    "largest-png-16bit": lambda: images.png(10_000, 8_000, bit_depth=16),
    "largest-jpeg": _pillow("RGB", (10_000, 8_000), "JPEG", quality=20),
    "largest-jpeg-progressive": _pillow("RGB", (10_000, 8_000), "JPEG", progressive=True),
    "largest-tiff": _pillow("RGB", (10_000, 8_000), "TIFF", compression="tiff_deflate"),
    "largest-pdf-page": _busy_pdf,
    "pdf-9000pt-page": lambda: pdfs.pages_pdf(size=(9000, 9000)),
    "pdf-14400pt-page": lambda: pdfs.pages_pdf(size=(14400, 14400)),
}


def run_stage(stage: str, data: bytes) -> str:
    if stage == "validate":
        from meddoc.pipeline.file_types import identify

        return f"accepted, {identify(data).page_count} page(s)"
    if stage == "pages":
        from meddoc.limits import Limits
        from meddoc.local.ocr.pages import page_images

        shapes = [pixels.shape[:2] for pixels in page_images(data, Limits())]
        return f"read {len(shapes)} page(s), first {shapes[0][1]}x{shapes[0][0]}"
    if stage == "ocr":
        from meddoc.local.ocr import OcrConfig, OcrEngine

        detection = OcrEngine(OcrConfig()).read_document(data)
        return f"read {len(detection.pages)} page(s)"
    from PIL import Image

    from meddoc.page_images import render_page

    width, height = Image.open(io.BytesIO(render_page(data, 1, 0, []))).size
    return f"shown {width}x{height}"


def peak_mb() -> int:
    """This process's peak resident memory. Not ru_maxrss: Linux carries the parent's
    peak across fork and exec into it."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def child(stage: str, path: Path) -> None:
    data = path.read_bytes()
    started = time.perf_counter()
    try:
        outcome = run_stage(stage, data)
    except Exception as exc:
        outcome = f"{type(exc).__name__}: {exc}"
    print(
        json.dumps(
            {
                "outcome": outcome,
                "seconds": round(time.perf_counter() - started, 2),
                "peak_mb": peak_mb(),
            }
        )
    )


def measure(stage: str, kinds: list[str], cap_gb: float, folder: Path) -> None:
    cap = int(cap_gb * (1 << 30))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    print(f"stage {stage}, address space capped at {cap_gb:g} GB per child")
    for kind in kinds:
        make = LARGEST.get(kind) or BY_KIND[kind].make
        path = folder / kind
        path.write_bytes(make())
        done = subprocess.run(
            [sys.executable, "-m", "tests.poison.measure", "--child", stage, str(path)],
            capture_output=True,
            text=True,
            preexec_fn=limit,
            check=False,
        )
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            row = {"outcome": f"child died ({done.returncode})", "seconds": 0, "peak_mb": 0}
        else:
            row = json.loads(lines[-1])
        print(
            f"  {kind:26} {path.stat().st_size:>9} B {row['seconds']:>7.2f} s "
            f"peak {row['peak_mb']:>5} MB  {row['outcome'][:110]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stage", choices=STAGES, default="validate")
    parser.add_argument("--cap-gb", type=float, default=4.0)
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("kinds", nargs="*", help="poison kinds or largest-* (default: all)")
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    kinds = args.kinds or [*BY_KIND, *LARGEST]
    with tempfile.TemporaryDirectory() as folder:
        measure(args.stage, kinds, args.cap_gb, Path(folder))


if __name__ == "__main__":
    main()
