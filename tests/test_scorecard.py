"""The scorecard and the challenger on synthetic data with a known default probability.

The data: a logistic default probability (about 14% bads) driven by x1 (a bureau-like score, higher = safer),
x2 (a utilisation-like ratio, higher = riskier), x3 (months-like, higher = safer, 10% missing, and missing is
riskier than the middle of the range), cat (A < B < C < R in risk, R rare at 0.5%, below the 5% bin minimum) and
noise (no effect).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

from monitor.scoring import Scorecard
from monitor.scoring.calibration import LogOddsShift
from monitor.scoring.challenger import Challenger
from monitor.scoring.points import pd_to_points, points_to_pd, scaling
from monitor.scoring.scorecard import coarser_than
from monitor.scoring.selection import SELECTION_ROWS, internal_folds
from monitor.scoring.validation import auc

N = 20_000
CAT_EFFECT = {"A": 0.0, "B": 0.5, "C": 1.0, "R": 1.5}


def make(n: int, seed: int) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x1 = rng.normal(650, 60, n)
    x2 = rng.exponential(1.0, n)
    x3 = rng.uniform(0, 10, n)
    miss3 = rng.random(n) < 0.10
    cat = rng.choice(list(CAT_EFFECT), n, p=[0.55, 0.28, 0.165, 0.005])
    noise = rng.normal(size=n)
    logit = (
        -2.6 - 0.015 * (x1 - 650) + 0.6 * (x2 - 1) - 0.15 * (np.where(miss3, 2.0, x3) - 5)
        + np.array([CAT_EFFECT[c] for c in cat])
    )
    p = 1 / (1 + np.exp(-logit))
    y = (rng.random(n) < p).astype(int)
    X = pl.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "x3": pl.Series(np.where(miss3, np.nan, x3)).fill_nan(None),
            "cat": cat,
            "noise": noise,
        }
    )
    return X, y, p


@pytest.fixture(scope="module")
def data():
    X, y, p = make(N, 1)
    Xt, yt, pt = make(N, 2)
    return X, y, Xt, yt, pt


@pytest.fixture(scope="module")
def model(data):
    X, y, *_ = data
    return Scorecard(random_state=0).fit(X, y)


def best_row() -> dict:
    """A row in the lowest-risk bin of every feature."""
    return {"x1": 900.0, "x2": 0.0, "x3": 10.0, "cat": "A", "noise": 0.0}


def frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"x1": pl.Float64, "x2": pl.Float64, "x3": pl.Float64, "cat": pl.String,
                                      "noise": pl.Float64})


# ------------------------------------------------------------------------------------------- discrimination


def test_auc_close_to_the_truth(data, model):
    # The true probability's AUC is what any model can hope for on this test set (0.79 here); six bins a
    # feature lose a little of it (about 0.01 across seeds). The best single feature reaches about 0.70, so 0.75
    # proves the model combines the features.
    _, _, Xt, yt, pt = data
    got = auc(yt, model.predict_proba(Xt)[:, 1])
    truth = auc(yt, pt)
    best_single = max(auc(yt, -model.woe(Xt)[f].to_numpy()) for f in model.selected_features_)
    assert best_single < 0.72
    assert got > 0.75
    assert got > truth - 0.02
    assert got > best_single + 0.05


def test_predict_proba_is_the_logistic_regression(data, model):
    _, _, Xt, *_ = data
    w = model.woe(Xt.head(500))
    expected = model.estimator_.predict_proba(np.column_stack([w[f].to_numpy() for f in model.selected_features_]))
    np.testing.assert_allclose(model.predict_proba(Xt.head(500)), expected, rtol=0, atol=1e-12)
    assert set(model.predict(Xt.head(500))) <= {0, 1}


def test_noise_left_out_by_iv_and_back_in_without_threshold(data, model):
    X, y, *_ = data
    assert model.selected_features_ == ["x1", "x2", "x3", "cat"]
    assert model.iv_["noise"] < model.min_iv <= min(model.iv_[f] for f in model.selected_features_)
    loose = Scorecard(min_iv=0.0, drop_wrong_sign=False).fit(X, y)
    assert "noise" in loose.selected_features_


def test_weak_feature_that_predicts_held_out_rows_enters():
    # m adds 0.25 to the log-odds whatever x is: its IV (about 0.017) is below min_iv, yet on the internal folds
    # the regression with it predicts the held-out rows better by far more than MIN_GAIN_NATS, so it enters.
    # (noise, above, has IV below min_iv too and stays out: it does not predict held-out rows.)
    rng = np.random.default_rng(5)
    x = rng.normal(size=N)
    m = rng.random(N) < 0.5
    y = (rng.random(N) < 1 / (1 + np.exp(-(-1.5 + x + 0.25 * m)))).astype(int)
    sc = Scorecard().fit(pl.DataFrame({"x": x, "m": np.where(m, "yes", "no")}), y)
    assert 0 < sc.iv_["m"] < sc.min_iv
    assert sc.selected_features_ == ["x", "m"]
    assert sc.coef_["m"] < 0


# ------------------------------------------------------------------------------------------- binning


def regular_woe(model, feature) -> np.ndarray:
    t = model.binning_table(feature)
    return t.filter(~pl.col("bin").is_in(["missing", "other"]))["woe"].to_numpy()


def test_monotone_woe(data, model):
    # WOE = ln(good share / bad share): it falls where risk rises.
    assert model.binnings_["x1"].trend == "descending"
    assert np.all(np.diff(regular_woe(model, "x1")) > 0)
    assert model.binnings_["x2"].trend == "ascending"
    assert np.all(np.diff(regular_woe(model, "x2")) < 0)
    assert model.binnings_["x3"].trend == "descending"
    assert np.all(np.diff(regular_woe(model, "x3")) > 0)
    # The least bin: 100 bads at the training bad rate (about 14%), some 700 of the 20,000 rows, fewer than 5%.
    _, y, *_ = data
    least = math.ceil(100 / y.mean())
    assert least < model.min_bin_size * N
    for f in ("x1", "x2", "x3"):
        t = model.binning_table(f)
        assert 2 <= t.height - 1 <= model.max_bins
        assert t.filter(pl.col("bin") != "missing")["count"].min() >= least


def test_a_risky_tail_under_5_percent_gets_its_own_bin_when_it_holds_100_bads():
    # 60,000 rows by late payments k: 0 for 55,800 (bad rate 5%), 1 for 2,400 (30%), 2 or more for 1,800 (60%).
    # Bad rate about 7.7%: 100 bads are about 1,300 rows, so both tails hold enough bads for a bin of their own;
    # a bin of 5% (3,000 rows) would lump them into one.
    rng = np.random.default_rng(8)
    k = np.repeat([0.0, 1.0, 2.0, 3.0], [55_800, 2_400, 1_200, 600])
    y = (rng.random(k.size) < np.select([k == 0, k == 1], [0.05, 0.30], 0.60)).astype(int)
    assert 100 / y.mean() < 1_800
    X = pl.DataFrame({"k": k})
    sc = Scorecard().fit(X, y)
    assert sc.binning_table("k")["bin"].to_list() == ["(-inf, 0.5]", "(0.5, 1.5]", "(1.5, inf)", "missing"]
    rates = sc.binning_table("k")["event_rate"].to_list()[:3]
    assert rates == pytest.approx([0.05, 0.30, 0.60], abs=0.03)
    by_share = Scorecard(min_bin_bads=None).fit(X, y)
    assert by_share.binning_table("k")["bin"].to_list() == ["(-inf, 0.5]", "(0.5, inf)", "missing"]


def test_binning_table_numbers(data, model):
    X, y, *_ = data
    t = model.binning_table("x3")
    assert t["count"].sum() == N
    assert t["bads"].sum() == y.sum()
    miss = t.filter(pl.col("bin") == "missing").row(0, named=True)
    assert miss["count"] == X["x3"].null_count()
    assert miss["bads"] == y[X["x3"].is_null().to_numpy()].sum()
    # The WOE by its definition, shares smoothed by 0.5 over the bins (all populated here).
    assert t["count"].min() > 0
    g, b, k = t["goods"].to_numpy(), t["bads"].to_numpy(), t.height
    woe = np.log(((g + 0.5) / (g.sum() + 0.5 * k)) / ((b + 0.5) / (b.sum() + 0.5 * k)))
    np.testing.assert_allclose(t["woe"].to_numpy(), woe, rtol=0, atol=1e-12)
    assert t["iv"].sum() == pytest.approx(model.iv_["x3"], abs=1e-12)
    assert model.summary().filter(pl.col("feature") == "x3")["iv"][0] == pytest.approx(model.iv_["x3"])


def test_missing_bin_present_and_riskier_than_the_best_months(model):
    t = model.binning_table("x3")
    miss = t.filter(pl.col("bin") == "missing").row(0, named=True)
    assert miss["count"] > 0
    assert miss["event_rate"] > t["event_rate"][t.height - 2]  # the top range of x3 is safer than missing


def test_rare_category_pooled_into_other(model):
    t = model.binning_table("cat")
    assert t["bin"].to_list() == ["A", "B", "C", "other", "missing"]  # listed by event rate
    assert t.filter(pl.col("bin") == "other")["count"][0] > 0  # the rare R


def test_unseen_missing_and_unseen_category(model):
    rows = [best_row() for _ in range(4)]
    rows[1]["x1"] = None  # training never saw a missing x1
    rows[2]["cat"] = "Z"  # a category never seen
    rows[3]["cat"] = None  # nor a missing category
    pts = model.points_by_feature(frame(rows))
    x1_points = model.binning_table("x1")["points"]
    assert model.binning_table("x1").filter(pl.col("bin") == "missing")["count"][0] == 0
    assert pts["x1"][1] == x1_points.min()  # unseen="worst": the riskiest bin
    other = model.binning_table("cat").filter(pl.col("bin") == "other")["points"][0]
    assert pts["cat"][2] == other
    assert pts["cat"][3] == model.binning_table("cat")["points"].min()
    assert np.isfinite(model.points(frame(rows))).all()

    X, y, *_ = make(4000, 5)
    neutral = Scorecard(unseen="zero").fit(X, y)
    pts = neutral.points_by_feature(frame(rows))
    # WOE 0 leaves the feature with only its share of the constant.
    assert pts["x1"][1] == pytest.approx(neutral.intercept_points_ / len(neutral.selected_features_), abs=1e-9)


def one_turn(woe: np.ndarray) -> bool:
    turn = int(np.argmax(woe))
    return 0 < turn < woe.size - 1 and bool(np.all(np.diff(woe[: turn + 1]) > 0) and np.all(np.diff(woe[turn:]) < 0))


def test_u_shape_is_kept_as_a_valley():
    # Risk lowest in the middle of u, higher at both ends: forcing a monotone WOE would lose most of the IV.
    rng = np.random.default_rng(3)
    u = rng.uniform(-3, 3, N)
    y = (rng.random(N) < 1 / (1 + np.exp(-(-3 + 0.5 * u**2)))).astype(int)
    sc = Scorecard().fit(pl.DataFrame({"u": u}), y)
    assert sc.binnings_["u"].trend == "valley"
    assert one_turn(regular_woe(sc, "u"))
    assert sc.iv_["u"] > 1.0
    forced = Scorecard(monotonic_trend="monotone", max_iv_loss=1.0).fit(pl.DataFrame({"u": u}), y)
    assert forced.binnings_["u"].trend in ("ascending", "descending")
    assert forced.iv_["u"] < 0.5 * sc.iv_["u"]


def test_w_shape_single_valley_or_tree_bins():
    # Risk high at both ends with a bump in the middle (two valleys): monotone loses too much IV. "auto" merges
    # to the best single valley; "monotone" and "none" keep the tree's max_bins bins.
    rng = np.random.default_rng(3)
    u = rng.uniform(-3, 3, N)
    logit = np.select([u < -2, u < -0.5, u < 0.5, u < 2], [-0.5, -3.0, -1.5, -3.0], -0.5)
    y = (rng.random(N) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pl.DataFrame({"u": u})
    tree = Scorecard(monotonic_trend="none").fit(X, y)
    assert tree.binnings_["u"].trend == "non-monotone"
    assert len(regular_woe(tree, "u")) == tree.max_bins
    kept = Scorecard(monotonic_trend="monotone").fit(X, y)
    assert kept.binnings_["u"].trend == "non-monotone"
    assert kept.binning_table("u")["bin"].to_list() == tree.binning_table("u")["bin"].to_list()
    sc = Scorecard().fit(X, y)
    assert sc.binnings_["u"].trend == "valley"
    assert one_turn(regular_woe(sc, "u"))
    assert 0.5 * tree.iv_["u"] < sc.iv_["u"] < tree.iv_["u"]


def many_rare(risky: bool, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """40 categories of 2.5% each, below the 5% bin minimum; with `risky`, the 20 named h* have a bad rate of 30%
    against 10% for the 20 named l*, otherwise all 20%."""
    rng = np.random.default_rng(seed)
    names = np.array([*(f"h{k:02d}" for k in range(20)), *(f"l{k:02d}" for k in range(20))])
    cat = rng.choice(names, N)
    rate = np.where(np.char.startswith(cat, "h"), 0.3, 0.1) if risky else np.full(N, 0.2)
    return pl.DataFrame({"cat": cat}), (rng.random(N) < rate).astype(int)


def test_rare_categories_grouped_by_risk_when_it_holds_out_of_fold():
    # Pooled into "other", the rare categories would lose all their information (IV 0); ordered by event rate and
    # cut like a numeric feature, they form a safe and a risky group, and the internal folds confirm it.
    X, y = many_rare(True, 4)
    sc = Scorecard().fit(X, y)
    t = sc.binning_table("cat")
    groups = [set(label.split(", ")) for label in t["bin"].to_list()[:-2]]
    assert len(groups) >= 2
    assert {c[0] for c in groups[0]} == {"l"} and {c[0] for c in groups[-1]} == {"h"}  # safe first, risky last
    assert t["bin"].to_list()[-2:] == ["other", "missing"] and t["count"][-2] == 0
    assert sc.iv_["cat"] > 0.3
    rows = pl.DataFrame({"cat": ["l03", "h17", "zz", None]})
    pts = sc.points_by_feature(rows)["cat"].to_list()
    assert pts[0] > pts[1]
    assert pts[2] == pts[3] == min(t["points"])  # unseen category and missing: the riskiest bin ("worst")


def test_rare_categories_without_signal_stay_pooled():
    # The same 40 rare categories with one bad rate: ordering them by their training rates would invent groups
    # (and IV) that new data do not show; the folds find no gain, and the categories stay pooled in "other".
    X, y = many_rare(False, 4)
    sc = Scorecard().fit(X, y)
    assert sc.binning_table("cat")["bin"].to_list() == ["other", "missing"]
    assert sc.iv_["cat"] < 0.001


def suppressor(strength: float, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """b follows a (correlation 0.9) and so looks risky on its own; given a, it changes the risk by -strength.
    With strength > 0 its coefficient on WOE turns positive in the regression, against its own bins' points."""
    rng = np.random.default_rng(seed)
    a = rng.normal(size=N)
    b = 0.9 * a + math.sqrt(1 - 0.81) * rng.normal(size=N)
    y = (rng.random(N) < 1 / (1 + np.exp(-(-2 + 1.5 * a - strength * b)))).astype(int)
    return pl.DataFrame({"a": a, "b": b}), y


def test_suppressor_kept_but_never_a_reason():
    X, y = suppressor(1.0, 11)
    sc = Scorecard().fit(X, y)
    assert sc.iv_["b"] > sc.min_iv
    assert sc.selected_features_ == ["a", "b"] and sc.suppressors_ == ["b"]
    assert sc.coef_["b"] > 0 > sc.coef_["a"]
    # b's points run against its bins: the riskiest bin of b scores highest, so b may never be a reason.
    assert sc.reasons(X, n=2)["reason_1"].drop_nulls().unique().to_list() == ["a"]
    assert sc.reasons(X, n=2)["reason_2"].null_count() == X.height
    calibrated = LogOddsShift(sc, 0.3)  # what train saves: the suppressor and its reasons as the scorecard's
    assert calibrated.suppressors_ == ["b"] and calibrated.reasons(X).equals(sc.reasons(X))
    assert sc.summary().filter(pl.col("suppressor"))["feature"].to_list() == ["b"]
    # Held out, the model with the suppressor ranks better than the one without.
    X_new, y_new = suppressor(1.0, 12)
    dropped = Scorecard(keep_suppressors=False).fit(X, y)
    assert dropped.selected_features_ == ["a"] and dropped.suppressors_ == []
    assert auc(y_new, sc.predict_proba(X_new)[:, 1]) > auc(y_new, dropped.predict_proba(X_new)[:, 1]) + 0.01


def test_wrong_sign_without_gain_dropped():
    # With a small effect, b's coefficient given a turns positive, but held out it adds less than the price of a
    # coefficient (on this draw), so it stays out.
    X, y = suppressor(0.2, 2)
    assert Scorecard(drop_wrong_sign=False).fit(X, y).coef_["b"] > 0
    sc = Scorecard().fit(X, y)
    assert sc.selected_features_ == ["a"] and sc.suppressors_ == [] and sc.coef_["a"] < 0


def flagged(spread: float, missing_effect: float, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """score: three risk groups (log-odds -spread, 0, +spread), missing for 40% of the rows, whose own risk is
    missing_effect; has_score: the flag of score's missing bin; c: riskier where score is missing, so the missing bin
    looks riskier on its own than it is beside c, and has_score's coefficient turns positive to weigh it back."""
    rng = np.random.default_rng(seed)
    level = rng.choice([-spread, 0.0, spread], N)
    missing = rng.random(N) < 0.4
    c = rng.normal(size=N) + 1.5 * missing
    y = (rng.random(N) < 1 / (1 + np.exp(-(-1.8 + np.where(missing, missing_effect, level) + 0.8 * c)))).astype(int)
    score = pl.Series(np.where(missing, np.nan, 600 - 100 * level + rng.normal(0, 10, N))).fill_nan(None)
    return pl.DataFrame({"score": score, "has_score": (~missing).astype(int), "c": c}), y


def test_coarser_than_by_hand():
    index = {"a": np.array([0, 1, 2, 3, 0, 2]), "b": np.array([0, 0, 1, 1, 0, 1]),
             "one": np.zeros(6, dtype=int), "odd": np.array([1, 0, 1, 0, 1, 1])}
    found = coarser_than(index)
    # b and odd each hold whole bins of a (a feature of one bin is left out; b and odd have as many bins).
    assert sorted(found) == ["b", "odd"] and list(found["b"]) == ["a"] and list(found["odd"]) == ["a"]
    assert [x.tolist() for x in found["b"]["a"]] == [[0, 1, 2, 3], [0, 0, 1, 1]]
    assert [x.tolist() for x in found["odd"]["a"]] == [[0, 1, 2, 3], [1, 0, 1, 0]]


def test_flag_of_a_missing_bin_judged_with_its_feature():
    # Beside c, the missing bin of score is less risky than its WOE says (0.5 against its WOE of about -0.41 among
    # groups at -3, 0 and +3): has_score weighs it back, with a coefficient against its own bins, yet the pair still
    # ranks every bin of score by its WOE. Not a wrong sign: kept even without suppressors, and never a reason.
    X, y = flagged(3.0, 0.5, 1)
    sc = Scorecard(keep_suppressors=False).fit(X, y)
    assert sc.selected_features_ == ["score", "has_score", "c"] and sc.suppressors_ == ["has_score"]
    assert sc.coef_["has_score"] > 0 > sc.coef_["score"]
    score, flag = sc.binning_table("score"), sc.binning_table("has_score")
    flag_points = dict(zip(flag["bin"], flag["points"], strict=True))
    pair = score.with_columns(
        pl.col("points") + pl.when(pl.col("bin") == "missing").then(flag_points["(-inf, 0.5]"])
        .otherwise(flag_points["(0.5, inf)"])).sort("woe")
    assert pair["points"].diff().drop_nulls().min() > 0  # safer bins (higher WOE) get more points
    assert "has_score" not in sc.reasons(X)["reason_1"].to_list()
    # Held out, the flag ranks better than score alone beside c.
    X_new, y_new = flagged(3.0, 0.5, 2)
    without = Scorecard().fit(X.drop("has_score"), y)
    assert (auc(y_new, sc.predict_proba(X_new)[:, 1])
            > auc(y_new, without.predict_proba(X_new.drop("has_score"))[:, 1]) + 0.002)


def test_flag_that_would_rank_bins_against_their_woe_is_a_wrong_sign():
    # With the groups closer (-2, 0, +2) and the missing bin's own risk 1.0, weighing it back would put it below a
    # safer bin of score: a wrong sign, dropped when suppressors are not kept.
    X, y = flagged(2.0, 1.0, 1)
    assert Scorecard(drop_wrong_sign=False).fit(X, y).coef_["has_score"] > 0
    sc = Scorecard(keep_suppressors=False).fit(X, y)
    assert sc.selected_features_ == ["score", "c"] and sc.suppressors_ == []


def beside(seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """g1 = -g2^2 + noise drives the risk up (1.0 a unit); g2 itself adds 0.5 a unit. Alone, g2 shows a peak (its
    middle has the highest g1); beside g1 its own effect is a rising line."""
    rng = np.random.default_rng(seed)
    g2 = rng.normal(size=N)
    g1 = -(g2**2) + rng.normal(size=N)
    y = (rng.random(N) < 1 / (1 + np.exp(-(-1.5 + g1 + 0.5 * g2)))).astype(int)
    return pl.DataFrame({"g1": g1, "g2": g2}), y


def test_shape_chosen_for_the_regression_beside_the_others():
    X, y = beside(1)
    assert Scorecard().fit(X.select("g2"), y).binnings_["g2"].trend == "peak"
    sc = Scorecard().fit(X, y)
    assert sc.binnings_["g2"].trend == "ascending" and sc.selected_features_ == ["g1", "g2"]
    assert np.all(np.diff(sc.binnings_["g2"].woe[:-1]) < 0)  # the event rate rises with g2, bin after bin
    # Held out, 0.7946 with g2's peak (the shape chosen on g2 alone, before): the line ranks better.
    X_new, y_new = beside(2)
    assert auc(y_new, sc.predict_proba(X_new)[:, 1]) == pytest.approx(0.7972, abs=5e-5)


def test_bins_are_right_closed(model):
    edge = float(model.binnings_["x1"].edges[2])
    rows = [{**best_row(), "x1": edge}, {**best_row(), "x1": np.nextafter(edge, np.inf)}]
    pts = model.points_by_feature(frame(rows))["x1"].to_list()
    table = model.binning_table("x1")
    assert table["bin"][2].endswith(f"{edge:.6g}]")
    assert pts == [table["points"][2], table["points"][3]]


# ------------------------------------------------------------------------------------------- points


def test_points_scale():
    factor, offset = scaling(600, 50, 20)
    assert factor == 20 / math.log(2)
    assert offset == 600 - factor * math.log(50)
    assert pd_to_points(1 / 51) == pytest.approx(600, abs=1e-9)  # odds 50:1
    assert pd_to_points(1 / 101) == pytest.approx(620, abs=1e-9)  # odds 100:1, twice as good: +20
    assert pd_to_points(1 / 26) == pytest.approx(580, abs=1e-9)  # odds 25:1
    assert points_to_pd(600) == pytest.approx(1 / 51, abs=1e-15)


def test_model_points_follow_the_odds(data, model):
    _, _, Xt, *_ = data
    Xs = Xt.head(2000)
    pts = model.points(Xs)
    pd_ = model.predict_proba(Xs)[:, 1]
    assert model.factor_ == 20 / math.log(2)
    assert model.offset_ == 600 - model.factor_ * math.log(50)
    # points = offset + factor ln(good:bad odds): 600 where the odds are 50:1 ...
    np.testing.assert_allclose(pts, model.offset_ + model.factor_ * np.log((1 - pd_) / pd_), rtol=0, atol=1e-8)
    # ... and 20 more points double the odds, between any two rows.
    odds = (1 - pd_) / pd_
    np.testing.assert_allclose(odds[1:] / odds[0], 2.0 ** ((pts[1:] - pts[0]) / 20), rtol=1e-9)
    assert pts.min() > 300 and pts.max() < 900


def test_points_by_feature_add_up(data, model):
    _, _, Xt, *_ = data
    Xs = Xt.head(1000)
    by_feature = model.points_by_feature(Xs)
    assert by_feature.columns == model.selected_features_
    np.testing.assert_allclose(by_feature.sum_horizontal().to_numpy(), model.points(Xs), rtol=0, atol=1e-9)
    # The constant is spread evenly: a feature's points are -factor x coef x WOE + (offset - factor b0) / m.
    m = len(model.selected_features_)
    w = model.woe(Xs)
    for f in model.selected_features_:
        expected = -model.factor_ * model.coef_[f] * w[f].to_numpy() + model.intercept_points_ / m
        np.testing.assert_allclose(by_feature[f].to_numpy(), expected, rtol=0, atol=1e-9)
    assert model.intercept_points_ == pytest.approx(model.offset_ - model.factor_ * model.intercept_, abs=1e-12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "x1": st.one_of(st.none(), st.floats(300, 1000)),
                "x2": st.one_of(st.none(), st.floats(0, 20)),
                "x3": st.one_of(st.none(), st.floats(0, 10)),
                "cat": st.sampled_from(["A", "B", "C", "R", "Z", None]),
                "noise": st.floats(-5, 5),
            }
        ),
        min_size=2,
        max_size=30,
    )
)
def test_points_fall_as_pd_rises(model, rows):
    X = frame(rows)
    pd_ = model.predict_proba(X)[:, 1]
    pts = model.points(X)
    order = np.argsort(pd_, kind="stable")
    assert np.all(np.diff(pts[order]) <= 0)


# ------------------------------------------------------------------------------------------- reasons


def test_reasons_name_the_feature_made_worst(model):
    best = best_row()
    worse_x2 = {**best, "x2": 50.0}
    worse_three = {**best, "x1": 300.0, "x2": 1.2, "cat": "C"}
    r = model.reasons(frame([best, worse_x2, worse_three]), n=3)
    assert r.columns == ["reason_1", "points_lost_1", "reason_2", "points_lost_2", "reason_3", "points_lost_3"]
    # The best row costs nothing anywhere.
    assert r.row(0) == (None,) * 6
    # Only x2 costs points, all its range.
    x2_points = model.binning_table("x2")["points"]
    assert r["reason_1"][1] == "x2"
    assert r["points_lost_1"][1] == pytest.approx(x2_points.max() - x2_points.min(), abs=1e-9)
    assert r["reason_2"][1] is None and r["points_lost_2"][1] is None
    # Three features made worse: listed by the points they lose, largest first.
    row = model.points_by_feature(frame([worse_three])).row(0, named=True)
    best_pts = {f: model.binning_table(f)["points"].max() for f in model.selected_features_}
    lost = sorted(((best_pts[f] - row[f], f) for f in ("x1", "x2", "cat")), reverse=True)
    assert [r[f"reason_{k}"][2] for k in (1, 2, 3)] == [f for _, f in lost]
    assert r["reason_1"][2] == "x1"
    assert [r[f"points_lost_{k}"][2] for k in (1, 2, 3)] == pytest.approx([v for v, _ in lost], abs=1e-9)


def test_reasons_on_a_batch_are_sorted_and_consistent(data, model):
    _, _, Xt, *_ = data
    Xs = Xt.head(300)
    r = model.reasons(Xs, n=5)  # more reasons than features: the fifth is always empty
    assert r["reason_5"].null_count() == 300
    lost = r.select([f"points_lost_{k}" for k in range(1, 5)]).fill_null(0).to_numpy()
    assert np.all(np.diff(lost, axis=1) <= 1e-12)
    total_lost = lost.sum(axis=1)
    best_total = sum(model.binning_table(f)["points"].max() for f in model.selected_features_)
    np.testing.assert_allclose(best_total - model.points(Xs), total_lost, rtol=0, atol=1e-9)


# ------------------------------------------------------------------------------------------- consistency


def test_one_row_scores_as_in_a_batch(data, model):
    _, _, Xt, *_ = data
    Xs = Xt.head(200)
    batch = model.points(Xs)
    single = np.array([model.points(Xs[i : i + 1])[0] for i in range(Xs.height)])
    assert np.array_equal(batch, single)
    assert np.array_equal(model.predict_proba(Xs)[7], model.predict_proba(Xs[7:8])[0])
    assert model.reasons(Xs[7:8]).row(0) == model.reasons(Xs).row(7)


def test_pickle_round_trip(data, model):
    _, _, Xt, *_ = data
    back = pickle.loads(pickle.dumps(model))
    assert np.array_equal(back.points(Xt), model.points(Xt))
    assert np.array_equal(back.predict_proba(Xt), model.predict_proba(Xt))


def test_a_model_pickled_before_newer_parameters_still_works(data, model):
    # A model saved before cv and min_bin_bads existed unpickles without them: it scores as it did, and
    # get_params, repr and clone (which read every parameter) work, with the values it was fitted under.
    _, _, Xt, *_ = data
    old = pickle.loads(pickle.dumps(model))
    del old.__dict__["cv"], old.__dict__["min_bin_bads"]
    assert np.array_equal(old.points(Xt), model.points(Xt))
    assert old.get_params()["min_bin_bads"] is None and old.get_params()["cv"] == 3
    assert "min_bin_bads=None" in repr(old)
    assert clone(old).get_params() == old.get_params()


def test_pandas_and_polars_give_the_same_scores(data, model):
    X, y, Xt, *_ = data
    from_pandas = Scorecard(random_state=0).fit(X.to_pandas(), y)
    assert np.array_equal(from_pandas.points(Xt.to_pandas()), model.points(Xt))
    assert np.array_equal(from_pandas.points(Xt), model.points(Xt.to_pandas()))
    # NaN instead of null in a polars float column, columns in another order and one more: the same scores.
    other = Xt.with_columns(pl.col("x3").fill_null(np.nan), loan_id=pl.int_range(Xt.height)).select(
        ["loan_id", "noise", "cat", "x3", "x2", "x1"]
    )
    assert np.array_equal(model.points(other), model.points(Xt))


def test_deterministic_and_sklearn_conventions(data, model):
    X, y, Xt, *_ = data
    params = model.get_params()
    assert params["base_points"] == 600 and params["base_odds"] == 50 and params["pdo"] == 20
    fresh = clone(model)
    assert fresh.get_params() == params
    with pytest.raises(NotFittedError):
        fresh.predict_proba(Xt)
    assert np.array_equal(fresh.fit(X, y).points(Xt), model.points(Xt))
    fresh.set_params(min_iv=0.5)
    assert fresh.min_iv == 0.5
    assert list(model.feature_names_in_) == ["x1", "x2", "x3", "cat", "noise"]
    assert model.n_features_in_ == 5
    assert list(model.classes_) == [0, 1]
    with pytest.raises(ValueError, match="lacks the columns"):
        model.points(Xt.drop("x2"))
    with pytest.raises(ValueError):
        Scorecard(unseen="best").fit(X, y)


# ------------------------------------------------------------------------------------------- challenger


@pytest.fixture(scope="module")
def challenger(data):
    X, y, *_ = data
    return Challenger(max_iter=100).fit(X.head(10_000), y[:10_000])


def test_challenger_interface(data, challenger):
    _, _, Xt, yt, pt = data
    assert challenger.categories_ == {"cat": ["A", "B", "C", "R"]}
    proba = challenger.predict_proba(Xt)
    assert proba.shape == (N, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert auc(yt, proba[:, 1]) > 0.75
    assert auc(yt, proba[:, 1]) > auc(yt, pt) - 0.03
    np.testing.assert_allclose(challenger.points(Xt.head(5)), pd_to_points(proba[:5, 1]))
    assert set(challenger.predict(Xt.head(100))) <= {0, 1}


def test_challenger_deterministic_row_batch_frames(data, challenger):
    X, y, Xt, *_ = data
    Xs = Xt.head(100)
    again = clone(challenger).fit(X.head(10_000).to_pandas(), y[:10_000])
    assert np.array_equal(again.predict_proba(Xs), challenger.predict_proba(Xs))
    assert np.array_equal(again.predict_proba(Xs.to_pandas()), challenger.predict_proba(Xs))
    batch = challenger.predict_proba(Xs)
    single = np.vstack([challenger.predict_proba(Xs[i : i + 1]) for i in range(Xs.height)])
    assert np.array_equal(batch, single)
    odd = frame([{**best_row(), "cat": "Z"}, {**best_row(), "x1": None, "cat": None}])
    assert np.isfinite(challenger.predict_proba(odd)).all()
    back = pickle.loads(pickle.dumps(challenger))
    assert np.array_equal(back.predict_proba(Xs), batch)


# ------------------------------------------------------------------------------------------- scikit-learn


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("estimator", [Scorecard(), Challenger(max_iter=20)], ids=["Scorecard", "Challenger"])
def test_sklearn_estimator_checks(estimator):
    # scikit-learn's own conformance suite (arrays, pickling, cloning, n_features_in_, error messages...).
    check_estimator(estimator)


def test_internal_folds_split_a_stratified_sample_past_selection_rows():
    """Past SELECTION_ROWS training rows the internal folds hold out every row of a seeded, stratified sample of that
    many, each once; below it, every row (the folds the choices were always made on)."""
    y = (np.arange(SELECTION_ROWS + 50_000) % 10 == 0).astype(int)  # 10% bad
    folds = internal_folds(y, 3, 0)
    held = np.concatenate([test for _, test in folds])
    assert held.size == SELECTION_ROWS and np.unique(held).size == SELECTION_ROWS
    assert abs(y[held].mean() - 0.1) < 1e-4
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0 and np.union1d(train, test).size == SELECTION_ROWS
    assert [t.tolist() for _, t in internal_folds(y, 3, 0)] == [t.tolist() for _, t in folds]  # seeded
    small = y[:1_000]
    assert np.sort(np.concatenate([t for _, t in internal_folds(small, 3, 0)])).tolist() == list(range(1_000))
