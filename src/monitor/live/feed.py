"""The synthetic lender in real time: payments, new loans and collection actions, generated in memory.

The front door moves too (issue 18): every new loan comes with the application it was approved from, made a few
minutes before the loan (APPLIED_MINUTES_BEFORE), with the loan's score and the cut-off of the policy in force
that day (monitor.origination.cutoffs.in_force; an override when the score is below it, as the generator's booked
loans are). Declined applications arrive beside them at the book's recent decline rate of each channel (the
applications of the DECLINE_WINDOW_DAYS before the day): for k new loans of a channel whose recent applications
were declined d times per approval, Poisson(k d) declined ones. They are drawn as the generator draws its declined
applicants (monitor.synth.applications): people of the riskier crowd (DECLINED_RISK_SHIFT) by the book's own
model, kept when they score below their cut-off, with the income, employment, city tier, age and bureau score of
the person. A channel whose applicants seldom score below its cut-off may come up short after DECLINE_DRAWS draws
of the crowd; what is missing then is not made up.

The feed keeps a working set of the active loans (`LiveBook`): what each has paid and what falls due, in
integer fen, as of the book's day. Events are drawn for many loans at once with numpy (no loop per event)
and update the working set as they are drawn, so the next draw sees them even before they are written.
Delinquency needs no event: it follows from the schedule and the clock (monitor.status).

Ids are not decided here. A `Buffer` holds what was drawn with provisional references (new loans 1..m,
new customers -1..-m); the writer (monitor.live.command) turns them into ids that continue the tables'
maxima inside its write transaction, so a concurrent writer cannot collide with them. New loans join the
working set only once committed, with their final ids: until then nothing refers to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from monitor import status
from monitor.origination.cutoffs import CutoffPolicy, in_force
from monitor.schedule import amortize_fen
from monitor.synth import behaviour, calendar, population
from monitor.synth.applications import DECLINED_RISK_SHIFT
from monitor.synth.collections import OUTSOURCED_SHARE, PUSHING_AGENCY, PUSHING_AGENTS, STRATEGY

KINDS = ("payments", "loans", "collection_actions")  # the events the rate counts
KIND_SHARE = (0.7, 0.1, 0.2)
# Which payments, among the loans that can make one: an installment due today, arrears, ahead of time.
PAYMENT_SHARE = {"due_today": 0.5, "delinquent": 0.08, "ahead": 0.42}
RETURNING_CUSTOMER = 0.3   # new loans taken by an existing customer
PAYOFF_SHARE = 0.05        # payments ahead of time that repay the whole loan
HUMAN_ACTIONS = ("call", "field_visit")
STRATEGY_DPD = np.array([dpd for dpd, _, _ in STRATEGY])
STRATEGY_TYPE = np.array([kind for _, kind, _ in STRATEGY])
QUIET_HOURS = (22, 8)  # the collection guideline's: compliant collectors contact nobody from 22:00 to 08:00
OUTSOURCED_DPD = 61    # calls and visits from this DPD go to an outside agency for OUTSOURCED_SHARE of loans
APPLIED_MINUTES_BEFORE = (2, 30)  # an approved application is made this many minutes (uniform) before its loan
DECLINE_WINDOW_DAYS = 90  # the recent applications whose decline rate per channel the feed keeps to
DECLINE_DRAWS = 8         # draws of the crowd at most, per batch, to find the declined applicants wanted
CROWD_PER_DECLINE = 16    # people drawn per declined application wanted (about 1 in 14 of the crowd is declined)
NO_POLICY_CUTOFF = 300    # the cut-off where no policy is in force: the lowest score, nobody declined

_DECLINE_ODDS_SQL = f"""
SELECT channel, count(*) FILTER (WHERE decision = 'declined') / count(*) FILTER (WHERE decision = 'approved') AS odds
FROM applications
WHERE applied_at >= $day - INTERVAL {DECLINE_WINDOW_DAYS} DAY AND applied_at < $day
GROUP BY channel HAVING count(*) FILTER (WHERE decision = 'approved') > 0
"""
# The applications the feed buffers, approved and declined alike (one schema, so the two concatenate): an approved
# one names its loan (loan_ref) and customer, whose income, employment, city tier, birth year and bureau score the
# writer reads from the customer; a declined one carries the applicant's own.
_APPLICATION_SCHEMA = {"loan_ref": pl.Int64, "customer_id": pl.Int64, "applied_at": pl.Datetime("us"),
                       "channel": pl.String, "product": pl.String, "amount_fen": pl.Int64, "term_months": pl.Int32,
                       "monthly_income": pl.Float64, "employment_type": pl.String, "city_tier": pl.Int32,
                       "birth_year": pl.Int32, "bureau_score": pl.Float64, "application_score": pl.Int32,
                       "cutoff": pl.Int32, "decision": pl.String, "override": pl.Boolean}
_PERSON = ("monthly_income", "employment_type", "city_tier", "birth_year", "bureau_score")  # of a declined one

_WORKING_SET_SQL = """
WITH active AS (
    SELECT loan_id, customer_id, origination_date FROM loans
    WHERE status = 'active' AND origination_date <= $as_of
),
sums AS (
    SELECT i.loan_id,
           coalesce(sum(CAST(i.amount_due * 100 AS BIGINT)) FILTER (WHERE i.due_date < $as_of), 0) AS due_before,
           coalesce(sum(CAST(i.amount_due * 100 AS BIGINT)) FILTER (WHERE i.due_date <= $as_of), 0) AS due_through,
           sum(CAST(i.amount_due * 100 AS BIGINT)) AS total,
           min(i.due_date) FILTER (WHERE i.due_date > $as_of) AS next_date
    FROM installments i JOIN active a USING (loan_id) GROUP BY i.loan_id
),
next_due AS (
    SELECT s.loan_id,
           coalesce(sum(CAST(i.amount_due * 100 AS BIGINT)) FILTER (WHERE i.due_date <= s.next_date),
                    s.total) AS next_due,
           coalesce(sum(CAST(i.amount_due * 100 AS BIGINT)) FILTER (WHERE i.due_date = s.next_date), 0) AS installment
    FROM sums s JOIN installments i USING (loan_id) GROUP BY s.loan_id, s.next_date, s.total
),
paid AS (
    SELECT p.loan_id, sum(CAST(p.amount * 100 AS BIGINT)) AS paid
    FROM payments p JOIN active a USING (loan_id) GROUP BY p.loan_id
)
SELECT a.loan_id, a.customer_id, a.origination_date, coalesce(t.monthly_miss_prob, 0.05) AS miss_prob,
       coalesce(p.paid, 0) AS paid, s.due_before, s.due_through, n.next_due, n.installment, s.total, st.dpd
FROM active a
JOIN sums s USING (loan_id)
JOIN next_due n USING (loan_id)
JOIN ({status}) st USING (loan_id)
LEFT JOIN paid p USING (loan_id)
LEFT JOIN synthetic_truth t USING (loan_id)
ORDER BY a.loan_id
"""


@dataclass
class LiveBook:
    """The active loans as the feed sees them on `day`; money in integer fen, one array element per loan."""

    day: dt.date
    loan_id: np.ndarray
    customer_id: np.ndarray
    miss_prob: np.ndarray
    paid: np.ndarray
    due_before: np.ndarray   # falling due before the day: unpaid, it is arrears
    due_through: np.ndarray  # falling due up to the end of the day
    next_due: np.ndarray     # falling due up to the next due date after the day
    installment: np.ndarray  # the installment of that next due date (0: none left)
    total: np.ndarray
    dpd: np.ndarray
    active: np.ndarray
    policy: CutoffPolicy | None = None  # the cut-offs in force on the day (None: no policy, nobody declined)
    decline_odds: dict[str, float] = field(default_factory=dict)  # declined per approved application, by channel

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, day: dt.date) -> LiveBook:
        """The loans active on `day` (status active, originated by then), with their DPD by monitor.status, and the
        front door's policy and recent decline odds (module docstring)."""
        grid = "SELECT loan_id, CAST($as_of AS DATE) AS as_of FROM loans WHERE status = 'active' " \
               "AND origination_date <= $as_of"
        frame = con.sql(_WORKING_SET_SQL.format(status=status.grid_status_sql(grid)),
                        params=status.status_params(con, day)).pl()
        col = {name: frame[name].to_numpy() for name in frame.columns}
        return cls(day=day, loan_id=col["loan_id"], customer_id=col["customer_id"],
                   miss_prob=col["miss_prob"].astype(np.float64), paid=col["paid"].astype(np.int64),
                   due_before=col["due_before"].astype(np.int64), due_through=col["due_through"].astype(np.int64),
                   next_due=col["next_due"].astype(np.int64), installment=col["installment"].astype(np.int64),
                   total=col["total"].astype(np.int64),
                   dpd=col["dpd"].astype(np.int64), active=np.ones(frame.height, dtype=bool),
                   policy=in_force(con, day),
                   decline_odds=dict(con.sql(_DECLINE_ODDS_SQL, params={"day": day}).fetchall()))

    def arrears(self) -> np.ndarray:
        return self.due_before - self.paid

    def add(self, loans: pl.DataFrame) -> None:
        """Committed new loans (loan_id, customer_id, miss_prob, total, first_due) join the working set."""
        n = loans.height
        zeros = np.zeros(n, dtype=np.int64)
        self.loan_id = np.concatenate([self.loan_id, loans["loan_id"].to_numpy()])
        self.customer_id = np.concatenate([self.customer_id, loans["customer_id"].to_numpy()])
        self.miss_prob = np.concatenate([self.miss_prob, loans["miss_prob"].to_numpy()])
        self.paid = np.concatenate([self.paid, zeros])
        self.due_before = np.concatenate([self.due_before, zeros])
        self.due_through = np.concatenate([self.due_through, zeros])
        self.next_due = np.concatenate([self.next_due, loans["first_due"].to_numpy()])
        self.installment = np.concatenate([self.installment, loans["first_due"].to_numpy()])
        self.total = np.concatenate([self.total, loans["total"].to_numpy()])
        self.dpd = np.concatenate([self.dpd, zeros])
        self.active = np.concatenate([self.active, np.ones(n, dtype=bool)])


@dataclass
class Buffer:
    """Events drawn but not yet committed, per table, and the loans that closed (payoff, charge-off)."""

    frames: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    next_loan_ref: int = 1
    next_customer_ref: int = 1

    def append(self, table: str, frame: pl.DataFrame, events: str | None = None) -> None:
        if frame.height:
            self.frames.setdefault(table, []).append(frame)
            key = events or table
            self.counts[key] = self.counts.get(key, 0) + frame.height

    def table(self, name: str) -> pl.DataFrame | None:
        parts = self.frames.get(name)
        return pl.concat(parts) if parts else None

    @property
    def events(self) -> int:
        return sum(self.counts.get(kind, 0) for kind in KINDS)

    def empty(self) -> bool:
        return not self.frames


class Feed:
    """Draws the events of one interval for a LiveBook into a Buffer."""

    def __init__(self, book: LiveBook, seed: int, charge_off_dpd: int):
        self.book = book
        self.rng = np.random.default_rng(seed)
        self.charge_off_dpd = charge_off_dpd

    def charge_offs(self, buffer: Buffer) -> None:
        """Loans whose DPD reached the policy's DPD by the book's day are charged off on the day they reached it."""
        b = self.book
        hit = np.flatnonzero(b.active & (b.dpd >= self.charge_off_dpd))
        day = np.datetime64(b.day, "D") - (b.dpd[hit] - self.charge_off_dpd).astype("timedelta64[D]")
        buffer.append("closures", pl.DataFrame({
            "loan_id": b.loan_id[hit], "status": ["charged_off"] * hit.size,
            "closed_date": day, "charge_off_date": day}, schema=_CLOSURE_SCHEMA), "charge_offs")
        b.active[hit] = False

    def draw(self, buffer: Buffer, n: int, start: dt.datetime, end: dt.datetime) -> None:
        """`n` events with times spread over [start, end): payments, new loans and collection actions."""
        if n <= 0:
            return
        n_pay, n_loans, n_act = self.rng.multinomial(n, KIND_SHARE)
        delinquent = np.flatnonzero(self.book.active & (self.book.arrears() > 0))
        if _quiet(start):  # only the agency that pushes the rules works at night
            delinquent = delinquent[_agency(self.book.loan_id[delinquent], self.book.dpd[delinquent])
                                    == PUSHING_AGENCY]
        n_act_done = min(n_act, delinquent.size)
        n_pay_done = self._payments(buffer, n_pay + n_act - n_act_done, start, end)
        self._actions(buffer, delinquent, n_act_done, start, end)
        self._new_loans(buffer, n - n_pay_done - n_act_done, start, end)

    def _times(self, n: int, start: dt.datetime, end: dt.datetime) -> np.ndarray:
        span = max((end - start) / dt.timedelta(microseconds=1), 1)
        offsets = np.sort(self.rng.integers(0, int(span), n)).astype("timedelta64[us]")
        return np.datetime64(start, "us") + offsets

    def _pick(self, pool: np.ndarray, k: int, weight: np.ndarray) -> np.ndarray:
        k = min(k, pool.size)
        if k == 0:
            return pool[:0]
        return self.rng.choice(pool, size=k, replace=False, p=weight / weight.sum())

    def _payments(self, buffer: Buffer, k: int, start: dt.datetime, end: dt.datetime) -> int:
        """Up to `k` payments, at most one per loan: installments due today (mostly in full), arrears (cures
        or part payments, the riskier loans less often), and installments or the whole loan paid ahead."""
        b, rng = self.book, self.rng
        owed = b.due_through - b.paid
        arrears = b.arrears()
        pools = {
            "delinquent": np.flatnonzero(b.active & (arrears > 0)),
            "due_today": np.flatnonzero(b.active & (arrears <= 0) & (owed > 0)),
            "ahead": np.flatnonzero(b.active & (owed <= 0) & (b.total > b.paid)),
        }
        wanted = dict(zip(PAYMENT_SHARE, rng.multinomial(k, list(PAYMENT_SHARE.values())), strict=True))
        chosen, amounts, channels = [], [], []
        spare = 0
        for name in ("delinquent", "due_today", "ahead"):  # what a pool cannot take goes to the next
            idx = self._pick(pools[name], wanted[name] + spare, 1.05 - b.miss_prob[pools[name]])
            spare = wanted[name] + spare - idx.size
            due = b.due_through[idx] - b.paid[idx]
            if name == "delinquent":
                full = rng.random(idx.size) < 0.55 * (1 - b.miss_prob[idx])
                amount = np.where(full, due, np.rint(arrears[idx] * rng.uniform(0.2, 0.9, idx.size)))
                channel = rng.choice(behaviour.CHANNEL_NAMES[:3], idx.size, p=(0.1, 0.4, 0.5))
            elif name == "due_today":
                amount = np.where(rng.random(idx.size) < 0.88, due, np.rint(due * rng.uniform(0.3, 0.9, idx.size)))
                channel = rng.choice(behaviour.CHANNEL_NAMES[:2], idx.size, p=(0.7, 0.3))
            else:
                # the next installment, or (already paid) the one after it; now and then the whole loan
                left = b.total[idx] - b.paid[idx]
                ahead = np.where(b.next_due[idx] > b.paid[idx], b.next_due[idx] - b.paid[idx],
                                 np.minimum(np.maximum(b.installment[idx], 1), left))
                amount = np.where(rng.random(idx.size) < PAYOFF_SHARE, left, ahead)
                channel = np.full(idx.size, "app")
            chosen.append(idx)
            amounts.append(np.maximum(amount.astype(np.int64), 1))
            channels.append(channel)
        idx, amount = np.concatenate(chosen), np.concatenate(amounts)
        order = rng.permutation(idx.size)
        idx, amount, channel = idx[order], amount[order], np.concatenate(channels)[order]
        b.paid[idx] += amount
        b.dpd[idx] = np.where(b.arrears()[idx] <= 0, 0, b.dpd[idx])
        buffer.append("payments", pl.DataFrame({
            "loan_id": b.loan_id[idx], "paid_at": self._times(idx.size, start, end), "amount_fen": amount,
            "channel": channel}))
        paid_off = idx[b.paid[idx] >= b.total[idx]]
        b.active[paid_off] = False
        buffer.append("closures", pl.DataFrame({
            "loan_id": b.loan_id[paid_off], "status": ["paid_off"] * paid_off.size,
            "closed_date": [b.day] * paid_off.size, "charge_off_date": [None] * paid_off.size},
            schema=_CLOSURE_SCHEMA), "payoffs")
        return int(idx.size)

    def _actions(self, buffer: Buffer, delinquent: np.ndarray, k: int, start: dt.datetime, end: dt.datetime) -> None:
        """Collection actions on delinquent loans, the strategy's step for their DPD; calls and visits reach
        someone about half the time, and a share of those who answer promise to pay their arrears. From DPD 61
        an outside agency makes the calls and visits of most loans (_agency). The collectors who push the rules
        (synth.collections: one agency, three in-house agents) call unrelated third parties and call at night."""
        b, rng = self.book, self.rng
        idx = self._pick(delinquent, k, np.ones(delinquent.size))
        if idx.size == 0:  # no loan in arrears (a fast feed can cure them all): no action to take
            return
        dpd = np.maximum(b.dpd[idx], 1)
        step = np.searchsorted(STRATEGY_DPD, dpd, side="right") - 1
        kind = np.where(rng.random(idx.size) < 0.5, STRATEGY_TYPE[step], "call")
        if _quiet(start):
            kind = np.full(idx.size, "call")
        human = np.isin(kind, HUMAN_ACTIONS)
        agency = np.where(human, _agency(b.loan_id[idx], dpd), "")
        agent_no = rng.integers(0, 240, idx.size)
        agency_agent = np.char.add(agency, np.char.add("-", np.char.zfill((agent_no % 25).astype(str), 3)))
        agent = np.where(agency != "", agency_agent, np.char.add("A", np.char.zfill(agent_no.astype(str), 4)))
        pushes = human & ((agency == PUSHING_AGENCY) | ((agency == "") & np.isin(agent_no, PUSHING_AGENTS)))
        roll, party_roll = rng.integers(0, 100, idx.size), rng.integers(0, 100, idx.size)
        party = np.select([~human | (dpd <= 40), party_roll < 5, pushes & (party_roll >= 88)],
                          ["debtor", "related_third_party", "unrelated_third_party"], "debtor")
        outcome = np.select(
            [~human & (kind == "ivr") & (roll < 45), ~human,
             (party == "unrelated_third_party") & (roll < 25), (party == "unrelated_third_party") & (roll < 70),
             party == "unrelated_third_party", roll < 40, roll < 58, roll < 78, roll < 92],
            ["no_answer", "contacted", "do_not_contact", "contacted", "no_answer", "no_answer", "contacted",
             "promise_to_pay", "refused"], "wrong_number")
        promise = outcome == "promise_to_pay"
        reached = human & (outcome != "no_answer")
        ptp_day = np.datetime64(b.day, "D") + rng.integers(2, 8, idx.size).astype("timedelta64[D]")
        buffer.append("collection_actions", pl.DataFrame({
            "loan_id": b.loan_id[idx],
            "action_at": self._times(idx.size, start, end),
            "action_type": kind,
            "agent_id": np.where(human | np.isin(kind, ("legal_notice", "lawsuit")), agent, "system"),
            "contact_party": party,
            "outcome": outcome,
            "promise": promise,
            "ptp_amount_fen": np.maximum(b.arrears()[idx], 1),
            "ptp_date": ptp_day,
            "contact_slot": party_roll % 2,
            "debtor_consent": np.zeros(idx.size, dtype=bool),
            "answered": outcome != "no_answer",
            "duration_seconds": np.where(kind == "call", np.where(reached, rng.integers(40, 600, idx.size), 0),
                                         np.where(reached, rng.integers(600, 3600, idx.size), -1)).astype(np.int32),
            "agency_id": agency,
            "recording_id": np.char.add("R", rng.integers(10**11, 10**12, idx.size).astype(str)),
            "reached": reached,
        }).with_columns(pl.when("promise").then(pl.col("ptp_amount_fen", "ptp_date")),
                        pl.when(pl.col("duration_seconds") >= 0).then("duration_seconds").alias("duration_seconds"),
                        pl.col("agency_id").replace("", None),
                        pl.when(pl.col("action_type").is_in(["ivr", "call", "field_visit"])).then("answered")
                        .alias("answered"),
                        pl.when("reached").then("recording_id").alias("recording_id")).drop("promise", "reached"))

    def _new_loans(self, buffer: Buffer, k: int, start: dt.datetime, end: dt.datetime) -> None:
        """`k` new loans drawn as the generator draws them (monitor.synth.population), originated today, with
        their schedules; some go to existing customers."""
        if k <= 0:
            return
        rng, day = self.rng, self.book.day
        drawn = _draw(rng, k, day)
        times = self._times(k, start, end)
        loans = drawn.loans.with_columns(origination_date=pl.lit(day),
                                         loan_ref=np.arange(buffer.next_loan_ref, buffer.next_loan_ref + k))
        buffer.next_loan_ref += k
        # Customers: the drawn ones are new (provisional refs -1, -2, ...), unless an existing one returns.
        known = self.book.customer_id
        returning = (rng.random(k) < RETURNING_CUSTOMER) & (known.size > 0)
        drawn_customer = loans["customer_id"].to_numpy()
        new_ids = np.unique(drawn_customer[~returning])
        refs = -(buffer.next_customer_ref + np.arange(new_ids.size, dtype=np.int64))
        buffer.next_customer_ref += new_ids.size
        position = np.clip(np.searchsorted(new_ids, drawn_customer), 0, max(new_ids.size - 1, 0))
        existing = known[rng.integers(0, known.size, k)] if known.size else np.zeros(k, dtype=np.int64)
        customer = np.where(returning, existing, refs[position] if new_ids.size else 0)
        created = np.full(new_ids.size, np.datetime64("9999-01-01", "us"))
        np.minimum.at(created, position[~returning], times[~returning])  # a customer appears with a first loan
        customers = drawn.customers.join(pl.DataFrame({"customer_id": new_ids, "ref": refs, "first": created}),
                                         on="customer_id").with_columns(
            customer_id=pl.col("ref"), created_at=pl.col("first")).drop("ref", "first")
        loans = loans.with_columns(customer_id=customer)
        installments = _schedules(loans)
        totals = installments.group_by("loan_ref").agg(
            total=pl.col("amount_fen").sum(),
            first_due=pl.col("amount_fen").filter(pl.col("installment_no") == 1).first())
        truth = drawn.truth.with_columns(loan_ref=loans["loan_ref"], customer_id=customer)
        buffer.append("customers", customers)
        buffer.append("loans", loans.join(totals, on="loan_ref"), "loans")
        buffer.append("installments", installments)
        buffer.append("synthetic_truth", truth)
        self._applications(buffer, loans, times, start, end)

    def _cutoffs(self, channels: np.ndarray, products: np.ndarray) -> np.ndarray:
        policy = self.book.policy
        if policy is None:
            return np.full(channels.size, NO_POLICY_CUTOFF, dtype=np.int32)
        return policy.cutoffs_for(channels, products)

    def _applications(self, buffer: Buffer, loans: pl.DataFrame, times: np.ndarray, start: dt.datetime,
                      end: dt.datetime) -> None:
        """The approved application of each new loan, and the declined ones beside them (module docstring)."""
        rng = self.rng
        channels, products = loans["channel"].to_numpy(), loans["product"].to_numpy()
        scores = loans["application_score"].to_numpy()
        cutoff = self._cutoffs(channels, products)
        minutes = rng.uniform(*APPLIED_MINUTES_BEFORE, loans.height) * 60e6
        buffer.append("applications", pl.DataFrame({
            "loan_ref": loans["loan_ref"], "customer_id": loans["customer_id"],
            "applied_at": times - minutes.astype("timedelta64[us]"), "channel": channels, "product": products,
            "amount_fen": loans["principal_fen"], "term_months": loans["term_months"],
            "application_score": scores, "cutoff": cutoff, "decision": "approved", "override": scores < cutoff,
        }).with_columns(pl.lit(None).alias(c) for c in _PERSON).select(list(_APPLICATION_SCHEMA))
            .cast(_APPLICATION_SCHEMA), "applications_approved")
        made = loans.group_by("channel").len()
        odds = np.array([self.book.decline_odds.get(c, 0.0) for c in made["channel"]])
        wanted = dict(zip(made["channel"], rng.poisson(made["len"].to_numpy() * odds), strict=True))
        declined = self._declined(wanted)
        buffer.append("applications", declined.with_columns(
            applied_at=pl.Series(self._times(declined.height, start, end))), "applications_declined")

    def _declined(self, wanted: dict[str, int]) -> pl.DataFrame:
        """Declined applicants, `wanted` of each channel: people of the riskier crowd who score below their cut-off
        (at most DECLINE_DRAWS draws of the crowd)."""
        need = {c: int(n) for c, n in wanted.items() if n > 0}
        parts = []
        for _ in range(DECLINE_DRAWS):
            if not need:
                break
            crowd = population.draw_book(self.rng, CROWD_PER_DECLINE * sum(need.values()), self.book.day,
                                         risk_shift=DECLINED_RISK_SHIFT)
            people = crowd.loans.join(crowd.customers, on="customer_id")
            cutoff = self._cutoffs(people["channel"].to_numpy(), people["product"].to_numpy())
            below = people.with_columns(cutoff=pl.Series(cutoff, dtype=pl.Int32)).filter(
                pl.col("application_score") < pl.col("cutoff"))
            taken = below.filter(pl.int_range(pl.len()).over("channel")
                                 < pl.col("channel").replace_strict(need, default=0, return_dtype=pl.Int64))
            parts.append(taken)
            found = dict(taken.group_by("channel").len().iter_rows())
            need = {c: n - found.get(c, 0) for c, n in need.items() if n > found.get(c, 0)}
        people = pl.concat(parts) if parts else None
        if people is None or people.is_empty():
            return pl.DataFrame(schema=_APPLICATION_SCHEMA)
        return people.select(
            pl.lit(None, pl.Int64).alias("loan_ref"), pl.lit(None, pl.Int64).alias("customer_id"),
            pl.lit(None, pl.Datetime("us")).alias("applied_at"), "channel", "product",
            pl.col("principal_fen").alias("amount_fen"), "term_months",
            "monthly_income", "employment_type", "city_tier",
            "birth_year", "bureau_score", "application_score", "cutoff", pl.lit("declined").alias("decision"),
            pl.lit(False).alias("override")).cast(_APPLICATION_SCHEMA)


def _quiet(at: dt.datetime) -> bool:
    """Whether `at` lies in the guideline's quiet hours (22:00-08:00)."""
    return at.hour >= QUIET_HOURS[0] or at.hour < QUIET_HOURS[1]


def _agency(loan_id: np.ndarray, dpd: np.ndarray) -> np.ndarray:
    """The outside agency that collects each loan at that DPD ("": the lender's own collectors)."""
    outsourced = (dpd >= OUTSOURCED_DPD) & (loan_id % 100 < OUTSOURCED_SHARE)
    return np.where(outsourced, np.char.add("AG0", (1 + (loan_id // 100) % 3).astype(str)), "")


def _draw(rng: np.random.Generator, k: int, day: dt.date) -> population.Book:
    """`k` loans, their customers and hidden truth, drawn by the generator's own population model."""
    return population.draw_book(rng, k, day)


_CLOSURE_SCHEMA = {"loan_id": pl.Int64, "status": pl.String, "closed_date": pl.Date, "charge_off_date": pl.Date}


def _schedules(loans: pl.DataFrame) -> pl.DataFrame:
    """Each new loan's installments in fen: monthly from the origination day (days past the 28th fall on the
    28th, as the generator's), 等额本息 or 等额本金 (monitor.schedule), shopping loans with their monthly fee."""
    parts = []
    for term in sorted(loans["term_months"].unique().to_list()):
        group = loans.filter(pl.col("term_months") == term)
        orig = group["origination_date"].to_numpy().astype("datetime64[D]")
        principal = group["principal_fen"].to_numpy()
        principal_due, interest_due = amortize_fen(principal, group["annual_rate"].to_numpy(), term,
                                                   (group["repayment_method"] == "equal_principal").to_numpy())
        fee = np.where((group["product"] == "installment").to_numpy(),
                       np.rint(principal * behaviour.INSTALLMENT_FEE_RATE), 0).astype(np.int64)
        due = calendar.due_dates(orig, term)
        n = group.height
        parts.append(pl.DataFrame({
            "loan_ref": np.repeat(group["loan_ref"].to_numpy(), term),
            "installment_no": np.tile(np.arange(1, term + 1, dtype=np.int32), n),
            "due_date": due.ravel(),
            "principal_fen": principal_due.ravel(),
            "interest_fen": interest_due.ravel(),
            "fee_fen": np.repeat(fee, term),
        }))
    return pl.concat(parts).with_columns(amount_fen=pl.col("principal_fen") + pl.col("interest_fen")
                                         + pl.col("fee_fen"))

