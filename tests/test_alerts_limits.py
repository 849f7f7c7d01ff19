"""The limits store: validation naming the field, versions, the starter set on a new book and after migration."""

from __future__ import annotations

import duckdb
import pytest

from monitor import alerts_starter as starter
from monitor import db
from monitor.alerts import limits, names
from tests.builders import Book

STARTER = [
    ("30+ rate by balance", "dpd30_balance", "above", 0.06, 0.08),
    ("M1 to M2 roll", "roll_m1_m2", "above", 0.50, 0.60),
    ("FPD30, newest cohorts", "fpd30_newest", "above", 0.06, 0.08),
    ("Net charge-off (annualized)", "net_charge_off", "above", 0.08, 0.12),
    ("Score PSI", "model_psi", "above", 0.10, 0.25),
    ("Hours since the last batch", "hours_since_batch", "above", 26.0, 50.0),
    ("Collection entry rate, month to date", "entry_rate_mtd", "above", 0.20, 0.25),
]


@pytest.fixture
def con(tmp_path):
    book = Book(tmp_path / "b.duckdb")
    book.loan(1, "2026-01-10", "900.00", [("2026-02-10", "900.00", "0", "0")])  # product cash_loan, channel app
    yield book.con
    book.close()


def good(**change) -> dict:
    return {"name": "broker 30+", "metric": "dpd30_balance", "segment": "channel", "segment_value": "app",
            "direction": "above", "amber": 0.08, "red": 0.12, "pending": 2, "owner": "risk_manager", **change}


@pytest.mark.parametrize(("change", "message"), [
    ({"metric": "dpd45_balance"}, "metric: unknown metric dpd45_balance; choose one of dpd1_count"),
    ({"segment": "region"}, "segment: unknown segment region; choose one of product, channel"),
    ({"segment_value": "broker"}, "segment_value: the book holds no channel value broker."),
    ({"segment_value": None}, "segment_value: a segment and its value go together"),
    ({"metric": "model_psi"}, "segment: the metric model_psi is read on the whole book only; it takes no segment."),
    ({"metric": "segment_share", "segment": None, "segment_value": None},
     "segment: the metric segment_share needs a segment and a value."),
    ({"direction": "sideways"}, "direction: must be above or below, not sideways."),
    ({"amber": 0.12, "red": 0.08}, "amber: with direction above, amber must be below red (amber 0.12, red 0.08)."),
    ({"amber": 0.1, "red": 0.1}, "amber: with direction above, amber must be below red"),
    ({"direction": "below"}, "amber: with direction below, amber must be above red (amber 0.08, red 0.12)."),
    ({"amber": float("nan")}, "amber: must be a number, not nan."),
    ({"pending": 0}, "pending: the consecutive evaluations before firing must be a whole number of at least 1, "
                     "not 0."),
    ({"owner": " "}, "owner: must not be empty."),
    ({"name": ""}, "name: must not be empty."),
    ({"name": "M1 to M2 roll"}, "name: a limit named 'M1 to M2 roll' exists already (id 2); choose another name."),
])
def test_a_bad_limit_is_refused_naming_the_field(con, change, message):
    before = con.execute("SELECT count(*) FROM limit_versions").fetchall()
    with pytest.raises(limits.LimitRefused) as refused:
        limits.add(con, "rm", **good(**change))
    assert message in str(refused.value)
    assert refused.value.text("zh") != str(refused.value)  # and in Chinese, for the page
    assert con.execute("SELECT count(*) FROM limit_versions").fetchall() == before  # nothing written


def test_a_change_is_checked_as_a_whole_limit(con):
    with pytest.raises(limits.LimitRefused, match="amber: with direction above"):
        limits.change(con, "rm", 1, amber=0.09)  # the starter's red is 0.08
    with pytest.raises(limits.LimitRefused, match="version: cannot be changed"):
        limits.change(con, "rm", 1, version=9)


def test_every_change_is_a_version_with_who_when_before_and_after(con):
    limit_id = limits.add(con, "anna", **good())
    assert limit_id == len(STARTER) + 1
    limits.change(con, "bo", limit_id, amber=0.09, pending=3)
    limits.change(con, "bo", limit_id, amber=0.09)  # no change: no version
    limits.disable(con, "chen", limit_id)
    history = limits.versions(con, limit_id)
    assert [(v["version"], v["changed_by"]) for v in history] == [(1, "anna"), (2, "bo"), (3, "chen")]
    assert history[0]["before"] is None and history[0]["after"]["amber"] == 0.08
    assert (history[1]["before"]["amber"], history[1]["after"]["amber"]) == (0.08, 0.09)
    assert (history[1]["before"]["pending"], history[1]["after"]["pending"]) == (2, 3)
    assert (history[2]["before"]["enabled"], history[2]["after"]["enabled"]) == (True, False)
    assert limits.get(con, limit_id) == {**history[2]["after"], "version": 3}
    assert limits.get(con, limit_id)["version"] == 3 and not limits.get(con, limit_id)["enabled"]


def test_the_direction_defaults_to_the_metrics_usual_one(con):
    limit_id = limits.add(con, "rm", name="cures", metric="cure_m1", amber=0.4, red=0.3, owner="rm")
    assert limits.get(con, limit_id)["direction"] == "below"


def test_a_new_book_starts_with_the_starter_set(con):
    found = con.execute("SELECT name, metric, direction, amber, red FROM limits ORDER BY limit_id").fetchall()
    assert found == STARTER
    assert con.execute("SELECT DISTINCT owner, enabled, version, segment FROM limits").fetchall() == [
        ("risk_manager", True, 1, None)]
    assert con.execute("SELECT count(*), min(changed_by), max(changed_by) FROM limit_versions "
                       "WHERE version = 1 AND before IS NULL").fetchall() == [(len(STARTER), "system", "system")]
    for row in starter.rows():  # each passes the store's own checks
        limits.check(con, {**row, "name": "check " + row["name"]})
    db.create_schema(con)  # run again on an existing book (as older writers do): no second set
    assert con.execute("SELECT count(*) FROM limits").fetchall() == [(len(STARTER),)]


def test_a_version_3_book_gets_the_tables_and_the_starter_set_when_opened(tmp_path):
    path = tmp_path / "v3.duckdb"
    Book(path).close()
    raw = duckdb.connect(str(path), config=db.CONFIG)
    for table in ("limits", "limit_versions", "alert_state", "alert_evaluations", "alert_events", "alert_acks",
                  "alert_silences", "contact_points", "alert_deliveries", "playbooks", "drills"):
        raw.execute(f"DROP TABLE {table}")
    raw.execute("DELETE FROM schema_info")
    raw.execute("INSERT INTO schema_info VALUES (3, current_timestamp)")
    raw.close()
    con = db.connect(path)  # a read-write open migrates
    try:
        assert db.schema_version(con) == db.SCHEMA_VERSION
        assert con.execute("SELECT name, metric, direction, amber, red FROM limits ORDER BY limit_id"
                           ).fetchall() == STARTER
        assert con.execute("SELECT detail->>'from', detail->>'to' FROM book_history WHERE event = 'migrate' "
                           "ORDER BY 1").fetchall()[:2] == [("3", "4"), ("4", "5")]
        tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert {"alert_events", "alert_acks", "alert_silences", "drills"} <= tables
        assert con.execute("SELECT count(*) FROM alert_events").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_starter_limits_name_follows_the_language_until_it_is_renamed(con):
    """The starter names are stored in English and kept with their key; the catalog's English is the stored name,
    its Chinese what a zh reader sees; a name someone typed is shown as typed, in both languages."""
    keys = con.execute("SELECT name, name_key FROM limits ORDER BY limit_id").fetchall()
    assert keys == [(name, metric) for name, metric, *_ in STARTER]
    assert [names.shown(name, key, "en") for name, key in keys] == [name for name, *_ in STARTER]
    assert names.shown("30+ rate by balance", "dpd30_balance", "zh") == "30+ 逾期率（按余额）"
    assert names.shown("M1 to M2 roll", "roll_m1_m2", "zh") == "M1→M2 迁移率"
    limits.change(con, "rm", 1, amber=0.065)  # another field: still the starter's name
    assert limits.get(con, 1)["name_key"] == "dpd30_balance"
    after = limits.change(con, "rm", 1, name="30+ by balance (group)")
    assert (after["name"], after["name_key"], after["version"]) == ("30+ by balance (group)", None, 3)
    assert {names.shown(after["name"], after["name_key"], lang) for lang in ("zh", "en")} == {"30+ by balance (group)"}
    assert limits.versions(con, 1)[2]["before"]["name_key"] == "dpd30_balance"


def test_a_new_name_may_not_be_a_starter_limits_name_in_another_language(con):
    with pytest.raises(limits.LimitRefused) as refused:
        limits.add(con, "rm", **{**good(), "name": "M1→M2 迁移率", "segment": None, "segment_value": None})
    assert (refused.value.field, refused.value.params["limit_id"]) == ("name", 2)
