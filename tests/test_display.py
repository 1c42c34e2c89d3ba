"""LossCurveDisplay draws exactly the curves it is given, where they belong."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score, make_scorer

from skbp import BackpropClassifier, BackpropRegressor, LossCurveDisplay, TabularClassifier

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LOSS = [1.0, 0.6, 0.4, 0.3, 0.25]
VAL_LOSS = [0.9, 0.7, 0.5, 0.45, 0.5]
SCORES = [0.2, 0.5, 0.7, 0.72, 0.71]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def assert_line(line, x, y):
    assert_array_equal(line.get_xdata(), x)
    assert_array_equal(line.get_ydata(), y)


class _Fitted(BaseEstimator):
    """Stands in for a fitted network: only the attributes the display reads."""

    def __init__(self, **fitted):
        for name, value in fitted.items():
            setattr(self, name, value)

    def fit(self, X=None, y=None):
        return self


def test_lines_carry_the_data_given():
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=VAL_LOSS, validation_scores=SCORES, best_iteration=4
    ).plot()

    epochs = [1, 2, 3, 4, 5]
    assert set(display.lines_) == {"loss", "validation_loss", "validation_score", "best_iteration"}
    assert_line(display.lines_["loss"], epochs, LOSS)
    assert_line(display.lines_["validation_loss"], epochs, VAL_LOSS)
    assert_line(display.lines_["validation_score"], epochs, SCORES)
    assert_array_equal(display.lines_["best_iteration"].get_xdata(), [4, 4])
    assert display.lines_["best_iteration"].get_linestyle() == "--"


def test_axes_labels_and_one_legend_for_all_lines():
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=VAL_LOSS, validation_scores=SCORES, best_iteration=4
    ).plot()

    assert display.ax_.get_xlabel() == "Epoch"
    assert display.ax_.get_ylabel() == "Loss"
    assert display.score_ax_.get_ylabel() == "Validation score"
    assert display.lines_["validation_score"].axes is display.score_ax_
    assert display.lines_["loss"].axes is display.lines_["validation_loss"].axes is display.ax_
    labels = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert labels == ["Training loss", "Validation loss", "Validation score", "Best epoch (4)"]
    assert display.score_ax_.get_legend() is None


def test_shorter_validation_curves_are_aligned_to_the_end():
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=[0.5, 0.45], validation_scores=[0.7, 0.72, 0.71]
    ).plot()

    assert_line(display.lines_["validation_loss"], [4, 5], [0.5, 0.45])
    assert_line(display.lines_["validation_score"], [3, 4, 5], [0.7, 0.72, 0.71])


@pytest.mark.parametrize("empty", [None, []])
def test_what_is_not_given_is_not_drawn(empty):
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=empty, validation_scores=empty
    ).plot()

    assert list(display.lines_) == ["loss"]
    assert display.score_ax_ is None
    assert display.figure_.axes == [display.ax_]
    assert len(display.ax_.get_lines()) == 1


def test_plots_into_the_given_ax_and_returns_self():
    fig, ax = plt.subplots()
    display = LossCurveDisplay(loss_curve=LOSS, estimator_name="MyNet")

    assert display.plot(ax=ax) is display
    assert display.ax_ is ax
    assert display.figure_ is fig
    assert ax.get_title() == "MyNet"


def test_keyword_dicts_reach_the_artists():
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_loss_curve=VAL_LOSS, validation_scores=SCORES, best_iteration=2
    ).plot(
        loss_kw={"color": "red", "label": "train"},
        validation_loss_kw={"c": "blue"},
        validation_score_kw={"linewidth": 4},
        best_iteration_kw={"ls": ":"},
    )

    assert display.lines_["loss"].get_color() == "red"
    assert display.lines_["loss"].get_label() == "train"
    assert display.lines_["validation_loss"].get_color() == "blue"
    assert display.lines_["validation_score"].get_linewidth() == 4
    assert display.lines_["best_iteration"].get_linestyle() == ":"


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"loss_curve": []}, "at least one epoch"),
        ({"loss_curve": [[1.0, 2.0]]}, "loss_curve must be one-dimensional"),
        ({"validation_loss_curve": [0.1] * 6}, "validation_loss_curve has 6 values"),
        ({"validation_scores": [0.1] * 6}, "validation_scores has 6 values"),
        ({"best_iteration": 0}, "best_iteration must be an epoch between 1 and 5"),
        ({"best_iteration": 6}, "best_iteration must be an epoch between 1 and 5"),
        ({"best_iteration": 2.0}, "best_iteration must be an epoch"),
    ],
)
def test_invalid_data_raises(params, match):
    display = LossCurveDisplay(**{"loss_curve": LOSS, **params})
    with pytest.raises(ValueError, match=match):
        display.plot()


def test_without_matplotlib_plot_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r"LossCurveDisplay.plot requires .*skbp\[plot\]"):
        LossCurveDisplay(loss_curve=LOSS).plot()


def test_from_estimator_reads_the_fitted_attributes():
    estimator = _Fitted(
        loss_curve_=LOSS,
        validation_loss_curve_=VAL_LOSS[2:],
        validation_scores_=SCORES[1:],
        best_iteration_=np.int64(4),
    )
    display = LossCurveDisplay.from_estimator(estimator, loss_kw={"color": "red"})

    assert_line(display.lines_["loss"], [1, 2, 3, 4, 5], LOSS)
    assert_line(display.lines_["validation_loss"], [3, 4, 5], VAL_LOSS[2:])
    assert_line(display.lines_["validation_score"], [2, 3, 4, 5], SCORES[1:])
    assert_array_equal(display.lines_["best_iteration"].get_xdata(), [4, 4])
    assert display.lines_["loss"].get_color() == "red"
    assert display.ax_.get_title() == "_Fitted"


def test_from_estimator_treats_missing_attributes_as_none():
    _, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(_Fitted(loss_curve_=LOSS), ax=ax)

    assert display.ax_ is ax
    assert list(display.lines_) == ["loss"]
    assert display.score_ax_ is None


def test_from_estimator_on_an_unfitted_estimator_raises():
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(BackpropRegressor())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_from_estimator_on_a_fitted_regressor():
    X, y = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
    reg = BackpropRegressor(
        hidden_layer_sizes=(5,), max_iter=20, random_state=0, early_stopping=True
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(reg)

    n_epochs = len(reg.loss_curve_)
    assert_line(display.lines_["loss"], np.arange(1, n_epochs + 1), reg.loss_curve_)
    assert display.ax_.get_title() == "BackpropRegressor"
    if reg.validation_scores_:
        assert_array_equal(display.lines_["validation_score"].get_ydata(), reg.validation_scores_)
    best = getattr(reg, "best_iteration_", None)
    assert ("best_iteration" in display.lines_) == (best is not None)


# -- where the legend goes, and what the axes say ----------------------------------


def test_the_legend_covers_no_curve_the_score_included():
    """Losses falling to the bottom, a score rising to the top: the middle is free.

    The top right, free of the losses, is where the score runs: a legend that
    avoided the losses' axes only would sit on it.
    """
    epochs = np.arange(1, 31)
    display = LossCurveDisplay(
        loss_curve=1 / epochs,
        validation_loss_curve=1.1 / epochs,
        validation_scores=1 - 0.5 / epochs,
        best_iteration=25,
    ).plot()
    display.figure_.canvas.draw()
    box = display.ax_.get_legend().get_window_extent()
    for key in ("loss", "validation_loss", "validation_score"):
        line = display.lines_[key]
        points = line.get_transform().transform(np.column_stack(line.get_data()))
        assert box.count_contains(points) == 0, key
    assert display.ax_.get_ylim()[1] < 1.2  # the hidden copy of the score leaves ax's limits


@pytest.mark.parametrize(
    ("score_name", "label"),
    [
        (None, "Validation score"),
        ("accuracy", "Validation accuracy"),
        ("R²", "Validation R²"),
        ("f1", "Validation score (f1)"),
    ],
)
def test_the_score_axis_names_the_score(score_name, label):
    display = LossCurveDisplay(
        loss_curve=LOSS, validation_scores=SCORES, score_name=score_name
    ).plot()
    assert display.score_ax_.get_ylabel() == label
    assert display.lines_["validation_score"].get_label() == label


def test_the_unit_names_the_x_axis_and_the_best_line():
    display = LossCurveDisplay(loss_curve=LOSS, best_iteration=2, unit="Iteration").plot()
    assert display.ax_.get_xlabel() == "Iteration"
    assert display.lines_["best_iteration"].get_label() == "Best iteration (2)"


class _FittedClassifier(ClassifierMixin, _Fitted):
    pass


class _FittedRegressor(RegressorMixin, _Fitted):
    pass


def _my_scorer(estimator, X, y):
    return 0.0


@pytest.mark.parametrize(
    ("estimator", "label"),
    [
        (_FittedClassifier(scoring=None), "Validation accuracy"),
        (_FittedClassifier(scoring="loss"), "Validation accuracy"),
        (_FittedRegressor(scoring=None), "Validation R²"),
        (_FittedRegressor(), "Validation R²"),
        (_FittedClassifier(scoring="f1_macro"), "Validation score (f1_macro)"),
        (_FittedClassifier(scoring=_my_scorer), "Validation score (_my_scorer)"),
        (
            _FittedClassifier(scoring=make_scorer(f1_score, pos_label="y")),
            "Validation score (f1_score)",
        ),
        (_Fitted(), "Validation score"),
    ],
)
def test_from_estimator_names_the_score_by_scoring(estimator, label):
    estimator.loss_curve_, estimator.validation_scores_ = LOSS, SCORES
    display = LossCurveDisplay.from_estimator(estimator)
    assert display.score_ax_.get_ylabel() == label


@pytest.mark.parametrize(("solver", "unit"), [("lbfgs", "Iteration"), ("adam", "Epoch")])
def test_from_estimator_counts_lbfgs_iterations(solver, unit):
    display = LossCurveDisplay.from_estimator(_Fitted(loss_curve_=LOSS, solver=solver))
    assert display.ax_.get_xlabel() == unit


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_from_estimator_on_fitted_classifiers():
    X, y = make_classification(n_samples=80, n_features=4, random_state=0)
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    for estimator, unit in [
        (BackpropClassifier(solver="lbfgs", **params), "Iteration"),
        (TabularClassifier(scoring="f1", **params), "Epoch"),
    ]:
        estimator.fit(X, y, X_val=X[:20], y_val=y[:20])
        display = LossCurveDisplay.from_estimator(estimator)
        assert display.ax_.get_xlabel() == unit
        assert_array_equal(
            display.lines_["validation_score"].get_ydata(), estimator.validation_scores_
        )
    assert display.score_ax_.get_ylabel() == "Validation score (f1)"
