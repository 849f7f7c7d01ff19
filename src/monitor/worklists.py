"""The collectors' morning worklists and the daily cure curve (催回率), as of the end of a day d (DESIGN.md §4).

Three lists, each loan once, each with its status at d (DPD, bucket, overdue amount, principal balance), its
customer masked (monitor.pii) and its recommended treatment:
- due_today: promises to pay falling due on d, of loans active at d; a loan with several promises for d shows its
  latest (the last made). `paid` is what counted towards it so far (monitor.promises: from the moment of the
  promise to the end of d), `kept` whether that reaches the amount;
- broken_yesterday: promises that fell due on d - 1 and were not kept (monitor.promises), of loans active at d;
  the latest per loan, with the shortfall;
- entering_m1: loans at DPD 1 at d that entered collection on d - 1 (below): the installment due yesterday is
  still unpaid today.

Entered collection on day t (the day of DESIGN.md §4's collection entry rate): the loan is active at t, an
installment falls due on t and is unsettled at the end of t, and no earlier installment is unsettled then (DPD 0
at t, DPD 1 at t + 1 unless paid that day). A loan already past due is in collection already and does not enter.
Cured after h days: DPD 0 at the end of t + h, i.e. every installment due before t + h settled by then. A loan that
left the book in between counts as cured only if it paid what fell due (an early payoff); a restructured or settled
loan did not cure. The cure curve of the entry days of a window gives, per day, the loans that entered and the share
of them cured after each of CURE_HORIZONS days; a horizon t + h after d is not yet reached and is null, never 0.

Treatment: the recommended treatment (monitor.scoring.treatment) of the loan's row on the latest scored day on or
before d (monitor.early_warning.scored_day_for); a loan without one there reads NOT_SCORED, never a guessed default
(the model scores loans below DPD 30 only, and only on the days it is run).

Only data up to the end of d counts: payments and actions before d + 1, settlements by the day judged (a horizon
after d is null), installments due by d. All of it is set-oriented SQL over the installments' settlement days
(monitor.derived, or monitor.derive.settlement_query with the payments up to d where derive has not run or its
rows no longer hold).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, db, derive, derived, early_warning, export, freshness, pii, promises, status
from monitor.alongside import Alongside
from monitor.i18n import t

LISTS = ("due_today", "broken_yesterday", "entering_m1")
CURE_HORIZONS = (1, 3, 7, 15, 30)  # days after entering collection (DESIGN.md §4)
CURE_WINDOW_DAYS = 60  # entry days of the cure curve: the last 60 up to d
NOT_SCORED = "not_scored"  # the treatment of a loan the model has no score for on the scored day

# the columns of every list, then those of each list, in order
_COMMON = ("loan_id", "customer", "phone", "product", "channel", "dpd", "bucket", "overdue_amount",
           "principal_balance", "treatment")
COLUMNS = {
    "due_today": (*_COMMON[:3], "agent_id", "promised_at", "ptp_amount", "paid", "kept", *_COMMON[3:]),
    "broken_yesterday": (*_COMMON[:3], "agent_id", "promised_at", "ptp_date", "ptp_amount", "paid", "shortfall",
                         *_COMMON[3:]),
    "entering_m1": (*_COMMON[:3], "due_date", "amount_due", *_COMMON[3:]),
}
# the export's heading of each column (catalog keys)
EXPORT_HEADINGS = {
    "loan_id": "col.loan_id", "customer": "col.customer", "phone": "early_warning.col_phone",
    "agent_id": "col.agent_id", "promised_at": "collections.col_promised_at", "ptp_date": "col.ptp_date",
    "ptp_amount": "col.ptp_amount", "paid": "collections.col_paid", "kept": "collections.col_kept",
    "shortfall": "collections.col_shortfall", "due_date": "col.due_date", "amount_due": "col.amount_due",
    "product": "col.product", "channel": "col.channel", "dpd": "col.dpd", "bucket": "col.bucket",
    "overdue_amount": "col.overdue_amount", "principal_balance": "col.principal_balance",
    "treatment": "early_warning.col_treatment",
}
_ACTIVE = status.ACTIVE_AT.format(d="$as_of")

# The latest promise per loan falling due on $ptp_day, made before $until, of a loan active at $as_of, with what
# counted towards it (monitor.promises). Portable SQL (DESIGN.md §9): a window in a subquery, no QUALIFY.
_PROMISES = f"""
    SELECT pr.loan_id, pr.agent_id, pr.action_at AS promised_at, pr.ptp_date,
           CAST(pr.ptp_amount AS DOUBLE) AS ptp_amount, CAST(coalesce(sum(p.amount), 0) AS DOUBLE) AS paid,
           {promises.kept("coalesce(sum(p.amount), 0)", "pr.ptp_amount")} AS kept
    FROM (
        SELECT a.*, row_number() OVER (PARTITION BY a.loan_id ORDER BY a.action_at DESC, a.action_id DESC) AS nth
        FROM collection_actions a JOIN loans l ON l.loan_id = a.loan_id
        WHERE a.outcome = 'promise_to_pay' AND a.ptp_date = $ptp_day AND a.action_at < $until AND {_ACTIVE}
    ) pr
    LEFT JOIN payments p ON {promises.counts_towards("pr", "p")}
    WHERE pr.nth = 1
    GROUP BY pr.loan_id, pr.agent_id, pr.action_at, pr.ptp_date, pr.ptp_amount"""


def _settlement(con: duckdb.DuckDBPyConnection) -> tuple[str, bool]:
    """Each installment with the day it was settled, and whether that relation is computed here (to be read once):
    the derived rows while they hold (completed to the data's latest day: monitor.derived), else computed with the
    payments up to $as_of. A settled_on after $as_of is never read as settled: the callers judge it at days up to
    $as_of only."""
    if freshness.valid_through(con) is not None:
        return derived.installment_settlement(con), False
    return f"({derive.settlement_query()})", True


def _entries(con: duckdb.DuckDBPyConnection, horizons: tuple[int, ...]) -> str:
    """The loans that entered collection on a day t of [$first, $last] (module docstring): loan_id, entry_day,
    amount_due (yuan, the installment that entered) and, for each h of `horizons`, behind_<h>: the installments due
    before t + h still unsettled at its end (0: cured then; judged with the settlement days, so only meaningful
    while t + h <= $as_of).

    Payments settle installments in their order (DESIGN.md §4), so settlement days never decrease along a loan's
    installments: nothing is past due at t when the installment before the one due on t was settled by t, and the
    installments due before t are settled at t + h too. So only the installment before and those due in
    [t, t + h) are read, not a loan's whole schedule: a few rows a loan at 1M loans."""
    settlement, computed = _settlement(con)
    behind = "".join(f""",
               count(*) FILTER (WHERE o.due_date < c.entry_day + {h}
                                  AND (o.settled_on IS NULL OR o.settled_on > c.entry_day + {h})) AS behind_{h}"""
                     for h in horizons)
    last = max(horizons)
    return f"""
        WITH settle AS {"" if computed else "NOT "}MATERIALIZED (
            SELECT loan_id, installment_no, due_date, amount_due, settled_on FROM {settlement}),
        near AS MATERIALIZED (
            SELECT * FROM settle WHERE due_date >= $first AND due_date < CAST($last AS DATE) + {last}),
        candidates AS (
            SELECT i.loan_id, i.installment_no, i.due_date AS entry_day, CAST(i.amount_due AS DOUBLE) AS amount_due
            FROM near i JOIN loans l ON l.loan_id = i.loan_id
            WHERE i.due_date <= $last AND (i.settled_on IS NULL OR i.settled_on > i.due_date)
              AND {status.ACTIVE_AT.format(d="i.due_date")}
        ),
        before AS (  -- the candidates' loans' installments, by the number of the one after (a semi-join first)
            SELECT loan_id, installment_no + 1 AS next_no, settled_on FROM settle
            WHERE loan_id IN (SELECT loan_id FROM candidates)
        ),
        entered AS (
            SELECT c.* FROM candidates c
            LEFT JOIN before b ON b.loan_id = c.loan_id AND b.next_no = c.installment_no
            WHERE b.loan_id IS NULL OR b.settled_on <= c.entry_day
        )
        SELECT c.loan_id, c.entry_day, c.amount_due{behind}
        FROM entered c JOIN near o ON o.loan_id = c.loan_id AND o.due_date >= c.entry_day
                                  AND o.due_date < c.entry_day + {last}
        GROUP BY c.loan_id, c.entry_day, c.amount_due"""


def cure_curve(con: duckdb.DuckDBPyConnection, as_of: dt.date, days: int = CURE_WINDOW_DAYS) -> pl.DataFrame:
    """The daily cure curve (催回率) of the entry days from `as_of` - `days` + 1 to `as_of` that had entries, oldest
    first: entry_day, loans (how many entered collection that day), and cured_<h> for h in CURE_HORIZONS, the share
    of them at DPD 0 at the end of entry_day + h; null while entry_day + h is after `as_of` (not yet reached)."""
    first = as_of - dt.timedelta(days=days - 1)
    shares = "".join(f""",
        CASE WHEN entry_day + {h} <= $as_of THEN count(*) FILTER (WHERE behind_{h} = 0) / count(*) END AS cured_{h}"""
                     for h in CURE_HORIZONS)
    return con.sql(f"""
        SELECT entry_day, count(*) AS loans{shares}
        FROM ({_entries(con, CURE_HORIZONS)})
        GROUP BY entry_day ORDER BY entry_day""",
                   params={"first": first, "last": as_of, "as_of": as_of}).pl().with_columns(
        pl.col("loans").cast(pl.Int64), *(pl.col(f"cured_{h}").cast(pl.Float64) for h in CURE_HORIZONS))


def cure_curve_long(curve: pl.DataFrame) -> pl.DataFrame:
    """cure_curve's frame one row per entry day and horizon reached: entry_day, loans, horizon (days), cured."""
    return (curve.unpivot(index=["entry_day", "loans"], on=[f"cured_{h}" for h in CURE_HORIZONS],
                          variable_name="horizon", value_name="cured")
            .drop_nulls("cured")
            .with_columns(pl.col("horizon").str.strip_prefix("cured_").cast(pl.Int64))
            .sort("entry_day", "horizon"))


def _listed(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str]:
    """The relation of the list `name` (loan_id and the list's own columns) and its order."""
    if name == "due_today":
        return _PROMISES, "kept, ptp_amount - paid DESC, loan_id"
    if name == "broken_yesterday":
        return (f"""SELECT *, round(ptp_amount - paid, 2) AS shortfall FROM ({_PROMISES}) WHERE NOT kept""",
                "shortfall DESC, loan_id")
    if name == "entering_m1":
        return (f"""SELECT loan_id, entry_day AS due_date, amount_due
                    FROM ({_entries(con, (1,))}) e JOIN loans l USING (loan_id)
                    WHERE e.behind_1 > 0 AND {_ACTIVE}""", "principal_balance DESC, loan_id")
    raise ValueError(f"unknown worklist {name!r}; choose among {', '.join(LISTS)}")


def _params(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date, scored_day: dt.date | None) -> dict:
    yesterday = as_of - dt.timedelta(days=1)
    params = {"as_of": as_of, "charge_off_dpd": db.charge_off_dpd(con), "scored_day": scored_day}
    if name == "entering_m1":
        return {**params, "first": yesterday, "last": yesterday}
    return {**params, "ptp_day": as_of if name == "due_today" else yesterday,
            "until": dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())}


def worklist(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date) -> pl.DataFrame:
    """The worklist `name` (one of LISTS) at the end of `as_of`, every loan on it, in working order (promises due
    today: not yet kept first, the most still to pay first; broken: the largest shortfall first; entering M1: the
    largest balance first), with the columns COLUMNS[name] (money in yuan, customer and phone masked, coded values
    as codes, treatment NOT_SCORED where the loan has no score on the scored day)."""
    listed, order = _listed(con, name)
    scored_day = early_warning.scored_day_for(con, as_of)
    scores = ("SELECT loan_id, treatment FROM scores WHERE as_of = $scored_day" if scored_day is not None else
              "SELECT CAST(NULL AS BIGINT) AS loan_id, CAST(NULL AS VARCHAR) AS treatment WHERE $scored_day IS NULL")
    frame = con.sql(f"""
        WITH listed AS ({listed}),
        now AS ({day_status.loans_source(con, as_of, 'listed')}),
        scored AS ({scores})
        SELECT w.*, {pii.masked_name("c.name")} AS customer, {pii.masked_phone("c.phone")} AS phone,
               l.product, l.channel, n.dpd, n.bucket, CAST(n.overdue_amount AS DOUBLE) AS overdue_amount,
               CAST(n.principal_balance AS DOUBLE) AS principal_balance,
               coalesce(s.treatment, '{NOT_SCORED}') AS treatment
        FROM listed w JOIN now n ON n.loan_id = w.loan_id JOIN loans l ON l.loan_id = w.loan_id
        JOIN customers c ON c.customer_id = l.customer_id LEFT JOIN scored s ON s.loan_id = w.loan_id
        ORDER BY {order}""", params=_params(con, name, as_of, scored_day)).pl()
    return frame.select(COLUMNS[name]).with_columns(pl.col("loan_id").cast(pl.Int64), pl.col("dpd").cast(pl.Int64))


def collections_view(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Everything the Collections page shows for `as_of` in one read: lists {name: worklist} for each of LISTS, and
    cure_curve. The lists are computed alongside the cure curve (monitor.alongside), each on its own cursor."""
    with Alongside(con) as alongside:
        lists = {name: alongside.submit(worklist, name, as_of) for name in LISTS}
        curve = cure_curve(con, as_of)
        return {"lists": {name: found.result() for name, found in lists.items()}, "cure_curve": curve}


def totals(rows: pl.DataFrame) -> dict:
    """A worklist's loans and their principal balance: {"loans": int, "balance": float (yuan)}."""
    return {"loans": rows.height, "balance": round(float(rows["principal_balance"].sum()), 2) if rows.height else 0.0}


def localize(rows: pl.DataFrame, lang: str) -> pl.DataFrame:
    """A worklist with its coded values (product, channel, treatment, NOT_SCORED included) in words."""
    return early_warning.localize(rows, lang)


def export_frame(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date, lang: str) -> pl.DataFrame:
    """The whole worklist `name`, masked, values in words, headings in `lang`, money in yuan to the fen."""
    rows = localize(worklist(con, name, as_of), lang)
    money = [column for column in ("ptp_amount", "paid", "shortfall", "amount_due", "overdue_amount",
                                   "principal_balance") if column in rows.columns]
    shown = rows.with_columns(pl.col(money).round(2))
    if "kept" in shown.columns:
        shown = shown.with_columns(pl.col("kept").replace_strict(
            {True: t("collections.yes", lang), False: t("collections.no", lang)}, return_dtype=pl.String))
    headings = {column: t(key, lang) for column, key in EXPORT_HEADINGS.items() if column in shown.columns}
    return shown.rename(headings)


def export_csv(con: duckdb.DuckDBPyConnection, name: str, as_of: dt.date, lang: str) -> bytes:
    """export_frame as CSV bytes for a spreadsheet (monitor.export: UTF-8 with a byte-order mark, no formulas)."""
    return export.csv_bytes(export_frame(con, name, as_of, lang), float_precision=2)
