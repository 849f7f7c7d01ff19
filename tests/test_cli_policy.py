"""`python -m monitor policy`: the figures it prints are the functions' (monitor.origination.whatif), read-only
unless --save, saved policies compared, bad input (exit 2, one line, nothing written)."""

from __future__ import annotations

import json
import shutil

import pytest

from monitor import db
from monitor.origination import saved_policies, whatif
from monitor.origination.backtest import backtest as policy_backtest
from monitor.origination.cutoffs import ANY

from .builders import Book
from .conftest import DEMO_AS_OF
from .test_cli import assert_bad_input, monitor, snapshot

AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture(scope="module")
def folder(application_scored_db, tmp_path_factory):
    """A folder holding a copy of the demo book with application scores."""
    path = tmp_path_factory.mktemp("policy")
    shutil.copyfile(application_scored_db, path / "book.duckdb")
    return path


def _json(stdout: str) -> dict:
    return json.loads(stdout)


def _plain(value):
    """A value as the command's JSON writes it (dates as text)."""
    return json.loads(json.dumps(value, default=str))


def test_the_json_is_the_functions_figures(folder):
    before = snapshot(folder)
    result = monitor("policy", "--db", "book.duckdb", "--as-of", AS_OF, "--cutoff", "broker=620", "--cutoff",
                     "default=580", "--line", "700=1.5", "--lgd", "0.7", "--format", "json", cwd=folder)
    assert result.returncode == 0, result.stderr
    assert snapshot(folder) == before  # read-only
    out = _json(result.stdout)
    con = db.connect(folder / "book.duckdb", read_only=True)
    try:
        pop = whatif.population(con, DEMO_AS_OF)
        today = whatif.today_policy(con, DEMO_AS_OF)
        chosen = whatif.PolicyChoice(today.with_cutoffs({("broker", ANY): 620, (ANY, ANY): 580}).cutoffs,
                                     ((700, 1.5),))
        assumptions = whatif.default_assumptions(con, DEMO_AS_OF).replace(lgd=0.7)
        expected = whatif.compare(pop, today, chosen, assumptions)
        backtest = policy_backtest(con, DEMO_AS_OF, chosen, assumptions)
    finally:
        con.close()
    for name in ("today", "chosen", "swap_in", "swap_out", "recorded"):
        assert out[name] == pytest.approx(expected[name]), name
    assert out["by_channel"] == [pytest.approx(row) for row in expected["by_channel"].to_dicts()]
    plain = _plain(backtest)
    assert {k: v for k, v in out["backtest"].items() if not isinstance(v, dict)} == {
        k: v for k, v in plain.items() if not isinstance(v, dict)}
    for part in ("projected", "actual", "error"):
        assert out["backtest"][part] == pytest.approx(plain[part]), part
    assert out["policy"]["chosen"] == chosen.as_json()
    assert out["assumptions"]["lgd"] == {"value": 0.7, "source": "policy_source.edited",
                                         "detail": {"default": pytest.approx(assumptions.lgd.detail["default"])}}
    assert (out["as_of"], out["first"], out["last"]) == (AS_OF, "2025-11-30", AS_OF)
    assert out["chosen"]["approval_rate"] != out["today"]["approval_rate"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_text(folder, lang):
    result = monitor("policy", "--db", "book.duckdb", "--cutoff", "broker=650", "--lang", lang, cwd=folder)
    assert result.returncode == 0, result.stderr
    heading = {"en": "Credit policy what-if at", "zh": "授信策略模拟"}[lang]
    assert heading in result.stdout and "Traceback" not in result.stderr
    assert {"en": "Swap-out", "zh": "换出"}[lang] in result.stdout
    assert {"en": "Backtest", "zh": "回测"}[lang] in result.stdout


def test_save_then_compare(folder, tmp_path):
    book = tmp_path / "book.duckdb"
    shutil.copyfile(folder / "book.duckdb", book)
    saved = monitor("policy", "--db", "book.duckdb", "--as-of", AS_OF, "--cutoff", "default=600", "--operating-cost",
                    "200", "--save", "tight", "--format", "json", cwd=tmp_path)
    assert saved.returncode == 0, saved.stderr
    assert "tight" in saved.stderr
    con = db.connect(book, read_only=True)
    try:
        assert saved_policies.names(con) == ["tight"]
        choice, assumptions = saved_policies.load(con, "tight")
        expected = whatif.evaluate(whatif.population(con, DEMO_AS_OF), choice, assumptions)
    finally:
        con.close()
    assert assumptions.operating_cost.value == 200.0
    assert choice.as_json() == _json(saved.stdout)["policy"]["chosen"]
    compared = monitor("policy", "--db", "book.duckdb", "--as-of", AS_OF, "--compare", "tight", "--format", "json",
                       cwd=tmp_path)
    assert compared.returncode == 0, compared.stderr
    out = _json(compared.stdout)
    assert out["compare"] == {"tight": pytest.approx(expected)}
    assert out["chosen"] == out["today"]  # no option changes today's policy
    assert out["compare"]["tight"]["approved"] < out["today"]["approved"]  # its own cut-offs
    assert out["compare"]["tight"]["operating_cost"] == 200 * out["compare"]["tight"]["approved"]  # and costs
    text = monitor("policy", "--db", "book.duckdb", "--compare", "tight", "--lang", "en", cwd=tmp_path)
    assert "Saved policies side by side" in text.stdout and "tight" in text.stdout


def test_without_application_scores_it_names_the_command(demo_db, tmp_path):
    shutil.copyfile(demo_db, tmp_path / "book.duckdb")
    before = snapshot(tmp_path)
    result = monitor("policy", "--db", "book.duckdb", "--lang", "en", cwd=tmp_path)
    assert_bad_input(result, "python -m monitor train-application")
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(("args", "words"), [
    (("--cutoff", "broker=1000"), ("--cutoff", "from 300 to 900")),
    (("--cutoff", "brokr=620"), ("--cutoff", "channel 'brokr'", "broker")),
    (("--cutoff", "broker/car_loan=620"), ("--cutoff", "unknown product")),
    (("--line", "700=9"), ("--line", "at most 5")),
    (("--lgd", "1.5"), ("--lgd", "from 0 to 1")),
    (("--funding-rate", "abc"), ("--funding-rate", "a number")),
    (("--compare", "nope"), ("no saved policy 'nope'",)),
    (("--as-of", "2030-01-01"), ("--as-of", "after the book's today")),
])
def test_bad_input(folder, args, words):
    before = snapshot(folder)
    assert_bad_input(monitor("policy", "--db", "book.duckdb", *args, cwd=folder), *words)
    assert snapshot(folder) == before


def test_an_as_of_without_applications_in_its_window(tmp_path):
    """A book never derived says so; then an as-of whose 12 months hold no application says which months."""
    book = Book(tmp_path / "book.duckdb")
    book.loan(1, "2024-01-10", "1000.00", [("2024-02-10", "1000.00", "15.00", "0.00")])
    book.application(1, "2024-01-08 10:00:00", loan_id=1, pd=0.1)
    book.close()
    assert_bad_input(monitor("policy", "--db", "book.duckdb", "--as-of", "2024-06-30", "--lang", "en", cwd=tmp_path),
                     "python -m monitor derive")
    assert monitor("derive", "--db", "book.duckdb", cwd=tmp_path).returncode == 0
    result = monitor("policy", "--db", "book.duckdb", "--as-of", "2025-12-31", "--lang", "en", cwd=tmp_path)
    assert_bad_input(result, "no scored application was made from 2025-01-01 to 2025-12-31")
    assert monitor("policy", "--db", "book.duckdb", "--as-of", "2024-06-30", "--format", "json",
                   cwd=tmp_path).returncode == 0
