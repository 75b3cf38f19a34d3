"""What to do with each checked file: refuse it (with the reason), leave it (the same
bytes are in this batch already, or meddoc already has the document), or upload it once
however many names it has. Thousands of files cost one listing of the batch prefix, a
HEAD only for a same-named object whose ETag is no plain MD5, and one record lookup per
100 documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pushlib.checks import Checked
from pushlib.keys import KeyProblem, object_key, server_name
from pushlib.target import Known, Stored, Target, Upload


@dataclass(frozen=True, slots=True)
class Planned:
    checked: Checked
    upload: Upload

    @property
    def relative(self) -> str:
        return self.checked.file.relative

    @property
    def document_id(self) -> str:
        return self.checked.sha256


@dataclass(slots=True)
class Plan:
    prefix: str
    to_upload: list[Planned] = field(default_factory=list)
    already: list[tuple[Planned, str]] = field(default_factory=list)  # (file, where it is)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, the one sent)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    known: dict[str, Known] = field(default_factory=dict)  # document id -> its record

    def names_of(self) -> dict[str, list[str]]:
        """Every file name of each document in the batch (duplicates included)."""
        names: dict[str, list[str]] = {}
        planned = self.to_upload + [p for p, _ in self.already]
        by_relative = {p.relative: p.document_id for p in planned}
        for item in planned:
            names.setdefault(item.document_id, []).append(item.relative)
        for duplicate, original in self.duplicates:
            if original in by_relative:
                names[by_relative[original]].append(duplicate)
        return names


def make_plan(
    checked: Sequence[Checked], prefix: str, target: Target | None, look_up: bool = True
) -> Plan:
    """`target` None plans without asking the target anything (a dry run offline)."""
    plan = Plan(prefix)
    firsts: dict[str, Planned] = {}
    # Of several copies, the one nearest the top of the folder is sent (then A-Z).
    for item in sorted(checked, key=lambda c: (c.file.relative.count("/"), c.file.relative)):
        if not item.ok:
            plan.rejected.append((item.file.relative, item.reason))
            continue
        try:
            planned = _planned(item, prefix, target)
        except KeyProblem as exc:
            plan.rejected.append((item.file.relative, str(exc)))
            continue
        first = firsts.get(item.sha256)
        if first is not None:
            plan.duplicates.append((item.file.relative, first.relative))
            continue
        firsts[item.sha256] = planned
    candidates = list(firsts.values())
    if target is not None:
        candidates = _not_in_batch(candidates, plan, target)
        if look_up and target.can_lookup:
            candidates = _not_known(candidates, plan, target)
    plan.to_upload = candidates
    return plan


def _planned(item: Checked, prefix: str, target: Target | None) -> Planned:
    uses_keys = target is None or target.uses_keys
    key = object_key(prefix, item.file.relative) if uses_keys else ""
    name = server_name(item.file.relative)
    content_type = item.content_type or "application/octet-stream"
    upload = Upload(item.file.path, key, name, item.size, item.sha256, item.md5, content_type)
    return Planned(item, upload)


def _not_in_batch(candidates: list[Planned], plan: Plan, target: Target) -> list[Planned]:
    if not target.uses_keys:
        return candidates
    stored = target.listing(plan.prefix)
    by_md5 = {s.etag: s.key for s in stored.values() if "-" not in s.etag}
    remaining = []
    for item in candidates:
        where = _stored_as(item, stored, by_md5, target)
        if where:
            plan.already.append((item, where))
        else:
            remaining.append(item)
    return remaining


def _stored_as(
    item: Planned, stored: dict[str, Stored], by_md5: dict[str, str], target: Target
) -> str:
    """Where the same bytes already are in the batch ("" when they are not)."""
    same_key = stored.get(item.upload.key)
    if same_key is not None and same_key.size == item.upload.size:
        if same_key.etag == item.upload.md5:
            return f"in the bucket as {same_key.key}"
        # Multipart (or KMS-encrypted) objects' ETags are no MD5: ask for the hash.
        if target.stored_sha256(same_key.key) == item.upload.sha256:
            return f"in the bucket as {same_key.key}"
    other = by_md5.get(item.upload.md5)
    if other is not None and stored[other].size == item.upload.size:
        return f"in the bucket as {other}"
    return ""


def _not_known(candidates: list[Planned], plan: Plan, target: Target) -> list[Planned]:
    plan.known = target.lookup([c.document_id for c in candidates])
    remaining = []
    for item in candidates:
        known = plan.known.get(item.document_id)
        if known is None:
            remaining.append(item)
        else:
            plan.already.append((item, f"known to meddoc ({known.status})"))
    return remaining
