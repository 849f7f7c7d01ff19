"""Plausibility rules (issue 13): values that cast to the right type and still cannot be true, or that would break
the book for everyone (a date of 44 BC, an id beyond what JavaScript and the feed can hold, a look-alike channel
code, a schedule line of a billion yuan). Each is a set-oriented query with quarantine, like monitor.ingest.rules.

What is checked, and the limits chosen:
- dates: every DATE and TIMESTAMP column lies on or after EARLIEST and is a calendar day ('infinity' and
  '-infinity' cast in DuckDB, to non-finite dates: rejected here, and nulled in the typed rows so that no
  non-finite or pre-EARLIEST value ever leaves DuckDB). The upper bound is a book rule: the book's today for
  events (rules.NOT_FUTURE), today + DATE_HORIZON_DAYS for the dates that legitimately lie ahead (FUTURE_OK: due
  dates up to the longest term, promised payment dates, the day a credit policy comes into force);
- ids: every *_id BIGINT column from 1 to ID_LIMIT - 1 (2^53: the largest integer a double, JSON and the browser
  hold exactly); integers are written as digits, with at most a zero fraction ('7.0'): '1.5' and '0x10' do not
  cast, where DuckDB would round or read them as hex;
- money has at most 2 decimals and annual_rate at most 4, checked on the text before the cast (which rounds);
- a collection action's duration_seconds lies within 0..DURATION_SECONDS_MAX (a day; rules.RANGES), and its
  BOOLEAN columns (debtor_consent, answered) read true/false, t/f, yes/no, y/n or 1/0 in any case (DuckDB's cast):
  anything else is a wrong_type;
- codes are plain ASCII: a code holding an invisible character (zero-width space, BOM, bidi mark, no-break space)
  or a character outside ASCII (Cyrillic 'а', full-width 'ａ') is rejected with a message naming the character,
  never normalised (NFKC) or stripped silently (an action's agency_id is a code too; that it names one of the
  book's agencies is a book rule, rules.book_rules). The loan's channel, free text in the schema, must be one of
  db.LOAN_CHANNELS or a channel the book already holds (book rule), as must an application's and a credit
  policy's (which may also say '*', any channel);
- time zones: a timestamp written with a zone ('Z', '+08:00', '-0500', '+08') is converted to the book's local
  time (Asia/Shanghai, a fixed UTC+8 since 1991, so the offset is a constant for every date from EARLIEST on):
  2026-03-01T00:30:00Z lands as 2026-03-01 08:30:00 (zone_note says how many values were converted). A
  timestamp without a zone is local time, as before; any other zone (UTC, Asia/Tokyo, +25:00) is a wrong_type,
  where DuckDB's cast would drop it silently;
- a loan's customer exists in customers, and so does an application's when it names one (book rule);
- installments fit their loan (book rules, on the loans of the book: files of one command land loans first, see
  schema.KINDS): installment_no within 1..term_months; due_date no later than origination + term months +
  DUE_GRACE_DAYS; the schedule's principal_due, over the book's rows and the file's rows of the loan together,
  sums to the loan's principal within a fen when the schedule is whole (every number 1..term present), and never
  above it while it is partial (a schedule may arrive in pieces); its interest and fees stay within
  MAX_CHARGE_RATE a year of the principal over the term. A schedule that breaks a sum rule is rejected whole
  (every row of it in the file), as no single row is to blame.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import polars as pl

from monitor import db
from monitor.i18n import plural
from monitor.ingest import schema
from monitor.ingest.read import ROW, Parsed
from monitor.ingest.sql import literal, message, q, shown, violation

EARLIEST = dt.date(2000, 1, 1)
ID_LIMIT = 2 ** 53
TERM_MONTHS_MAX = 120
DUE_GRACE_DAYS = 31          # a due date may fall up to a month after origination + term (month-end calendars)
DATE_HORIZON_DAYS = 3720     # today + this: the latest due date (or promise) a 120-month loan made today can carry
MAX_CHARGE_RATE = 0.36       # interest + fees a year, of the principal: a plausibility bound (1.5 x the 24% APR cap)
DECIMALS = {"DECIMAL(14,2)": 2, "DECIMAL(6,4)": 4}
FUTURE_OK = {"installments": ("due_date",), "collection_actions": ("ptp_date",),
             "credit_policy": ("valid_from",)}  # a policy may be announced before it comes into force
CODES = {"loans": ("product", "channel", "repayment_method", "status"), "payments": ("channel",),
         "collection_actions": ("action_type", "contact_party", "outcome", "agency_id"),
         "applications": ("product", "channel", "employment_type", "decision", "decline_reason"),
         "credit_policy": ("channel", "product")}
# The kinds whose channel is a loan's acquisition channel: one of db.LOAN_CHANNELS or one the book's loans hold
# (a credit policy's also '*', any channel).
LOAN_CHANNEL_KINDS = ("loans", "applications", "credit_policy")
DURATION_SECONDS_MAX = 86_400  # a call or a visit lasts less than a day (rules.RANGES: duration_seconds 0..this)
BOOK_ZONE = ZoneInfo(db.BOOK_TIMEZONE)
BOOK_OFFSET_MINUTES = int(BOOK_ZONE.utcoffset(dt.datetime(2000, 1, 1)).total_seconds()) // 60

# A timestamp followed by a zone: group 1 the local part, group 2 the zone (Z, +hh, +hhmm, +hh:mm).
_ZONED = r"^(.*[0-9]:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)\s*([Zz]|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)$"
# A timestamp without a zone. DuckDB's cast drops any zone it is given (+25:00, UTC, Asia/Tokyo) without a word:
# a text that is neither this nor _ZONED does not cast.
_LOCAL = r"^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
_NOT_ASCII = r"[^\x20-\x7e]"
_INVISIBLE = r"[\p{Cf}\p{Cc}\p{Z}]"

MACROS = f"""
CREATE MACRO zone_minutes(z) AS CASE WHEN upper(z) = 'Z' THEN 0 ELSE
    (CASE WHEN z[1] = '-' THEN -1 ELSE 1 END)
    * (CAST(z[2:3] AS INTEGER) * 60 + coalesce(TRY_CAST(nullif(replace(z, ':', '')[4:5], '') AS INTEGER), 0))
    END;
CREATE MACRO local_timestamp(s) AS CASE WHEN regexp_full_match(s, '{_ZONED}')
    THEN TRY_CAST(regexp_extract(s, '{_ZONED}', 1) AS TIMESTAMP)
         + to_minutes({BOOK_OFFSET_MINUTES} - zone_minutes(regexp_extract(s, '{_ZONED}', 2)))
    WHEN regexp_full_match(s, '{_LOCAL}') THEN TRY_CAST(s AS TIMESTAMP) END;
"""


def cast(text: str, sql_type: str) -> str:
    """The SQL that casts a text value to a column's type: zoned timestamps to local time, integers from digits
    only; NULL when it does not cast (a wrong_type)."""
    if sql_type == "TIMESTAMP":
        return f"local_timestamp({text})"
    if sql_type in ("BIGINT", "INTEGER"):
        # '7.0' is whole (pandas writes a nullable integer column of Parquet as doubles); '7.5' is not
        return (f"CASE WHEN regexp_full_match({text}, '[+-]?[0-9]+([.]0*)?') "
                f"THEN TRY_CAST(regexp_replace({text}, '[.]0*$', '') AS {sql_type}) END")
    return f"TRY_CAST({text} AS {sql_type})"


def zone_note(parsed: Parsed, kind: str, lang: str) -> str | None:
    """The line that says how many timestamps of the file were written with a zone and converted to the book's
    local time (None when none was): for the summary of a load or a preview."""
    zoned = [c.name for c in schema.columns(kind) if c.sql_type == "TIMESTAMP" and c.name in parsed.columns]
    if not zoned:
        return None
    is_zoned = (pl.col(c).str.strip_chars().str.contains(_ZONED).fill_null(False) for c in zoned)
    found = parsed.frame.select(pl.sum_horizontal(is_zoned).sum()).item()
    if not found:
        return None
    return plural("ingest.zone_note", lang, found, file=parsed.file_name, values=f"{found:,}", zone=BOOK_ZONE.key)


def kept(name: str, sql_type: str) -> str:
    """A typed column as it leaves DuckDB: a date that is not finite or before EARLIEST becomes NULL (its row is
    rejected), so that no consumer of the frame meets it."""
    if sql_type in ("DATE", "TIMESTAMP"):
        return f"CASE WHEN isfinite({q(name)}) AND {q(name)} >= DATE '{EARLIEST}' THEN {q(name)} END AS {q(name)}"
    return q(name)


def file_queries(kind: str) -> list[str]:
    """The plausibility rules that need only the file, on the table `typed` (typed columns and raw_<column> text)."""
    queries = []
    for c in schema.columns(kind):
        name, raw, typed = c.name, f"t.{q('raw_' + c.name)}", f"t.{q(c.name)}"
        column, value = literal(name), shown(raw)
        if c.sql_type in ("DATE", "TIMESTAMP"):
            queries.append(violation("out_of_range", f"NOT isfinite({typed})",
                                     message("not_calendar_date", column=column, value=value)))
            queries.append(violation("out_of_range", f"isfinite({typed}) AND {typed} < DATE '{EARLIEST}'",
                                     message("before_earliest", column=column, value=value,
                                             earliest=literal(EARLIEST))))
        if c.sql_type == "BIGINT" and name.endswith("_id"):
            queries.append(violation("out_of_range", f"{typed} < 1 OR {typed} >= {ID_LIMIT}",
                                     message("id_range", column=column, value=value, high=literal(ID_LIMIT - 1))))
        if c.sql_type in DECIMALS:
            places = DECIMALS[c.sql_type]
            queries.append(violation("too_many_decimals", f"{typed} IS NOT NULL AND {_decimals(raw, typed, places)}",
                                     message("too_many_decimals", column=column, value=value,
                                             places=literal(places))))
        if name in CODES.get(kind, ()):
            queries += _code_characters(raw, column, value)
    return queries


def _decimals(raw: str, typed: str, places: int) -> str:
    """Whether the text holds more decimals than `places` (trailing zeros do not count); a number written with an
    exponent is compared as a double with its cast."""
    plain = f"regexp_full_match({raw}, '[+-]?[0-9]*[.]?[0-9]*')"
    fraction = f"rtrim(regexp_extract({raw}, '[.]([0-9]*)$', 1), '0')"
    return (f"CASE WHEN {plain} THEN length({fraction}) > {places} "
            f"ELSE TRY_CAST({raw} AS DOUBLE) <> CAST({typed} AS DOUBLE) END")


def _code_characters(raw: str, column: str, value) -> list[str]:
    char = f"regexp_extract({raw}, '{_NOT_ASCII}')"
    code = f"printf('U+%04X', unicode({char}))"
    invisible = f"regexp_full_match({char}, '{_INVISIBLE}')"
    return [
        violation("invalid_value", f"regexp_matches({raw}, '{_NOT_ASCII}') AND {invisible}",
                  message("invisible_character", column=column, value=value, code=code)),
        violation("invalid_value", f"regexp_matches({raw}, '{_NOT_ASCII}') AND NOT {invisible}",
                  message("lookalike_character", column=column, value=value, char=char, code=code)),
    ]


def not_ascii(raw: str) -> str:
    """Whether a text holds a character outside printable ASCII (then the code rules above say which)."""
    return f"regexp_matches({raw}, '{_NOT_ASCII}')"


def book_queries(kind: str, staged: str) -> list[str]:
    """The plausibility rules that compare the rows of `staged` with the book; `$today` is the book's today."""
    queries = []
    for column in FUTURE_OK.get(kind, ()):
        text = message("beyond_horizon", column=literal(column), value=shown(f"t.{column}"),
                       days=literal(DATE_HORIZON_DAYS), today="$today")
        queries.append(violation("future_date", f"t.{column} > $today + INTERVAL {DATE_HORIZON_DAYS} DAY", text,
                                 f"{staged} t"))
    if kind in ("loans", "applications"):
        queries.append(f"""SELECT t.{ROW} AS row_number, 'unknown_customer' AS rule,
                                  {message("unknown_customer", value=shown("t.customer_id"))}
                           FROM {staged} t ANTI JOIN customers c ON c.customer_id = t.customer_id
                           WHERE t.customer_id IS NOT NULL""")
    if kind in LOAN_CHANNEL_KINDS:
        known = (*db.LOAN_CHANNELS, db.ANY) if kind == "credit_policy" else db.LOAN_CHANNELS
        channels = ", ".join(literal(c) for c in known)
        allowed = (f"(SELECT string_agg(channel, ', ' ORDER BY channel) FROM (SELECT unnest([{channels}]) AS channel "
                   f"UNION SELECT DISTINCT channel FROM loans))")
        queries.append(violation(
            "invalid_value",
            f"t.channel IS NOT NULL AND NOT {not_ascii('t.channel')} AND t.channel NOT IN ({channels}) "
            "AND t.channel NOT IN (SELECT channel FROM loans)",
            message("not_allowed", column=literal("channel"), value=shown("t.channel"), allowed=allowed),
            f"{staged} t"))
    if kind == "installments":
        queries += _schedule_queries(staged)
    return queries


def _schedule_queries(staged: str) -> list[str]:
    loan = "t.loan_id"
    term_end = "l.origination_date + to_months(l.term_months)"
    rows = [
        f"""SELECT t.{ROW} AS row_number, 'schedule_mismatch' AS rule,
                   {message("beyond_term", value=shown("t.installment_no"), loan=loan, term="l.term_months")}
            FROM {staged} t JOIN loans l USING (loan_id) WHERE t.installment_no > l.term_months""",
        f"""SELECT t.{ROW} AS row_number, 'schedule_mismatch' AS rule,
                   {message("due_after_term", value=shown("t.due_date"), loan=loan,
                            end=f"CAST({term_end} AS DATE)", grace=literal(DUE_GRACE_DAYS))}
            FROM {staged} t JOIN loans l USING (loan_id)
            WHERE t.due_date > {term_end} + INTERVAL {DUE_GRACE_DAYS} DAY""",
    ]
    # the schedule of every loan the file touches: the book's rows, and the file's first row of each new number
    schedule = f"""WITH filed AS (
                       SELECT loan_id, installment_no, principal_due, interest_due, fee_due FROM {staged} t
                       WHERE loan_id IS NOT NULL AND installment_no IS NOT NULL
                       QUALIFY row_number() OVER (PARTITION BY loan_id, installment_no ORDER BY {ROW}) = 1),
                   lines AS (
                       SELECT loan_id, installment_no, principal_due, interest_due, fee_due FROM installments
                       WHERE loan_id IN (SELECT loan_id FROM filed)
                       UNION ALL
                       SELECT f.* FROM filed f ANTI JOIN installments i USING (loan_id, installment_no)),
                   schedule AS (
                       SELECT l.loan_id, l.principal, l.term_months,
                              count(DISTINCT s.installment_no) FILTER (s.installment_no <= l.term_months) AS numbers,
                              sum(s.principal_due) AS principal_due,
                              sum(s.interest_due + s.fee_due) AS charges,
                              CAST(l.principal * {MAX_CHARGE_RATE} * l.term_months / 12 AS DECIMAL(14, 2)) AS charge_cap
                       FROM lines s JOIN loans l USING (loan_id) GROUP BY ALL)"""
    whole = "s.numbers = s.term_months"
    cases = [("schedule_principal", f"{whole} AND abs(s.principal_due - s.principal) > 0.01",
              {"total": "s.principal_due", "principal": "s.principal"}),
             ("schedule_principal_over", f"NOT {whole} AND s.principal_due > s.principal + 0.01",
              {"total": "s.principal_due", "principal": "s.principal"}),
             ("schedule_charges", "s.charges > s.charge_cap",
              {"total": "s.charges", "cap": "s.charge_cap", "rate": literal(MAX_CHARGE_RATE)})]
    per_loan = " UNION ALL ".join(
        f"""SELECT t.{ROW} AS row_number, 'schedule_mismatch' AS rule, {message(case, loan=loan, **parts)}
            FROM {staged} t JOIN schedule s USING (loan_id) WHERE {condition}"""
        for case, condition, parts in cases)
    rows.append(f"({schedule} {per_loan})")  # one schedule for the three sums
    return rows
