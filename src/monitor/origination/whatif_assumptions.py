"""The assumptions of the credit-policy what-if, each with its default from the book's history (or a stated value
where the data holds none) and where that default came from.

- lgd: monitor.metrics.loss_given_default, the one LGD of the expected credit loss: 1 - recovered / principal
  balance the day before default, over the charge-offs and discounted settlements at least 12 months before as_of
  (their recoveries have had time to come in). None seasoned (a young book): its stated prior (lgd_prior).
- default_share: the PD is of a bad (30+ DPD within 6 months on book), and most bads cure: the share of bads that
  default (are charged off or settled at a discount by as_of), over the seasoned bad loans (booked at least
  SEASONED_MONTHS before as_of, a year past their outcome window), by application-score band of DEFAULT_SHARE_BAND
  points (detail['by_band']: it falls steeply with the score, 48% at 500-549 against 5% at 700-749 on a
  generated 50k-loan book, so one figure would understate the loss of exactly the applicants a cut-off turns on); a
  band with fewer than MIN_BAND_BADS seasoned bads takes the pooled share (the value). No seasoned bad (a young
  book): 1, every bad a default, a ceiling, stated (default_share_none).
- ead_share: exposure at default as a share of the amount lent: over the bad loans (monitor.origination.outcomes,
  bad by as_of), the principal balance at the first month-end at which each was 30+ DPD (loan_month) / their
  principal (a ratio of sums, as it multiplies amounts). No such loan yet: EAD_SHARE_PRIOR, stated.
- fee_rate: fees due per yuan of principal per month of term, by product, over the new loans booked in the 12
  months ending as_of: sum of fee_due / sum of principal x term_months. Its value is the rate over all products;
  detail['by_product'] holds each product's, which the what-if uses (a product absent from it: the value). No
  loan booked in the window: 0, stated.
- funding_rate (a year, on the average outstanding) and operating_cost (yuan per approved loan): the book holds no
  funding or cost data; stated defaults (FUNDING_RATE, OPERATING_COST).
An edited value (Assumptions.replace) is one figure for all products, its source EDITED.

Each source is a catalog key (monitor.texts.credit_policy_cli, policy_source.*) whose placeholders are all in the
assumption's `detail` (plain JSON values: dates as ISO text), t(source, lang, **detail); source_text does it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

import duckdb
import numpy as np
import polars as pl

from monitor import derived
from monitor.i18n import t
from monitor.metrics import loss_given_default
from monitor.metrics.credit_loss import LGD_SEASONING_MONTHS, defaults_sql
from monitor.months import months_before
from monitor.origination import outcomes
from monitor.origination.whatif_population import window
from monitor.query import frame

DEFAULT_SHARE_BAND = 50  # application-score points per band of the share of bads that default
MIN_BAND_BADS = 30       # seasoned bads that make a band's share its own; fewer: the pooled share
EAD_SHARE_PRIOR = 0.9    # a bad consumer loan defaults early, most of its principal still outstanding
FUNDING_RATE = 0.04      # a year: a consumer-finance company's cost of funds
OPERATING_COST = 150.0   # yuan per approved loan: acquisition, verification and servicing
# a bad booked this long ago has had a year (the LGD's seasoning) after its outcome window to be charged off
SEASONED_MONTHS = outcomes.OUTCOME_MONTHS + LGD_SEASONING_MONTHS
SOURCE = "policy_source."
EDITED = SOURCE + "edited"
# name -> (lowest, highest) an edit may take
RANGES = {"lgd": (0.0, 1.0), "default_share": (0.0, 1.0), "ead_share": (0.0, 1.5), "funding_rate": (0.0, 1.0),
          "operating_cost": (0.0, 100_000.0),
          "fee_rate": (0.0, 0.1)}


@dataclass(frozen=True)
class Assumption:
    """One assumption: `value`, `source` (a catalog key: where the value came from) and `detail` (the figures
    behind it, the placeholders of the source's text)."""

    value: float
    source: str
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Assumptions:
    """The what-if's assumptions (module docstring): LGD and EAD share (shares), funding_rate (a year),
    operating_cost (yuan per approved loan), fee_rate (per yuan of principal per month) and default_share (of bads;
    left out, every bad counts as a default)."""

    lgd: Assumption
    ead_share: Assumption
    funding_rate: Assumption
    operating_cost: Assumption
    fee_rate: Assumption
    default_share: Assumption = field(default_factory=lambda: Assumption(1.0, SOURCE + "default_share_none", {}))

    def replace(self, **values: float) -> Assumptions:
        """A copy with the named assumptions edited: each value checked against RANGES (ValueError naming it),
        source EDITED, detail {'default': the value before any edit}."""
        changed = {}
        for name, value in values.items():
            old = getattr(self, name)  # AttributeError: no such assumption
            default = old.detail["default"] if old.source == EDITED else old.value
            changed[name] = Assumption(check(name, value), EDITED, {"default": default})
        return Assumptions(**{f.name: changed.get(f.name, getattr(self, f.name)) for f in fields(self)})

    def default_shares(self, scores: np.ndarray) -> np.ndarray:
        """The share of bads that default at each application score (detail['by_band'], else the value)."""
        width = self.default_share.detail.get("band_width", DEFAULT_SHARE_BAND)
        bands = np.asarray(scores) // width * width
        shares = np.full(len(bands), self.default_share.value, dtype=np.float64)
        for low, share in self.default_share.detail.get("by_band", {}).items():
            shares[bands == int(low)] = share
        return shares

    def fee_rates(self, products: np.ndarray) -> np.ndarray:
        """The fee rate of each product (detail['by_product'], else the value)."""
        by_product = self.fee_rate.detail.get("by_product", {})
        return np.array([by_product.get(p, self.fee_rate.value) for p in products], dtype=np.float64)

    def as_json(self) -> dict:
        return {f.name: {"value": getattr(self, f.name).value, "source": getattr(self, f.name).source,
                         "detail": getattr(self, f.name).detail} for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict) -> Assumptions:
        return cls(**{f.name: Assumption(float(data[f.name]["value"]), str(data[f.name]["source"]),
                                         dict(data[f.name].get("detail", {}))) for f in fields(cls)})


NAMES = tuple(f.name for f in fields(Assumptions))


def check(name: str, value: float) -> float:
    """`value` as a float within RANGES[name], else ValueError saying the range."""
    low, high = RANGES[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}, got {value!r}") from None
    if not low <= number <= high:  # NaN fails too
        raise ValueError(f"{name} must be from {low:g} to {high:g}, got {value!r}")
    return number


def source_text(assumption: Assumption, lang: str) -> str:
    """Where the assumption came from, in words."""
    return t(f"policy_source.{assumption.source.removeprefix(SOURCE)}", lang, **assumption.detail)


def _bad_loans(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> tuple[pl.DataFrame, str]:
    """One pass over the bad loans (monitor.origination.outcomes, bad by as_of), by application-score band: of those
    booked by seasoned_by, how many (bads) and how many defaulted (charged off or settled at a discount by as_of); of
    all, those with a month-end at 30+ DPD (ead_loans) and, at the first such month-end, their principal balance and
    principal. And seasoned_by."""
    seasoned_by = months_before(as_of, SEASONED_MONTHS)
    found = frame(con, f"""
        WITH bad AS MATERIALIZED (
            SELECT o.loan_id, o.origination_date <= $seasoned_by AS seasoned,
                   CAST(a.application_score // $width * $width AS INTEGER) AS band
            FROM ({outcomes.booked_outcomes_sql(con)}) o JOIN applications a USING (application_id) WHERE o.bad),
        defaulted AS (SELECT loan_id FROM ({defaults_sql('$as_of')})),
        first_30 AS (
            SELECT m.loan_id, arg_min(m.principal_balance, m.month_end) AS balance
            FROM {derived.loan_month(con)} m SEMI JOIN bad USING (loan_id)
            WHERE m.dpd >= {outcomes.BAD_DPD} AND m.month_end <= $as_of GROUP BY m.loan_id
        )
        SELECT b.band, count(*) FILTER (WHERE b.seasoned) AS bads,
               count(*) FILTER (WHERE b.seasoned AND b.loan_id IN (SELECT loan_id FROM defaulted)) AS defaulted,
               count(f.loan_id) AS ead_loans, coalesce(CAST(sum(f.balance) AS DOUBLE), 0) AS balance,
               coalesce(CAST(sum(l.principal) FILTER (WHERE f.loan_id IS NOT NULL) AS DOUBLE), 0) AS principal
        FROM bad b JOIN loans l USING (loan_id) LEFT JOIN first_30 f USING (loan_id)
        GROUP BY b.band ORDER BY b.band""", as_of=as_of, seasoned_by=seasoned_by, width=DEFAULT_SHARE_BAND)
    return found, seasoned_by.isoformat()


def _lgd(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Assumption:
    found = loss_given_default(con, as_of)
    detail = {"loans": found["loans"], "balance": found["balance"], "recovered": found["recovered"],
              "charged_off_by": found["charged_off_by"].isoformat()}
    return Assumption(found["lgd"], SOURCE + ("lgd_observed" if found["source"] == "observed" else "lgd_prior"),
                      detail)


def _default_share(bands: pl.DataFrame, seasoned_by: str) -> Assumption:
    bads, defaulted = int(bands["bads"].sum()), int(bands["defaulted"].sum())
    if not bads:
        return Assumption(1.0, SOURCE + "default_share_none", {"seasoned_by": seasoned_by})
    pooled = defaulted / bads
    own = bands.filter(pl.col("bads") >= MIN_BAND_BADS)
    by_band = {str(row["band"]): row["defaulted"] / row["bads"] for row in own.iter_rows(named=True)}
    return Assumption(pooled, SOURCE + "default_share_observed",
                      {"bads": bads, "defaulted": defaulted, "seasoned_by": seasoned_by, "by_band": by_band,
                       "band_width": DEFAULT_SHARE_BAND, "bands": len(by_band), "min_bads": MIN_BAND_BADS})


def _ead_share(as_of: dt.date, bands: pl.DataFrame) -> Assumption:
    loans, balance, principal = (bands[name].sum() for name in ("ead_loans", "balance", "principal"))
    if not loans or not principal:
        return Assumption(EAD_SHARE_PRIOR, SOURCE + "ead_prior", {"value": EAD_SHARE_PRIOR, "as_of": as_of.isoformat()})
    return Assumption(float(balance / principal), SOURCE + "ead_observed",
                      {"loans": int(loans), "balance": float(balance), "principal": float(principal),
                       "as_of": as_of.isoformat()})


def _fee_rate(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Assumption:
    first, last = window(as_of)
    found = frame(con, """
        WITH booked AS (
            SELECT l.loan_id, l.product, CAST(l.principal AS DOUBLE) * l.term_months AS principal_months
            FROM applications a JOIN loans l USING (loan_id)
            WHERE l.origination_date BETWEEN $first AND $last
        ),
        by_product AS (SELECT product, count(*) AS loans, sum(principal_months) AS principal_months
                       FROM booked GROUP BY product),
        -- summed by product straight away: a sum per loan first grouped every installment by its loan
        fees AS (SELECT b.product, CAST(sum(i.fee_due) AS DOUBLE) AS fees
                 FROM installments i JOIN booked b USING (loan_id) GROUP BY b.product)
        SELECT p.product, p.loans, coalesce(f.fees, 0) AS fees, p.principal_months
        FROM by_product p LEFT JOIN fees f USING (product) ORDER BY p.product""", first=first, last=last)
    detail = {"start": first.isoformat(), "end": last.isoformat()}
    if found.is_empty() or not found["principal_months"].sum():
        return Assumption(0.0, SOURCE + "fee_none", detail)
    by_product = {row["product"]: row["fees"] / row["principal_months"] for row in found.iter_rows(named=True)}
    return Assumption(float(found["fees"].sum() / found["principal_months"].sum()), SOURCE + "fee_observed",
                      {**detail, "loans": int(found["loans"].sum()), "by_product": by_product})


def default_assumptions(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> Assumptions:
    """Each assumption's default at as_of (module docstring)."""
    bands, seasoned_by = _bad_loans(con, as_of)
    return Assumptions(lgd=_lgd(con, as_of), ead_share=_ead_share(as_of, bands),
                       funding_rate=Assumption(FUNDING_RATE, SOURCE + "funding_stated", {"value": FUNDING_RATE}),
                       operating_cost=Assumption(OPERATING_COST, SOURCE + "operating_stated",
                                                 {"value": OPERATING_COST}),
                       fee_rate=_fee_rate(con, as_of), default_share=_default_share(bands, seasoned_by))
