"""A limit's name as shown: a starter limit's (limits.name_key set) in the reader's language through the catalog
(alerts.limit_name.<name_key>), a name someone typed as typed. Every place that shows a limit to people (the
Limits page, the messages to WeCom, DingTalk and e-mail, the drill report) uses shown(); the command line lists the
stored name, the one it takes back (`--limit NAME`). owner(): an owner that is a role, in words.

A starter limit keeps its key until its name is changed (monitor.alerts.limits.change clears it): renamed, its
name is the one typed, in every language."""

from __future__ import annotations

from monitor.access import ROLES
from monitor.i18n import LANGUAGES, t


def shown(name: str, name_key: str | None, lang: str) -> str:
    """The name of a limit in `lang`: its starter name in that language, else the stored one."""
    return t(f"alerts.limit_name.{name_key}", lang) if name_key else name


def every_language(name: str, name_key: str | None) -> set[str]:
    """The names a limit is shown by in any language (a new name must not look like one of them)."""
    return {shown(name, name_key, lang) for lang in LANGUAGES}


def owner(owner: str, lang: str) -> str:
    """An owner (of a limit or a playbook) as written, or a role's name in words when the owner is a role (the
    starter limits': risk_manager)."""
    return t(f"role.{owner}", lang) if owner in ROLES else owner
