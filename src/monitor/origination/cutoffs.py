"""Cut-off policies of the application score: which score an applicant needs, by channel and product.

A policy is a set of cut-offs keyed by (channel, product), with db.ANY ('*') standing for any channel or any product;
the most specific key that matches an application applies: (channel, product), then (channel, *), then
(*, product), then (*, *). An application scoring below its cut-off is declined. The book keeps the policy in force
from each day in `credit_policy` (one version per valid_from, each complete).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from monitor import book_schema as db

ANY = db.ANY
LOWEST = 300  # the lowest application score: the cut-off where no key matches declines no one


@dataclass(frozen=True)
class CutoffPolicy:
    """Cut-offs by (channel, product); see the module docstring for which one applies."""

    cutoffs: Mapping[tuple[str, str], int]

    def cutoff(self, channel: str, product: str) -> int | None:
        """The cut-off of one application; None when no key matches (the policy declines no one there)."""
        for key in ((channel, product), (channel, ANY), (ANY, product), (ANY, ANY)):
            if key in self.cutoffs:
                return int(self.cutoffs[key])
        return None

    def cutoffs_for(self, channels, products) -> np.ndarray:
        """The cut-off of each application (300, the lowest score, where no key matches), for arrays or Series of
        channels and products: looked up once per distinct pair (a million applications hold a few dozen)."""
        pairs = pl.DataFrame({"channel": pl.Series(channels, dtype=pl.String),
                              "product": pl.Series(products, dtype=pl.String)})
        distinct = pairs.unique()
        found = distinct.with_columns(cutoff=pl.Series(
            [self.cutoff(channel, product) or LOWEST for channel, product in distinct.iter_rows()], dtype=pl.Int32))
        return pairs.join(found, on=["channel", "product"], how="left", maintain_order="left")["cutoff"].to_numpy()

    def rows(self, valid_from: dt.date) -> list[tuple[dt.date, str, str, int]]:
        """The policy as credit_policy rows from `valid_from`."""
        return [(valid_from, channel, product, int(c)) for (channel, product), c in sorted(self.cutoffs.items())]


def in_force(con: duckdb.DuckDBPyConnection, day: dt.date) -> CutoffPolicy | None:
    """The policy in force on `day`: the newest version valid from that day or before; None if there is none."""
    rows = con.sql("""SELECT channel, product, cutoff FROM credit_policy
                      WHERE valid_from = (SELECT max(valid_from) FROM credit_policy WHERE valid_from <= $day)""",
                   params={"day": day}).fetchall()
    return CutoffPolicy({(channel, product): cutoff for channel, product, cutoff in rows}) if rows else None


def versions(con: duckdb.DuckDBPyConnection) -> list[tuple[dt.date, CutoffPolicy]]:
    """Every version of the policy, oldest first, with the day it came into force."""
    rows = con.sql("SELECT valid_from, channel, product, cutoff FROM credit_policy ORDER BY ALL").fetchall()
    out: dict[dt.date, dict] = {}
    for valid_from, channel, product, cutoff in rows:
        out.setdefault(valid_from, {})[(channel, product)] = cutoff
    return [(day, CutoffPolicy(cutoffs)) for day, cutoffs in out.items()]
