"""Expected credit loss (DESIGN.md §4): the one ECL function, with the PD and LGD it is built from.

ECL = PD x LGD x EAD per loan, EAD the principal balance, summed by IFRS 9 stage:
- stage 3: DPD > 90; PD = 1.
- stage 2: DPD 31-90, a loan born of a restructuring, or a significant increase in credit risk (SICR): the
  early-warning model's PD at least SICR_MIN_PD and at least SICR_MULTIPLE times the loan's first score on record.
  Lifetime PD.
- stage 1: the rest; 12-month PD (lifetime, when less than 12 months are left).
A loan's 12-month PD is its bucket's observed 12-month default rate (default_rates_by_bucket; restructured loans not
past 30 DPD take M2's); where the early-warning model scored the loan (early_warning.current_score_day: the latest
score run, at most 35 days old), that rate is spread over the bucket's scored loans in proportion to their model PD:
the book's history sets the level, the model ranks the loans (over the whole book, so the ECL of the segments adds
up to the book's).
A current loan can only start to default while installments fall due, so its PD covers the months left:
1 - (1 - PD12)^(months / 12), months = min(left, 12) in stage 1 and all that is left in stage 2. A loan in arrears
defaults through its arrears whatever its term: PD12 as it is.
A PD or LGD the book cannot show yet (a young book) takes the nearest observed bucket or a stated prior
(PD_PRIOR, LGD_PRIOR), and says so (source); never a silent 1.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import day_status, db, derived, early_warning, freshness, memo, month_totals, status
from monitor.memo import Memo
from monitor.months import last_month_end, months_before, months_between
from monitor.query import frame, rows
from monitor.segments import segment_filter

# Stated priors for a book too young to show its own: 12-month default probability by bucket and loss given default
# of an unsecured consumer loan book (roll-forward rates typical of Chinese consumer finance; LGD after collection).
PD_PRIOR = {"M0": 0.04, "M1": 0.30, "M2": 0.55, "M3": 0.75, "M4": 0.85, "M5": 0.90, "M6": 0.95}
LGD_PRIOR = 0.85
MIN_OBSERVED_LOANS = 20  # a bucket's default rate is observed only from at least this many loans
SICR_MIN_PD = 0.20       # the model's 3-month 30+ PD of risk tiers D and E
SICR_MULTIPLE = 3.0
LGD_SEASONING_MONTHS = 12


def default_rates_by_bucket(con: duckdb.DuckDBPyConnection, as_of: dt.date, horizon: int = 12) -> pl.DataFrame:
    """Observed `horizon`-month PD per bucket: of the loans in each bucket at the month-end `horizon` months before
    the last month-end on or before `as_of`, the share that defaulted (reached DPD 90+ at a month-end, were charged
    off, or settled at a discount) within the next `horizon` months.
    When the book is younger than that, the window starts at the first month-end that had loans in each of M1, M2
    and M3 (a shorter horizon, shown by observed_from); the share defaulted over a shorter window is only a floor of
    the horizon's, so it is never taken below the stated prior PD_PRIOR (source 'short_window', observed false). A
    bucket with fewer than MIN_OBSERVED_LOANS loans at the start takes the PD of the nearest observed bucket before
    it (PD rises with arrears) or its prior, whichever is higher: source 'nearest' or 'prior' (an M6 never observed
    is not priced at M1's rate).
    Columns: bucket, loans, defaulted, pd, observed, source, observed_from, observed_to."""
    months = derived.loan_month(con)
    end = last_month_end(as_of)
    seasoned = rows(con, f"""SELECT min(month_end) FROM (
                                 SELECT month_end FROM {derived.month_totals_of(con)}
                                 WHERE segment = '{month_totals.BOOK}' AND bucket IN ('M1', 'M2', 'M3')
                                 GROUP BY month_end HAVING count(DISTINCT bucket) = 3)""")[0][0]
    start = months_before(end, horizon)
    if seasoned is not None and start < seasoned < end:
        start = seasoned
    observed = frame(
        con,
        f"""
        WITH base AS (SELECT loan_id, bucket FROM {months} WHERE month_end = $start),
        later_90 AS (SELECT DISTINCT loan_id FROM {months}
                     WHERE month_end > $start AND month_end <= $end AND dpd >= 90),
        outcome AS (
            SELECT b.bucket,
                   b.loan_id IN (SELECT loan_id FROM later_90)
                   OR (l.status IN ('charged_off', 'settled') AND l.closed_date > $start AND l.closed_date <= $end)
                   AS defaulted
            FROM base b JOIN loans l USING (loan_id)
        )
        SELECT bucket, count(*) AS loans, count(*) FILTER (WHERE defaulted) AS defaulted,
               count(*) FILTER (WHERE defaulted) / count(*) AS observed_pd
        FROM outcome GROUP BY bucket
        """,
        start=start, end=end,
    )
    enough = pl.col("loans") >= MIN_OBSERVED_LOANS
    full_window = months_between(start, end) >= horizon
    # over a shorter window the share that defaulted is only a floor of the horizon's: never below the prior
    own = pl.col("observed_pd") if full_window else pl.max_horizontal("observed_pd", "prior")
    result = (pl.DataFrame({"bucket": list(status.BUCKETS), "prior": [PD_PRIOR[b] for b in status.BUCKETS]})
              .join(observed, on="bucket", how="left")
              .with_columns(pl.col("loans", "defaulted").fill_null(0))
              .with_columns(observed=enough & pl.lit(full_window), own=pl.when(enough).then(own).otherwise(None)))
    nearest = result["own"].cum_max().forward_fill()
    stand_in = pl.max_horizontal("nearest", "prior")
    return (result.with_columns(nearest=nearest)
            .with_columns(pd=pl.coalesce("own", stand_in),
                          source=pl.when(pl.col("observed")).then(pl.lit("observed"))
                          .when(pl.col("own").is_not_null()).then(pl.lit("short_window"))
                          .when(pl.col("nearest") >= pl.col("prior")).then(pl.lit("nearest"))
                          .otherwise(pl.lit("prior")),
                          observed_from=pl.lit(start), observed_to=pl.lit(end))
            .select("bucket", "loans", "defaulted", "pd", "observed", "source", "observed_from", "observed_to"))


# Defaults whose loss can be measured: charge-offs (balance the day before, less the payments received on the loan
# from the charge-off on) and settlements at a discount (balance the day before, less what the settlement loan paid).
# A settlement loan that is charged off in turn is part of its settlement's loss, not a second default.
def defaults_sql(until: str) -> str:
    """The defaults up to the day `until` (an SQL parameter such as $as_of): loan_id, kind, default_date,
    paying_loan."""
    return f"""
    SELECT l.loan_id, 'charge_off' AS kind, l.charge_off_date AS default_date, l.loan_id AS paying_loan
    FROM loans l
    WHERE l.charge_off_date <= {until}
      AND l.loan_id NOT IN (SELECT new_loan_id FROM restructurings WHERE kind = 'settlement')
    UNION ALL
    SELECT r.old_loan_id, 'settlement', r.restructured_on, r.new_loan_id
    FROM restructurings r WHERE r.kind = 'settlement' AND r.restructured_on <= {until}"""


def default_losses_sql(con: duckdb.DuckDBPyConnection, defaults: str) -> str:
    """The SQL of what each default of `defaults` (a relation: loan_id, kind, default_date, paying_loan) lost and
    got back: loan_id, kind, default_date, paying_loan; balance, the loan's principal balance the day before the
    default (DESIGN.md §4); recovered, the payments on paying_loan from the default day to the end of $as_of. Its
    parameters: those of `defaults`, $as_of and $charge_off_dpd. The one definition of the LGD's and the Account
    view's recoveries."""
    grid = f"SELECT loan_id, default_date - 1 AS as_of FROM ({defaults})"
    statuses = status.grid_status_sql(grid, precomputed_sums=freshness.derived_is_fresh(con))
    return f"""
        WITH defaults AS ({defaults}),
        balance AS (SELECT loan_id, principal_balance FROM ({statuses})),
        recovered AS (
            SELECT d.loan_id, sum(p.amount) AS amount FROM defaults d
            JOIN payments p ON p.loan_id = d.paying_loan
             AND CAST(p.paid_at AS DATE) >= d.default_date AND CAST(p.paid_at AS DATE) <= $as_of
            GROUP BY d.loan_id
        )
        SELECT d.loan_id, d.kind, d.default_date, d.paying_loan, coalesce(b.principal_balance, 0) AS balance,
               coalesce(r.amount, 0) AS recovered
        FROM defaults d LEFT JOIN balance b USING (loan_id) LEFT JOIN recovered r USING (loan_id)"""


def loss_given_default(con: duckdb.DuckDBPyConnection, as_of: dt.date,
                       seasoning_months: int = LGD_SEASONING_MONTHS) -> dict:
    """Observed LGD: 1 - recovered / balance at default (default_losses_sql), over the charge-offs and settlements at
    least `seasoning_months` before `as_of` (so their recoveries have had time to come in). With none, the stated
    prior LGD_PRIOR (source 'prior'). Returns lgd, source, loans, balance, recovered, charged_off_by and by_kind
    {charge_off, settlement: {loans, balance, recovered, lgd}}."""
    cutoff = months_before(as_of, seasoning_months)
    found = frame(
        con,
        f"""SELECT kind, count(*) AS loans, CAST(sum(balance) AS DOUBLE) AS balance,
                   CAST(sum(recovered) AS DOUBLE) AS recovered
            FROM ({default_losses_sql(con, defaults_sql('$cutoff'))}) GROUP BY kind""",
        cutoff=cutoff, as_of=as_of, charge_off_dpd=db.charge_off_dpd(con),
    )
    by_kind = {kind: {"loans": 0, "balance": 0.0, "recovered": 0.0, "lgd": None}
               for kind in ("charge_off", "settlement")}
    for row in found.iter_rows(named=True):
        by_kind[row["kind"]] = {"loans": row["loans"], "balance": row["balance"], "recovered": row["recovered"],
                                "lgd": _lgd(row["balance"], row["recovered"])}
    balance = sum(part["balance"] for part in by_kind.values())
    recovered = sum(part["recovered"] for part in by_kind.values())
    lgd = _lgd(balance, recovered)
    return {"lgd": LGD_PRIOR if lgd is None else lgd, "source": "prior" if lgd is None else "observed",
            "loans": sum(part["loans"] for part in by_kind.values()),
            "charged_off_loans": by_kind["charge_off"]["loans"], "balance": balance, "recovered": recovered,
            "charged_off_by": cutoff, "by_kind": by_kind}


def _lgd(balance: float, recovered: float) -> float | None:
    return min(1.0, max(0.0, 1 - recovered / balance)) if balance else None


_LOAN_ECL = """
WITH now AS (  -- the installments left after the day are part of its status rows (monitor.status)
    SELECT d.loan_id, d.dpd, d.bucket, CAST(d.principal_balance AS DOUBLE) AS ead, d.installments_left AS months_left,
           l.parent_loan_id IS NOT NULL AS restructured
    FROM ({day_status}) d JOIN loans l USING (loan_id)
),
model AS ({model}),
staged AS (
    SELECT n.*, s.model_pd,
           coalesce(s.model_pd >= $sicr_min_pd AND s.model_pd >= $sicr_multiple * s.first_pd, false) AS sicr,
           CASE WHEN n.restructured AND n.dpd <= 30 THEN 'M2' ELSE n.bucket END AS pd_bucket
    FROM now n LEFT JOIN model s USING (loan_id)
),
with_stage AS MATERIALIZED (  -- read twice: the mean model PD per bucket, and each loan
    SELECT *, CASE WHEN dpd > 90 THEN 3 WHEN dpd > 30 OR restructured OR sicr THEN 2 ELSE 1 END AS stage
    FROM staged
),
model_mean AS (SELECT pd_bucket, avg(model_pd) AS mean_pd FROM with_stage GROUP BY pd_bucket),
pd12 AS (
    SELECT w.*, b.pd AS bucket_pd,
           CASE WHEN w.model_pd IS NULL THEN b.pd
                ELSE least(1.0, b.pd * w.model_pd / nullif(m.mean_pd, 0)) END AS pd_12m
    FROM with_stage w JOIN bucket_pd b ON b.bucket = w.pd_bucket JOIN model_mean m USING (pd_bucket)
)
SELECT p.loan_id, p.bucket, p.stage, p.ead, p.model_pd IS NOT NULL AS scored,
       CASE WHEN p.stage = 3 THEN 1.0
            WHEN p.dpd > 0 THEN p.pd_12m
            WHEN p.stage = 2 THEN 1 - power(1 - p.pd_12m, p.months_left / 12.0)
            ELSE 1 - power(1 - p.pd_12m, least(p.months_left, 12) / 12.0) END AS pd
FROM pd12 p {segment_join}
"""

# The first score on record is read only for the loans whose PD can make a SICR (at least SICR_MIN_PD): a few
# percent of the book, where the first score of every loan scored would cost a pass over the whole score history.
_MODEL_PD = """SELECT s.loan_id, s.pd AS model_pd, f.first_pd FROM scores s
               LEFT JOIN (SELECT loan_id, arg_min(pd, as_of) AS first_pd FROM scores
                          WHERE as_of <= $score_day
                            AND loan_id IN (SELECT loan_id FROM scores WHERE as_of = $score_day AND pd >= $sicr_min_pd)
                          GROUP BY loan_id) f USING (loan_id)
               WHERE s.as_of = $score_day"""
_NO_MODEL = ("SELECT CAST(NULL AS BIGINT) AS loan_id, CAST(NULL AS DOUBLE) AS model_pd, "
             "CAST(NULL AS DOUBLE) AS first_pd WHERE false")


def credit_loss_groups(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                       value: str | None = None, past: Memo = memo.computed) -> tuple[pl.DataFrame, dict]:
    """Every active loan's stage, PD and ECL at the end of `as_of`, summed in SQL by bucket and stage (bucket, stage,
    loans, ead, ecl, scored: a few rows, where a million loans would cost seconds to move into polars), and the
    inputs: pd_by_bucket (default_rates_by_bucket), lgd (loss_given_default) and score_day. `past` keeps the PDs by
    bucket, which read only the month-ends up to the last one (monitor.memo)."""
    where, params = segment_filter(segment, value)
    pds = past(con, last_month_end(as_of), default_rates_by_bucket, last_month_end(as_of))
    lgd = loss_given_default(con, as_of)
    scored_on = early_warning.current_score_day(con, as_of)
    # without a segment the join to the segment rows would only cost time
    segment_join = f"JOIN {derived.loan_segment(con)} s USING (loan_id) WHERE {where}" if segment else ""
    query = _LOAN_ECL.format(day_status=day_status.source(con, as_of), segment_join=segment_join,
                             model=_MODEL_PD if scored_on else _NO_MODEL)
    con.register("bucket_pd", pds.select("bucket", "pd"))
    try:
        groups = frame(con, f"""SELECT bucket, stage, count(*) AS loans, sum(ead) AS ead, sum(pd * $lgd * ead) AS ecl,
                                       count(*) FILTER (WHERE scored) AS scored
                                FROM ({query}) GROUP BY bucket, stage""",
                       **status.status_params(con, as_of), **params, lgd=lgd["lgd"],
                       sicr_min_pd=SICR_MIN_PD, sicr_multiple=SICR_MULTIPLE,
                       **({"score_day": scored_on} if scored_on else {}))
    finally:
        con.unregister("bucket_pd")
    return groups, {"pd_by_bucket": pds, "lgd": lgd, "score_day": scored_on}


def expected_credit_loss(con: duckdb.DuckDBPyConnection, as_of: dt.date, segment: str | None = None,
                         value: str | None = None, past: Memo = memo.computed) -> dict:
    """ECL at the end of `as_of` (see the module): ecl {stage1, stage2, stage3}; stages (stage, loans, ead, ecl);
    by_bucket (bucket M0..M6, loans, ead, ecl) for a projection to carry forward; pd_by_bucket; lgd; score_day and
    scored_loans (the loans whose PD the model set); sources {pd, lgd}: 'observed' or what stood in for it; basis:
    the same inputs as plain values, for a note or a report to say how the figure was made.
    PD and LGD are the book's; a segment filter restricts the loans they apply to. `past`: credit_loss_groups'."""
    groups, inputs = credit_loss_groups(con, as_of, segment, value, past)
    totals = (pl.col("loans").sum().cast(pl.Int64), pl.col("ead").sum(), pl.col("ecl").sum())
    stages = (pl.DataFrame({"stage": [1, 2, 3]}, schema={"stage": pl.Int32})
              .join(groups.group_by("stage").agg(*totals).with_columns(pl.col("stage").cast(pl.Int32)),
                    on="stage", how="left")
              .with_columns(pl.col("loans").fill_null(0), pl.col("ead", "ecl").fill_null(0.0)))
    by_bucket = (pl.DataFrame({"bucket": list(status.BUCKETS)})
                 .join(groups.group_by("bucket").agg(*totals), on="bucket", how="left")
                 .with_columns(pl.col("loans").fill_null(0), pl.col("ead", "ecl").fill_null(0.0)))
    scored_loans = int(groups["scored"].sum())
    pd_sources = set(inputs["pd_by_bucket"]["source"])
    basis = {"score_day": inputs["score_day"].isoformat() if inputs["score_day"] else None,
             "scored_loans": scored_loans, "sicr": {"min_pd": SICR_MIN_PD, "multiple": SICR_MULTIPLE},
             "lgd": {"lgd": inputs["lgd"]["lgd"], "source": inputs["lgd"]["source"]},
             "pd_by_bucket": inputs["pd_by_bucket"].select("bucket", "pd", "observed", "source").to_dicts()}
    return {"ecl": {f"stage{row['stage']}": float(row["ecl"]) for row in stages.iter_rows(named=True)},
            "stages": stages, "by_bucket": by_bucket, "pd_by_bucket": inputs["pd_by_bucket"], "lgd": inputs["lgd"],
            "score_day": inputs["score_day"], "scored_loans": scored_loans, "basis": basis,
            "sources": {"pd": "observed" if pd_sources == {"observed"} else
                        "prior" if pd_sources & {"prior", "short_window"} else "nearest",
                        "lgd": inputs["lgd"]["source"]}}
