"""The public API carries type information that a type checker can read."""

import inspect
import tomllib
from pathlib import Path
from typing import get_type_hints

import pytest

import skbp

ROOT = Path(__file__).resolve().parents[1]
# The warning categories take a message, as Warning does.
PUBLIC_CLASSES = [
    cls
    for cls in (getattr(skbp, name) for name in skbp.__all__)
    if inspect.isclass(cls) and not issubclass(cls, Warning)
]
ESTIMATOR_METHODS = (
    "fit",
    "partial_fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "score",
    "get_feature_names_out",
    "plot",
    "from_estimator",
)


def _unannotated(function):
    """Names of the parameters (and 'return') of ``function`` that have no annotation."""
    signature = inspect.signature(function)
    missing = [
        name
        for name, p in signature.parameters.items()
        if name not in ("self", "cls") and p.annotation is inspect.Parameter.empty
    ]
    if signature.return_annotation is inspect.Signature.empty:
        missing.append("return")
    return missing


@pytest.mark.parametrize("cls", PUBLIC_CLASSES)
def test_constructor_parameters_are_annotated(cls):
    assert _unannotated(cls.__init__) == []
    get_type_hints(cls.__init__)  # the annotations resolve


@pytest.mark.parametrize("cls", PUBLIC_CLASSES)
def test_public_methods_are_annotated(cls):
    methods = [m for m in ESTIMATOR_METHODS if m in vars(cls) or hasattr(cls, m)]
    missing = {}
    for name in methods:
        function = inspect.unwrap(getattr(cls, name))
        if function.__qualname__.startswith(
            ("BaseEstimator", "TransformerMixin", "ClassifierMixin", "RegressorMixin")
        ):
            continue  # inherited from scikit-learn unchanged
        if _unannotated(function):
            missing[name] = _unannotated(function)
    assert missing == {}


def test_the_package_ships_a_py_typed_marker():
    assert (Path(skbp.__file__).parent / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["skbp"]
