"""Peak memory of the AWS steps that read big documents, each case in its own process
(peak RSS from getrusage), against the function's MemorySize in template.yaml:

    python -m meddoc.bench.aws_memory [--pages 50,700,3000] [--pdf-mb 500]

Collection: a fake finished Textract job of N dense pages (60 lines x 12 words), its
result pages stored to files in /tmp (as GetTextDetection stores them to S3), then the
detection assembled from them. Validate: a sparse synthetic PDF of that size in /tmp,
hashed and identified by ranged reads; and, for comparison, read whole as before."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from meddoc.model import DocumentRecord, ObjectRef, TextDetection
from meddoc.ports import RecordChange

ROOT = Path(__file__).resolve().parents[3]
MB = 1 << 20
CHILD_MEMORY = 4096 * MB  # address space of one case


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def memory_setting(function: str) -> int:
    """MemorySize of a function in template.yaml (or the Globals' default)."""
    text = (ROOT / "template.yaml").read_text()
    default = int(re.search(r"Globals:.*?MemorySize: (\d+)", text, re.DOTALL)[1])  # type: ignore[index]
    block = re.search(rf"\n  {function}:\n(.*?)\n  \w", text, re.DOTALL)
    found = re.search(r"\n      MemorySize: (\d+)", block[1]) if block else None
    return int(found[1]) if found else default


def collect_case(pages: int, work: Path, assemble: bool) -> dict[str, Any]:
    from meddoc.aws.textract import TextractAsyncDetector
    from meddoc.bench.synthetic_textract import FakeTextractJob
    from meddoc.limits import Limits
    from meddoc.local.files import FileBlobStore
    from meddoc.pipeline.artifacts import Artifacts
    from meddoc.pipeline.detect_text import collect_text_detection
    from meddoc.pipeline.job import Job, ResultsLayout

    class Measured(TextractAsyncDetector):
        collected = 0.0

        def assemble(self, responses: Iterable[Any]) -> TextDetection:
            Measured.collected = peak_mb()  # every result page stored by now
            if not assemble:
                raise _NotAssembled
            return super().assemble(responses)

    start = peak_mb()
    job = Job(ObjectRef("uploads", "big.pdf"), document_id="b" * 64, text_job_id="job")
    artifacts = Artifacts(FileBlobStore(work), ResultsLayout("results"))
    with contextlib.suppress(_NotAssembled):  # the figure of collection alone is taken
        collect_text_detection(
            job, detector=Measured(FakeTextractJob(pages)), artifacts=artifacts, limits=Limits()
        )
    return {
        "case": f"collect {pages} pages" + ("" if assemble else " (not assembled)"),
        "function": "GetTextDetectionFunction",
        "start_mb": start,
        "collect_mb": Measured.collected,
        "peak_mb": peak_mb() if assemble else Measured.collected,
        "assembled": assemble,
    }


class _NotAssembled(Exception):
    pass


class _Records:
    """The document store validate needs, in memory."""

    def __init__(self) -> None:
        self.records: dict[str, DocumentRecord] = {}

    def get(self, document_id: str) -> DocumentRecord | None:
        return self.records.get(document_id)

    def create(self, record: DocumentRecord) -> bool:
        return self.records.setdefault(record.id, record) is record

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        change(self.records[document_id])
        return self.records[document_id]

    def index(self, document_id: str, terms: Iterable[Any], text: str) -> None:
        pass


def validate_case(megabytes: int, work: Path, whole: bool) -> dict[str, Any]:
    from meddoc.bench.synthetic_pdf import write_sparse_pdf
    from meddoc.limits import Limits
    from meddoc.local.files import FileBlobStore
    from meddoc.pipeline.file_types import identify
    from meddoc.pipeline.job import Job
    from meddoc.pipeline.validate import validate

    pages = 1000
    (work / "uploads").mkdir(parents=True, exist_ok=True)
    path = work / "uploads" / "big.pdf"
    size = write_sparse_pdf(path, pages, (megabytes - 1) * MB // pages)  # within the limit
    start = peak_mb()
    if whole:  # as Validate did before: the whole file in memory, hashed and identified
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        page_count = identify(data, Limits()).page_count
        action = "process"
    else:
        job = validate(
            Job(ObjectRef("uploads", "big.pdf")),
            blobs=FileBlobStore(work),
            store=_Records(),
            limits=Limits(),
            now=lambda: datetime.now(UTC),
        )
        digest, page_count, action = job.document_id, job.page_count, job.action
    return {
        "case": f"validate {size / MB:.0f} MB PDF" + (" (whole, as before)" if whole else ""),
        "function": "ValidateFunction",
        "start_mb": start,
        "peak_mb": peak_mb(),
        "pages": page_count,
        "action": action,
        "id": digest[:12],
    }


def run_case(argv: list[str]) -> dict[str, Any]:
    """One case in a child process (so each peak is its own)."""
    command = [sys.executable, "-m", "meddoc.bench.aws_memory", "--child", *argv]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"case": " ".join(argv), "error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def child(argv: list[str]) -> None:
    kind, amount = argv[0], int(argv[1])
    # A case that would take the machine's memory fails here instead (MemoryError).
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    work = Path(tempfile.mkdtemp(prefix="meddoc-aws-memory-"))
    try:
        if kind.startswith("collect"):
            result = collect_case(amount, work, assemble=kind == "collect")
        else:
            result = validate_case(amount, work, whole=kind == "validate-whole")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


def report(result: dict[str, Any]) -> str:
    if "error" in result:
        return f"{result['case']:<42} failed: {result['error']}"
    limit = memory_setting(result["function"])
    line = f"{result['case']:<46} peak RSS {result['peak_mb']:6.0f} MB"
    if result.get("assembled"):
        line += f" (storing the result pages: {result['collect_mb']:.0f} MB)"
    fits = "within" if result["peak_mb"] <= limit else "OVER"
    line += f"; {fits} {result['function']} MemorySize {limit} MB"
    line += f"; {result['start_mb']:.0f} MB after imports"
    if "pages" in result:
        line += f"; {result['pages']} pages, {result['action']}"
    return line


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--child":
        child(args[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", default="50,700,3000")
    parser.add_argument("--pdf-mb", type=int, default=500)
    parser.add_argument("--skip-whole", action="store_true", help="no before-figure")
    parser.add_argument(
        "--assemble-up-to",
        type=int,
        default=700,
        help="assemble the detection only for jobs up to this many pages (larger ones "
        "need more memory than a shared machine should give a benchmark)",
    )
    options = parser.parse_args(args)
    cases = []
    for pages in options.pages.split(","):
        cases.append(["collect-only", pages])
        if int(pages) <= options.assemble_up_to:
            cases.append(["collect", pages])
    cases.append(["validate", str(options.pdf_mb)])
    if not options.skip_whole:
        cases.append(["validate-whole", str(options.pdf_mb)])
    print(f"python {sys.version.split()[0]}; peak RSS of one process per case")
    for case in cases:
        print(report(run_case(case)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
