"""Builds the whole synthetic book into a DuckDB file.

1. Draw customers and new loans (population), simulate their payments (behaviour).
2. Loans that asked for a restructuring by the as-of date get a linked new loan, simulated the same way.
3. Load everything into staging tables and settle each loan's fate by the exact rules of DESIGN.md §4:
   charge-off on the day DPD reaches the policy's DPD, payoff on the day the last installment is
   settled, restructuring on its day; whatever comes first.
4. Recoveries after charge-off, then the derived tables; the collection actions that follow each delinquency, the
   outside agencies, the actions that broke a collection rule and the complaints they raised.

Steps 1-3 and the recoveries run per chunk of at most CHUNK_LOANS loans, each a small book of its own on its own
random stream, with its loan, customer and restructuring ids following the chunks before it: what a step holds in
memory is one chunk's (two: the next is drawn while this one is loaded), whatever the size of the book. Every book
of at most CHUNK_LOANS loans is one chunk on the seed's own stream, the book it was before chunks. The steps after
run set-wise in DuckDB over the whole book, within DUCKDB_MEMORY (DuckDB spills what does not fit to a temporary
file beside the book).

An existing file is replaced only when asked (force), and never while another process holds it or when it is marked
read-only: checked before the long work, and again, holding the file's lock, at the moment it is replaced. The new
book is written to a temporary file beside it and moved into place only when complete, so a crash (or a full disk)
keeps the old book; the temporary file of a run killed with -9 stays behind, hidden (.NAME.PID.generating).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl
from numpy.random import Generator

from monitor import db, derive, status
from monitor.compliance import violations
from monitor.i18n import t
from monitor.status import fen_to_yuan
from monitor.synth import applications, behaviour, collections, population
from monitor.synth.collections import COLLECTION_ACTIONS_SQL

# DuckDB's memory limit while generating (monitor.db's default for any process): past it DuckDB spills a big sort,
# join or aggregate to disk (the book's .tmp folder). Python holds two chunks' arrays besides (about 3 GB, while
# DuckDB holds little): 10M loans peaked at 8.8 GB.
DUCKDB_MEMORY = "8GB"
CHUNK_LOANS = 1_000_000  # loans drawn, simulated and settled at a time
CHUNK_STREAM = 19  # chunk k >= 1 draws from numpy's seed sequence [seed, CHUNK_STREAM, k]; chunk 0 from the seed
RESTRUCTURE_KINDS = ("extension", "reinstallment", "settlement")
RESTRUCTURE_SHARE = (0.45, 0.35, 0.2)


def chunk_sizes(n_loans: int) -> list[int]:
    """The loans of each chunk: as few chunks of at most CHUNK_LOANS as hold the book, as even as can be."""
    k = max(1, -(-n_loans // CHUNK_LOANS))
    return [n_loans // k + (i < n_loans % k) for i in range(k)]


def chunk_rng(seed: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng(seed if chunk == 0 else [seed, CHUNK_STREAM, chunk])


def generate(path: str | Path, n_loans: int, seed: int, as_of: dt.date, *, force: bool = False) -> dict[str, int]:
    path = Path(path)
    check_target(path, force)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.generating")
    try:
        con = db.connect(tmp, create=True)
        try:
            os.chmod(tmp, 0o600)  # personal data from the first row on: the owner's only, whatever the umask
            db.create_schema(con)
            db.run(con, f"SET memory_limit = '{DUCKDB_MEMORY}'")
            _create_staging(con)
            sizes = chunk_sizes(n_loans)
            for rng, frames in _ahead(_drawn_chunks(seed, sizes, n_loans, as_of)):
                _load(con, frames, rng, as_of)
            _write_rest(con, seed)
            derive.derive(con, as_of)
            db.run(con, COLLECTION_ACTIONS_SQL, {"seed": seed, "as_of": as_of})
            db.run(con, collections.AGENCIES_SQL)
            violations.rebuild(con)
            db.run(con, collections.BLOCKED_SQL, {"seed": seed})
            violations.rebuild(con)
            db.run(con, collections.COMPLAINTS_SQL, {"seed": seed, "as_of": as_of})
            applications.write(con, seed, as_of, sizes)
            db.record(con, "generate", {"loans": n_loans, "seed": seed, "as_of": as_of})
            counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                      for t in (*db.SOURCE_TABLES, *db.DERIVED_TABLES)}
            db.run(con, "CHECKPOINT")
        finally:
            con.close()
        _move_into_place(tmp, path, force)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            leftover.unlink(missing_ok=True)
    return counts


def check_target(path: Path, force: bool) -> None:
    """Refuse, before any work, to write over an existing file unless `force`, and even then over one that is
    read-only or that another process holds."""
    if path.is_dir():
        raise db.refused(lambda lang: t("book.not_a_file", lang, path=path))
    if path.exists():
        if not force:
            raise db.refused(lambda lang: t("book.exists", lang, path=path))
        db.check_writable(path)
        with db.exclusive(path):
            pass
    elif path.parent.exists():
        db.check_writable(path)


def _move_into_place(tmp: Path, path: Path, force: bool) -> None:
    """Rename the finished book over `path`, holding the old file's lock so that no process has it open meanwhile;
    the old book's write-ahead log goes first (it would be replayed onto the new file)."""
    if not path.exists():
        os.replace(tmp, path)
        return
    check_target(path, force)  # it may have appeared, or turned read-only, during the work
    with db.exclusive(path):
        Path(f"{path}.wal").unlink(missing_ok=True)
        os.replace(tmp, path)


def _create_staging(con) -> None:
    """What the chunks leave for the end: their payments, numbered in time order over the whole book, and the
    restructured loans, whose ids follow every chunk's new loans."""
    db.run(con, """
        CREATE TEMP TABLE kept_payments (loan_id BIGINT, paid_on DATE, amount DECIMAL(14,2), channel_code TINYINT);
        CREATE TEMP TABLE new_loans AS SELECT * FROM loans LIMIT 0;
        CREATE TEMP TABLE new_installments AS SELECT * FROM installments LIMIT 0;
        CREATE TEMP TABLE new_truth AS SELECT * FROM synthetic_truth LIMIT 0;
    """)


def _drawn_chunks(seed: int, sizes: list[int], n_loans: int, as_of: dt.date) -> Iterator[tuple[Generator, dict]]:
    """Each chunk drawn and simulated, its ids after those of the chunks before: its random stream (the recoveries
    draw from it next) and its frames for _load."""
    loans = customers = restructurings = 0  # the ids the chunks before used
    for chunk, n in enumerate(sizes):
        rng = chunk_rng(seed, chunk)
        book = _shifted(population.draw_book(rng, n, as_of), loans, customers)
        first = behaviour.simulate(book.loans, rng, as_of)
        requests = first.restructure_requests.filter(pl.col("restructured_on") <= as_of).sort("loan_id")
        new = _restructured_loans(rng, book, requests, n_loans + restructurings, restructurings)
        second = behaviour.simulate(new[0], rng, as_of)
        loans, customers = loans + n, customers + book.customers.height
        restructurings += requests.height
        frames = {"book": book, "new_loans": new[0], "restructurings": new[1], "new_truth": new[2], "first": first,
                  "second": second}
        del book, first, second, new  # _load frees each once staged
        yield rng, frames


def _ahead(items: Iterator):
    """The items of `items`, each made on a thread while the one before is used: the next chunk is drawn and simulated
    (numpy, on one core) while DuckDB loads this one."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(next, items, None)
        while (item := future.result()) is not None:
            future = pool.submit(next, items, None)
            yield item


def _shifted(book: population.Book, loans: int, customers: int) -> population.Book:
    """The book with its loan and customer ids after those of the chunks before."""
    if not (loans or customers):
        return book
    ids = {"loan_id": pl.col("loan_id") + loans, "customer_id": pl.col("customer_id") + customers}
    return population.Book(customers=book.customers.with_columns(customer_id=ids["customer_id"]),
                           loans=book.loans.with_columns(**ids), truth=book.truth.with_columns(**ids))


def _restructured_loans(rng: np.random.Generator, book: population.Book, requests: pl.DataFrame, first_id: int,
                        first_restructuring_id: int):
    """The linked loans opened by restructurings: arrears capitalized, a longer or discounted plan. Their loan ids
    follow `first_id`, the restructurings' `first_restructuring_id`."""
    n = requests.height
    old = requests.join(book.loans, on="loan_id", how="left")
    kind_idx = rng.choice(len(RESTRUCTURE_KINDS), n, p=RESTRUCTURE_SHARE)
    kind = np.asarray(RESTRUCTURE_KINDS)[kind_idx]
    owed = old["balance_fen"].to_numpy() + old["arrears_fen"].to_numpy()
    discount = rng.uniform(0.25, 0.55, n)
    principal = np.where(kind == "settlement", np.rint(owed * (1 - discount)), owed).astype(np.int64)
    months_left = old["months_left"].to_numpy()
    term = np.select(
        [kind == "extension", kind == "reinstallment"],
        [np.where(months_left + 6 > 12, 24, 12), np.where(rng.random(n) < 0.5, 6, 12)],
        rng.integers(1, 4, n),
    ).astype(np.int32)
    old_miss = old["miss_prob"].to_numpy()
    new_id = np.arange(first_id + 1, first_id + 1 + n, dtype=np.int64)
    loans = pl.DataFrame({
        "loan_id": new_id,
        "customer_id": old["customer_id"],
        "product": old["product"],
        "channel": old["channel"],
        "origination_date": old["restructured_on"],
        "principal_fen": principal,
        "annual_rate": np.where(kind == "settlement", 0.0, old["annual_rate"].to_numpy()),
        "term_months": term,
        "repayment_method": np.full(n, "equal_installment"),
        "application_score": old["application_score"],
        "monthly_income_fen": old["monthly_income_fen"],
        "miss_prob": np.clip(np.where(kind == "settlement", 0.5, 0.9) * np.minimum(old_miss, 0.5), 0.01, 0.6),
        "prepay_prob": np.full(n, 0.01),
        "lateness": old["lateness"],
        "restructurable": np.zeros(n, dtype=bool),
        "parent_loan_id": old["loan_id"],
    }).filter(pl.col("principal_fen") > 0)
    restructurings = pl.DataFrame({
        "restructuring_id": np.arange(first_restructuring_id + 1, first_restructuring_id + 1 + n, dtype=np.int64),
        "old_loan_id": old["loan_id"],
        "new_loan_id": new_id,
        "restructured_on": old["restructured_on"],
        "kind": kind,
        "arrears_fen": old["arrears_fen"],
        "approved_by": np.where(owed > 2_000_000, "credit_committee",
                                np.char.add("collections_lead_", rng.integers(1, 13, n).astype(str))),
    }).filter(pl.col("new_loan_id").is_in(loans["loan_id"].implode()))
    truth = loans.select("loan_id", "parent_loan_id", monthly_miss_prob="miss_prob").join(
        book.truth.select("customer_id", "latent_risk", parent_loan_id="loan_id"), on="parent_loan_id"
    ).select("loan_id", "customer_id", "latent_risk", "monthly_miss_prob", behaviour=pl.lit("restructured"))
    return loans, restructurings, truth


def _load(con, frames: dict, rng, as_of: dt.date):
    """Stage one chunk's simulated frames in DuckDB, settle each loan's fate, write the chunk's customers, loans
    drawn, their installments, truth and restructurings; stage its payments and restructured loans (_write_rest)."""
    book, first, second = frames.pop("book"), frames.pop("first"), frames.pop("second")
    restructurings, new_truth = frames.pop("restructurings"), frames.pop("new_truth")
    loans = pl.concat([book.loans, frames.pop("new_loans").cast(book.loans.schema)])
    installments = pl.concat([first.installments, second.installments])
    payments = pl.concat([first.payments, second.payments]).filter(pl.col("paid_on") <= as_of)
    del first, second
    co_dpd = db.charge_off_dpd(con)
    con.register("loans_df", loans)
    con.register("installments_df", installments)
    con.register("payments_df", payments)
    con.register("restructurings_df", restructurings)
    db.run(con, f"""
        CREATE OR REPLACE TEMP TABLE stg_loans AS
        SELECT *, {fen_to_yuan('principal_fen')} AS principal, CAST(NULL AS DATE) AS charge_off_date
        FROM loans_df;
        CREATE OR REPLACE TEMP TABLE stg_installments AS
        SELECT loan_id, installment_no, due_date,
               {fen_to_yuan('principal_fen')} AS principal_due,
               {fen_to_yuan('interest_fen')} AS interest_due,
               {fen_to_yuan('fee_fen')} AS fee_due,
               {fen_to_yuan('principal_fen + interest_fen + fee_fen')} AS amount_due
        FROM installments_df;
        CREATE OR REPLACE TEMP TABLE stg_payments AS
        SELECT loan_id, paid_on, {fen_to_yuan('amount_fen')} AS amount, channel_code,
               CAST(paid_on AS TIMESTAMP) AS paid_at
        FROM payments_df;
    """)
    for name in ("loans_df", "installments_df", "payments_df"):
        con.unregister(name)
    del loans, installments, payments
    settlement = derive.settlement_query("stg_loans", "stg_installments", "stg_payments")
    db.run(con, f"CREATE OR REPLACE TEMP TABLE stg_settlement AS {settlement}",
                {"as_of": as_of})
    # Each loan's fate: the first of charge-off (DPD reaches the policy), payoff, restructuring.
    db.run(con,
        """
        CREATE OR REPLACE TEMP TABLE fate AS
        WITH charge_off AS (
            SELECT loan_id, min(due_date + CAST($co_dpd AS INTEGER)) AS day
            FROM stg_settlement
            WHERE settled_on IS NULL OR settled_on > due_date + CAST($co_dpd AS INTEGER)
            GROUP BY loan_id
        ),
        payoff AS (
            SELECT loan_id, max(settled_on) AS day, bool_and(settled_on IS NOT NULL) AS done
            FROM stg_settlement GROUP BY loan_id
        ),
        restructured AS (
            SELECT old_loan_id AS loan_id, restructured_on AS day,
                   CASE WHEN kind = 'settlement' THEN 'settled' ELSE 'restructured' END AS status
            FROM restructurings_df
        )
        SELECT l.loan_id,
               CASE WHEN r.day IS NOT NULL THEN r.status
                    WHEN c.day <= $as_of THEN 'charged_off'
                    WHEN p.done THEN 'paid_off' ELSE 'active' END AS status,
               CASE WHEN r.day IS NOT NULL THEN r.day
                    WHEN c.day <= $as_of THEN c.day
                    WHEN p.done THEN p.day END AS closed_date,
               CASE WHEN r.day IS NULL AND c.day <= $as_of THEN c.day END AS charge_off_date
        FROM stg_loans l
        LEFT JOIN charge_off c USING (loan_id)
        LEFT JOIN payoff p USING (loan_id)
        LEFT JOIN restructured r USING (loan_id)
        """,
        {"co_dpd": co_dpd, "as_of": as_of},
    )
    db.run(con, "DROP TABLE stg_settlement")
    db.run(con, "UPDATE stg_loans SET charge_off_date = f.charge_off_date FROM fate f "
                "WHERE f.loan_id = stg_loans.loan_id")
    recoveries = _recoveries(con, rng, co_dpd, as_of)
    con.register("recoveries_df", recoveries)

    con.register("customers_df", book.customers)
    db.run(con, """
        INSERT INTO customers
        SELECT customer_id, name, phone, id_number, birth_year, monthly_income, employment_type, province,
               city_tier, CAST(CASE WHEN NOT isnan(bureau_score) THEN bureau_score END AS INTEGER), created_at
        FROM customers_df ORDER BY customer_id
    """)
    # The loans drawn go to the book now; the restructured ones (parent_loan_id), whose ids follow every chunk's
    # loans drawn, after the last chunk (_write_rest): the tables stay in the order of their ids.
    for target, drawn in (("loans", "l.parent_loan_id IS NULL"), ("new_loans", "l.parent_loan_id IS NOT NULL")):
        db.run(con, f"""
            INSERT INTO {target}
            SELECT l.loan_id, l.customer_id, l.product, l.channel, l.origination_date, l.principal,
                   l.annual_rate, l.term_months, l.repayment_method, l.application_score,
                   f.status, f.closed_date, f.charge_off_date, l.parent_loan_id
            FROM stg_loans l JOIN fate f USING (loan_id) WHERE {drawn} ORDER BY l.loan_id
        """)
    for target, drawn in (("installments", "NOT IN"), ("new_installments", "IN")):
        db.run(con, f"""
            INSERT INTO {target} SELECT * FROM stg_installments
            WHERE loan_id {drawn} (SELECT loan_id FROM stg_loans WHERE parent_loan_id IS NOT NULL)
            ORDER BY loan_id, installment_no""")
    db.run(con,
        f"""
        INSERT INTO kept_payments
        SELECT p.loan_id, p.paid_on, p.amount, p.channel_code FROM stg_payments p JOIN fate f USING (loan_id)
        WHERE f.charge_off_date IS NULL OR p.paid_on < f.charge_off_date
        UNION ALL
        SELECT loan_id, paid_on, {fen_to_yuan('amount_fen')}, 4 FROM recoveries_df
        """)
    db.run(con, f"""
        INSERT INTO restructurings
        SELECT restructuring_id, old_loan_id, new_loan_id, restructured_on, kind,
               {fen_to_yuan('arrears_fen')}, approved_by
        FROM restructurings_df ORDER BY restructuring_id
    """)
    con.register("truth_df", book.truth)
    con.register("new_truth_df", new_truth)
    for target, source in (("synthetic_truth", "truth_df"), ("new_truth", "new_truth_df")):
        db.run(con, f"INSERT INTO {target} SELECT loan_id, customer_id, latent_risk, monthly_miss_prob, behaviour "
                    f"FROM {source} ORDER BY loan_id")
    for name in ("restructurings_df", "recoveries_df", "customers_df", "truth_df", "new_truth_df"):
        con.unregister(name)
    db.run(con, "DROP TABLE stg_loans; DROP TABLE stg_installments; DROP TABLE stg_payments; DROP TABLE fate")


def _write_rest(con, seed: int) -> None:
    """After the last chunk: the restructured loans with their installments and truth, and every payment, numbered
    in the order of when it was made (a loan's payments of the same amount at the same time in the order of their
    channels: DuckDB's sort alone numbered them in any order, another each run)."""
    db.run(con, """
        INSERT INTO loans SELECT * FROM new_loans ORDER BY loan_id;
        INSERT INTO installments SELECT * FROM new_installments ORDER BY loan_id, installment_no;
        INSERT INTO synthetic_truth SELECT * FROM new_truth ORDER BY loan_id;
        DROP TABLE new_loans; DROP TABLE new_installments; DROP TABLE new_truth;
    """)
    db.run(con,
        """
        INSERT INTO payments
        WITH timed AS (
            SELECT *, CAST(paid_on AS TIMESTAMP) + to_seconds(CASE channel_code
                WHEN 0 THEN 6 * 3600 + hash(loan_id, paid_on, $seed) % (3 * 3600)
                WHEN 3 THEN 10 * 3600 + hash(loan_id, paid_on, $seed) % (7 * 3600)
                ELSE 8 * 3600 + hash(loan_id, paid_on, $seed) % (15 * 3600) END) AS paid_at
            FROM kept_payments
        )
        SELECT row_number() OVER (ORDER BY paid_at, loan_id, amount, channel_code), loan_id, paid_at, amount,
               ['auto_debit', 'app', 'collections', 'legal', 'recovery'][channel_code + 1]
        FROM timed ORDER BY paid_at, loan_id, amount, channel_code
        """,
        {"seed": seed},
    )
    db.run(con, "DROP TABLE kept_payments")


def _recoveries(con, rng: np.random.Generator, co_dpd: int, as_of: dt.date) -> pl.DataFrame:
    """Post-charge-off recoveries: about 4 in 10 charged-off loans repay part of the balance later."""
    grid = "SELECT loan_id, charge_off_date - 1 AS as_of FROM stg_loans WHERE charge_off_date IS NOT NULL"
    balances = con.sql(
        f"SELECT loan_id, as_of + 1 AS charge_off_date, principal_balance FROM "
        f"({status.grid_status_sql(grid, 'stg_loans', 'stg_installments', 'stg_payments')}) ORDER BY loan_id",
        params={"charge_off_dpd": co_dpd},
    ).pl()
    n = balances.height
    recovered = rng.random(n) < 0.4
    share = rng.beta(2, 9, n)
    parts = rng.integers(1, 5, n)
    idx = np.repeat(np.arange(n)[recovered], parts[recovered])
    weights = rng.random(idx.size) + 0.2
    totals = np.bincount(idx, weights=weights, minlength=n)
    balance_fen = (balances["principal_balance"].cast(pl.Float64).to_numpy() * 100)
    amount_fen = np.floor(balance_fen[idx] * share[idx] * weights / totals[idx])
    day = balances["charge_off_date"].to_numpy()[idx] + rng.integers(15, 420, idx.size).astype("timedelta64[D]")
    return pl.DataFrame({
        "loan_id": balances["loan_id"].to_numpy()[idx],
        "paid_on": day,
        "amount_fen": amount_fen.astype(np.int64),
    }).filter((pl.col("paid_on") <= as_of) & (pl.col("amount_fen") > 0))
