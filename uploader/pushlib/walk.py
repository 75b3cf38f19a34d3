"""Find the files to upload under the folders given: include/exclude globs, hidden and
system files left out, and no link followed to anything outside the folder."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Files operating systems leave in folders, never documents (Windows marks them hidden,
# but on a shared drive mounted elsewhere they look like any file).
SYSTEM_NAMES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db", "__macosx"})


@dataclass(frozen=True, slots=True)
class Found:
    path: Path  # where to read it (a link's own path when it is a link)
    relative: str  # its path under the folder, "/"-separated: the end of its key


@dataclass(frozen=True, slots=True)
class Skipped:
    relative: str
    reason: str


@dataclass(slots=True)
class Walked:
    found: list[Found] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)  # with a reason worth reading
    hidden: int = 0  # hidden or system files, and files the globs leave out


def walk(
    roots: Sequence[Path], include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Walked:
    """Every regular file under `roots` (folders or files), sorted. With more than one
    root, each file's relative path starts with its root's name, so names stay apart."""
    walked = Walked()
    filters = _Filters(include, exclude)
    for root in roots:
        label = root.resolve().name if len(roots) > 1 else ""
        if root.is_dir():
            real = Path(os.path.realpath(root))
            _walk_folder(real, label, real, filters, walked, {real})
        elif root.is_file():
            relative = _join(label, root.name) if label else root.name
            _add(Path(root), relative, filters, walked)
        else:
            walked.skipped.append(Skipped(str(root), "no such file or folder"))
    walked.found.sort(key=lambda f: f.relative)
    return walked


class _Filters:
    def __init__(self, include: Sequence[str], exclude: Sequence[str]) -> None:
        # Case-insensitive: scans arrive as .PDF and .pdf alike.
        self.include = [p.lower() for p in include]
        self.exclude = [p.lower() for p in exclude]

    def wanted(self, relative: str) -> bool:
        names = (relative.lower(), relative.rsplit("/", 1)[-1].lower())
        if self.include and not any(_matches(n, p) for n in names for p in self.include):
            return False
        return not any(_matches(n, p) for n in names for p in self.exclude)


def _matches(name: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(name, pattern)


def _walk_folder(
    folder: Path, relative: str, root: Path, filters: _Filters, walked: Walked, seen: set[Path]
) -> None:
    """Walk `folder` (a real path inside `root`), whose files are named `relative`/...
    Links to folders wait until every real folder is walked, so a folder reached both
    directly and through a link is walked once, under its real name."""
    links: list[tuple[str, Path]] = []
    _walk_real(folder, relative, root, filters, walked, seen, links)
    while links:
        name, target = links.pop(0)
        if target in seen:
            walked.skipped.append(Skipped(name, "a link to a folder already included"))
            continue
        seen.add(target)
        _walk_real(target, name, root, filters, walked, seen, links)


def _walk_real(
    folder: Path,
    relative: str,
    root: Path,
    filters: _Filters,
    walked: Walked,
    seen: set[Path],
    links: list[tuple[str, Path]],
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        walked.skipped.append(Skipped(relative or ".", _unreadable(exc)))
        return
    for entry in entries:
        path = Path(entry.path)
        name = _join(relative, entry.name)
        if _hidden(entry.name):
            walked.hidden += 1
            continue
        target = _target(entry, path, root)
        if isinstance(target, str):
            walked.skipped.append(Skipped(name, target))
        elif target.is_dir():
            if target != path:
                links.append((name, target))
            elif target not in seen:
                seen.add(target)
                _walk_real(target, name, root, filters, walked, seen, links)
        elif target.is_file():
            _add(path, name, filters, walked)
        else:
            walked.skipped.append(Skipped(name, "not a regular file"))


def _target(entry: os.DirEntry[str], path: Path, root: Path) -> Path | str:
    """Where the entry really is, or why it is left out."""
    if not entry.is_symlink():
        return path
    real = Path(os.path.realpath(path))
    if not real.exists():
        return "a broken link"
    if not real.is_relative_to(root):
        return "a link to something outside the folder (links are followed only inside it)"
    return real


def _add(path: Path, relative: str, filters: _Filters, walked: Walked) -> None:
    if filters.wanted(relative):
        walked.found.append(Found(path, relative))
    else:
        walked.hidden += 1


def _hidden(name: str) -> bool:
    lowered = name.lower()
    return name.startswith((".", "~$")) or lowered in SYSTEM_NAMES


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p and p != ".")


def _unreadable(exc: OSError) -> str:
    return f"cannot be read ({exc.strerror or type(exc).__name__})"
