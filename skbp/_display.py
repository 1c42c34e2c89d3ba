"""LossCurveDisplay: the per-epoch training curves of a fitted network."""

import numbers
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import is_classifier, is_regressor
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils._plotting import _validate_style_kwargs
from sklearn.utils.validation import check_is_fitted

from ._monitor import metric_name


def _check_matplotlib(caller_name):
    try:
        check_matplotlib_support(caller_name)
    except ImportError as exc:
        raise ImportError(f"{exc}, or with skbp's extra: `pip install skbp[plot]`.") from exc


def _as_curve(values, name, n_epochs=None):
    """Return ``values`` as a 1-D float array, or None when there is nothing to draw."""
    if values is None:
        return None
    curve = np.asarray(values, dtype=float)
    if curve.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {curve.shape}.")
    if n_epochs is not None and curve.size > n_epochs:
        raise ValueError(
            f"{name} has {curve.size} values but loss_curve only {n_epochs}: "
            "it cannot have more epochs than the training curve."
        )
    return curve if curve.size else None


def _check_best_iteration(best_iteration, n_epochs):
    if best_iteration is None:
        return None
    if not isinstance(best_iteration, numbers.Integral) or not 1 <= best_iteration <= n_epochs:
        raise ValueError(
            f"best_iteration must be an epoch between 1 and {n_epochs} "
            f"(the length of loss_curve) or None, got {best_iteration!r}."
        )
    return int(best_iteration)


def _epochs_ending_at(n_epochs, curve):
    # A warm-started fit may have had validation data only in its later fits, so a
    # shorter curve belongs to the last epochs.
    return np.arange(n_epochs - curve.size + 1, n_epochs + 1)


# Fixed colours: a twin axes restarts the colour cycle, which would give the score the
# training loss's colour.
_STYLES = {
    "loss": {"label": "Training loss", "color": "C0"},
    "validation_loss": {"label": "Validation loss", "color": "C1"},
    "validation_score": {"label": "Validation score", "color": "C2"},
    "best_iteration": {"color": "k", "linestyle": "--"},
}


class LossCurveDisplay:
    """Training loss, validation loss and validation score of a network, per epoch.

    Create it with :meth:`from_estimator` from a fitted network, or from the curves.
    The losses share ``ax_``; the score, on another scale, has the twin y axis
    ``score_ax_``. Validation curves shorter than ``loss_curve`` belong to its last
    epochs. A curve that is None or empty is not drawn.

    Parameters
    ----------
    loss_curve : sequence of float
        Training loss after each epoch.

    validation_loss_curve : sequence of float, default=None
        Loss on the validation data after each epoch.

    validation_scores : sequence of float, default=None
        Score on the validation data after each epoch.

    best_iteration : int, default=None
        The epoch (1-based) whose weights the model kept, marked by a vertical
        dashed line; None draws no line.

    estimator_name : str, default=None
        Title of the plot; None sets no title.

    score_name : str, default=None
        What the validation scores measure, for the score axis and the
        legend: the default scores "accuracy" and "R²" read "Validation
        accuracy" and "Validation R²", any other name (a scorer's, such as
        "f1") "Validation score (f1)"; None reads "Validation score".

    unit : str, default="Epoch"
        What the curves have one value per, for the x axis and the
        best-iteration line: "Epoch", or "Iteration" for an L-BFGS fit.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the losses, the best-iteration line and the legend, which
        is placed where it covers the fewest points of any curve, the score's
        included.

    score_ax_ : matplotlib Axes or None
        Twin of ``ax_`` with the validation score; None when no score is drawn.

    figure_ : matplotlib Figure
        Figure containing the plot.

    lines_ : dict of str to matplotlib Line2D
        The artists drawn, under the keys ``"loss"``, ``"validation_loss"``,
        ``"validation_score"`` and ``"best_iteration"``; only those drawn.

    See Also
    --------
    sklearn.model_selection.LearningCurveDisplay : Score against training set size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skbp import LossCurveDisplay
    >>> display = LossCurveDisplay(
    ...     loss_curve=[1.0, 0.6, 0.4, 0.3],
    ...     validation_loss_curve=[0.7, 0.5, 0.55],
    ...     validation_scores=[0.6, 0.8, 0.75],
    ...     best_iteration=3,
    ... ).plot()
    >>> sorted(display.lines_)
    ['best_iteration', 'loss', 'validation_loss', 'validation_score']
    >>> display.lines_["validation_loss"].get_xdata().tolist()
    [2, 3, 4]
    """

    def __init__(
        self,
        *,
        loss_curve: ArrayLike,
        validation_loss_curve: ArrayLike | None = None,
        validation_scores: ArrayLike | None = None,
        best_iteration: int | None = None,
        estimator_name: str | None = None,
        score_name: str | None = None,
        unit: str = "Epoch",
    ) -> None:
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.best_iteration = best_iteration
        self.estimator_name = estimator_name
        self.score_name = score_name
        self.unit = unit

    def plot(
        self,
        ax: Any = None,
        *,
        loss_kw: dict[str, Any] | None = None,
        validation_loss_kw: dict[str, Any] | None = None,
        validation_score_kw: dict[str, Any] | None = None,
        best_iteration_kw: dict[str, Any] | None = None,
    ) -> Self:
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a new figure and axes.

        loss_kw, validation_loss_kw, validation_score_kw : dict, default=None
            Keyword arguments for the ``ax.plot`` drawing each curve, over the
            defaults (label and colour).

        best_iteration_kw : dict, default=None
            Keyword arguments for the ``ax.axvline`` marking the best iteration,
            over the defaults (black, dashed).

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``ax_``, ``score_ax_``, ``figure_`` and ``lines_``.
        """
        _check_matplotlib(f"{self.__class__.__name__}.plot")
        import matplotlib.pyplot as plt

        loss, val_loss, scores, best = self._validated_data()
        if ax is None:
            _, ax = plt.subplots()
        self.score_ax_ = None if scores is None else self._twin_below(ax)
        score_label = _score_label(self.score_name)
        curves = {
            "loss": (ax, loss, loss_kw, None),
            "validation_loss": (ax, val_loss, validation_loss_kw, None),
            "validation_score": (self.score_ax_, scores, validation_score_kw, score_label),
        }
        self.lines_ = {}
        for key, (curve_ax, curve, kw, label) in curves.items():
            if curve is not None:
                default = _STYLES[key] if label is None else {**_STYLES[key], "label": label}
                style = _validate_style_kwargs(default, kw or {})
                epochs = _epochs_ending_at(loss.size, curve)
                (self.lines_[key],) = curve_ax.plot(epochs, curve, **style)
        if best is not None:
            default = {**_STYLES["best_iteration"], "label": f"Best {self.unit.lower()} ({best})"}
            style = _validate_style_kwargs(default, best_iteration_kw or {})
            self.lines_["best_iteration"] = ax.axvline(best, **style)

        self._label(ax, score_label)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    def _label(self, ax, score_label):
        """Axis labels, the title, and one legend for the lines of both axes."""
        ax.set_xlabel(self.unit)
        ax.set_ylabel("Loss")
        if self.score_ax_ is not None:
            self.score_ax_.set_ylabel(score_label)
            _shadow(ax, self.lines_["validation_score"])
        if self.estimator_name is not None:
            ax.set_title(self.estimator_name)
        ax.legend(handles=list(self.lines_.values()), loc="best")

    def _validated_data(self):
        loss = _as_curve(self.loss_curve, "loss_curve")
        if loss is None:
            raise ValueError("loss_curve must hold at least one epoch.")
        return (
            loss,
            _as_curve(self.validation_loss_curve, "validation_loss_curve", loss.size),
            _as_curve(self.validation_scores, "validation_scores", loss.size),
            _check_best_iteration(self.best_iteration, loss.size),
        )

    @staticmethod
    def _twin_below(ax):
        """A twin y axis drawn beneath ``ax``, so that it cannot cover ax's legend."""
        twin = ax.twinx()
        twin.set_zorder(ax.get_zorder() - 1)
        # ax now covers the twin: move its background onto the twin.
        twin.patch.set_facecolor(ax.patch.get_facecolor())
        twin.patch.set_visible(ax.patch.get_visible())
        ax.patch.set_visible(False)
        return twin

    @classmethod
    def from_estimator(cls, estimator: Any, *, ax: Any = None, **plot_kwargs: Any) -> Self:
        """Plot the curves recorded by a fitted estimator.

        Reads the fitted attributes ``loss_curve_``, ``validation_loss_curve_``,
        ``validation_scores_`` and ``best_iteration_`` (a missing one but
        ``loss_curve_`` counts as None); ``scoring`` names the score (the
        default score, accuracy or R², when it is None or 'loss'), and
        ``solver='lbfgs'`` counts iterations rather than epochs.

        Parameters
        ----------
        estimator : fitted BackpropClassifier or BackpropRegressor
            The fitted network, or any fitted estimator with ``loss_curve_``.

        ax : matplotlib Axes, default=None
            Axes to plot on; None creates a new figure and axes.

        **plot_kwargs : dict
            Keyword arguments passed to :meth:`plot`, such as ``loss_kw``.

        Returns
        -------
        display : LossCurveDisplay
            The display, plotted and titled with the estimator's class name.
        """
        _check_matplotlib(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator, "loss_curve_")
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            validation_scores=getattr(estimator, "validation_scores_", None),
            best_iteration=getattr(estimator, "best_iteration_", None),
            estimator_name=type(estimator).__name__,
            score_name=_score_name(estimator),
            unit="Iteration" if getattr(estimator, "solver", None) == "lbfgs" else "Epoch",
        )
        return display.plot(ax=ax, **plot_kwargs)


# The estimators' default scores, which read as words after "Validation".
_PLAIN_SCORES = ("accuracy", "R²")


def _score_label(score_name):
    if score_name is None:
        return "Validation score"
    if score_name in _PLAIN_SCORES:
        return f"Validation {score_name}"
    return f"Validation score ({score_name})"


def _score_name(estimator):
    """What an estimator's validation scores measure: its scorer's name, or its default score."""
    scoring = getattr(estimator, "scoring", None)
    if scoring in (None, "loss"):  # validation_scores_ then hold the estimator's score
        return (
            "accuracy" if is_classifier(estimator) else "R²" if is_regressor(estimator) else None
        )
    return scoring if isinstance(scoring, str) else metric_name(scoring)


def _shadow(ax, line):
    """An invisible copy of ``line`` (drawn on a twin axes) among ax's artists.

    ``loc="best"`` avoids the artists of the legend's own axes only; with the
    copy, it avoids the score curve too. It is added as an artist, not a line,
    so that ax's data limits ignore it.
    """
    from matplotlib.lines import Line2D

    copy = Line2D(*line.get_data(), transform=line.get_transform(), visible=False)
    ax.add_artist(copy)
