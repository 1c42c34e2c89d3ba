"""What a fit reports while it runs: held-out figures, scikit-learn's callbacks, verbose lines.

The core's loops call a *validation* (``evaluate(net)``) and an *observer*
(``begin()``, ``end(net, progress)``) once per epoch or L-BFGS iteration;
this module gives them their scikit-learn meaning.
"""

import copy
import time

import numpy as np
from sklearn.metrics import check_scoring

from ._labels import kind_of_classes


class ValidationSet:
    """Held-out data, scored after each epoch as ``(criterion, score, loss)``.

    ``loss`` is the training loss's function without the penalty: the
    (sample-weighted) mean error. ``score`` is the estimator's ``score``, or
    the ``scoring`` scorer's value. ``criterion`` is what early stopping
    maximises: the score, or minus the loss for ``scoring='loss'``.

    ``data`` is ``(X, Y, sample_weight)`` as the network sees them, weighted
    as training is (class weights included); ``truth`` is the validated
    labels or targets and the user's own sample weights, which the score
    uses, as ``score`` does. ``raw`` is ``(X, y)`` as the user gave them (a
    scorer calls ``predict`` on them, feature names and all), and
    ``model(net)`` returns a fitted estimator with the network ``net``.
    """

    def __init__(self, est, data, truth, raw, model, early_stopping):
        self.X, self.Y, self.sample_weight = data
        self.y_true, self.score_weight = truth
        self.raw = raw
        self.score_outputs = est._score_outputs
        self.model = model
        self.early_stopping = early_stopping
        self.on_loss = est.scoring == "loss"
        self.name = "Validation loss" if self.on_loss else "Validation score"  # for messages
        self.scorer = None if est.scoring in (None, "loss") else check_scoring(est, est.scoring)
        self.scoring, self.classes = est.scoring, getattr(est, "classes_", None)

    def evaluate(self, net):
        y_hat, loss = net.predict_and_error(self.X, self.Y, self.sample_weight)
        score = self._score(net, y_hat)
        return (-loss if self.on_loss else score), score, loss

    def _score(self, net, y_hat):
        if not np.isfinite(y_hat).all():
            return np.nan  # a diverged network scores nothing, and never counts as best
        if self.scorer is None:
            return self.score_outputs(self.y_true, y_hat, self.score_weight)
        kwargs = {} if self.score_weight is None else {"sample_weight": self.score_weight}
        with np.errstate(all="warn"):  # the loop silences them; a scorer's own code may not
            try:
                return float(self.scorer(self.model(net), *self.raw, **kwargs))
            except ValueError as exc:
                clearer = scorer_error(exc, self.scoring, self.classes)
                if clearer is None:
                    raise
                raise clearer from exc


def scorer_error(exc, scoring, classes):
    """A clearer error for a scorer that does not suit the classes, or None.

    Binary metrics score ``pos_label`` (1 by default) as the positive class,
    and need another one named for text labels; ROC AUC needs a strategy to
    average over more than two classes.
    """
    message, shown = str(exc), f"scoring={scoring!r}"
    if classes is None or kind_of_classes(classes) is not None:
        return None
    if "pos_label" in message:
        metric = f"{scoring}_score" if isinstance(scoring, str) else metric_name(scoring)
        scorer = f"make_scorer({metric}, pos_label={classes.tolist()[-1]!r})"
        return ValueError(
            f"{shown} scores one class as the positive one, pos_label (1 unless "
            f"given), which must be one of the classes {classes.tolist()}: name it, "
            f"for example with scoring={scorer} (make_scorer and the metric from "
            f"sklearn.metrics). scikit-learn said: {message}"
        )
    if "multi_class must be in" in message:
        return ValueError(
            f"{shown} needs a strategy for {len(classes)} classes: use scoring='roc_auc_ovr' "
            "(one class against the rest) or 'roc_auc_ovo' (one against one), or "
            "make_scorer(roc_auc_score, response_method='predict_proba', multi_class='ovr')."
        )
    if "average='binary'" in message and isinstance(scoring, str):
        return ValueError(
            f"{shown} scores two classes, and there are {len(classes)}: use an average "
            f"over the classes, such as '{scoring}_macro' or '{scoring}_weighted'."
        )
    return None


def metric_name(scorer):
    """The name of the metric a callable scorer computes (e.g. 'f1_score'), for messages."""
    described = repr(scorer)  # a scorer from make_scorer: 'make_scorer(f1_score, ...)'
    if described.startswith("make_scorer("):
        return described[len("make_scorer(") :].split(",")[0].rstrip(")")
    return getattr(scorer, "__name__", type(scorer).__name__)


class Watch:
    """The observer of a fit: scikit-learn callbacks and verbose output, per epoch.

    Each epoch (L-BFGS iteration) is one subtask of the fit's callback
    context ``ctx``; callbacks receive the training data as the user passed
    it (``fit_data``: a dict of X, y and metadata) and, if they ask for it, a
    fitted copy of the model as it stands (``snapshot(net, progress)``). A
    callback whose ``on_fit_task_end`` returns True stops training after
    that epoch.
    """

    def __init__(self, est, ctx, fit_data, snapshot, unit, total=None):
        self.est, self.ctx, self.snapshot = est, ctx, snapshot
        self.fit_data = fit_data
        self.has_callbacks = bool(getattr(est, "_skl_callbacks", None))
        self.verbose = bool(est.verbose)
        self.unit, self.total = unit, total
        self.task = None
        self.started = time.perf_counter()

    def begin(self):
        if not self.has_callbacks:
            return
        self.task = self.ctx.subcontext(task_name=self.unit.lower())
        self.task.call_on_fit_task_begin(estimator=self.est, **self.fit_data)

    def end(self, net, progress):
        if self.verbose:
            print(self.report(progress), flush=True)
        if self.task is None:
            return False
        task, self.task = self.task, None
        return task.call_on_fit_task_end(
            estimator=self.est,
            reconstruction_attributes=lambda: self.snapshot(net, progress),
            **self.fit_data,
        )

    def finish(self):
        """End a subtask that was begun but never ran (L-BFGS's last, or after Ctrl-C)."""
        if self.task is not None:
            task, self.task = self.task, None
            task.call_on_fit_task_end(estimator=self.est)

    def report(self, progress):
        """One readable line: the epoch, its losses and score, the time so far."""
        n = progress.n_iter if self.total is not None else len(progress.loss_curve)
        line = f"{self.unit} {n}" + (f"/{self.total}" if self.total is not None else "")
        line += f": loss {progress.loss:.6f}"
        validated = progress.validation_loss_curve or ()
        if len(validated) == len(progress.loss_curve):  # this epoch was validated
            line += (
                f", validation loss {progress.validation_loss_curve[-1]:.6f}"
                f", validation score {progress.validation_scores[-1]:.6f}"
            )
            if progress.best_iteration == len(progress.loss_curve):
                line += " (best)"
        line += f"  [{time.perf_counter() - self.started:.2f} s]"
        if progress.event:
            line += f"\n{progress.event}"
        return line


def snapshot_progress(progress):
    """A copy of the record that later epochs will not change."""
    frozen = copy.copy(progress)
    for name in ("loss_curve", "validation_scores", "validation_loss_curve"):
        value = getattr(progress, name)
        setattr(frozen, name, None if value is None else list(value))
    return frozen
