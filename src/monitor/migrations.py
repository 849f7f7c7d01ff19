"""Schema migrations: one function per version step, run in order, in one transaction, when an older book is
opened read-write (monitor.db.connect) or by `python -m monitor migrate --db PATH`.

The versions (db.SCHEMA_VERSION is the newest):
- 1: every book made before issue 13. The tables added over time (models, scores and score_runs for the early
  warning; scenarios for the simulator; ingest_batches and quarantine for loading, later quarantine.message_zh)
  were created by whichever writer first needed them while the version stayed 1, so a version-1 book may lack any
  of them: a page or a command reading one crashed on such a book.
- 2: every table of db.DDL is there, and book_history records what was done to the book as a whole (generate,
  each migration).
- 3: the setting quarantine_raw_days, and quarantine.raw may be NULL: a rejected row's raw values (personal data
  among them) are dropped after that many days (issue 14). The users and the audit log live in their own file
  beside the book (monitor.access_store). models.promoted_at: a retrained model is a candidate until an admin
  promotes it; the live model is the newest promoted one (every model of an older book was live in its turn:
  promoted at its created_at).
- 4: limits and alerts (issue 16): the tables of monitor.alerts_schema, and the starter limits
  (monitor.alerts_starter), so that an older book is watched as a new one is.
- 5: contact_points.created_at: a contact point is sent only the events from its creation on (a contact point of an
  older book keeps receiving every event not sent yet, as it did: created 1970-01-01). limits.name_key: a starter
  limit's name is shown in the reader's language (monitor.alerts.names); an older book's starter limits still named
  as they were written get theirs. contact_point_versions: every change of a contact point, who and when.
- 6: the derived status rows (loan_month, day_snapshot) hold installments_left, the installments due after their
  day (monitor.status; the expected credit loss reads it instead of counting the installments again): an older
  book's rows get it from the installments, as `derive` would have built them.
- 7: collections compliance (issue 17): collection_actions gain contact_id, debtor_consent, answered,
  duration_seconds, agency_id and recording_id (NULL in older rows: no consent recorded, answered unless the outcome
  was no_answer, the lender's own collectors); the party third_party becomes unrelated_third_party (the guideline's
  stricter category: an older book did not say which); the outcome do_not_contact; the tables agencies and
  complaints; the rules' settings; the violations table (monitor.compliance), built from the actions.
- 8: credit applications (issue 18): the tables applications (approved and declined, with the loan each became),
  credit_policy (the cut-offs in force from each day), application_models and application_scores (the application
  scorecard), credit_policy_whatifs (saved what-ifs) and synthetic_application_truth; an older book has no
  applications until a file of them is loaded.
- 9: the derived tables month_totals (monitor.month_totals: loan_month summed by month-end, bucket and segment value)
  and month_rolls (monitor.month_rolls: the moves between consecutive month-ends, summed likewise), which the
  month-end series and the roll rates read instead of loan_month; an older book's are summed from its loan_month.

A new version adds a step here (STEPS[n] takes a book from n to n + 1), a test that builds a book of version n and
opens it, and its line above. A step that changes a table must write its own DDL rather than db.DDL, so that the
steps before it keep meaning what they meant.
"""

from __future__ import annotations

import duckdb

from monitor import alerts_schema, alerts_starter, month_rolls, month_totals
from monitor import book_schema as db  # the schema and its statements; monitor.db opens books through this
from monitor.compliance import violations
from monitor.i18n import t


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Create whatever table or column of version 2 the book lacks (db.DDL is idempotent), book_history included."""
    db.run(con, db.DDL)


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Add the quarantine retention setting; let quarantine.raw be dropped after it; models.promoted_at, each
    existing model promoted when it was made (the newest stays the live one)."""
    db.run(con, "ALTER TABLE quarantine ALTER COLUMN raw DROP NOT NULL")
    db.run(con, "ALTER TABLE models ADD COLUMN IF NOT EXISTS promoted_at TIMESTAMP")
    db.run(con, "UPDATE models SET promoted_at = created_at WHERE promoted_at IS NULL")
    db.run(con, "INSERT INTO settings VALUES ('quarantine_raw_days', '90', ?) ON CONFLICT (key) DO NOTHING",
           [dict((key, description) for key, _, description in db.SETTINGS)["quarantine_raw_days"]])


def _v3_to_v4(con: duckdb.DuckDBPyConnection) -> None:
    """The tables of limits and alerts, and the starter set of limits."""
    db.run(con, alerts_schema.DDL)
    alerts_starter.write(con)


def _v4_to_v5(con: duckdb.DuckDBPyConnection) -> None:
    """contact_points.created_at; limits.name_key, set for each starter limit still named as written;
    contact_point_versions (IF NOT EXISTS: a book that came through _v3_to_v4 has the newest alerts DDL)."""
    db.run(con, "ALTER TABLE contact_points ADD COLUMN IF NOT EXISTS created_at TIMESTAMP "
                "DEFAULT TIMESTAMP '1970-01-01 00:00:00'")
    db.run(con, "ALTER TABLE contact_points ALTER COLUMN created_at SET NOT NULL")
    db.run(con, "ALTER TABLE contact_points ALTER COLUMN created_at DROP DEFAULT")
    db.run(con, "ALTER TABLE limits ADD COLUMN IF NOT EXISTS name_key VARCHAR")
    db.run(con, """UPDATE limits SET name_key = s.metric
                   FROM (SELECT unnest($names) AS name, unnest($metrics) AS metric) s
                   WHERE limits.name = s.name AND limits.metric = s.metric AND limits.name_key IS NULL""",
           {"names": [row[0] for row in alerts_starter.STARTER], "metrics": [row[1] for row in alerts_starter.STARTER]})
    db.run(con, """CREATE TABLE IF NOT EXISTS contact_point_versions (
        name VARCHAR NOT NULL, version INTEGER NOT NULL, changed_at TIMESTAMP NOT NULL, changed_by VARCHAR NOT NULL,
        before JSON, after JSON, PRIMARY KEY (name, version))""")


def _v5_to_v6(con: duckdb.DuckDBPyConnection) -> None:
    """loan_month and day_snapshot (where derive built them) gain installments_left: each row's installments due
    after its day."""
    for table, day in (("loan_month", "month_end"), ("day_snapshot", "as_of")):
        if not db.table_exists(con, table):
            continue
        db.run(con, f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS installments_left INTEGER")
        db.run(con, f"""
            UPDATE {table} SET installments_left = counted.installments_left
            FROM (SELECT r.loan_id, r.{day} AS day, CAST(count(i.loan_id) AS INTEGER) AS installments_left
                  FROM {table} r LEFT JOIN installments i ON i.loan_id = r.loan_id AND i.due_date > r.{day}
                  GROUP BY r.loan_id, r.{day}) counted
            WHERE {table}.loan_id = counted.loan_id AND {table}.{day} = counted.day""")


def _v6_to_v7(con: duckdb.DuckDBPyConnection) -> None:
    """collection_actions rebuilt with the columns and values of version 7 (a CHECK cannot be altered in place),
    agencies, complaints, the compliance settings and the violations of the actions there are."""
    db.run(con, f"""CREATE TABLE collection_actions_v7 (
        action_id BIGINT PRIMARY KEY, loan_id BIGINT NOT NULL, action_at TIMESTAMP NOT NULL,
        action_type VARCHAR NOT NULL CHECK (action_type IN ('sms', 'ivr', 'call', 'letter', 'field_visit',
                                                            'legal_notice', 'lawsuit')),
        agent_id VARCHAR,
        contact_party VARCHAR CHECK (contact_party IN ('debtor', 'related_third_party', 'unrelated_third_party')),
        outcome VARCHAR NOT NULL CHECK (outcome IN ('no_answer', 'contacted', 'promise_to_pay', 'refused', 'paid',
                                                    'wrong_number', 'do_not_contact')),
        ptp_amount DECIMAL(14,2) CHECK (ptp_amount > 0), ptp_date DATE,
        {db.ACTION_COLUMNS_V7}
        CHECK ((outcome = 'promise_to_pay') = (ptp_date IS NOT NULL AND ptp_amount IS NOT NULL)))""")
    db.run(con, """INSERT INTO collection_actions_v7
        SELECT action_id, loan_id, action_at, action_type, agent_id,
               CASE contact_party WHEN 'third_party' THEN 'unrelated_third_party' ELSE contact_party END,
               outcome, ptp_amount, ptp_date, NULL, NULL, NULL, NULL, NULL, NULL
        FROM collection_actions ORDER BY action_id""")
    db.run(con, "DROP TABLE collection_actions")
    db.run(con, "ALTER TABLE collection_actions_v7 RENAME TO collection_actions")
    db.run(con, db.COMPLIANCE_DDL)
    for key, value, description in db.SETTINGS:
        if key.startswith("compliance_"):
            db.run(con, "INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING", [key, value, description])
    violations.rebuild(con)


def _v7_to_v8(con: duckdb.DuckDBPyConnection) -> None:
    """The tables of applications and the credit policy, empty."""
    db.run(con, db.APPLICATIONS_DDL)


def _v8_to_v9(con: duckdb.DuckDBPyConnection) -> None:
    """month_totals and month_rolls (where derive built loan_month and loan_segment): summed from them as this
    version's derive sums them (the modules' rows_sql)."""
    if db.table_exists(con, "loan_month") and db.table_exists(con, "loan_segment"):
        for table, module in (("month_totals", month_totals), ("month_rolls", month_rolls)):
            db.run(con, f"CREATE OR REPLACE TABLE {table} AS {module.rows_sql('loan_month', 'loan_segment')} "
                        f"ORDER BY {', '.join(module.KEY)}")


STEPS = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6, 6: _v6_to_v7, 7: _v7_to_v8,
         8: _v8_to_v9}


def migrate(con: duckdb.DuckDBPyConnection, found: int) -> list[int]:
    """Bring a book of version `found` to db.SCHEMA_VERSION, all steps or none; the versions it went through."""
    if found not in STEPS and found < db.SCHEMA_VERSION:
        raise db.refused(lambda lang: t("book.schema_too_old", lang, found=found, oldest=min(STEPS)))
    steps = list(range(found, db.SCHEMA_VERSION))
    with db.transaction(con):
        for version in steps:
            STEPS[version](con)
            db.run(con, "INSERT INTO schema_info VALUES (?, current_timestamp)", [version + 1])
            db.record(con, "migrate", {"from": version, "to": version + 1})
    return [version + 1 for version in steps]
