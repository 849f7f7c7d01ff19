"""Who may do what: the roles, the pages each role opens, the actions that write and the roles that may run them.

The one place role checks live (issue 14). A page is opened only by a role listed in PAGE_ROLES; an action that
writes runs only after `require(actor, action)`, called where the action runs (in the function that writes, not
only where its button is drawn), so a hidden button is never the only check.

Roles come from the identity token's groups claim (ROLES_CLAIM) or, when the token carries none of ours, from the
book's `users` table (email -> roles), which an admin edits on the Admin page (monitor.users).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

ROLES = ("executive", "risk_manager", "analyst", "collections", "data_steward", "admin")
ROLES_CLAIM = "groups"  # the token claim that lists the user's groups; a group named like a role grants it

# The pages each role opens (minimum necessary: a role sees the pages its work needs, nothing more).
PAGE_ROLES: dict[str, frozenset[str]] = {
    "delinquency": frozenset({"risk_manager", "executive", "analyst"}),
    "today": frozenset({"risk_manager", "collections", "data_steward"}),
    "executive": frozenset({"executive", "risk_manager", "analyst"}),
    "early_warning": frozenset({"risk_manager", "collections"}),
    "collections": frozenset({"risk_manager", "collections"}),
    "compliance": frozenset({"risk_manager", "collections"}),
    "account": frozenset({"risk_manager", "collections"}),
    "model": frozenset({"risk_manager", "analyst", "admin"}),
    "alerts": frozenset({"risk_manager", "executive"}),  # executives read; risk managers act (ACTION_ROLES)
    "simulator_loan": frozenset({"analyst", "collections"}),
    "simulator_portfolio": frozenset({"analyst"}),
    "credit_policy": frozenset({"analyst"}),
    "data": frozenset({"data_steward", "admin"}),
    "admin": frozenset({"admin"}),
}

# Actions that write to the book or reveal personal data, and the roles that may run them.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "land_files": frozenset({"data_steward"}),
    "retrain_model": frozenset({"admin"}),
    "promote_model": frozenset({"admin"}),
    "save_scenario": frozenset({"analyst"}),
    "save_policy": frozenset({"analyst"}),
    "edit_settings": frozenset({"admin"}),
    "edit_roles": frozenset({"admin"}),
    "reveal_phone": frozenset({"collections"}),
    "view_quarantine_rows": frozenset({"data_steward"}),
    "see_income": frozenset({"analyst", "collections"}),  # the figure; every other role sees its band
    "edit_limits": frozenset({"risk_manager"}),
    "respond_alerts": frozenset({"risk_manager"}),  # acknowledge, silence, evaluate now
    "run_drill": frozenset({"risk_manager"}),
}


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who is acting: `subject` (the identity token's sub, or 'local'), `email`, `roles`, and `mode`: 'oidc' (signed
    in), 'local' (make run on 127.0.0.1, one local user with every role) or 'command' (a command-line tool)."""

    subject: str
    email: str
    roles: frozenset[str]
    mode: str = "oidc"

    @property
    def who(self) -> str:
        """The name written in the audit log: the email, else the subject."""
        return self.email or self.subject

    @property
    def role_text(self) -> str:
        """The roles, in ROLES order, comma-separated ('' for none): the audit log's role column."""
        return ",".join(role for role in ROLES if role in self.roles)


LOCAL_USER = Actor(subject="local", email="local", roles=frozenset(ROLES), mode="local")
COMMAND_USER = Actor(subject="command", email="command-line", roles=frozenset(ROLES), mode="command")


class AccessDenied(Exception):
    """`actor` may not run `action` (or open a page): raised where the action runs."""

    def __init__(self, actor: Actor, action: str):
        super().__init__(f"{actor.who} ({actor.role_text or 'no role'}) may not {action}")
        self.actor = actor
        self.action = action


def valid_roles(names: Iterable[str]) -> frozenset[str]:
    """The names that are roles of ours; any other group or claim value is ignored."""
    return frozenset(name.strip() for name in names if isinstance(name, str) and name.strip() in ROLES)


def roles_from_claims(claims: Mapping[str, object]) -> frozenset[str]:
    """The roles the identity token grants: ROLES_CLAIM as a list of group names or one space- or comma-separated
    string. Empty when the claim is missing or names none of ours (the caller then asks the users table)."""
    value = claims.get(ROLES_CLAIM)
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return valid_roles(value) if isinstance(value, (list, tuple)) else frozenset()


def may_open(actor: Actor, page: str) -> bool:
    """Whether `actor` may open the page `page` (a stem of ui.navigation.PAGES)."""
    return bool(actor.roles & PAGE_ROLES[page])


def pages_for(actor: Actor) -> list[str]:
    """The pages `actor` may open, in PAGE_ROLES order (the menu's)."""
    return [page for page in PAGE_ROLES if may_open(actor, page)]


def may(actor: Actor, action: str) -> bool:
    """Whether `actor` may run `action` (a key of ACTION_ROLES)."""
    return bool(actor.roles & ACTION_ROLES[action])


def require(actor: Actor, action: str) -> None:
    """Raise AccessDenied unless `actor` may run `action`: the first line of every function that writes."""
    if not may(actor, action):
        raise AccessDenied(actor, action)
