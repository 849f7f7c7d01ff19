"""A local OpenID Connect provider for the browser tests (the PyPI package oidc-provider-mock, served on a thread of
the test process), the people it signs in, and the secrets.toml that points a real Streamlit server at it.

The provider's sign-in page lists the predefined users as buttons: a test "signs in" by clicking its user's button,
and the provider sends the browser back to the app with an authorization code, as a real identity provider would.
Any client id is accepted (the mock's dynamic client handling), so the secrets name one of our own.
"""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path

from oidc_provider_mock import User, run_server_in_thread

from monitor import access

DOMAIN = "lender.test"
CLIENT_ID = "delinquency-monitor"
TABLE_ROLES = frozenset({"collections", "executive"})  # what the users table grants TABLE_USER


def email_of(role: str) -> str:
    """The email of the test user whose token's groups name `role` only."""
    return f"{role.replace('_', '-')}@{DOMAIN}"


ROLE_USERS = {role: email_of(role) for role in access.ROLES}
TABLE_USER = f"listed@{DOMAIN}"  # no groups in the token; the users table grants TABLE_ROLES
NO_ROLE_USER = f"nobody@{DOMAIN}"  # no groups of ours in the token, not in the users table


def users() -> list[User]:
    """The predefined users: one per role (groups holds the role and a group that is no role of ours, which must
    be ignored), one whose token has no groups claim, one whose groups name none of our roles."""
    people = [User(sub=email, claims={"email": email, "name": role, "groups": [role, "vpn-users"]})
              for role, email in ROLE_USERS.items()]
    people.append(User(sub=TABLE_USER, claims={"email": TABLE_USER, "name": "Listed"}))
    people.append(User(sub=NO_ROLE_USER, claims={"email": NO_ROLE_USER, "name": "Nobody", "groups": ["staff"]}))
    return people


@contextmanager
def provider():
    """The provider, served on localhost (a free port) until the block ends; yields its base URL."""
    with run_server_in_thread(user_claims=users()) as server:
        yield f"http://localhost:{server.server_port}"


def write_secrets(path: Path, provider_url: str, app_port: int) -> Path:
    """A secrets.toml with an [auth] section for the app served at 127.0.0.1:`app_port`."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n')
    return path
