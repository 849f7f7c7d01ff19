"""The synthetic lender's applications (issue 18): every loan it booked came from an approved application, and for
every one it also declined applicants, with what it knew of each when deciding.

The policy: cut-offs of the application score by channel (monitor.origination.cutoffs), tightened once, twelve months
before the as-of month, after the broker channel's vintages went bad. Applicants below their cut-off are declined;
a few booked loans scored below theirs (a credit officer's override), as in any lender's book.

Declined applicants come from a riskier crowd than the lender's customers (their hidden risk is DECLINED_RISK_SHIFT
standard deviations higher), drawn by the same model of people and loans as the book (monitor.synth.population),
from a random stream of their own so that the book itself is the same with or without them. Their hidden risk goes
to `synthetic_application_truth`, which only the tests that judge reject inference read.

A book generated in chunks (monitor.synth.book) gets its applications chunk by chunk too: each chunk's booked loans
and declined crowd from a stream of the chunk's own, numbered together at the end in the order they were made.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from monitor import book_schema as db
from monitor.months import months_before
from monitor.origination.cutoffs import ANY, CutoffPolicy
from monitor.status import fen_to_yuan
from monitor.synth import population

FIRST_POLICY = CutoffPolicy({(ANY, ANY): 540, ("broker", ANY): 500, ("social_ads", ANY): 530})
TIGHTENED_POLICY = CutoffPolicy({(ANY, ANY): 540, ("broker", ANY): 530, ("social_ads", ANY): 540})
TIGHTENED_MONTHS_BEFORE = 12
DECLINED_RISK_SHIFT = 1.0
APPLICANT_DRAWS = 5  # draws of the crowd, each the size of the book; those below their cut-off are declined
STREAM = 18  # the applicants' random stream: numpy's seed sequence [seed, STREAM]


def policy_history(first_day: dt.date, as_of: dt.date) -> list[tuple[dt.date, CutoffPolicy]]:
    tightened = months_before(as_of, TIGHTENED_MONTHS_BEFORE + 1) + dt.timedelta(days=1)  # a month's first day
    return [(min(first_day, tightened), FIRST_POLICY), (tightened, TIGHTENED_POLICY)]


def _cutoffs(history, days: np.ndarray, channels: pl.Series, products: pl.Series) -> np.ndarray:
    out = np.zeros(len(days), dtype=np.int32)
    for valid_from, policy in history:
        on = days >= np.datetime64(valid_from)
        out = np.where(on, policy.cutoffs_for(channels, products), out)
    return out


def _applied_at(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """An application a day or two before its loan (or the decision), between 08:00 and 23:00."""
    before = rng.integers(0, 3, len(days)).astype("timedelta64[D]")
    seconds = rng.integers(8 * 3600, 23 * 3600, len(days)).astype("timedelta64[s]")
    return ((days - before).astype("datetime64[s]") + seconds).astype("datetime64[us]")


def _declined(rng: np.random.Generator, n: int, as_of: dt.date, history) -> pl.DataFrame:
    """One draw of the crowd, the applicants below their cut-off: applications with their hidden truth."""
    crowd = population.draw_book(rng, n, as_of, risk_shift=DECLINED_RISK_SHIFT)
    loans = crowd.loans
    days = loans["origination_date"].to_numpy().astype("datetime64[D]")
    cutoff = _cutoffs(history, days, loans["channel"], loans["product"])
    below = loans["application_score"].to_numpy() < cutoff
    declined = loans.with_columns(cutoff=pl.Series(cutoff), applied_at=pl.Series(_applied_at(rng, days))).filter(below)
    return declined.join(crowd.customers, on="customer_id", maintain_order="left").join(
        crowd.truth.drop("customer_id"), on="loan_id", maintain_order="left")


def write(con, seed: int, as_of: dt.date, chunk_sizes: list[int]) -> int:
    """Write the policy history, the applications of the book's loans and the declined ones; how many applications.
    `chunk_sizes`: the loans drawn in each chunk of the book, whose ids follow each other from 1."""
    first_day = con.sql("SELECT min(origination_date) FROM loans "
                        "WHERE parent_loan_id IS NULL AND application_score IS NOT NULL").fetchall()[0][0]
    if first_day is None:
        return 0
    history = policy_history(first_day, as_of)
    db.run(con, "INSERT INTO credit_policy VALUES " + ", ".join("(?, ?, ?, ?)" for _ in range(
        sum(len(p.cutoffs) for _, p in history))), [v for day, p in history for row in p.rows(day) for v in row])
    db.run(con, """
        CREATE TEMP TABLE stg_applications (
            applied_at TIMESTAMP, customer_id BIGINT, channel VARCHAR, product VARCHAR, amount DECIMAL(14,2),
            term_months INTEGER, monthly_income DECIMAL(14,2), employment_type VARCHAR, city_tier INTEGER,
            age BIGINT, bureau_score INTEGER, application_score INTEGER, cutoff INTEGER, decision VARCHAR,
            decline_reason VARCHAR, override BOOLEAN, loan_id BIGINT, truth_row BIGINT, latent_risk DOUBLE,
            monthly_miss_prob DOUBLE)""")
    first_id, truth_rows = 0, 0
    for chunk, size in enumerate(chunk_sizes):
        rng = np.random.default_rng([seed, STREAM] if chunk == 0 else [seed, STREAM, chunk])
        truth_rows += _stage_chunk(con, rng, as_of, history, first_id, size, truth_rows)
        first_id += size
    db.run(con, """
        CREATE TEMP TABLE stg_numbered AS
        SELECT row_number() OVER (ORDER BY applied_at, loan_id NULLS LAST, truth_row) AS application_id, *
        FROM stg_applications;
        DROP TABLE stg_applications;
        INSERT INTO applications
        SELECT application_id, applied_at, customer_id, channel, product, amount, term_months, monthly_income,
               employment_type, city_tier, age, bureau_score, application_score, cutoff, decision, decline_reason,
               override, loan_id
        FROM stg_numbered ORDER BY application_id;
        INSERT INTO synthetic_application_truth
        SELECT application_id, latent_risk, monthly_miss_prob
        FROM stg_numbered WHERE truth_row IS NOT NULL ORDER BY application_id;
        DROP TABLE stg_numbered;""")
    return con.sql("SELECT count(*) FROM applications").fetchall()[0][0]


def _stage_chunk(con, rng: np.random.Generator, as_of: dt.date, history, first_id: int, n_loans: int,
                 first_truth_row: int) -> int:
    """Stage the applications of the loans first_id + 1 .. first_id + n_loans and the applicants declined beside
    them (APPLICANT_DRAWS draws of n_loans); how many were declined."""
    booked = con.sql("""
        SELECT l.loan_id, l.customer_id, l.channel, l.product, l.origination_date, l.principal AS amount,
               l.term_months, c.monthly_income, c.employment_type, c.city_tier, c.birth_year, c.bureau_score,
               l.application_score
        FROM loans l JOIN customers c USING (customer_id)
        WHERE l.parent_loan_id IS NULL AND l.application_score IS NOT NULL AND l.loan_id > $first AND l.loan_id <= $last
        ORDER BY l.loan_id""", params={"first": first_id, "last": first_id + n_loans}).pl()
    days = booked["origination_date"].to_numpy().astype("datetime64[D]")
    booked = booked.with_columns(
        applied_at=pl.Series(_applied_at(rng, days)),
        cutoff=pl.Series(_cutoffs(history, days, booked["channel"], booked["product"])),
    )
    declined = pl.concat([_declined(rng, n_loans, as_of, history) for _ in range(APPLICANT_DRAWS)],
                         how="diagonal_relaxed")
    con.register("booked_df", booked)
    con.register("declined_df", declined.with_columns(truth_row=pl.int_range(pl.len()) + first_truth_row))
    db.run(con, f"""
        INSERT INTO stg_applications
        SELECT applied_at, customer_id, channel, product, amount, term_months, monthly_income, employment_type,
               city_tier, year(applied_at) - birth_year AS age, bureau_score, application_score, cutoff,
               'approved' AS decision, NULL AS decline_reason, application_score < cutoff AS override, loan_id,
               NULL::BIGINT AS truth_row, NULL, NULL
        FROM booked_df
        UNION ALL
        SELECT applied_at, NULL, channel, product, {fen_to_yuan('principal_fen')}, term_months, monthly_income,
               employment_type, city_tier, year(applied_at) - birth_year,
               CAST(CASE WHEN isnan(bureau_score) THEN NULL ELSE bureau_score END AS INTEGER),
               application_score, cutoff, 'declined', 'score_below_cutoff', false, NULL, truth_row,
               latent_risk, monthly_miss_prob
        FROM declined_df""")
    for name in ("booked_df", "declined_df"):
        con.unregister(name)
    return declined.height
