"""The schema enforces the data model's rules itself (DESIGN.md §3), whoever writes."""

from __future__ import annotations

import duckdb
import pytest

from monitor import db

from .builders import ACTION_COLUMNS


@pytest.fixture
def con(tmp_path):
    con = db.connect(tmp_path / "schema.duckdb", create=True)
    db.create_schema(con)
    db.run(con, """INSERT INTO loans VALUES (1, 1, 'cash_loan', 'app', DATE '2026-01-05', 1000, 0.18, 3,
                   'equal_installment', 650, 'active', NULL, NULL, NULL)""")
    yield con
    con.close()


def test_schema_version_and_policy_are_recorded(con):
    assert db.schema_version(con) == db.SCHEMA_VERSION
    assert db.charge_off_dpd(con) == 181
    db.create_schema(con)  # idempotent
    assert con.execute("SELECT count(*) FROM schema_info").fetchall()[0][0] == 1


@pytest.mark.parametrize(
    "statement",
    [
        # APR above the 24% cap
        """INSERT INTO loans VALUES (2, 1, 'cash_loan', 'app', DATE '2026-01-05', 1000, 0.2401, 3,
           'equal_installment', 650, 'active', NULL, NULL, NULL)""",
        # principal must be positive
        """INSERT INTO loans VALUES (2, 1, 'cash_loan', 'app', DATE '2026-01-05', 0, 0.18, 3,
           'equal_installment', 650, 'active', NULL, NULL, NULL)""",
        # a closed loan needs its closed_date, a charged-off one its charge_off_date
        """INSERT INTO loans VALUES (2, 1, 'cash_loan', 'app', DATE '2026-01-05', 1000, 0.18, 3,
           'equal_installment', 650, 'paid_off', NULL, NULL, NULL)""",
        """INSERT INTO loans VALUES (2, 1, 'cash_loan', 'app', DATE '2026-01-05', 1000, 0.18, 3,
           'equal_installment', 650, 'charged_off', DATE '2026-08-01', NULL, NULL)""",
        # an unknown product
        """INSERT INTO loans VALUES (2, 1, 'mortgage', 'app', DATE '2026-01-05', 1000, 0.18, 3,
           'equal_installment', 650, 'active', NULL, NULL, NULL)""",
        # the same loan id twice
        """INSERT INTO loans VALUES (1, 1, 'cash_loan', 'app', DATE '2026-01-05', 1000, 0.18, 3,
           'equal_installment', 650, 'active', NULL, NULL, NULL)""",
        # amount_due must equal principal + interest + fee
        "INSERT INTO installments VALUES (1, 1, DATE '2026-02-05', 330.00, 15.00, 0, 345.01)",
        "INSERT INTO installments VALUES (1, 1, DATE '2026-02-05', 0, 0, 0, 0)",
        # payments are positive amounts through a known channel
        "INSERT INTO payments VALUES (1, 1, TIMESTAMP '2026-02-05 10:00:00', -5, 'app')",
        "INSERT INTO payments VALUES (1, 1, TIMESTAMP '2026-02-05 10:00:00', 5, 'cash_in_envelope')",
        # a promise to pay needs its date and amount
        f"""INSERT INTO collection_actions {ACTION_COLUMNS}
           VALUES (1, 1, TIMESTAMP '2026-02-08 10:00:00', 'call', 'A0001',
           'debtor', 'promise_to_pay', NULL, NULL)""",
    ],
)
def test_constraints_reject_bad_rows(con, statement):
    with pytest.raises(duckdb.ConstraintException):
        db.run(con, statement)


def test_a_valid_installment_is_accepted(con):
    db.run(con, "INSERT INTO installments VALUES (1, 1, DATE '2026-02-05', 330.00, 15.00, 0, 345.00)")
    assert con.execute("SELECT amount_due FROM installments").fetchall()[0][0] == 345
