"""What the run did, for people (stdout) and scripts (the exit code, and --report's
JSON): uploaded, already there, duplicates, rejected with reasons, upload errors, and
with --wait the documents that FAILED with their reasons."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pushlib.follow import Followed
from pushlib.plan import Plan
from pushlib.progress import megabytes
from pushlib.upload import Results
from pushlib.walk import Walked

# Exit codes (documented in the CLI's --help).
OK = 0  # every file uploaded or already there (with --wait: every document DONE)
REJECTED = 1  # some files were refused before upload (reasons listed); the rest went up
USAGE = 2  # bad arguments or configuration: no stack, no credentials, token refused
UPLOAD_ERRORS = 3  # some files could not be uploaded: run the same command again
PROCESSING_FAILED = 4  # --wait: some documents ended FAILED (reasons listed)
TIMED_OUT = 5  # --wait: time ran out before every document was DONE or FAILED
INTERRUPTED = 130  # Ctrl-C: run the same command again to upload the rest
SHOWN = 50  # entries listed per category (--report FILE has them all)


@dataclass(slots=True)
class Outcome:
    walked: Walked
    plan: Plan
    results: Results
    followed: Followed | None = None
    names: dict[str, list[str]] = field(default_factory=dict)  # document id -> files

    @property
    def rejected(self) -> list[tuple[str, str]]:
        refused = [(p.relative, reason) for p, reason in self.results.refused]
        return self.plan.rejected + refused

    @property
    def already(self) -> list[tuple[str, str]]:
        listed = [(p.relative, where) for p, where in self.plan.already]
        return listed + [(p.relative, why) for p, why in self.results.known]

    def exit_code(self) -> int:
        followed = self.followed
        if self.results.interrupted or (followed is not None and followed.interrupted):
            return INTERRUPTED
        if self.results.failed:
            return UPLOAD_ERRORS
        if followed is not None and followed.timed_out:
            return TIMED_OUT
        if followed is not None and followed.failed:
            return PROCESSING_FAILED
        return REJECTED if self.rejected else OK


def print_summary(outcome: Outcome, destination: str, out: TextIO) -> None:
    results = outcome.results
    rate = len(results.uploaded) / results.seconds if results.seconds else 0.0
    write = out.write
    write(f"meddoc upload to {destination}\n")
    write(
        f"  uploaded       {len(results.uploaded):6} files, "
        f"{megabytes(results.uploaded_bytes)} in {results.seconds:.1f} s ({rate:.1f} files/s)\n"
    )
    _listed(out, "already there", outcome.already)
    duplicates = [(d, f"the same bytes as {o} (sent once)") for d, o in outcome.plan.duplicates]
    _listed(out, "duplicates", duplicates)
    _listed(out, "rejected", outcome.rejected)
    _listed(out, "upload errors", [(p.relative, r) for p, r in results.failed])
    walked = outcome.walked
    if walked.hidden or walked.skipped:
        write(f"  left out       {walked.hidden:6} hidden, system or excluded files\n")
        _listed(out, "skipped", [(s.relative, s.reason) for s in walked.skipped])
    if outcome.followed is not None:
        _print_followed(outcome, out)
    if results.interrupted:
        write("interrupted: run the same command again to upload the rest\n")
    elif results.failed:
        write("some files were not uploaded: run the same command again to retry them\n")


def _print_followed(outcome: Outcome, out: TextIO) -> None:
    followed = outcome.followed
    assert followed is not None
    out.write(f"  processed DONE {len(followed.done):6}\n")
    failed = [
        (_name(outcome, i), f"{k.reason} (step {k.step})" if k.step else k.reason)
        for i, k in followed.failed.items()
    ]
    _listed(out, "FAILED", failed)
    if followed.pending:
        unseen = sum(1 for s in followed.pending.values() if not s)
        why = "timed out" if followed.timed_out else "stopped"
        out.write(
            f"  still waiting  {len(followed.pending):6} ({why}; {unseen} never seen by "
            "the pipeline: on AWS, look in the StartFailuresQueue)\n"
        )


def _name(outcome: Outcome, document_id: str) -> str:
    names = outcome.names.get(document_id) or [document_id[:12]]
    return " = ".join(names)


def _listed(out: TextIO, title: str, entries: Sequence[tuple[str, str]]) -> None:
    if not entries:
        return
    out.write(f"  {title:<14} {len(entries):6}\n")
    for name, reason in entries[:SHOWN]:
        out.write(f"    {name}: {reason}\n")
    if len(entries) > SHOWN:
        out.write(f"    ... and {len(entries) - SHOWN} more (--report FILE lists them all)\n")


def write_report(outcome: Outcome, destination: str, path: Path) -> None:
    results = outcome.results
    followed = outcome.followed
    report: dict[str, Any] = {
        "destination": destination,
        "exit_code": outcome.exit_code(),
        "upload_seconds": round(results.seconds, 3),
        "uploaded_bytes": results.uploaded_bytes,
        "uploaded": [
            {"file": p.relative, "key": p.upload.key, "sha256": p.document_id}
            for p in results.uploaded
        ],
        "already_there": [{"file": f, "where": w} for f, w in outcome.already],
        "duplicates": [{"file": d, "same_as": o} for d, o in outcome.plan.duplicates],
        "rejected": [{"file": f, "reason": r} for f, r in outcome.rejected],
        "upload_errors": [{"file": p.relative, "error": r} for p, r in results.failed],
        "skipped": [{"file": s.relative, "reason": s.reason} for s in outcome.walked.skipped],
    }
    if followed is not None:
        report["done"] = [_name(outcome, i) for i in followed.done]
        report["failed"] = [
            {"files": outcome.names.get(i, []), "reason": k.reason, "step": k.step}
            for i, k in followed.failed.items()
        ]
        report["waiting"] = [_name(outcome, i) for i in followed.pending]
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
