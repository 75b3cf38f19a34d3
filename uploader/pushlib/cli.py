"""The command line: options, then walk -> check -> plan -> upload -> (follow) ->
summary, with exit codes scripts can use."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pushlib import optional, report
from pushlib.checks import Checked, Checker
from pushlib.dry_run import ANALYSES, TEXTRACT_MODES, CostInputs, print_estimate, print_plan
from pushlib.follow import follow
from pushlib.keys import KeyProblem, clean_prefix, new_prefix
from pushlib.plan import make_plan
from pushlib.progress import Progress
from pushlib.state import BatchMemory, default_directory
from pushlib.target import TargetRefused, UploadFailed
from pushlib.targets import UsageError, resolve  # boto3 only for AWS targets
from pushlib.upload import upload_all
from pushlib.walk import Found, walk

EPILOG = """\
globs match a file's path under the folder or its name, ignoring case ("*.pdf",
"2024/*"); hidden and system files are always left out.
the same folders sent to the same place again continue the same batch prefix, so an
interrupted run resumes and sends only what is missing.

targets: the stack's upload bucket (--stack, default "meddoc"; or --bucket [--table]),
or a local server (--endpoint http://127.0.0.1:8765 --token T, or MEDDOC_TOKEN).

exit codes:
  0    every file uploaded or already there (with --wait: every document DONE)
  1    some files were rejected before upload (reasons listed); the rest went up
  2    usage or configuration error (arguments, stack, credentials, token)
  3    some files could not be uploaded: run the same command again to retry them
  4    --wait: some documents ended FAILED (reasons listed)
  5    --wait: time ran out before every document was DONE or FAILED
  130  interrupted: run the same command again to upload the rest
"""


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="push.py",
        description="Upload folders of scans to meddoc, once each, and follow them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", type=Path, help="folders or files to upload")
    where = parser.add_argument_group("target")
    where.add_argument("--stack", default="meddoc", help="CloudFormation stack (default meddoc)")
    where.add_argument("--bucket", help="upload bucket, instead of the stack's")
    where.add_argument("--table", default="", help="documents table (with --bucket)")
    where.add_argument("--region", help="AWS region (default: your AWS configuration)")
    where.add_argument("--profile", help="AWS profile")
    where.add_argument("--endpoint", help="a local meddoc server, e.g. http://127.0.0.1:8765")
    where.add_argument(
        "--token",
        default=os.environ.get("MEDDOC_TOKEN", ""),
        help="its token (or MEDDOC_TOKEN); write --token=T when T starts with -",
    )
    files = parser.add_argument_group("files")
    files.add_argument(
        "--include", action="append", default=[], metavar="GLOB", help="only matching files"
    )
    files.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip these")
    files.add_argument("--prefix", help="batch prefix (default batch-<UTC date>-<random>/)")
    files.add_argument("--new-batch", action="store_true", help="start a new batch prefix")
    files.add_argument("--concurrency", type=int, default=8, help="files at a time (8)")
    files.add_argument("--state-dir", type=Path, help="where batch prefixes are noted")
    run = parser.add_argument_group("run")
    run.add_argument("--dry-run", action="store_true", help="list and estimate the cost only")
    run.add_argument("--wait", action="store_true", help="follow until DONE or FAILED")
    run.add_argument("--timeout", type=float, default=3600.0, help="for --wait (seconds)")
    run.add_argument("--poll", type=float, help="seconds between --wait checks")
    run.add_argument("--report", type=Path, help="write the full outcome as JSON here")
    cost = parser.add_argument_group("cost estimate (--dry-run)")
    cost.add_argument("--all-analyses", action="store_true", help="every optional analysis on")
    cost.add_argument(
        "--analyses",
        metavar="LIST",
        help=f"the optional analyses on, comma-separated ({','.join(ANALYSES)}; or none); "
        "default: the stack's parameters",
    )
    cost.add_argument(
        "--textract-features",
        choices=TEXTRACT_MODES,
        help="what Textract reads: FORMS,TABLES,LAYOUT (forms, tables, layout), "
        "FORMS,TABLES, or NONE (words only, the cheap mode); default: the stack's parameter",
    )
    cost.add_argument("--chars-per-page", type=int, default=1800)
    cost.add_argument("--translated-share", type=float, default=0.0, help="0-1 not English")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64:
        parser.error("--concurrency must be between 1 and 64")
    if not 0.0 <= args.translated_share <= 1.0:
        parser.error("--translated-share must be between 0 and 1")
    args.analyses = _analyses(parser, args)
    return args


def _analyses(parser: argparse.ArgumentParser, args: argparse.Namespace) -> frozenset[str] | None:
    if args.all_analyses:
        return frozenset(ANALYSES)
    if args.analyses is None:
        return None
    chosen = frozenset(a.strip() for a in args.analyses.split(",") if a.strip()) - {"none"}
    unknown = chosen - set(ANALYSES)
    if unknown:
        parser.error(f"unknown analyses {sorted(unknown)}; choose from {', '.join(ANALYSES)}")
    return chosen


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = parse(argv)
    stdout = out or sys.stdout
    try:
        return _run(args, stdout)
    except (UsageError, TargetRefused, KeyProblem) as exc:
        print(f"push.py: {exc}", file=sys.stderr)
        return report.USAGE
    except UploadFailed as exc:
        print(f"push.py: {exc}", file=sys.stderr)
        return report.UPLOAD_ERRORS
    except KeyboardInterrupt:
        print("push.py: interrupted before anything was uploaded", file=sys.stderr)
        return report.INTERRUPTED


def _run(args: argparse.Namespace, out: TextIO) -> int:
    package = optional.load()
    chosen = resolve(args)
    target = chosen.target
    if args.wait and not args.dry_run and (target is None or not target.can_lookup):
        raise UsageError("--wait needs the documents table: use --stack, or --table with --bucket")
    memory = BatchMemory(args.state_dir or default_directory())
    prefix = _prefix(args, memory, chosen.identity)
    walked = walk(args.paths, args.include, args.exclude)
    checker = Checker(package)
    checked = _check_all(walked.found, checker, min(args.concurrency, 4))
    plan = make_plan(checked, prefix, target)
    destination = chosen.identity + (prefix if target is None or target.uses_keys else "")
    if args.dry_run:
        print_plan(plan, walked, destination, out)
        inputs = CostInputs(
            chosen.parameters,
            args.analyses,
            args.chars_per_page,
            args.translated_share,
            args.textract_features,
        )
        print_estimate(package, plan.to_upload, inputs, out)
        if target is not None:  # the real run then uses the keys shown here
            _note(memory, chosen.identity, args.paths, prefix, target.uses_keys)
        return report.REJECTED if plan.rejected else report.OK
    assert target is not None
    _note(memory, chosen.identity, args.paths, prefix, target.uses_keys)
    size = sum(p.upload.size for p in plan.to_upload)
    progress = Progress("uploading", len(plan.to_upload), size)
    results = upload_all(plan.to_upload, target, args.concurrency, progress)
    progress.close()
    outcome = report.Outcome(walked, plan, results, names=plan.names_of())
    if args.wait and not results.interrupted:
        ids = [p.document_id for p in results.uploaded] + [p.document_id for p, _ in plan.already]
        ids += [p.document_id for p, _ in results.known]
        interval = args.poll or (1.0 if not target.uses_keys else 5.0)
        outcome.followed = follow(target, ids, args.timeout, interval)
    report.print_summary(outcome, destination, out)
    if args.report:
        report.write_report(outcome, destination, args.report)
    return outcome.exit_code()


def _prefix(args: argparse.Namespace, memory: BatchMemory, identity: str) -> str:
    if args.prefix:
        return clean_prefix(args.prefix)
    if not args.new_batch:
        recalled = memory.recall(identity, args.paths)
        if recalled:
            print(
                f"continuing the batch {recalled} of an earlier run (--new-batch starts another)",
                file=sys.stderr,
            )
            return recalled
    return new_prefix(datetime.now(UTC))


def _note(
    memory: BatchMemory,
    identity: str,
    roots: Sequence[Path],
    prefix: str,
    uses_keys: bool,
) -> None:
    if not uses_keys:
        return  # a server names uploads itself: there is no batch to resume
    warning = memory.remember(identity, roots, prefix)
    if warning:
        print(f"push.py: {warning}", file=sys.stderr)


def _check_all(found: Sequence[Found], checker: Checker, workers: int) -> list[Checked]:
    progress = Progress("checking", len(found))
    checked: list[Checked] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
        for item in pool.map(checker.check, found):
            checked.append(item)
            progress.file_done()
    progress.close()
    return checked
