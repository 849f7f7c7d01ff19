"""Files holding the book's data are readable by their owner only (issue 14): a generated book, its model files
(and their folder) and its access file, whether written by a command (umask 077) or by a process with a wider umask
(the model files and generate set their own modes); and the server's security settings are set on purpose."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from monitor import access, access_store, users
from monitor.scoring import store

from .conftest import ROOT
from .test_cli import monitor

AS_OF = "2026-11-29"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def wide_umask():
    """The umask of a process that did not narrow it (a Python shell, a notebook): group and others may read."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_commands_write_the_book_and_its_access_file_for_their_owner_only(tmp_path, wide_umask):
    result = monitor("generate", "--db", "book.duckdb", "--loans", "150", "--seed", "1", "--as-of", AS_OF,
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = monitor("users", "--db", "book.duckdb", "--email", "first@example.com", "--roles", "admin", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert mode(tmp_path / "book.duckdb") == 0o600
    assert mode(access_store.path_for(tmp_path / "book.duckdb")) == 0o600
    assert not list(tmp_path.glob(".book.duckdb.*"))  # generate's temporary file is gone


def test_generate_and_the_access_file_need_no_umask(demo_db, tmp_path, wide_umask, monkeypatch):
    """demo_db was generated inside this process; the access file is created by its first use."""
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    assert mode(demo_db) == 0o600
    book = tmp_path / "book.duckdb"
    con = access_store.connect(book)
    try:
        users.set_roles(con, access.COMMAND_USER, "first@example.com", frozenset({"admin"}))
    finally:
        con.close()
    assert mode(access_store.path_for(book)) == 0o600


def test_model_files_need_no_umask(scored_db):
    """scored_db's model was trained inside this process, whose umask lets others read."""
    folder = store.models_dir(scored_db)
    files = sorted(folder.iterdir())
    assert {path.suffix for path in files} == {".pkl", ".json"}
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    assert mode(folder) == 0o700


def test_the_server_settings_are_set_on_purpose():
    server = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["maxUploadSize"] == 100 and server["address"] == "127.0.0.1"
