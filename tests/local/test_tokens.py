"""Local named tokens: `meddoc token add NAME --role ROLE` prints a token once and keeps
only its hash; the running server lets it in with its role, and stops at once when it
is removed. A damaged token file stops `serve` from starting, with the reason."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meddoc.api.roles import Actor, Role
from meddoc.errors import ConfigurationError, InvalidRequest
from meddoc.local.serving import build_server
from meddoc.local.settings import LocalSettings
from meddoc.local.tokens import TokenFile

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def test_an_added_token_is_kept_only_as_a_hash_readable_by_its_owner(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    token = tokens.add("clerk", Role.REVIEWER, NOW)
    stored = (tmp_path / "tokens.json").read_text()
    assert token not in stored
    assert json.loads(stored)["tokens"][0]["name"] == "clerk"
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert tokens.find(token) == Actor("clerk", frozenset({Role.REVIEWER}))
    assert tokens.find(token[:-1]) is None


def test_a_running_reader_sees_tokens_added_and_removed_by_another(tmp_path: Path) -> None:
    server_side = TokenFile(tmp_path / "tokens.json")
    command_side = TokenFile(tmp_path / "tokens.json")
    assert server_side.find("anything") is None
    first = command_side.add("clerk", Role.REVIEWER, NOW)
    second = command_side.add("lead", Role.ADMIN, NOW)
    assert server_side.find(first) == Actor("clerk", frozenset({Role.REVIEWER}))
    assert command_side.remove("clerk")
    assert server_side.find(first) is None
    assert server_side.find(second) == Actor("lead", frozenset({Role.ADMIN}))
    assert not command_side.remove("clerk")


@pytest.mark.parametrize("name", ["", "local", "a b", "x" * 65, "../etc", "-flag"])
def test_token_names_are_plain_and_never_the_local_admins(tmp_path: Path, name: str) -> None:
    with pytest.raises(InvalidRequest):
        TokenFile(tmp_path / "tokens.json").add(name, Role.ADMIN, NOW)


def test_a_name_is_given_one_token(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    tokens.add("clerk", Role.REVIEWER, NOW)
    with pytest.raises(InvalidRequest, match="already"):
        tokens.add("clerk", Role.ADMIN, NOW)


def test_a_damaged_token_file_stops_serve_and_later_damage_refuses_its_tokens(
    tmp_path: Path,
) -> None:
    settings = LocalSettings(data_dir=tmp_path, port=0, workers=1)
    settings.tokens_file.write_text("{not json")
    with pytest.raises(ConfigurationError, match="not a meddoc token file"):
        build_server(settings, "printed")
    tokens = TokenFile(settings.tokens_file)
    settings.tokens_file.unlink()
    token = tokens.add("clerk", Role.REVIEWER, NOW)
    assert tokens.find(token) is not None
    settings.tokens_file.write_text('{"tokens": [{"name": "clerk"}]}')
    assert tokens.find(token) is None


def test_the_token_command_prints_the_token_once_and_lists_names_and_roles(
    tmp_path: Path,
) -> None:
    def meddoc(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "meddoc.cli", "token", *args, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )

    added = meddoc("add", "clerk", "--role", "reviewer")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip()
    assert TokenFile(tmp_path / "tokens.json").find(token) == Actor(
        "clerk", frozenset({Role.REVIEWER})
    )
    listed = meddoc("list")
    assert listed.stdout.split("\t")[:2] == ["clerk", "reviewer"]
    assert token not in listed.stdout
    assert meddoc("remove", "clerk").returncode == 0
    assert meddoc("remove", "clerk").returncode == 2
    assert meddoc("list").stdout == ""
