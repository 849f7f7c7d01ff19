"""The rules a file's rows must follow (DESIGN.md §8 and the schema's CHECKs), each a set-oriented SQL query that
yields (row_number, rule, message, message_zh) for every row that breaks it. A message names the column and the
value, in English and in Chinese: the catalog's reject.<case> text, its placeholders filled in SQL (_message).

Two stages:
- file rules need only the file: run on a private in-memory database, before the book is touched. They also cast
  the text values to the table's types (TRY_CAST: a value that does not cast is a wrong_type).
- book rules compare with the database (unknown loan or agency, duplicate id, dates against origination and
  today, an application against its loan, a policy version already held): run on the connection that will land the
  batch, inside its transaction, so nothing can change between check and load.

Applications (issue 18) keep the schema's CHECKs and the policy's logic row by row (inconsistent_decision): a
declined application has a decline reason, no loan and no override, and scores below its cut-off (the one reason
there is, score_below_cutoff); an approved one has no reason, and is an override exactly when it scores below its
cut-off. An application that became a loan names a loan of the book that no other application names, made by the
same customer through the same channel for the same product, on or before the day the loan was made
(loan_mismatch). A credit policy loads a version whole: no rows are added to a version the book already holds
(policy_version_exists), since that would rewrite which cut-offs were in force in the past.

Column names in the SQL come only from the table's own column list (monitor.ingest.schema); values only as data.
"""

from __future__ import annotations

import duckdb
import polars as pl

from monitor import db, limits
from monitor.ingest import plausibility, schema
from monitor.ingest.read import FIELDS, ROW, Parsed
from monitor.ingest.sql import Part, literal, message, q, shown, violation

RULES = ("ragged_row", "missing_value", "wrong_type", "non_positive_amount", "invalid_value", "out_of_range",
         "amount_mismatch", "inconsistent_status", "inconsistent_promise", "duplicate_id", "unknown_loan",
         "future_date", "before_origination", "too_many_decimals", "unknown_customer", "schedule_mismatch",
         "unknown_agency", "inconsistent_decision", "loan_mismatch", "policy_version_exists")

POSITIVE = {"loans": ("principal",), "installments": ("amount_due",), "payments": ("amount",),
            "collection_actions": ("ptp_amount",), "applications": ("amount", "monthly_income")}
NON_NEGATIVE = {"installments": ("principal_due", "interest_due", "fee_due")}
ALLOWED = {
    "loans": {"product": db.PRODUCTS, "repayment_method": db.REPAYMENT_METHODS, "status": db.LOAN_STATUSES},
    "payments": {"channel": db.PAYMENT_CHANNELS},
    "collection_actions": {"action_type": db.ACTION_TYPES, "contact_party": db.CONTACT_PARTIES,
                           "outcome": db.OUTCOMES},
    "applications": {"product": db.PRODUCTS, "decision": db.DECISIONS, "decline_reason": db.DECLINE_REASONS},
    "credit_policy": {"product": (*db.PRODUCTS, db.ANY)},
}
SCORE_RANGE = (300, 900)  # application and bureau scores, and cut-offs (the schema's CHECKs)
RANGES = {  # column: (low, high or None)
    "loans": {"annual_rate": (0, 0.24), "term_months": (1, plausibility.TERM_MONTHS_MAX),
              "application_score": (300, 900)},
    "installments": {"installment_no": (1, None)},
    "collection_actions": {"duration_seconds": (0, plausibility.DURATION_SECONDS_MAX)},
    "applications": {"term_months": (1, plausibility.TERM_MONTHS_MAX), "city_tier": (1, 5), "age": (18, 80),
                     "bureau_score": SCORE_RANGE, "application_score": SCORE_RANGE, "cutoff": SCORE_RANGE},
    "credit_policy": {"cutoff": SCORE_RANGE},
}
NOT_A = {"DATE": "not_date", "TIMESTAMP": "not_timestamp", "BIGINT": "not_integer", "INTEGER": "not_integer",
         "BOOLEAN": "not_boolean"}
# Dates that cannot lie after the book's today, and dates that cannot lie before the loan's origination.
NOT_FUTURE = {"loans": ("origination_date", "closed_date", "charge_off_date"), "payments": ("paid_at",),
              "collection_actions": ("action_at",), "applications": ("applied_at",)}
AFTER_ORIGINATION = {"installments": ("due_date",), "payments": ("paid_at",), "collection_actions": ("action_at",)}


def file_rules(parsed: Parsed, kind: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast the rows to the table's types and apply every rule that needs only the file.
    Returns (typed: ROW + the table's columns, for rows with the right number of fields; violations)."""
    cols = schema.columns(kind)
    present = set(parsed.columns)
    con = duckdb.connect()
    try:
        con.register("raw", parsed.frame.select(ROW, FIELDS, *parsed.columns))
        codes = plausibility.CODES.get(kind, ())  # trimmed of ASCII spaces only: a no-break space is not dropped
        trims = {c.name: ", ' '" if c.name in codes else "" for c in cols}
        text = {c.name: f"NULLIF(trim(r.{q(c.name)}{trims[c.name]}), '')" if c.name in present else "NULL"
                for c in cols}
        db.run(con, plausibility.MACROS)
        casts = ", ".join(f"{plausibility.cast(text[c.name], c.sql_type)} AS {q(c.name)}" for c in cols)
        raws = ", ".join(f"{text[c.name]} AS {q('raw_' + c.name)}" for c in cols)
        db.run(con, f"""CREATE TEMP TABLE typed AS SELECT r.{ROW}, {casts}, {raws} FROM raw r
                        WHERE r.{FIELDS} = {len(parsed.columns)}""")
        queries = [violation("ragged_row", f"t.{FIELDS} <> {len(parsed.columns)}",
                              message("ragged_row", fields=f"t.{FIELDS}", header=str(len(parsed.columns))), "raw t")]
        queries += _column_rules(kind, cols)
        queries += _row_rules(kind)
        queries += plausibility.file_queries(kind)
        queries += [_duplicates_in_file(kind, keys) for keys in (schema.KEYS[kind], *_unique(kind))]
        violations = con.sql(" UNION ALL ".join(queries)).pl()
        typed = con.sql(f"SELECT {ROW}, {', '.join(plausibility.kept(c.name, c.sql_type) for c in cols)} "
                        "FROM typed").pl()
    finally:
        con.close()
    return typed, violations


def _column_rules(kind: str, cols) -> list[str]:
    queries = []
    for c in cols:
        name, raw, typed = c.name, f"t.{q('raw_' + c.name)}", f"t.{q(c.name)}"
        column, value = literal(name), shown(raw)
        if c.required:
            queries.append(violation("missing_value", f"{raw} IS NULL", message("missing_value", column=column)))
        if c.sql_type != "VARCHAR":
            queries.append(violation("wrong_type", f"{raw} IS NOT NULL AND {typed} IS NULL",
                                      message(NOT_A.get(c.sql_type, "not_number"), column=column, value=value)))
        if name in POSITIVE.get(kind, ()):
            queries.append(violation("non_positive_amount", f"{typed} <= 0",
                                      message("not_positive", column=column, value=value)))
        if name in NON_NEGATIVE.get(kind, ()):
            queries.append(violation("non_positive_amount", f"{typed} < 0",
                                      message("negative", column=column, value=value)))
        if name in ALLOWED.get(kind, {}):
            allowed = ALLOWED[kind][name]
            queries.append(violation("invalid_value",
                                      f"{raw} IS NOT NULL AND {raw} NOT IN ({', '.join(repr(v) for v in allowed)}) "
                                      f"AND NOT {plausibility.not_ascii(raw)}",  # those: plausibility's message
                                      message("not_allowed", column=column, value=value,
                                               allowed=literal(", ".join(allowed)))))
        if name in RANGES.get(kind, {}):
            low, high = RANGES[kind][name]
            if high is None:
                queries.append(violation("out_of_range", f"{typed} < {low}",
                                          message("at_least", column=column, value=value, low=literal(low))))
            else:
                queries.append(violation("out_of_range", f"{typed} < {low} OR {typed} > {high}",
                                          message("between", column=column, value=value, low=literal(low),
                                                   high=literal(high))))
    return queries


def _row_rules(kind: str) -> list[str]:
    """The schema's CHECKs that tie several columns of a row together."""
    if kind == "installments":
        return [violation("amount_mismatch", "t.amount_due <> t.principal_due + t.interest_due + t.fee_due",
                           message("amount_mismatch", value=shown("t.raw_amount_due"),
                                    total="t.principal_due + t.interest_due + t.fee_due"))]
    if kind == "loans":
        loan_status = shown("t.status")
        return [
            violation("inconsistent_status", "(t.status = 'active') <> (t.closed_date IS NULL)",
                       message("closed_date_status", value=shown("t.raw_closed_date"), status=loan_status)),
            violation("inconsistent_status",
                       "(t.status = 'charged_off') <> (t.charge_off_date IS NOT NULL) "
                       "OR t.charge_off_date <> t.closed_date",
                       message("charge_off_date_status", value=shown("t.raw_charge_off_date"), status=loan_status)),
            violation("before_origination", "t.closed_date < t.origination_date",
                       message("closed_before_origination", value=shown("t.raw_closed_date"),
                                origination="t.raw_origination_date")),
        ]
    if kind == "applications":
        return _decision_rules()
    if kind == "collection_actions":
        return [violation("inconsistent_promise",
                           "(t.outcome = 'promise_to_pay') <> (t.ptp_date IS NOT NULL AND t.ptp_amount IS NOT NULL)",
                           message("promise", value=shown("t.raw_outcome")))]
    return []


def _decision_rules() -> list[str]:
    """An application's decision against its reason, loan, override and cut-off (module docstring)."""
    score, cutoff = shown("t.raw_application_score"), shown("t.raw_cutoff")
    return [
        violation("inconsistent_decision", "t.decision = 'approved' AND t.decline_reason IS NOT NULL "
                                           "OR t.decision = 'declined' AND t.decline_reason IS NULL",
                  message("decline_reason", value=shown("t.raw_decline_reason"), decision=shown("t.decision"))),
        violation("inconsistent_decision", "t.decision = 'declined' AND t.loan_id IS NOT NULL",
                  message("declined_with_loan", value=shown("t.raw_loan_id"))),
        violation("inconsistent_decision", "t.decision = 'declined' AND t.override",
                  message("override_declined", value=shown("t.raw_override"))),
        violation("inconsistent_decision", "t.decision = 'declined' AND t.application_score >= t.cutoff",
                  message("declined_above_cutoff", score=score, cutoff=cutoff)),
        violation("inconsistent_decision", "t.decision = 'approved' AND t.override AND t.application_score >= t.cutoff",
                  message("override_not_below", score=score, cutoff=cutoff)),
        violation("inconsistent_decision",
                  "t.decision = 'approved' AND NOT t.override AND t.application_score < t.cutoff",
                  message("below_cutoff_approved", score=score, cutoff=cutoff)),
    ]


def _unique(kind: str) -> list[tuple[str, ...]]:
    return [(column,) for column in schema.UNIQUE.get(kind, ())]


def _key_text(keys: tuple[str, ...], alias: str = "t") -> tuple[str, Part]:
    """Key columns and their values in a row, for a message: (SQL literal, shown value)."""
    value = " || ', ' || ".join(f"CAST({alias}.{k} AS VARCHAR)" for k in keys)
    return literal(", ".join(keys)), shown(value)


def _duplicates_in_file(kind: str, keys: tuple[str, ...]) -> str:
    """Rows whose `keys` repeat an earlier row of the file (the table's key, or a unique column)."""
    column, value = _key_text(keys)
    return f"""SELECT t.{ROW} AS row_number, 'duplicate_id' AS rule,
                      {message("repeats_row", column=column, value=value, row="t.first_row")}
               FROM (SELECT *, first_value({ROW}) OVER (PARTITION BY {', '.join(keys)} ORDER BY {ROW}) AS first_row
                     FROM typed WHERE {' AND '.join(f'{k} IS NOT NULL' for k in keys)}) t
               WHERE t.{ROW} <> t.first_row"""


def book_rules(con: duckdb.DuckDBPyConnection, kind: str, staged: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rules that compare the rows of table `staged` (file_rules' typed rows, registered on `con`) with the
    book. Returns (violations, duplicates: the ROWs identical to a row already in the book, to be skipped)."""
    today = limits.book_today(con)
    queries = []
    if kind == "loans":
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_loan' AS rule,
                                  {message("unknown_parent", value=shown("t.parent_loan_id"))}
                           FROM {staged} t WHERE t.parent_loan_id IS NOT NULL
                             AND t.parent_loan_id NOT IN (SELECT loan_id FROM loans)
                             AND t.parent_loan_id NOT IN (SELECT loan_id FROM {staged} WHERE loan_id IS NOT NULL)""")
    elif "loan_id" in schema.names(kind):
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_loan' AS rule,
                                  {message("unknown_loan", value=shown("t.loan_id"))}
                           FROM {staged} t ANTI JOIN loans l ON l.loan_id = t.loan_id
                           WHERE t.loan_id IS NOT NULL""")
    if "agency_id" in schema.names(kind):
        # an outside agency of the book (NULL: the lender's own collectors); a non-ASCII id is plausibility's
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_agency' AS rule,
                                  {message("unknown_agency", value=shown("t.agency_id"))}
                           FROM {staged} t ANTI JOIN agencies a ON a.agency_id = t.agency_id
                           WHERE t.agency_id IS NOT NULL AND NOT {plausibility.not_ascii("t.agency_id")}""")
    for column in NOT_FUTURE.get(kind, ()):
        text = message("future_date", column=literal(column), value=shown(f"t.{column}"), today="$today")
        queries.append(f"""SELECT t.{ROW} AS row_number, 'future_date' AS rule, {text}
                           FROM {staged} t WHERE CAST(t.{column} AS DATE) > $today""")
    for column in AFTER_ORIGINATION.get(kind, ()):
        text = message("before_origination", column=literal(column), value=shown(f"t.{column}"),
                           loan="t.loan_id", origination="l.origination_date")
        queries.append(f"""SELECT t.{ROW} AS row_number, 'before_origination' AS rule, {text}
                           FROM {staged} t JOIN loans l ON l.loan_id = t.loan_id
                           WHERE CAST(t.{column} AS DATE) < l.origination_date""")
    queries += plausibility.book_queries(kind, staged)
    if kind == "applications":
        queries += _application_book_rules(staged)
    if kind == "credit_policy":
        queries.append(f"""SELECT t.{ROW} AS row_number, 'policy_version_exists' AS rule,
                                  {message("policy_version", value=shown("t.valid_from"))}
                           FROM {staged} t ANTI JOIN credit_policy b USING (valid_from, channel, product)
                           WHERE t.valid_from IN (SELECT valid_from FROM credit_policy)""")
    keys = schema.KEYS[kind]
    on = " AND ".join(f"b.{k} = t.{k}" for k in keys)
    same = " AND ".join(f"b.{q(c)} IS NOT DISTINCT FROM t.{q(c)}" for c in schema.names(kind))
    column, value = _key_text(keys)
    queries.append(f"""SELECT t.{ROW} AS row_number, 'duplicate_id' AS rule,
                              {message("in_book", column=column, value=value)}
                       FROM {staged} t JOIN {kind} b ON {on} WHERE NOT ({same})""")
    for (unique,) in _unique(kind):  # taken by another row of the book (the same row is a duplicate, above)
        key = schema.KEYS[kind][0]
        queries.append(f"""SELECT t.{ROW} AS row_number, 'duplicate_id' AS rule,
                                  {message("taken", column=literal(unique), value=shown(f"t.{unique}"),
                                           key=literal(key), other=f"b.{key}")}
                           FROM {staged} t JOIN {kind} b ON b.{unique} = t.{unique} AND b.{key} <> t.{key}""")
    params = {"today": today} if any("$today" in query for query in queries) else None
    violations = con.sql(" UNION ALL ".join(queries), params=params).pl()
    duplicates = con.sql(f"SELECT t.{ROW} AS row_number FROM {staged} t JOIN {kind} b ON {on} WHERE {same}").pl()
    return violations, duplicates


def _application_book_rules(staged: str) -> list[str]:
    """An application against the loan it became (module docstring): applied by then, by its customer, through its
    channel, for its product."""
    loan = "t.loan_id"
    cases = [("applied_after_origination", "CAST(t.applied_at AS DATE) > l.origination_date",
              {"value": shown("t.applied_at"), "loan": loan, "origination": "l.origination_date"}),
             ("loan_customer", "t.customer_id <> l.customer_id",
              {"value": shown("t.customer_id"), "loan": loan, "customer": "l.customer_id"})]
    cases += [(f"loan_{column}", f"t.{column} <> l.{column}",
               {"value": shown(f"t.{column}"), "loan": loan, "theirs": shown(f"l.{column}")})
              for column in ("channel", "product")]
    return [f"""SELECT t.{ROW} AS row_number, 'loan_mismatch' AS rule, {message(case, **parts)}
                FROM {staged} t JOIN loans l ON l.loan_id = t.loan_id WHERE {condition}"""
            for case, condition, parts in cases]
