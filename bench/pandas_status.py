"""A straightforward pandas computation of loan status on one day, the yardstick for monitor.status.

It follows DESIGN.md §4 step by step, the way an analyst would in a notebook: filter active loans, sum
payments, cumulate the schedule, find the oldest unsettled installment, allocate payments to fees and
interest before principal. The three tables are read into pandas once (`load_tables`), as a notebook holds
them in memory, so that timing `pandas_status` times the computation, not the copy out of DuckDB.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd


class Tables(NamedTuple):
    loans: pd.DataFrame
    installments: pd.DataFrame
    payments: pd.DataFrame


def load_tables(con: duckdb.DuckDBPyConnection) -> Tables:
    """The columns of loans, installments and payments the computation reads, as pandas frames."""
    return Tables(
        loans=con.sql("SELECT loan_id, origination_date, closed_date, principal FROM loans").df(),
        installments=con.sql("SELECT loan_id, installment_no, due_date, principal_due, interest_due, fee_due, "
                             "amount_due FROM installments").df(),
        payments=con.sql("SELECT loan_id, paid_at, amount FROM payments").df(),
    )


def pandas_status(tables: Tables, as_of: dt.date) -> pd.DataFrame:
    """loan_id, dpd, principal_balance, overdue_amount of every loan active at the end of `as_of`."""
    day = pd.Timestamp(as_of)
    loans, installments, payments = tables
    active = loans[(loans.origination_date <= day) & (loans.closed_date.isna() | (loans.closed_date > day))]
    paid = (payments[payments.paid_at < day + pd.Timedelta(days=1)]
            .groupby("loan_id").amount.sum().mul(100).round().astype("int64").rename("paid"))

    inst = installments[installments.loan_id.isin(active.loan_id)].sort_values(["loan_id", "installment_no"])
    for column in ("principal_due", "interest_due", "fee_due", "amount_due"):
        inst[column] = (inst[column].astype(float) * 100).round().astype("int64")
    inst["cum_due"] = inst.groupby("loan_id").amount_due.cumsum()
    inst = inst.join(paid, on="loan_id")
    inst["paid"] = inst["paid"].fillna(0).astype("int64")
    inst["due_date"] = pd.to_datetime(inst["due_date"])

    charges = inst.interest_due + inst.fee_due
    inst["principal_repaid"] = np.minimum(inst.principal_due,
                                          np.maximum(0, inst.paid - (inst.cum_due - inst.amount_due) - charges))
    past = inst[inst.due_date < day]
    unsettled = past[past.cum_due > past.paid]
    oldest = unsettled.groupby("loan_id").due_date.min()
    due_before = past.groupby("loan_id").amount_due.sum()
    repaid = inst.groupby("loan_id").principal_repaid.sum()

    out = active[["loan_id", "principal"]].set_index("loan_id")
    out["dpd"] = (day - oldest.reindex(out.index)).dt.days.fillna(0).astype("int64")
    out["principal_balance"] = (out.principal.astype(float) * 100).round().astype("int64") \
        - repaid.reindex(out.index).fillna(0).astype("int64")
    paid_active = paid.reindex(out.index).fillna(0)
    out["overdue_amount"] = np.maximum(0, due_before.reindex(out.index).fillna(0) - paid_active).astype("int64")
    out["principal_balance"] = out.principal_balance / 100
    out["overdue_amount"] = out.overdue_amount / 100
    return out.drop(columns="principal").reset_index().sort_values("loan_id")
