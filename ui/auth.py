"""Who is using the app: sign-in through the lender's identity provider (Streamlit's st.login over OpenID Connect,
configured in .streamlit/secrets.toml [auth]), or local mode; the page gate; and the audit rows pages write.

Local mode: with no [auth] configured the app serves one local user with every role, but only while the server is
bound to a loopback address (make run binds 127.0.0.1). Bound to any other address without [auth], it refuses to
serve and says what to configure. The role checks themselves live in monitor.access.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from monitor import access, access_store, users
from monitor.i18n import t
from ui import data

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
NOBODY = access.Actor(subject="", email="", roles=frozenset(), mode="none")  # before sign-in
_ACTOR = "_actor"
_SIGNED_IN = "_audited_sign_in"  # the subject whose sign-in this session has written to the audit log
# The logins (subject, the identity token's nonce) whose sign-in this server has written: every page opened by URL
# and every reload is a new session on the same login, and must not read as another sign-in.
_LOGINS: set[tuple[str, str]] = set()
_LOGINS_LOCK = threading.Lock()
log = logging.getLogger(__name__)


def auth_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (st.login's configuration)."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def bound_address() -> str:
    """The address the server listens on ('' is every interface)."""
    return str(st.get_option("server.address") or "")


def role_names(roles, lang: str) -> str:
    """Roles in words, in access.ROLES order ('no role' for none)."""
    return ", ".join(t(f"role.{role}", lang) for role in access.ROLES if role in roles) or t("access.no_role", lang)


def _no_menu() -> None:
    """Register the pages, all hidden, so that Streamlit does not list the files of pages/ on its own."""
    from ui import navigation  # navigation reads access; a late import keeps this module's imports plain

    st.navigation(navigation.pages("en", NOBODY), position="hidden")


def _refuse(lang: str) -> None:
    _no_menu()
    address = bound_address() or "0.0.0.0"
    log.error("refusing to serve: bound to %s with no [auth] in .streamlit/secrets.toml", address)
    st.error(t("access.refuse_unauthenticated", lang, address=address))
    st.stop()


def _sign_in_screen(lang: str) -> None:
    _no_menu()
    st.title(t("access.sign_in_title", lang))
    st.write(t("access.sign_in_text", lang))
    st.button(t("access.sign_in", lang), type="primary", on_click=st.login)
    st.stop()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_roles(email: str, access_file: str, version: tuple) -> frozenset[str]:
    with access_store.opened(data.db_path()) as con:
        return users.roles_of(con, email)


def _roles_from_table(email: str) -> frozenset[str]:
    """The users table's roles for `email`, read once per version of the access file (an admin's change shows on
    the next run; an unchanged file is not opened on every rerun)."""
    access_file = access_store.path_for(data.db_path())
    return _cached_roles(email, str(access_file), data.data_version(access_file))


def sign_in(lang: str) -> access.Actor:
    """The user of this session, once signed in (drawing the sign-in screen and stopping until then). The first
    run after a sign-in writes sign_in to the audit log: in local mode the first run of each session, with sign-in
    the first run of each login (not each session: every page opened by URL is a new one)."""
    login = None  # with sign-in: the identity token's nonce, new at each sign-in
    if not auth_configured():
        if bound_address() not in LOOPBACK:
            _refuse(lang)
        actor = access.LOCAL_USER
    elif not st.user.is_logged_in:
        _sign_in_screen(lang)
    else:
        claims = st.user.to_dict()
        login = str(claims.get("nonce") or claims.get("iat") or "")
        email = str(claims.get("email") or "")
        subject = str(claims.get("sub") or email)
        roles = access.roles_from_claims(claims) or (_roles_from_table(email) if email else frozenset())
        actor = access.Actor(subject=subject, email=email, roles=roles, mode="oidc")
    st.session_state[_ACTOR] = actor
    if st.session_state.get(_SIGNED_IN) != actor.subject:
        if login is None or _new_login(actor.subject, login):
            record("sign_in", parameters={"mode": actor.mode})
        st.session_state[_SIGNED_IN] = actor.subject
    return actor


def _new_login(subject: str, login: str) -> bool:
    """Whether this server sees the login (`subject`, `login`: the identity token's nonce) for the first time. After
    a restart, a login still open is written once more."""
    with _LOGINS_LOCK:
        if (subject, login) in _LOGINS:
            return False
        _LOGINS.add((subject, login))
        return True


def actor() -> access.Actor:
    """The user of this session (sign_in ran first in app.py)."""
    return st.session_state[_ACTOR]


def badge(lang: str) -> None:
    """The sidebar's line saying who is signed in with which roles, and the sign-out button (or the local-mode
    badge)."""
    user = actor()
    if user.mode == "local":
        st.sidebar.caption(f":material/lock_open: {t('access.local_mode', lang)}")
        return
    st.sidebar.caption(t("access.signed_in_as", lang, who=user.who, roles=role_names(user.roles, lang)))
    if st.sidebar.button(t("access.sign_out", lang), key="sign_out"):
        record("sign_out")
        st.session_state.pop(_SIGNED_IN, None)
        st.logout()


def record(action: str, object_: str | None = None, parameters: dict | None = None,
           row_count: int | None = None) -> None:
    """Write one row to the audit log as this session's user."""
    access_store.record(data.db_path(), actor(), action, object_, parameters, row_count)


def gate(page: str, lang: str) -> None:
    """Stop before anything of `page` runs unless this session's user may open it: a user without a role, or
    without one of the page's roles, sees one message, and the refusal is written to the audit log."""
    user = actor()
    if access.may_open(user, page):
        return
    record("denied", page, {"what": "open_page"})
    if user.roles:
        st.error(t("access.no_access", lang, roles=role_names(access.PAGE_ROLES[page], lang)))
    else:
        st.error(t("access.no_roles", lang, who=user.who))
    st.stop()


def allowed(action: str, object_: str | None, lang: str) -> bool:
    """Whether this session's user may run `action`; when not, write the denied attempt and show why. For a page
    to call where an action runs; the function that writes checks again (monitor.access.require)."""
    user = actor()
    if access.may(user, action):
        return True
    record("denied", object_, {"what": action})
    st.error(t("access.denied_action", lang, roles=role_names(access.ACTION_ROLES[action], lang)))
    return False
