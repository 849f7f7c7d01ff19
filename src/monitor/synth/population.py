"""Customers and new loans of the synthetic lender, with the hidden risk that drives their behaviour.

Everything is drawn from one numpy Generator, column by column over all rows at once, so the same
seed gives the same book. Text columns are built as polars strings from the drawn indices (numpy's fixed-width
strings took half the time of a draw). The hidden risk is a customer-level latent factor that the lender sees only
through noisy signals (bureau score, application score, income, channel); it is stored apart in
`synthetic_truth` so that models can later be judged against it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from monitor.synth import calendar

# (province, population weight, share of tier-1 and tier-2 cities, 6-digit region code of the capital)
PROVINCES = (
    ("广东", 126, 0.45, 440100), ("山东", 102, 0.20, 370100), ("河南", 99, 0.12, 410100),
    ("江苏", 85, 0.40, 320100), ("四川", 84, 0.25, 510100), ("河北", 75, 0.10, 130100),
    ("湖南", 66, 0.15, 430100), ("浙江", 65, 0.45, 330100), ("安徽", 61, 0.15, 340100),
    ("湖北", 58, 0.25, 420100), ("广西", 50, 0.10, 450100), ("云南", 47, 0.10, 530100),
    ("江西", 45, 0.10, 360100), ("辽宁", 42, 0.25, 210100), ("福建", 42, 0.25, 350100),
    ("陕西", 40, 0.25, 610100), ("贵州", 38, 0.08, 520100), ("山西", 35, 0.10, 140100),
    ("重庆", 32, 0.40, 500100), ("黑龙江", 31, 0.12, 230100), ("新疆", 26, 0.10, 650100),
    ("上海", 25, 1.00, 310100), ("甘肃", 25, 0.08, 620100), ("内蒙古", 24, 0.10, 150100),
    ("吉林", 24, 0.15, 220100), ("北京", 22, 1.00, 110100), ("天津", 14, 0.80, 120100),
    ("海南", 10, 0.15, 460100), ("宁夏", 7, 0.10, 640100), ("青海", 6, 0.08, 630100),
    ("西藏", 4, 0.05, 540100),
)
TIER_ONE_PROVINCES = {"北京", "上海", "广东"}

EMPLOYMENT = ("salaried", "self_employed", "gig_worker", "civil_servant", "freelancer")
EMPLOYMENT_SHARE = (0.52, 0.17, 0.14, 0.06, 0.11)
EMPLOYMENT_RISK = (0.0, 0.15, 0.45, -0.6, 0.25)
EMPLOYMENT_INCOME = (1.0, 1.15, 0.75, 1.05, 0.9)

# Channels: a broker network with visibly worse credit quality, as real books have.
CHANNELS = ("app", "ecommerce", "social_ads", "partner_api", "broker")
CHANNEL_RISK = (-0.35, -0.1, 0.2, 0.1, 0.95)
CASH_CHANNEL_SHARE = (0.42, 0.0, 0.25, 0.18, 0.15)
SHOPPING_CHANNEL_SHARE = (0.25, 0.6, 0.08, 0.05, 0.02)

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
                "于蒋蔡余杜叶程苏魏吕丁任沈姚卢")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红鹏辉建国志文斌宇浩凯博晨欣怡婷雪琳晓")
PHONE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "185", "186",
                  "187", "188", "189", "198", "199")
ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
ID_CHECK = tuple("10X98765432")
# The check digit's weighted sum of the 17-digit body, looked up per group of its digits (positions start to end):
# a third of the time of weighing each digit.
ID_GROUPS = ((0, 2), (2, 5), (5, 8), (8, 11), (11, 14), (14, 17))
ID_GROUP_SUMS = tuple(
    np.array([sum(int(d) * int(w) for d, w in zip(f"{v:0{end - start}d}", ID_WEIGHTS[start:end], strict=True))
              for v in range(10 ** (end - start))])
    for start, end in ID_GROUPS)
BEHAVIOURS = ("never_pay", "reliable", "occasional", "fragile", "high_risk")


@dataclass(frozen=True)
class Book:
    """The drawn population: customers, new loans and the hidden truth per loan."""

    customers: pl.DataFrame
    loans: pl.DataFrame
    truth: pl.DataFrame


def _labels(values, idx: np.ndarray) -> pl.Series:
    """values[idx], a string column."""
    return pl.Series(values, dtype=pl.String).gather(idx)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def origination_days(rng: np.random.Generator, n: int, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Origination dates over the 24 months before as_of (growing book, Double 11 and 618 spikes,
    a Spring Festival dip) and whether each is a promotion day (more shopping loans then)."""
    first = np.datetime64(as_of, "M") - 24
    days = np.arange(first.astype("datetime64[D]"), calendar.to_days(as_of) + 1)
    age = (days[-1] - days).astype(np.float64)
    month_day = calendar.day_of_month(days)
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    double11 = (month == 11) & (month_day <= 11)
    mid_year = (month == 6) & (month_day <= 18)
    sf = calendar.days_from_spring_festival(days)
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday
    weight = np.exp(-age / 700.0)  # the book grows about 4% a month
    weight *= np.where(double11, 2.6, 1.0) * np.where(mid_year, 1.5, 1.0)
    weight *= np.where((sf >= -3) & (sf <= 6), 0.45, 1.0) * np.where(weekday >= 5, 0.85, 1.0)
    idx = np.sort(rng.choice(len(days), size=n, p=weight / weight.sum()))
    return days[idx], (double11 | mid_year)[idx]


def draw_book(rng: np.random.Generator, n_loans: int, as_of: dt.date, risk_shift: float = 0.0) -> Book:
    """`risk_shift` moves every customer's hidden risk by that many standard deviations (0: the lender's customers;
    the applicants it declines come from a riskier crowd, monitor.synth.applications)."""
    orig, promo = origination_days(rng, n_loans, as_of)

    # Customers: most have one loan, some come back for more.
    loans_per_customer = 1 + rng.poisson(0.3, size=int(n_loans / 1.25) + 1)
    if loans_per_customer.sum() < n_loans:  # a few loans can come up short: one customer each for the rest
        loans_per_customer = np.append(loans_per_customer, np.ones(n_loans - loans_per_customer.sum(), dtype=int))
    owner = np.repeat(np.arange(loans_per_customer.size), loans_per_customer)[:n_loans]
    n_cust = int(owner.max()) + 1
    owner = rng.permutation(owner)
    customers, latent = _draw_customers(rng, n_cust, owner, orig, as_of, risk_shift)

    c = customers
    loan_customer = owner
    tier = c["city_tier"].to_numpy()[loan_customer]
    income = c["monthly_income"].to_numpy()[loan_customer]
    emp_idx = c["employment_idx"].to_numpy()[loan_customer]
    age = as_of.year - c["birth_year"].to_numpy()[loan_customer]
    bureau = c["bureau_score"].to_numpy()[loan_customer]
    z = latent[loan_customer] + rng.normal(0, 0.35, n_loans)  # the customer's state at this loan

    is_shopping = rng.random(n_loans) < np.where(promo, 0.62, 0.36)
    channel_idx = np.where(
        is_shopping,
        rng.choice(len(CHANNELS), n_loans, p=SHOPPING_CHANNEL_SHARE),
        rng.choice(len(CHANNELS), n_loans, p=CASH_CHANNEL_SHARE),
    )
    term = np.where(
        is_shopping,
        rng.choice([3, 6, 9, 12, 24], n_loans, p=[0.28, 0.3, 0.16, 0.22, 0.04]),
        rng.choice([3, 6, 9, 12, 24], n_loans, p=[0.12, 0.26, 0.07, 0.35, 0.2]),
    )
    size = np.exp(rng.normal(0, 0.6, n_loans)) * np.where(is_shopping, 3200, 9000) * (income / 8000) ** 0.5
    principal_yuan = np.where(is_shopping, np.round(size), np.round(size / 100) * 100)
    principal_yuan = np.clip(principal_yuan, np.where(is_shopping, 500, 1000), np.where(is_shopping, 20000, 50000))

    channel_risk = np.asarray(CHANNEL_RISK)[channel_idx]
    burden = principal_yuan / term / income
    bureau_filled = np.where(np.isnan(bureau), 560.0, bureau)
    logit = (
        -4.35
        + 0.85 * z
        + channel_risk
        + np.asarray(EMPLOYMENT_RISK)[emp_idx]
        + 0.08 * (tier - 3)
        + 2.2 * np.clip(burden - 0.12, 0, 1)
        + np.where(age < 25, 0.3, 0.0)
        + np.where(np.isnan(bureau), 0.35, 0.0)
        - 0.15 * is_shopping
    )
    miss = _sigmoid(logit)
    # A few first-payment defaulters (fraud or abandonment), most of them through brokers.
    never_pay = rng.random(n_loans) < np.where(channel_idx == CHANNELS.index("broker"), 0.022, 0.003)

    # The lender's own application score sees the bureau and some of the risk, with noise.
    app_score = 640 - 38 * (logit + 3.5) + 0.25 * (bureau_filled - 620) + rng.normal(0, 28, n_loans)
    app_score = np.clip(np.rint(app_score), 300, 900).astype(np.int32)
    grade = np.clip((720 - app_score) / 200, 0, 1)
    rate = np.where(is_shopping, 0.06 + 0.10 * grade, 0.1 + 0.14 * grade) + rng.uniform(-0.01, 0.01, n_loans)
    rate = np.round(np.clip(rate, 0.05, 0.24), 4)
    equal_principal = rng.random(n_loans) < np.where(is_shopping, 0.3, 0.2)

    behaviour = np.select([never_pay, miss < 0.012, miss < 0.03, miss < 0.08], [0, 1, 2, 3], 4)
    loan_id = np.arange(1, n_loans + 1, dtype=np.int64)
    loans = pl.DataFrame(
        {
            "loan_id": loan_id,
            "customer_id": loan_customer.astype(np.int64) + 1,
            "product": _labels(("cash_loan", "installment"), is_shopping.astype(np.int64)),
            "channel": _labels(CHANNELS, channel_idx),
            "origination_date": orig,
            "principal_fen": (principal_yuan * 100).astype(np.int64),
            "annual_rate": rate,
            "term_months": term.astype(np.int32),
            "repayment_method": _labels(("equal_installment", "equal_principal"), equal_principal.astype(np.int64)),
            "application_score": app_score,
            "monthly_income_fen": (income * 100).astype(np.int64),
            "miss_prob": np.where(never_pay, 1.0, miss),
            "prepay_prob": np.where(is_shopping, 0.015, 0.035) * np.where(miss < 0.02, 1.5, 0.7),
            "lateness": np.clip(rng.beta(1.5, 25, n_loans) + 0.5 * miss, 0, 0.6),
            "restructurable": np.ones(n_loans, dtype=bool),
        }
    ).with_columns(parent_loan_id=pl.lit(None, dtype=pl.Int64))
    truth = pl.DataFrame(
        {
            "loan_id": loan_id,
            "customer_id": loan_customer.astype(np.int64) + 1,
            "latent_risk": z,
            "monthly_miss_prob": np.where(never_pay, 1.0, miss),
            "behaviour": _labels(BEHAVIOURS, behaviour),
        }
    )
    return Book(customers=customers.drop("employment_idx"), loans=loans, truth=truth)


def _draw_customers(
    rng: np.random.Generator, n: int, owner: np.ndarray, orig: np.ndarray, as_of: dt.date, risk_shift: float = 0.0
) -> tuple[pl.DataFrame, np.ndarray]:
    weights = np.array([p[1] for p in PROVINCES], dtype=float)
    prov_idx = rng.choice(len(PROVINCES), n, p=weights / weights.sum())
    upper_share = np.array([p[2] for p in PROVINCES])[prov_idx]
    tier_one = np.array([p[0] in TIER_ONE_PROVINCES for p in PROVINCES])[prov_idx]
    u = rng.random(n)
    tier = np.where(
        u < upper_share,
        np.where(tier_one & (rng.random(n) < 0.7), 1, 2),
        np.where(u < upper_share + (1 - upper_share) * 0.4, 3, np.where(rng.random(n) < 0.55, 4, 5)),
    )
    latent = rng.normal(0, 1, n) + risk_shift
    age = np.clip(np.rint(rng.gamma(5.5, 2.2, n) + 20), 20, 59).astype(np.int32)
    emp_idx = rng.choice(len(EMPLOYMENT), n, p=EMPLOYMENT_SHARE)
    tier_income = np.array([0, 13000, 9500, 7200, 5800, 4800])[tier]
    income = tier_income * np.asarray(EMPLOYMENT_INCOME)[emp_idx] * np.exp(rng.normal(0, 0.45, n) - 0.12 * latent)
    income = np.clip(np.round(income / 100) * 100, 2000, 200000)
    thin_file = rng.random(n) < np.where(age < 25, 0.22, 0.06)
    bureau = np.clip(np.rint(650 - 55 * latent + rng.normal(0, 45, n)), 300, 900)
    bureau = np.where(thin_file, np.nan, bureau)

    first_loan = np.full(n, np.datetime64("2100-01-01"), dtype="datetime64[D]")
    np.minimum.at(first_loan, owner, orig)
    created = first_loan - rng.integers(0, 90, n).astype("timedelta64[D]")
    created_at = (created.astype("datetime64[s]") + rng.integers(8 * 3600, 23 * 3600, n).astype("timedelta64[s]")
                  ).astype("datetime64[us]")

    birth_year = as_of.year - age
    customers = pl.DataFrame(
        {
            "customer_id": np.arange(1, n + 1, dtype=np.int64),
            "name": _names(rng, n),
            "phone": _phones(rng, n),
            "id_number": _id_numbers(rng, n, prov_idx, birth_year),
            "birth_year": birth_year,
            "monthly_income": income,
            "employment_type": _labels(EMPLOYMENT, emp_idx),
            "employment_idx": emp_idx,
            "province": _labels([p[0] for p in PROVINCES], prov_idx),
            "city_tier": tier.astype(np.int32),
            "bureau_score": bureau,
            "created_at": created_at,
        }
    )
    return customers, latent


def _names(rng: np.random.Generator, n: int) -> pl.Series:
    surname = _labels(SURNAMES, rng.integers(0, len(SURNAMES), n))
    first = _labels(GIVEN, rng.integers(0, len(GIVEN), n))
    has_second = rng.random(n) < 0.6
    second = _labels(("", *GIVEN), np.where(has_second, rng.integers(0, len(GIVEN), n) + 1, 0))
    return surname + first + second


def _phones(rng: np.random.Generator, n: int) -> pl.Series:
    prefix = _labels(PHONE_PREFIXES, rng.integers(0, len(PHONE_PREFIXES), n))
    return prefix + pl.Series(rng.integers(0, 10**8, n)).cast(pl.String).str.zfill(8)


def _id_numbers(rng: np.random.Generator, n: int, prov_idx: np.ndarray, birth_year: np.ndarray) -> pl.Series:
    """18-digit resident ID numbers with a valid ISO 7064 MOD 11-2 check digit."""
    region = np.array([p[3] for p in PROVINCES])[prov_idx] + rng.integers(1, 20, n)
    birthday = birth_year * 10000 + rng.integers(1, 13, n) * 100 + rng.integers(1, 29, n)
    seq = rng.integers(0, 1000, n)
    body = region.astype(np.int64) * 10**11 + birthday.astype(np.int64) * 1000 + seq
    weighted = sum(sums[body // 10 ** (17 - end) % 10 ** (end - start)]
                   for (start, end), sums in zip(ID_GROUPS, ID_GROUP_SUMS, strict=True))
    return pl.Series(body).cast(pl.String) + _labels(ID_CHECK, weighted % 11)
