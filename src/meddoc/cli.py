"""The `meddoc` command: local mode's entry point (process, watch, serve, run) and the
offline engines' drop-in outputs (ocr, analyze-text)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from meddoc.errors import MeddocError

if TYPE_CHECKING:
    from meddoc.local.settings import LocalSettings

EXIT_OK = 0
EXIT_SYSTEM_ERROR = 1
EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.run(args)
        return code
    except FileNotFoundError as exc:
        print(f"meddoc: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except MeddocError as exc:
        print(f"meddoc: {exc}", file=sys.stderr)
        return EXIT_SYSTEM_ERROR
    except KeyboardInterrupt:
        print("\nmeddoc: stopped; unfinished files stay queued for the next run", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="meddoc", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def local_command(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text, description=help_text)
        _data_dir_option(command)
        command.add_argument("--workers", type=int, help="worker processes (default 2)")
        return command

    process = local_command("process", "process files and folders offline, then summarize")
    process.add_argument("paths", nargs="+", type=Path)
    process.set_defaults(run=_process)

    watch = local_command("watch", "keep processing new files that appear in a folder")
    watch.add_argument("folder", type=Path)
    watch.add_argument("--interval", type=float, default=5.0, help="seconds between looks")
    watch.set_defaults(run=_watch)

    serve = local_command("serve", "serve the review site and API, and process uploads")
    _serving_options(serve)
    serve.set_defaults(run=_serve)

    run = local_command("run", "process folders (default: the samples), then serve")
    run.add_argument("paths", nargs="*", type=Path)
    _serving_options(run)
    run.set_defaults(run=_run)

    status = local_command("status", "documents by status and the one waiting longest")
    status.set_defaults(run=_status)

    reprocess = local_command("reprocess", "process documents again and wait for them")
    reprocess.add_argument("ids", nargs="*", help="document ids")
    reprocess.add_argument(
        "--status", choices=["DONE", "FAILED"], help="every document with this status"
    )
    reprocess.add_argument("--all", action="store_true", help="every document")
    reprocess.set_defaults(run=_reprocess)

    delete = local_command(
        "delete", "delete a document everywhere (original, results, record, index, reviews)"
    )
    delete.add_argument("document_id")
    delete.set_defaults(run=_delete)

    _token_commands(commands)
    _engine_commands(commands)
    return parser


def _token_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Named access tokens with a role, for `serve` (stored as hashes in the data dir)."""
    help_text = "named access tokens for the review site, each with a role"
    token = commands.add_parser("token", help=help_text, description=help_text)
    actions = token.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="make a token for NAME and print it (once)")
    add.add_argument("name")
    add.add_argument("--role", choices=["reviewer", "admin"], default="reviewer")
    add.set_defaults(run=_token_add)
    listing = actions.add_parser("list", help="the tokens' names, roles and dates")
    listing.set_defaults(run=_token_list)
    remove = actions.add_parser("remove", help="revoke NAME's token (at its next request)")
    remove.add_argument("name")
    remove.set_defaults(run=_token_remove)
    for action in (add, listing, remove):
        _data_dir_option(action)
        action.set_defaults(workers=None)


def _data_dir_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--data-dir",
        type=Path,
        help="where records, images and results are kept (default: ./data, or MEDDOC_DATA_DIR)",
    )


def _engine_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The drop-in engine commands: no data directory, output on stdout."""
    ocr = commands.add_parser("ocr", help="read an image or PDF with the offline OCR")
    ocr.add_argument("image", type=Path)
    ocr.add_argument("--format", choices=["textract", "meddoc"], default="textract")
    ocr.set_defaults(run=_ocr)

    analyze = commands.add_parser(
        "analyze-text", help="find medical entities in a text file offline"
    )
    analyze.add_argument("file", type=Path)
    analyze.add_argument(
        "--format", choices=["comprehend-medical", "meddoc"], default="comprehend-medical"
    )
    analyze.add_argument("--language", default="en", choices=["en", "es"])
    analyze.set_defaults(run=_analyze_text)


def _serving_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--host", default="127.0.0.1")
    command.add_argument("--port", type=int, help="default 8765 (0: any free port)")
    command.add_argument(
        "--no-auth", action="store_true", help="no access token (only allowed on 127.0.0.1)"
    )


def _settings(args: argparse.Namespace) -> LocalSettings:
    from meddoc.local.settings import LocalSettings

    return LocalSettings.from_environ(
        data_dir=args.data_dir,
        workers=args.workers,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def _serve(args: argparse.Namespace) -> int:
    from meddoc.local.serving import serve

    serve(_settings(args), auth=not args.no_auth)
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from meddoc.local.batch import process
    from meddoc.local.serving import serve

    settings = _settings(args)
    paths = args.paths or [Path("samples/documents")]
    summary = process(settings, paths)
    print(summary.report(), file=sys.stderr)
    serve(settings, auth=not args.no_auth)
    return EXIT_OK


def _process(args: argparse.Namespace) -> int:
    from meddoc.local.batch import process

    summary = process(_settings(args), args.paths)
    print(summary.report())
    return EXIT_OK


def _watch(args: argparse.Namespace) -> int:
    from meddoc.local.watch import watch

    watch(_settings(args), args.folder, args.interval)
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from meddoc.local.operations import status_report

    print(status_report(_settings(args)))
    return EXIT_OK


def _reprocess(args: argparse.Namespace) -> int:
    from meddoc.local.operations import reprocess
    from meddoc.model import Status

    if not (args.ids or args.status or args.all):
        print("meddoc: name documents, or --status, or --all", file=sys.stderr)
        return EXIT_USAGE
    status = Status(args.status) if args.status else None
    summary = reprocess(_settings(args), args.ids, status, args.all)
    print(summary.report())
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    from meddoc.local.operations import delete

    objects = delete(_settings(args), args.document_id)
    print(f"deleted document {args.document_id} ({objects} files)")
    return EXIT_OK


def _token_add(args: argparse.Namespace) -> int:
    from meddoc.api.roles import Role
    from meddoc.local.tokens import TokenFile
    from meddoc.pipeline.runner import utc_now

    token = TokenFile(_settings(args).tokens_file).add(args.name, Role(args.role), utc_now())
    print(f"access token for {args.name} ({args.role}); it is shown only now:", file=sys.stderr)
    print(token)
    return EXIT_OK


def _token_list(args: argparse.Namespace) -> int:
    from meddoc.local.tokens import TokenFile

    for entry in TokenFile(_settings(args).tokens_file).entries():
        print(f"{entry.name}\t{entry.role.value}\t{entry.created_at}")
    return EXIT_OK


def _token_remove(args: argparse.Namespace) -> int:
    from meddoc.local.tokens import TokenFile

    if not TokenFile(_settings(args).tokens_file).remove(args.name):
        print(f"meddoc: no token named {args.name}", file=sys.stderr)
        return EXIT_USAGE
    print(f"removed the token of {args.name}", file=sys.stderr)
    return EXIT_OK


def _ocr(args: argparse.Namespace) -> int:
    from meddoc import serialization
    from meddoc.exports.textract_json import to_textract_json
    from meddoc.local.ocr.engine import OcrEngine

    detection = OcrEngine().read_document(args.image.read_bytes())
    if args.format == "textract":
        output = to_textract_json(detection)
    else:
        output = serialization.to_dict(detection)
    json.dump(output, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return EXIT_OK


def _analyze_text(args: argparse.Namespace) -> int:
    from meddoc import serialization
    from meddoc.exports.comprehend_medical_json import to_comprehend_medical_json
    from meddoc.local.engines import OfflineMedical
    from meddoc.ports import ResponseLog

    text = args.file.read_text(encoding="utf-8")
    analysis = OfflineMedical().analyze(text, args.language, ResponseLog())
    if args.format == "comprehend-medical":
        output = to_comprehend_medical_json(analysis)
    else:
        output = serialization.to_dict(analysis)
    json.dump(output, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
