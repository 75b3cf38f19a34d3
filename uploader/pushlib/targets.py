"""Which target the options name: a local server (no boto3 needed), the stack's upload
bucket, or a bucket given directly. A dry run goes on without a target it cannot reach."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from pushlib.target import Target


class UsageError(Exception):
    """The options cannot work as given."""


@dataclass(frozen=True, slots=True)
class Chosen:
    target: Target | None  # None: a dry run that could not reach it
    identity: str  # s3://bucket/ or the server's address: names the batch's destination
    parameters: dict[str, str] | None = None  # the stack's, for the cost estimate


def resolve(args: argparse.Namespace) -> Chosen:
    if args.endpoint:
        if args.bucket:
            raise UsageError("give --endpoint or --bucket, not both")
        from pushlib.server_target import ServerTarget

        try:
            server = ServerTarget(args.endpoint, args.token, workers=args.concurrency)
        except ValueError as exc:
            raise UsageError(str(exc)) from exc
        return Chosen(server, server.description + "/")
    return _aws(args)


def _aws(args: argparse.Namespace) -> Chosen:
    try:
        from pushlib import stack
    except ImportError as exc:
        raise UsageError("uploading to AWS needs boto3 (pip install boto3)") from exc
    try:
        aws = stack.session(args.profile, args.region)
        if args.bucket:
            target = stack.s3_target(aws, args.bucket, args.table, args.concurrency)
            return Chosen(target, f"s3://{args.bucket}/")
        found = stack.describe(stack.client(aws, "cloudformation"), args.stack)
        target = stack.s3_target(aws, found.bucket, found.table, args.concurrency)
    except stack.StackProblem as exc:
        if not args.dry_run:
            raise UsageError(str(exc)) from exc
        print(f"push.py: {exc}; planning without it", file=sys.stderr)
        return Chosen(None, f"stack {args.stack} (not reached)/")
    return Chosen(target, f"s3://{found.bucket}/", found.parameters)
