"""The README's "Deploying for a team" stays true: its tables of the pages and the actions each role may use are
those of monitor.access, and the README still opens with the two commands that are all a newcomer needs."""

from __future__ import annotations

from monitor import access
from monitor.i18n import t

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def table(first: str, rows: dict[str, frozenset[str]], name) -> str:
    """A markdown table: one row per key of `rows` (its name in the first column), a tick per role it holds."""
    lines = [f"| {first} | " + " | ".join(f"`{role}`" for role in access.ROLES) + " |",
             "|---|" + "---|" * len(access.ROLES)]
    lines += [f"| {name(key)} | " + " | ".join("✓" if role in roles else "" for role in access.ROLES) + " |"
              for key, roles in rows.items()]
    return "\n".join(lines)


def test_the_page_table_is_page_roles():
    assert table("page", access.PAGE_ROLES, lambda stem: t(f"nav.{stem}", "en")) in README


def test_the_action_table_is_action_roles():
    assert table("action", access.ACTION_ROLES, lambda action: f"`{action}`") in README


def test_the_section_and_the_first_two_commands():
    assert "## Deploying for a team" in README
    assert README.split("```")[1].strip().splitlines() == [
        "bash",
        "make run    # dashboard on the built-in demo portfolio at http://127.0.0.1:8501",
        "make test   # every test: unit, property, AppTest and headless-browser tests"]
    for key in ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url"):
        assert key in README
