"""The systems of benchmarks/tabular.py: ``make(task, random_state)`` gives an estimator
that takes the raw DataFrame, each with its own defaults and one thread."""

import logging
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.compose import make_column_selector, make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

MISSING = "__missing__"  # CatBoost's category for a missing value: it refuses NaN there


def _as_category(X):
    """Every non-numeric column as a pandas category (NaN stays missing)."""
    X = X.copy()
    for col in X.select_dtypes(exclude="number").columns:
        X[col] = X[col].astype("category")
    return X


def _capped(params, max_iter):
    return params if max_iter is None else {**params, "max_iter": max_iter}


def make_skbp(task, random_state, max_iter=None, **params):
    """A Tabular estimator; ``params`` the command line's, each where the task's class has it."""
    from skbp import TabularClassifier, TabularRegressor

    cls = TabularRegressor if task == "regression" else TabularClassifier
    own = {name: value for name, value in params.items() if name in cls().get_params()}
    return cls(**_capped({"random_state": random_state, **own}, max_iter))


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


def make_lightgbm(task, random_state, max_iter=None):
    """LightGBM's defaults; it takes pandas category columns as categorical features."""
    from lightgbm import LGBMClassifier, LGBMRegressor

    cls = LGBMRegressor if task == "regression" else LGBMClassifier
    params = {"random_state": random_state, "n_jobs": 1, "verbose": -1}
    if max_iter is not None:
        params["n_estimators"] = max_iter
    return make_pipeline(FunctionTransformer(_as_category), cls(**params))


class CatBoost(BaseEstimator):
    """CatBoost's defaults on the raw frame: the non-numeric columns as its categorical
    features, as strings, a missing value a category of its own."""

    def __init__(self, task="binary", random_state=0, max_iter=None):
        self.task = task
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X, y):
        from catboost import CatBoostClassifier, CatBoostRegressor

        cls = CatBoostRegressor if self.task == "regression" else CatBoostClassifier
        params = {
            "random_seed": self.random_state,
            "thread_count": 1,
            "verbose": 0,
            "allow_writing_files": False,
        }
        if self.max_iter is not None:
            params["iterations"] = self.max_iter
        self.categorical_ = list(X.select_dtypes(exclude="number").columns)
        self.model_ = cls(**params).fit(self._frame(X), y, cat_features=self.categorical_)
        if self.task != "regression":
            self.classes_ = np.asarray(self.model_.classes_)
        return self

    def _frame(self, X):
        X = X.copy()
        for col in self.categorical_:
            X[col] = X[col].astype(object).where(X[col].notna(), MISSING).astype(str)
        return X

    def predict_proba(self, X):
        return self.model_.predict_proba(self._frame(X))

    def predict(self, X):
        if self.task == "regression":
            return self.model_.predict(self._frame(X))
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def make_catboost(task, random_state, max_iter=None):
    return CatBoost(task, random_state, max_iter)


def _torch_quiet():
    logging.getLogger("pytorch_lightning").setLevel(logging.WARNING)  # no banner every fit
    logging.getLogger("lightning.pytorch").setLevel(logging.WARNING)


def _impute_numbers():
    """Median imputation of numeric columns: pytabkit's models refuse NaN there."""
    return make_column_transformer(
        (SimpleImputer(strategy="median"), make_column_selector(dtype_include="number")),
        remainder="passthrough",
        verbose_feature_names_out=False,
    ).set_output(transform="pandas")


def _pytabkit(names, task, random_state, max_epochs):
    """A pytabkit model (numeric NaNs imputed with medians, categories as such)."""
    import pytabkit

    _torch_quiet()
    cls = getattr(pytabkit, names[0] if task == "regression" else names[1])
    params = {"random_state": random_state, "n_threads": 1, "device": "cpu", "verbosity": 0}
    if max_epochs is not None:
        params["n_epochs"] = max_epochs
    return make_pipeline(_impute_numbers(), FunctionTransformer(_as_category), cls(**params))


def make_realmlp(task, random_state, max_epochs=None):
    """RealMLP-TD, with its tuned defaults."""
    names = ("RealMLP_TD_Regressor", "RealMLP_TD_Classifier")
    return _pytabkit(names, task, random_state, max_epochs)


def make_tabm(task, random_state, max_epochs=None):
    """TabM-D: pytabkit's TabM with the paper's defaults."""
    return _pytabkit(("TabM_D_Regressor", "TabM_D_Classifier"), task, random_state, max_epochs)


SYSTEMS = {
    "skbp-tabular": make_skbp,
    "mlp": make_mlp,
    "mlp-es": partial(make_mlp, early_stopping=True),
    "hgb": make_hgb,
    "lightgbm": make_lightgbm,
    "catboost": make_catboost,
    "realmlp": make_realmlp,
    "tabm": make_tabm,
}
REQUIRES = {
    "skbp-tabular": "skbp.TabularClassifier",
    "lightgbm": "lightgbm",
    "catboost": "catboost",
    "realmlp": "pytabkit",
    "tabm": "pytabkit",
}
EPOCH_CAPPED = ("realmlp", "tabm")  # their cap is --torch-max-epochs, not --max-iter
