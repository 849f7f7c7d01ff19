"""Retraining makes a candidate, promoting makes it live (issue 14): the live model is the newest promoted one, and
store.load, the scores and the monitoring follow it; each job checks the role where it runs (a refused actor
raises AccessDenied and nothing is written); the Model page shows the candidate's validation figures beside the
live model's and a confirmation before the button that makes it live does anything; an older book's models were
each live in their turn."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, access_store, audit, db
from monitor.i18n import LANGUAGES, t
from monitor.scoring import jobs, monitoring, store

from . import test_pages_model as pages_model

ADMIN = access.Actor(subject="b", email="admin@example.com", roles=frozenset({"admin"}))
RISK = access.Actor(subject="r", email="risk@example.com", roles=frozenset({"risk_manager", "analyst"}))
TIMEOUT = 120


def copy_book(source: Path, folder: Path) -> Path:
    """A copy of a book and its models folder (the models' files travel with the book)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / source.name
    shutil.copyfile(source, path)
    if store.models_dir(source).exists():
        shutil.copytree(store.models_dir(source), store.models_dir(path))
    return path


def log_rows(book: Path) -> list[dict]:
    con = access_store.connect(book)
    try:
        return audit.entries(con, since=dt.date(2000, 1, 1), until=dt.date(2100, 1, 1)).reverse().to_dicts()
    finally:
        con.close()


def read(book: Path, query, *args):
    con = db.connect(book, read_only=True)
    try:
        return query(con, *args)
    finally:
        con.close()


@pytest.fixture(scope="module")
def candidate_book(scored_db, tmp_path_factory) -> Path:
    """The scored book (its model live) with a candidate trained after it by an admin. Copy it to change it."""
    path = copy_book(scored_db, tmp_path_factory.mktemp("candidate"))
    jobs.train_model(path, actor=ADMIN, promote=False, backtest_months=2)
    return path


@pytest.fixture
def book(candidate_book, tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    path = copy_book(candidate_book, tmp_path / "book")
    access_store.path_for(path).unlink(missing_ok=True)
    shutil.copyfile(access_store.path_for(candidate_book), access_store.path_for(path))
    return path


# -------------------------------------------------------------------------------------------------- the jobs

def test_a_retrain_makes_a_candidate_and_leaves_the_live_model(scored_db, candidate_book):
    live = read(scored_db, store.live_version)
    assert read(candidate_book, store.live_version) == live
    candidate = read(candidate_book, store.candidate_version)
    assert candidate not in (None, live)
    assert read(candidate_book, store.metadata)["model_version"] == live
    assert read(candidate_book, lambda con: store.load(con, candidate_book).version) == live
    [row] = log_rows(candidate_book)
    assert (row["who"], row["action"], row["object"]) == ("admin@example.com", "retrain_model", candidate)
    assert json.loads(row["parameters"])["promoted"] is False


@pytest.mark.parametrize("promote", [False, True])
def test_a_role_without_retrain_model_trains_nothing(scored_db, tmp_path, monkeypatch, promote):
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    path = copy_book(scored_db, tmp_path)
    before = read(path, store.registry)["model_version"].to_list()
    files = sorted(store.models_dir(path).iterdir())
    with pytest.raises(access.AccessDenied):
        jobs.train_model(path, actor=RISK, promote=promote)
    assert read(path, store.registry)["model_version"].to_list() == before
    assert sorted(store.models_dir(path).iterdir()) == files
    assert log_rows(path) == []


def test_retrain_alone_may_not_promote(scored_db, tmp_path, monkeypatch):
    """A role that may retrain but not promote (none today; ACTION_ROLES may grow one) is refused promote=True."""
    monkeypatch.setitem(access.ACTION_ROLES, "retrain_model", frozenset({"analyst"}))
    monkeypatch.delenv("MONITOR_ACCESS_DB", raising=False)
    path = copy_book(scored_db, tmp_path)
    with pytest.raises(access.AccessDenied, match="promote_model"):
        jobs.train_model(path, actor=RISK, promote=True)
    assert log_rows(path) == []


@pytest.mark.parametrize("actor", [RISK, access.Actor("n", "n@example.com", frozenset())])
def test_a_role_without_promote_model_promotes_nothing(book, actor):
    live, candidate = read(book, store.live_version), read(book, store.candidate_version)
    before = log_rows(book)
    with pytest.raises(access.AccessDenied):
        jobs.promote_model(book, candidate, actor=actor)
    assert (read(book, store.live_version), read(book, store.candidate_version)) == (live, candidate)
    assert log_rows(book) == before


def test_an_admin_promotes_the_candidate_and_loads_and_scores_follow_it(book):
    live, candidate = read(book, store.live_version), read(book, store.candidate_version)
    assert jobs.promote_model(book, candidate, actor=ADMIN) == live
    assert read(book, store.live_version) == candidate and read(book, store.candidate_version) is None
    assert read(book, lambda con: store.load(con, book).version) == candidate
    assert read(book, store.registry).filter("live")["model_version"].to_list() == [candidate]
    row = log_rows(book)[-1]
    assert (row["who"], row["action"], row["object"]) == ("admin@example.com", "promote_model", candidate)
    parameters = json.loads(row["parameters"])
    assert parameters["replaces"] == live and set(parameters) == {"replaces", "auc_oot", "gini_oot", "ks_oot", "psi"}
    [(day, loans)] = jobs.score_book(book)
    assert read(book, lambda con: con.execute("SELECT model_version FROM score_runs WHERE as_of = ?",
                                              [day]).fetchall()) == [(candidate,)]


def test_promoting_an_unknown_version_says_so(book):
    with pytest.raises(store.ModelError, match="no model 'scorecard-x'"):
        jobs.promote_model(book, "scorecard-x", actor=ADMIN)


def test_the_candidate_view_sets_its_figures_beside_the_live_ones(candidate_book):
    view = read(candidate_book, monitoring.candidate_view)
    live = read(candidate_book, store.metadata)
    meta = read(candidate_book, store.metadata, view["version"])
    assert view["live_version"] == live["model_version"]
    rows = {row["metric"]: row for row in view["metrics"].iter_rows(named=True)}
    assert list(rows) == ["auc", "gini", "ks", "brier", "capture_10", "psi"]
    assert rows["auc"]["candidate"] == meta["metrics"]["auc_oot"] and rows["auc"]["live"] == live["metrics"]["auc_oot"]
    assert rows["psi"]["candidate"] == meta["metrics"]["psi"] and rows["psi"]["lower_is_better"]
    assert rows["ks"]["difference"] == pytest.approx(meta["metrics"]["ks_oot"] - live["metrics"]["ks_oot"])
    assert view["calibration"].height == len(meta["calibration"])


# ------------------------------------------------------------------------------------------------- the page

def model_page(path: Path, monkeypatch, lang: str) -> AppTest:
    at = pages_model.model_page(path, monkeypatch, lang)
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_page_shows_the_candidates_figures_and_asks_before_promoting(book, monkeypatch, lang):
    live, candidate = read(book, store.live_version), read(book, store.candidate_version)
    view = read(book, monitoring.candidate_view)
    at = model_page(book, monkeypatch, lang)
    assert t("model.candidate", lang, version=candidate) in [h.value for h in at.main.subheader]
    cards = {m.label: m for m in at.main.metric}
    auc = view["metrics"].row(0, named=True)
    assert cards[t("model.metric.psi", lang)].value == f"{view['metrics']['candidate'][-1]:.3f}"
    assert t("model.candidate_live_value", lang, value=f"{auc['live']:.3f}") in [c.value for c in at.main.caption]
    assert f"{auc['candidate']:.3f}" in [m.value for m in at.main.metric if m.label == t("model.metric.auc", lang)]
    assert t("model.candidate_calibration", lang) in [m.value.strip("*") for m in at.main.markdown]
    confirm = at.checkbox(key=f"promote_confirm_{candidate}")
    assert confirm.label == t("model.promote_confirm", lang, version=candidate, live=live) and not confirm.value
    assert at.button(key="promote").disabled  # until the confirmation is ticked
    at.checkbox(key=f"promote_confirm_{candidate}").check().run()
    assert not at.button(key="promote").disabled
    at.button(key="promote").click().run(timeout=TIMEOUT)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert read(book, store.live_version) == candidate
    assert t("model.promoted", lang, version=candidate) in [s.value for s in at.main.success]
    assert t("model.candidate", lang, version=candidate) not in [h.value for h in at.main.subheader]
    assert [r["action"] for r in log_rows(book)][-1] == "promote_model"
    assert read(book, lambda con: con.execute("SELECT model_version FROM score_runs ORDER BY as_of DESC "
                                              "LIMIT 1").fetchall()) == [(candidate,)]


# ------------------------------------------------------------------------------------------------ migration

def test_a_version_2_books_models_were_each_live_in_their_turn(candidate_book, tmp_path):
    path = copy_book(candidate_book, tmp_path)
    con = duckdb.connect(str(path), config=db.CONFIG)
    try:
        con.execute("ALTER TABLE models DROP COLUMN promoted_at")
        con.execute("DELETE FROM schema_info")
        con.execute("INSERT INTO schema_info VALUES (2, current_timestamp)")
    finally:
        con.close()
    db.connect(path).close()  # a read-write open migrates
    registry = read(path, store.registry)
    assert registry["promoted_at"].to_list() == registry["created_at"].to_list()
    assert read(path, store.live_version) == registry["model_version"][0]  # the newest, as before version 3
    assert read(path, store.candidate_version) is None


def test_a_risk_manager_sees_the_candidate_but_may_neither_retrain_nor_promote(book, monkeypatch):
    """Signed in through OpenID Connect as a role that opens the page: the buttons are drawn, the checks run when
    they are clicked, and the refusals are in the audit log."""
    from ui import auth

    from .test_write_checks import signed_in

    live, candidate = read(book, store.live_version), read(book, store.candidate_version)
    models = read(book, store.registry)["model_version"].to_list()
    at = signed_in(book, monkeypatch, "model", "risk@example.com", "risk_manager")
    at.button(key="retrain").click().run()
    refused = [t("access.denied_action", "en", roles=auth.role_names(access.ACTION_ROLES[action], "en"))
               for action in ("retrain_model", "promote_model")]
    assert [e.value for e in at.error] == refused[:1]
    at.checkbox(key=f"promote_confirm_{candidate}").check().run()
    at.button(key="promote").click().run()
    assert [e.value for e in at.error] == refused[1:]
    assert read(book, store.registry)["model_version"].to_list() == models
    assert (read(book, store.live_version), read(book, store.candidate_version)) == (live, candidate)
    mine = [(r["action"], r["object"], json.loads(r["parameters"])) for r in log_rows(book)
            if r["who"] == "risk@example.com" and r["action"] != "sign_in"]
    assert mine == [("denied", None, {"what": "retrain_model"}), ("denied", candidate, {"what": "promote_model"})]
