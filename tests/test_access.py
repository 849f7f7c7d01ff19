"""monitor.access: who opens which page and runs which action; roles from the token or the users table."""

from __future__ import annotations

import pytest

from monitor import access, access_store, audit, users
from ui import navigation

# The menu each role sees, written out by hand from the issue (executives the summary, risk managers the
# monitoring and the lists, analysts the what-ifs, collections the accounts, the data steward the loads).
EXPECTED_PAGES = {
    "executive": ["delinquency", "executive", "alerts"],  # Limits and alerts read-only (issue 16)
    "risk_manager": ["delinquency", "today", "executive", "early_warning", "collections", "compliance", "account",
                     "model", "alerts"],
    "analyst": ["delinquency", "executive", "model", "simulator_loan", "simulator_portfolio", "credit_policy"],
    "collections": ["today", "early_warning", "collections", "compliance", "account", "simulator_loan"],
    "data_steward": ["today", "data"],
    "admin": ["model", "data", "admin"],
}


def actor(*roles: str, email: str = "someone@lender.cn") -> access.Actor:
    return access.Actor(subject=email, email=email, roles=frozenset(roles))


@pytest.mark.parametrize("role", access.ROLES)
def test_each_role_opens_exactly_its_pages(role):
    assert access.pages_for(actor(role)) == EXPECTED_PAGES[role]


def test_every_page_of_the_menu_declares_its_roles_and_every_role_opens_one():
    assert {stem for stem, _ in navigation.PAGES} <= set(access.PAGE_ROLES)
    assert all(access.pages_for(actor(role)) for role in access.ROLES)


def test_roles_add_up_and_no_role_opens_nothing():
    both = actor("executive", "data_steward")
    assert set(access.pages_for(both)) == set(EXPECTED_PAGES["executive"]) | set(EXPECTED_PAGES["data_steward"])
    assert access.pages_for(actor()) == []
    assert access.pages_for(access.LOCAL_USER) == list(access.PAGE_ROLES)


@pytest.mark.parametrize(("action", "allowed"), [
    ("land_files", {"data_steward"}), ("retrain_model", {"admin"}), ("promote_model", {"admin"}),
    ("save_scenario", {"analyst"}), ("save_policy", {"analyst"}), ("edit_settings", {"admin"}),
    ("edit_roles", {"admin"}),
    ("reveal_phone", {"collections"}), ("view_quarantine_rows", {"data_steward"}),
])
def test_require_lets_only_the_actions_roles_through(action, allowed):
    for role in access.ROLES:
        if role in allowed:
            access.require(actor(role), action)
        else:
            with pytest.raises(access.AccessDenied, match=f"may not {action}"):
                access.require(actor(role), action)


@pytest.mark.parametrize(("claims", "roles"), [
    ({"groups": ["analyst", "staff", "admin"]}, {"analyst", "admin"}),
    ({"groups": "risk_manager collections"}, {"risk_manager", "collections"}),
    ({"groups": "risk_manager,executive"}, {"risk_manager", "executive"}),
    ({"groups": ["Admin", "superuser", 7]}, set()),  # not ours (roles are exact names)
    ({"email": "a@b.cn"}, set()),
    ({"groups": None}, set()),
])
def test_roles_from_the_tokens_groups_claim(claims, roles):
    assert access.roles_from_claims(claims) == roles


def test_the_users_table_grants_roles_by_email_and_only_an_admin_edits_it(tmp_path):
    book = tmp_path / "book.duckdb"
    con = access_store.connect(book)
    try:
        admin = actor("admin", email="boss@lender.cn")
        users.set_roles(con, admin, " Li.Lei@Lender.CN ", frozenset({"collections", "analyst"}))
        assert users.roles_of(con, "li.lei@lender.cn") == {"collections", "analyst"}
        assert users.listing(con).rows() == [("li.lei@lender.cn", ["analyst", "collections"],
                                              users.listing(con)["updated_at"][0], "boss@lender.cn")]
        with pytest.raises(access.AccessDenied):
            users.set_roles(con, actor("risk_manager"), "li.lei@lender.cn", frozenset({"admin"}))
        assert users.roles_of(con, "li.lei@lender.cn") == {"collections", "analyst"}
        with pytest.raises(ValueError, match="not roles"):
            users.set_roles(con, admin, "li.lei@lender.cn", frozenset({"root"}))
        users.set_roles(con, admin, "li.lei@lender.cn", frozenset())
        assert users.roles_of(con, "li.lei@lender.cn") == frozenset()
        logged = audit.entries(con).sort("seq")
        assert logged.select("who", "action", "object", "parameters").rows() == [
            ("boss@lender.cn", "edit_roles", "li.lei@lender.cn", '{"roles":["analyst","collections"]}'),
            ("boss@lender.cn", "edit_roles", "li.lei@lender.cn", '{"roles":[]}'),
        ]
    finally:
        con.close()
    assert access_store.path_for(book) == tmp_path / "book.access.duckdb"
    assert (tmp_path / "book.access.duckdb").stat().st_mode & 0o777 == 0o600
