"""The credit-policy what-if (授信策略, issue 18): a policy's figures on the through-the-door population, against
today's policy, with the applicants it swaps in and out and the frontier of approval against bad rate.

A policy (PolicyChoice) is a set of cut-offs (monitor.origination.cutoffs: an application is approved when its
application_score is at least the cut-off of its channel and product; no matching key: approved) and credit-line
multipliers by score band. "Today" is today's policy (the cut-offs in force at as_of, no multiplier) applied by
the same rule to the same population: the decisions recorded in the data also hold overrides (approved below the
cut-off) and older policies, so the recorded approval rate (compare's 'recorded') is not today's policy's.

Every figure is a sum over the aggregated population (monitor.origination.whatif_population, its definitions of
pricing, expected interest, paying months and funding years), in numpy, no SQL:
- approved: applications approved; approval_rate = approved / applications.
- amount (volume, yuan): amount granted = amount asked x the line multiplier of the score.
- expected_bad_rate: mean PD of the approved (by count): the share expected to be bad (30+ DPD within 6 months on
  book, monitor.origination.outcomes).
- expected_loss = PD x default_share x LGD x EAD, EAD = amount granted x ead_share: the PD is of a bad, the share
  of bads that default is the book's by application-score band (monitor.origination.whatif_assumptions).
- interest_income: expected interest of the amount granted (a bad pays its first two months).
- fee_income = fee_rate of the product x amount granted x expected paying months.
- funding_cost = funding_rate x average outstanding x years = funding_rate x amount granted x (term + 1) / 24.
- operating_cost = operating_cost x approved.
- expected_profit = interest_income + fee_income - expected_loss - funding_cost - operating_cost.
A rate whose denominator is zero (no application, no approval) is None, never a division by zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from monitor.origination import cutoffs as cutoff_policies
from monitor.origination.cutoffs import ANY, CutoffPolicy
from monitor.origination.whatif_assumptions import Assumption, Assumptions, default_assumptions
from monitor.origination.whatif_population import population

__all__ = ["PolicyChoice", "Assumption", "Assumptions", "default_assumptions", "population", "today_policy",
           "evaluate", "compare", "frontier", "parse_cutoff", "parse_line", "FIGURES"]

LOWEST_SCORE, HIGHEST_SCORE = 300, 900
MAX_MULTIPLIER = 5.0
FRONTIER_POINTS = 300
MONEY = ("expected_loss", "interest_income", "fee_income", "funding_cost", "operating_cost", "expected_profit")
FIGURES = ("applications", "approved", "approval_rate", "amount", "expected_bad_rate", *MONEY)


@dataclass(frozen=True)
class PolicyChoice:
    """Cut-offs by channel and product, and line multipliers: (lowest score of the band, multiplier), sorted by
    score; a score below the first band gets 1.0. Bad values raise ValueError."""

    cutoffs: CutoffPolicy
    line_multipliers: tuple[tuple[int, float], ...] = ()

    def __post_init__(self):
        for (channel, product), cutoff in self.cutoffs.cutoffs.items():
            if not (isinstance(channel, str) and isinstance(product, str) and channel and product):
                raise ValueError(f"a cut-off's channel and product are names, got {(channel, product)!r}")
            if not LOWEST_SCORE <= int(cutoff) <= HIGHEST_SCORE or int(cutoff) != cutoff:
                raise ValueError(f"a cut-off is a whole score from {LOWEST_SCORE} to {HIGHEST_SCORE}, got {cutoff!r}")
        scores = [score for score, _ in self.line_multipliers]
        if scores != sorted(set(scores)):
            raise ValueError("line multipliers go by band: each band's lowest score once, in increasing order")
        for score, multiplier in self.line_multipliers:
            if not LOWEST_SCORE <= score <= HIGHEST_SCORE:
                raise ValueError(f"a band's lowest score is from {LOWEST_SCORE} to {HIGHEST_SCORE}, got {score}")
            if not 0 < multiplier <= MAX_MULTIPLIER:  # NaN fails too
                raise ValueError(f"a line multiplier is above 0 and at most {MAX_MULTIPLIER:g}, got {multiplier}")

    def multiplier_for(self, scores: np.ndarray) -> np.ndarray:
        """The line multiplier of each score (1.0 below the first band)."""
        scores = np.asarray(scores)
        if not self.line_multipliers:
            return np.ones(len(scores))
        lows = np.array([score for score, _ in self.line_multipliers])
        values = np.array([1.0, *(multiplier for _, multiplier in self.line_multipliers)])
        return values[np.searchsorted(lows, scores, side="right")]

    def as_json(self) -> dict:
        return {"cutoffs": [{"channel": channel, "product": product, "cutoff": int(cutoff)}
                            for (channel, product), cutoff in sorted(self.cutoffs.cutoffs.items())],
                "line_multipliers": [[int(score), float(multiplier)] for score, multiplier in self.line_multipliers]}

    @classmethod
    def from_json(cls, data: dict) -> PolicyChoice:
        return cls(CutoffPolicy({(str(row["channel"]), str(row["product"])): int(row["cutoff"])
                                 for row in data.get("cutoffs", [])}),
                   tuple((int(score), float(multiplier)) for score, multiplier in data.get("line_multipliers", [])))

    def with_cutoffs(self, changes: dict[tuple[str, str], int]) -> PolicyChoice:
        """This policy with some cut-offs set (the others kept)."""
        return PolicyChoice(CutoffPolicy({**self.cutoffs.cutoffs, **changes}), self.line_multipliers)


def today_policy(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> PolicyChoice:
    """The cut-offs in force at as_of, no line multiplier; a book without a credit policy approves everyone."""
    return PolicyChoice(cutoff_policies.in_force(con, as_of) or CutoffPolicy({}))


def parse_cutoff(text: str) -> tuple[tuple[str, str], int]:
    """KEY=SCORE -> ((channel, product), score). KEY: a channel, channel/product, */product, or `default`
    (= */*). ValueError saying the form."""
    key, sep, value = text.partition("=")
    key = key.strip()
    try:
        score = int(value)
    except ValueError:
        score = None
    if not sep or not key or score is None or not LOWEST_SCORE <= score <= HIGHEST_SCORE:
        raise ValueError(f"{text!r}: write KEY=SCORE, KEY a channel, channel/product, */product or default, "
                         f"SCORE a whole number from {LOWEST_SCORE} to {HIGHEST_SCORE}")
    if key == "default":
        return (ANY, ANY), score
    channel, _, product = key.partition("/")
    if not channel or (_ and not product):
        raise ValueError(f"{text!r}: KEY is a channel, channel/product, */product or default")
    return (channel, product or ANY), score


def parse_line(text: str) -> tuple[int, float]:
    """SCORE=MULTIPLIER -> (score, multiplier): from that score up (to the next band), lines times MULTIPLIER."""
    score, sep, value = text.partition("=")
    try:
        band, multiplier = int(score), float(value)
    except ValueError:
        band = multiplier = None
    if not sep or band is None or not LOWEST_SCORE <= band <= HIGHEST_SCORE or not 0 < multiplier <= MAX_MULTIPLIER:
        raise ValueError(f"{text!r}: write SCORE=MULTIPLIER, SCORE the band's lowest score from {LOWEST_SCORE} to "
                         f"{HIGHEST_SCORE}, MULTIPLIER above 0 and at most {MAX_MULTIPLIER:g}")
    return band, multiplier


def _approved(pop: pl.DataFrame, choice: PolicyChoice) -> np.ndarray:
    cut = choice.cutoffs.cutoffs_for(pop["channel"].to_numpy(), pop["product"].to_numpy())
    return pop["application_score"].to_numpy() >= cut


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if denominator else None


def _row_money(pop: pl.DataFrame, multiplier: np.ndarray, assumptions: Assumptions) -> dict[str, np.ndarray]:
    """Each row's money figures, all of the row approved at `multiplier`."""
    fee_rates = assumptions.fee_rates(pop["product"].to_numpy())
    money = {
        "amount": pop["amount"].to_numpy() * multiplier,
        "expected_loss": assumptions.lgd.value * assumptions.ead_share.value * pop["pd_amount"].to_numpy()
        * assumptions.default_shares(pop["application_score"].to_numpy()) * multiplier,
        "interest_income": pop["interest"].to_numpy() * multiplier,
        "fee_income": fee_rates * pop["paying_months"].to_numpy() * multiplier,
        "funding_cost": assumptions.funding_rate.value * pop["funding_years"].to_numpy() * multiplier,
        "operating_cost": assumptions.operating_cost.value * pop["applications"].to_numpy().astype(np.float64),
    }
    money["expected_profit"] = (money["interest_income"] + money["fee_income"] - money["expected_loss"]
                                - money["funding_cost"] - money["operating_cost"])
    return money


def _figures(pop: pl.DataFrame, approved: np.ndarray, multiplier: np.ndarray, assumptions: Assumptions) -> dict:
    applications = int(pop["applications"].sum())
    count = int(pop["applications"].to_numpy()[approved].sum())
    money = {name: float(values[approved].sum())
             for name, values in _row_money(pop, multiplier, assumptions).items()}
    return {"applications": applications, "approved": count, "approval_rate": _ratio(count, applications),
            "amount": money["amount"],
            "expected_bad_rate": _ratio(pop["pd_sum"].to_numpy()[approved].sum(), count),
            **{name: money[name] for name in MONEY}}


def evaluate(pop: pl.DataFrame, choice: PolicyChoice, assumptions: Assumptions) -> dict:
    """One policy's figures (the module docstring defines each; keys FIGURES)."""
    return _figures(pop, _approved(pop, choice), choice.multiplier_for(pop["application_score"].to_numpy()),
                    assumptions)


def _swap(pop: pl.DataFrame, rows: np.ndarray, multiplier: np.ndarray) -> dict:
    count = int(pop["applications"].to_numpy()[rows].sum())
    return {"count": count, "amount": float((pop["amount"].to_numpy() * multiplier)[rows].sum()),
            "expected_bad_rate": _ratio(pop["pd_sum"].to_numpy()[rows].sum(), count)}


def compare(pop: pl.DataFrame, today: PolicyChoice, chosen: PolicyChoice, assumptions: Assumptions) -> dict:
    """Today's and the chosen policy's figures; swap_in (approved by the chosen policy, not today's; amount at
    the chosen lines) and swap_out (approved today, not by the chosen; amount at today's lines): count, amount,
    expected_bad_rate (None when empty); by_channel: per channel and product, each policy's approval rate and
    expected bad rate (None without approvals); recorded: the approvals recorded in the data."""
    scores = pop["application_score"].to_numpy()
    now, then = _approved(pop, today), _approved(pop, chosen)
    now_lines, chosen_lines = today.multiplier_for(scores), chosen.multiplier_for(scores)
    recorded = int(pop["recorded_approved"].sum())
    flags = pop.select("channel", "product", "applications", "pd_sum").with_columns(
        today_n=pl.Series(np.where(now, pop["applications"].to_numpy(), 0)),
        today_pd=pl.Series(np.where(now, pop["pd_sum"].to_numpy(), 0.0)),
        chosen_n=pl.Series(np.where(then, pop["applications"].to_numpy(), 0)),
        chosen_pd=pl.Series(np.where(then, pop["pd_sum"].to_numpy(), 0.0)))
    by_channel = (flags.group_by("channel", "product").agg(pl.col("applications", "today_n", "today_pd", "chosen_n",
                                                                  "chosen_pd").sum())
                  .sort("channel", "product")
                  .select("channel", "product",
                          today_approval_rate=pl.col("today_n") / pl.col("applications"),
                          chosen_approval_rate=pl.col("chosen_n") / pl.col("applications"),
                          today_bad_rate=pl.when(pl.col("today_n") > 0)
                          .then(pl.col("today_pd") / pl.col("today_n")),
                          chosen_bad_rate=pl.when(pl.col("chosen_n") > 0)
                          .then(pl.col("chosen_pd") / pl.col("chosen_n"))))
    return {"today": _figures(pop, now, now_lines, assumptions),
            "chosen": _figures(pop, then, chosen_lines, assumptions),
            "swap_in": _swap(pop, then & ~now, chosen_lines), "swap_out": _swap(pop, now & ~then, now_lines),
            "by_channel": by_channel,
            "recorded": {"approved": recorded, "approval_rate": _ratio(recorded, int(pop["applications"].sum()))}}


def frontier(pop: pl.DataFrame, assumptions: Assumptions, points: int = FRONTIER_POINTS) -> pl.DataFrame:
    """The best approval-against-bad-rate trade-off: approving the population's rows in order of their mean PD,
    best first (a row is one channel, product and score: its applicants go together), at most `points` points:
    approval_rate, expected_bad_rate and expected_profit (at line multiplier 1). Today's and the chosen policy's
    evaluate() are the points to mark on it."""
    schema = {"approval_rate": pl.Float64, "expected_bad_rate": pl.Float64, "expected_profit": pl.Float64}
    count = pop["applications"].to_numpy().astype(np.float64)
    if not count.sum():
        return pl.DataFrame(schema=schema)
    order = np.argsort(pop["pd_sum"].to_numpy() / count, kind="stable")
    approved = np.cumsum(count[order])
    bad = np.cumsum(pop["pd_sum"].to_numpy()[order])
    profit = np.cumsum(_row_money(pop, np.ones(len(count)), assumptions)["expected_profit"][order])
    share = approved / approved[-1]
    at = np.unique(np.searchsorted(share, np.linspace(0, 1, points + 1)[1:] - 1e-12))
    return pl.DataFrame({"approval_rate": share[at], "expected_bad_rate": bad[at] / approved[at],
                         "expected_profit": profit[at]}, schema=schema)
