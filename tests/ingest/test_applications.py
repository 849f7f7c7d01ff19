"""Application files and credit-policy files (issue 18) load with the rules, quarantine and idempotence of the other
kinds: the schema's types and ranges, a decision from the list that fits its reason, loan, override and cut-off, an
approved application's loan known to the book and made by its customer, through its channel, for its product, on or
after the application; no application date in the future; no id or loan twice. A credit policy loads a version
whole."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor import access, db
from monitor.i18n import t
from monitor.ingest import load, read
from monitor.origination import cutoffs
from tests.ingest.helpers import book, ingest, query, write
from tests.ingest.test_idempotent import snapshot_rows
from tests.ingest.test_plausibility import reject_of, rejects

HEADER = ("application_id,applied_at,customer_id,channel,product,amount,term_months,monthly_income,employment_type,"
          "city_tier,age,bureau_score,application_score,cutoff,decision,decline_reason,override,loan_id")
NEW_LOAN = 900000001  # made for customer 1 through the app, a cash loan, on 2026-11-21 (the fixture `path`)
DECLINED = {"application_id": "900000001", "applied_at": "2026-11-20 10:00:00", "customer_id": "",
            "channel": "app", "product": "cash_loan", "amount": "5000", "term_months": "12",
            "monthly_income": "8000", "employment_type": "salaried", "city_tier": "2", "age": "30",
            "bureau_score": "", "application_score": "500", "cutoff": "540", "decision": "declined",
            "decline_reason": "score_below_cutoff", "override": "false", "loan_id": ""}
APPROVED = DECLINED | {"application_id": "900000002", "customer_id": "1", "application_score": "600",
                       "decision": "approved", "decline_reason": "", "loan_id": str(NEW_LOAN)}
OVERRIDE = DECLINED | {"application_id": "900000003", "application_score": "520", "decision": "approved",
                       "decline_reason": "", "override": "true"}  # approved below its cut-off, not taken up
POLICY_HEADER = "valid_from,channel,product,cutoff"


def row(base: dict, **changes: str) -> str:
    line = base | changes
    return ",".join(line[name] for name in HEADER.split(","))


def text(*rows: str) -> str:
    return "\n".join((HEADER, *rows)) + "\n"


@pytest.fixture()
def path(demo_db, tmp_path):
    """A copy of the demo book with one more loan and no application for it (NEW_LOAN)."""
    path = book(demo_db, tmp_path)
    con = db.connect(path)
    try:
        db.run(con, f"""INSERT INTO loans VALUES ({NEW_LOAN}, 1, 'cash_loan', 'app', DATE '2026-11-21', 5000, 0.2,
                        12, 'equal_installment', 600, 'active', NULL, NULL, NULL)""")
    finally:
        con.close()
    return path


def previewed(path, content: str, name: str = "applications.csv") -> load.Outcome:
    return load.preview(path, content.encode(), name)


def landed(path, content: str, name: str = "applications.csv") -> load.Outcome:
    return load.load_bytes(path, content.encode(), name, actor=access.COMMAND_USER)


def stored(path, first: int, last: int) -> list[tuple]:
    return query(path, "SELECT application_id, applied_at, customer_id, amount, bureau_score, application_score, "
                       "cutoff, decision, decline_reason, override, loan_id FROM applications "
                       "WHERE application_id BETWEEN $first AND $last ORDER BY 1",
                 {"first": first, "last": last}).rows()


def test_good_rows_land_once(path, tmp_path):
    content = text(row(DECLINED), row(APPROVED), row(OVERRIDE))
    outcome = landed(path, content)
    assert (outcome.kind, outcome.rows_accepted, outcome.rows_rejected) == ("applications", 3, 0)
    at = dt.datetime(2026, 11, 20, 10)
    assert stored(path, 900000001, 900000003) == [
        (900000001, at, None, 5000, None, 500, 540, "declined", "score_below_cutoff", False, None),
        (900000002, at, 1, 5000, None, 600, 540, "approved", None, False, NEW_LOAN),
        (900000003, at, None, 5000, None, 520, 540, "approved", None, True, None)]
    before = snapshot_rows(path)
    again = landed(path, content)
    assert again.loaded_on is not None and not again.rows_accepted
    assert snapshot_rows(path) == before
    # the same rows in another file: duplicates, skipped
    other = landed(path, content.replace("\n", "\r\n"), "monday.csv")
    assert (other.rows_accepted, other.rows_duplicate, other.rows_rejected) == (0, 3, 0)
    assert snapshot_rows(path) | {"ingest_batches": 0} == before | {"ingest_batches": 0}


def test_the_kind_is_recognised_from_the_columns(path):
    assert previewed(path, text(row(DECLINED))).kind == "applications"
    assert previewed(path, f"{POLICY_HEADER}\n2027-01-01,*,*,550\n", "policy.csv").kind == "credit_policy"


def test_a_missing_column_is_named(path):
    content = text(row(DECLINED)).replace(",decision,", ",").replace(",declined,", ",")
    with pytest.raises(read.FileError) as raised:
        load.preview(path, content.encode(), "applications.csv", "applications")
    assert raised.value.code == "missing_column" and raised.value.params["columns"] == "decision"


def test_each_rule_rejects_its_row_and_the_rest_land(path):
    """One row per rule; the good row lands (the batch policy keeps valid rows), each bad row is quarantined with
    the file, its row and the rule."""
    book_app = query(path, "SELECT a.application_id, a.loan_id, l.customer_id, l.channel, l.product, "
                           "l.origination_date FROM applications a JOIN loans l USING (loan_id) "
                           "ORDER BY a.application_id LIMIT 1").row(0, named=True)
    taken = APPROVED | {"application_id": "900000020", "loan_id": str(book_app["loan_id"]),
                        "customer_id": str(book_app["customer_id"]), "channel": book_app["channel"],
                        "product": book_app["product"], "applied_at": f"{book_app['origination_date']} 08:00:00"}
    rows = {
        1: row(DECLINED),                                                        # good
        2: row(DECLINED, application_id="900000002", application_score="abc"),   # wrong type
        3: row(APPROVED, application_id="900000003", loan_id="987654321"),       # unknown loan
        4: row(DECLINED, application_id="900000004", loan_id="987654322"),       # declined with a loan
        5: row(OVERRIDE, application_id="900000005", application_score="600"),   # override not below its cut-off
        6: row(DECLINED, application_id="900000006", decision="pending"),        # decision outside the list
        7: row(DECLINED, application_id="900000007", applied_at="2099-01-01 10:00:00"),  # in the future
        8: row(DECLINED, application_id="900000008", application_score="250"),   # score outside 300-900
        9: row(DECLINED),                                                        # the id of row 1 again
        10: row(DECLINED, application_id="1", amount="1"),                       # a book's id, other values
        11: row(taken),                                                          # a loan with an application
        12: row(APPROVED, application_id="900000012"),                           # lands: NEW_LOAN's application
        13: row(APPROVED, application_id="900000013"),                           # NEW_LOAN twice in the file
        14: row(DECLINED, application_id="900000014", application_score="560"),  # declined above its cut-off
        15: row(APPROVED, application_id="900000015", application_score="520", loan_id=""),  # override unsaid
        16: row(APPROVED, application_id="900000016", decline_reason="score_below_cutoff", loan_id=""),
        17: row(OVERRIDE, application_id="900000017", decision="declined", decline_reason="score_below_cutoff"),
        18: row(APPROVED, application_id="900000018", loan_id="", customer_id="987654321"),  # no such customer
        19: row(DECLINED, application_id="900000019", channel="tiktok"),         # a channel outside the dictionary
        20: row(DECLINED, application_id="900000021", age="17", city_tier="6"),  # outside the schema's ranges
    }
    outcome = landed(path, text(*rows.values()))
    assert (outcome.rows_total, outcome.rows_accepted, outcome.rows_rejected) == (20, 2, 18)
    assert stored(path, 900000001, 900000099) == [
        (900000001, dt.datetime(2026, 11, 20, 10), None, 5000, None, 500, 540, "declined", "score_below_cutoff",
         False, None),
        (900000012, dt.datetime(2026, 11, 20, 10), 1, 5000, None, 600, 540, "approved", None, False, NEW_LOAN)]
    found = rejects(outcome)
    assert {r: sorted({rule for rule, _, _ in found[r]}) for r in found} == {
        2: ["wrong_type"], 3: ["unknown_loan"], 4: ["inconsistent_decision", "unknown_loan"],
        5: ["inconsistent_decision"],
        6: ["invalid_value"], 7: ["future_date"], 8: ["out_of_range"], 9: ["duplicate_id"], 10: ["duplicate_id"],
        11: ["duplicate_id"], 13: ["duplicate_id"], 14: ["inconsistent_decision"], 15: ["inconsistent_decision"],
        16: ["inconsistent_decision"], 17: ["inconsistent_decision"], 18: ["unknown_customer"],
        19: ["invalid_value"], 20: ["out_of_range"]}
    assert reject_of(outcome, 2, "wrong_type")[1] == "column application_score: 'abc' is not a whole number"
    assert reject_of(outcome, 3, "unknown_loan")[1:] == (
        "column loan_id: '987654321' is no loan in the book", "列 loan_id：'987654321' 不是库中的贷款")
    assert reject_of(outcome, 4, "inconsistent_decision")[1:] == (
        "column loan_id: '987654322' on a declined application (only an approved application becomes a loan)",
        "列 loan_id：'987654322' 出现在被拒绝的申请上（只有通过的申请才会成为贷款）")
    assert reject_of(outcome, 5, "inconsistent_decision")[1] == (
        "column override: an override is approved below its cut-off, but application_score '600' is not below "
        "cutoff '540'")
    assert reject_of(outcome, 6, "invalid_value")[1] == "column decision: 'pending' is not one of approved, declined"
    assert reject_of(outcome, 7, "future_date")[1].startswith("column applied_at: '2099-01-01 10:00:00' is after today")
    assert reject_of(outcome, 8, "out_of_range")[1] == "column application_score: '250' must be between 300 and 900"
    assert reject_of(outcome, 9, "duplicate_id")[1] == "column application_id: '900000001' repeats row 1"
    assert reject_of(outcome, 10, "duplicate_id")[1] == (
        "column application_id: '1' is already in the book with other values")
    assert reject_of(outcome, 11, "duplicate_id")[1] == (
        f"column loan_id: '{book_app['loan_id']}' already belongs to application_id {book_app['application_id']} "
        "in the book")
    assert reject_of(outcome, 13, "duplicate_id")[1] == f"column loan_id: '{NEW_LOAN}' repeats row 12"
    assert reject_of(outcome, 14, "inconsistent_decision")[1] == (
        "column decision: declined for score_below_cutoff, but application_score '560' is not below cutoff '540'")
    assert reject_of(outcome, 15, "inconsistent_decision")[1] == (
        "column override: approved with application_score '520' below cutoff '540', so it is an override (true)")
    assert reject_of(outcome, 16, "inconsistent_decision")[1] == (
        "column decline_reason: 'score_below_cutoff' does not fit decision 'approved' (a declined application has "
        "a reason, an approved one none)")
    assert reject_of(outcome, 17, "inconsistent_decision")[1] == (
        "column override: 'true', but a declined application cannot be an override")
    assert sorted(message for _, message, _ in found[20]) == [
        "column age: '17' must be between 18 and 80", "column city_tier: '6' must be between 1 and 5"]
    quarantined = query(path, "SELECT DISTINCT file_name, row_number FROM quarantine ORDER BY row_number")
    assert quarantined.rows() == [("applications.csv", r) for r in sorted(found)]


def test_an_application_that_does_not_fit_its_loan(path):
    rows = [row(APPROVED, applied_at="2026-11-22 09:00:00"),                  # after the loan was made
            row(APPROVED, application_id="900000003", customer_id="2"),       # another customer
            row(APPROVED, application_id="900000004", channel="broker"),      # another channel
            row(APPROVED, application_id="900000005", product="installment")]  # another product
    outcome = previewed(path, text(*rows))
    assert outcome.rows_accepted == 0
    assert [reject_of(outcome, r, "loan_mismatch")[1] for r in (1, 2, 3, 4)] == [
        f"column applied_at: '2026-11-22 09:00:00' is after loan {NEW_LOAN}'s origination on 2026-11-21",
        f"column customer_id: '2' is not loan {NEW_LOAN}'s customer 1",
        f"column channel: 'broker' differs from loan {NEW_LOAN}'s channel 'app'",
        f"column product: 'installment' differs from loan {NEW_LOAN}'s product 'cash_loan'"]


def test_a_credit_policy_loads_a_version_whole(path):
    version = query(path, "SELECT max(valid_from) AS day FROM credit_policy")["day"][0]
    content = (f"{POLICY_HEADER}\n2026-12-01,*,*,550\n2026-12-01,broker,*,570\n2026-12-01,social_ads,installment,560\n"
               f"{version},partner_api,*,545\n"          # adds to a version of the book
               "2026-12-01,*,*,551\n"                      # the key of row 1 again
               "2026-12-01,app,*,1000\n"                   # outside 300-900
               "2026-12-01,app,mortgage,550\n"             # a product outside the list
               "2026-12-01,tiktok,*,550\n")                # a channel outside the dictionary
    outcome = landed(path, content, "policy.csv")
    assert (outcome.kind, outcome.rows_accepted, outcome.rows_rejected) == ("credit_policy", 3, 5)
    assert {r: [rule for rule, _, _ in found] for r, found in rejects(outcome).items()} == {
        4: ["policy_version_exists"], 5: ["duplicate_id"], 6: ["out_of_range"], 7: ["invalid_value"],
        8: ["invalid_value"]}
    assert reject_of(outcome, 4, "policy_version_exists")[1:] == (
        f"column valid_from: the book already holds the policy in force from '{version}'; a version loads whole",
        f"列 valid_from：库中已有自 '{version}' 起生效的授信策略；一个策略版本须整版导入")
    assert reject_of(outcome, 7, "invalid_value")[1] == (
        "column product: 'mortgage' is not one of cash_loan, installment, *")
    con = db.connect(path, read_only=True)
    try:
        policy = cutoffs.in_force(con, dt.date(2026, 12, 2))
        assert policy.cutoff("broker", "cash_loan") == 570 and policy.cutoff("app", "cash_loan") == 550
        assert policy.cutoff("social_ads", "installment") == 560
        assert cutoffs.in_force(con, dt.date(2026, 11, 30)).cutoff("broker", "cash_loan") != 570
    finally:
        con.close()
    before = snapshot_rows(path)
    assert landed(path, content, "policy.csv").loaded_on is not None
    assert snapshot_rows(path) == before


def test_the_command_names_file_row_and_rule(path, tmp_path):
    file = write(tmp_path, "apps.csv", text(row(DECLINED), row(DECLINED, application_id="900000002",
                                                                 applied_at="2099-01-01 10:00:00")))
    result = ingest(path, file)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "apps.csv: applications, 2 rows: 1 accepted, 1 rejected (future_date 1)" in result.stdout
    assert "apps.csv row 2: future_date: column applied_at: '2099-01-01 10:00:00' is after today" in result.stdout


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_data_page_previews_and_lands_an_application_file(path, monkeypatch, lang):
    """Uploaded on the Data page: the file is named as credit applications, the rejected row with its rule and
    message in the page's language; the button lands the rest."""
    from tests.ingest.test_data_page_upload import _data_page

    at = _data_page(path, monkeypatch, lang)
    content = text(row(DECLINED), row(OVERRIDE, application_score="600"))
    at.file_uploader(key="ingest_files").upload("applications.csv", content.encode(), "text/csv").run()
    assert not at.exception
    heading = t("ingest.file_heading", lang, file="applications.csv", kind=t("batch_kind.applications", lang))
    assert any(heading in m.value.replace("\\", "") for m in at.main.markdown)
    rejects = at.main.dataframe[-1].value
    assert rejects["rule"].to_list() == [t("rule.inconsistent_decision", lang)]
    assert rejects["message"].to_list() == [t("reject.override_not_below", lang, score="'600'", cutoff="'540'")]
    at.button(key="ingest_land").click().run()
    assert not at.exception
    assert stored(path, 900000001, 900000003) == [
        (900000001, dt.datetime(2026, 11, 20, 10), None, 5000, None, 500, 540, "declined", "score_below_cutoff",
         False, None)]
