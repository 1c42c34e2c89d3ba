"""Classification: binary, multiclass and multilabel targets, labels of any kind."""

from collections.abc import Callable, Mapping, Sequence
from numbers import Real
from typing import Any, Self

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import column_or_1d

from . import _docs, _labels
from ._base import BaseBackprop
from ._typing import LayerSizes, MatrixLike, PerLayer, PerLayerRate, RandomStateLike, TargetLike


class BackpropClassifier(ClassifierMixin, BaseBackprop):
    __doc__ = (
        """Multi-layer perceptron classifier trained by backpropagation.

    A drop-in for :class:`sklearn.neural_network.MLPClassifier`: same
    parameters, defaults and fitted attributes. Binary and multilabel
    problems use logistic outputs with binary cross-entropy, multiclass
    problems softmax outputs with categorical cross-entropy, and
    multiclass-multioutput problems (a 2-D ``y`` of labels) one softmax group
    per output in one network. Labels may be
    of any kind (ints, strings, a pandas Categorical); predictions are
    labels from ``classes_``, of the dtype scikit-learn gives them.

    Parameters
    ----------"""
        + _docs.PARAMETERS
        + """
    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: a dict
        ``{label: weight}``; or 'balanced', ``n_samples / (n_classes *
        count(label))``, where the counts add up the samples' weights when
        ``sample_weight`` is given (so that a weight of 2 is the same as a
        repeated sample). For multilabel and multiclass-multioutput targets,
        a list with one dict per output, or 'balanced' for each output; the
        outputs' weights are multiplied, as in
        :func:`sklearn.utils.class_weight.compute_sample_weight`.
        ``partial_fit`` accepts dicts only.

    label_smoothing : float, default=0.0
        Trains toward ``(1 - label_smoothing) y + label_smoothing / K``
        instead of the one-hot ``y``, ``K`` being the size of the softmax
        (the number of classes) or 2 for a logistic output. ``loss_`` is then
        the cross-entropy with those targets.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,), or list of them
        Class labels, sorted; for multilabel targets the column indices; for
        multiclass-multioutput targets one array per output.

    out_activation_ : str
        Output activation: 'logistic' (binary, multilabel) or 'softmax'.
"""
        + _docs.ATTRIBUTES
        + """
    See Also
    --------
    BackpropRegressor : The same network for regression.

    Notes
    -----"""
        + _docs.NOTES
        + """
    Examples
    --------
    >>> import numpy as np
    >>> from skbp import BackpropClassifier
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 10, dtype=float)
    >>> y = np.array(["no", "yes", "yes", "no"] * 10)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(8,), activation="tanh",
    ...                          solver="lbfgs", random_state=0).fit(X, y)
    >>> clf.predict([[0, 1], [1, 1]]).tolist()
    ['yes', 'no']
    >>> clf.classes_.tolist()
    ['no', 'yes']
    """
    )

    _numeric_target = False
    _missing_target_advice = (
        "a classifier's labels must all be given; drop the rows whose label is missing"
    )

    _parameter_constraints: dict = {
        **BaseBackprop._parameter_constraints,
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
        "label_smoothing": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes: LayerSizes = (100,),
        activation: PerLayer = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: RandomStateLike = None,
        tol: float = 1e-4,
        verbose: bool | int = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int | float = 10,
        max_fun: int = 15000,
        dropout: PerLayerRate = 0.0,
        scoring: str | Callable[..., float] | None = None,
        weight_decay: float = 0.0,
        max_grad_norm: float | None = None,
        warmup_fraction: float | None = None,
        class_weight: Mapping[Any, float] | Sequence[Mapping[Any, float]] | str | None = None,
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            scoring=scoring,
            weight_decay=weight_decay,
            max_grad_norm=max_grad_norm,
            warmup_fraction=warmup_fraction,
        )
        self.class_weight = class_weight
        self.label_smoothing = label_smoothing

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(
        self,
        X: MatrixLike,
        y: TargetLike,
        sample_weight: ArrayLike | None = None,
        *,
        X_val: MatrixLike | None = None,
        y_val: TargetLike | None = None,
        sample_weight_val: ArrayLike | None = None,
    ) -> Self:
        """Fit the network to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains a float32 network.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel data.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights; None weighs all samples equally.

        X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
            Validation data, scored after each epoch (or L-BFGS iteration):
            ``validation_scores_`` and ``validation_loss_curve_`` record it.
            It replaces the ``validation_fraction`` split of early stopping,
            which then stops on it; without early stopping it is only
            watched. In a Pipeline, ``Pipeline(..., transform_input=["X_val"])``
            transforms it as X.
        y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
            Validation targets; required with ``X_val``.
        sample_weight_val : array-like of shape (n_val,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : BackpropClassifier
            The fitted estimator.
        """
        validation = (X_val, y_val, sample_weight_val)
        given = None if all(v is None for v in validation) else validation
        return self._fit(X, y, sample_weight, validation=given)

    @available_if(BaseBackprop._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(
        self,
        X: MatrixLike,
        y: TargetLike,
        sample_weight: ArrayLike | None = None,
        classes: ArrayLike | None = None,
    ) -> Self:
        """Train one epoch over the given data, continuing from the current state.

        Only for ``solver='sgd'`` or ``'adam'``; the optimizer's state carries
        over from call to call.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel data.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights.
        classes : array-like of shape (n_classes,), default=None
            Every class that y may ever contain. Required on the first call,
            unless y is a multilabel indicator matrix (its columns are the
            classes); later calls may omit it.

        Returns
        -------
        self : BackpropClassifier
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X: MatrixLike) -> NDArray[Any]:
        """Predict class labels for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted labels, of the type given to fit; an indicator matrix
            for multilabel models, one column per output for
            multiclass-multioutput ones.
        """
        return self._decode(self._forward(X))

    def predict_proba(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """Probability of each class (each label, when multilabel) for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), or list of them
            Columns ordered as ``classes_``. Rows sum to one except for
            multilabel models, whose columns are independent. For a
            multiclass-multioutput model, one such array per output, as
            :class:`~sklearn.multioutput.MultiOutputClassifier` gives.
        """
        y_hat = self._forward(X)
        if self._kind == "multiclass-multioutput":
            return [p.copy() for p in _labels.split_groups(y_hat, self.classes_)]
        if self._kind == "binary":
            return np.hstack([1.0 - y_hat, y_hat])
        if self._kind == "one-class":
            return np.ones_like(y_hat)
        return y_hat

    def decision_function(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """Output pre-activations (logits) for X: the scores the classes are ranked by.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes), or list
            For a binary model, the log-odds of ``classes_[1]`` (positive
            means it is the likelier class); otherwise one logit per class or
            label, whose softmax (multiclass) or logistic function
            (multilabel) is :meth:`predict_proba`; for a
            multiclass-multioutput model a list, one array per output.
        """
        z = self._forward(X, logits=True)
        if self._kind == "multiclass-multioutput":
            return [g.copy() for g in _labels.split_groups(z, self.classes_)]
        return z.ravel() if self._kind in ("binary", "one-class") else z

    def predict_log_proba(self, X: MatrixLike) -> NDArray[Any] | list[NDArray[Any]]:
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes), or list of them
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            if isinstance(proba, list):
                return [np.log(p, out=p) for p in proba]
            return np.log(proba, out=proba)

    def score(self, X: MatrixLike, y: TargetLike, sample_weight: ArrayLike | None = None) -> float:
        """Mean accuracy on X and y; for multioutput labels, of whole rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Accuracy; a multiclass-multioutput (or multilabel) sample counts
            as correct only when every output is, as in
            :meth:`MultiOutputClassifier.score
            <sklearn.multioutput.MultiOutputClassifier.score>`.
        """
        if getattr(self, "_kind", None) != "multiclass-multioutput":
            return super().score(X, y, sample_weight=sample_weight)
        return _labels.subset_accuracy(y, self.predict(X), sample_weight)

    # -- targets: labels <-> network outputs (see skbp._labels) ---------------

    def _decode(self, y_hat):
        return _labels.decode(y_hat, self._kind, self.classes_, self._sparse_labels)

    def _encode_targets(self, y, dtype, first_pass, classes, incremental):
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        if _labels.has_none(y):
            raise ValueError(f"y contains None: {self._missing_target_advice}.")
        kind = _labels.target_kind(y)
        per_output = self._kind if not first_pass else _labels.kind_of_classes(classes)
        if kind == "multilabel-indicator" and per_output == "multiclass-multioutput":
            kind = per_output  # a batch in which every output's labels happen to be 0 or 1
        if kind not in _labels.SUPPORTED:
            raise ValueError(
                f"Unknown label type: {kind}. {type(self).__name__} supports binary, "
                "multiclass, multilabel-indicator and multiclass-multioutput targets."
            )
        if first_pass:
            self.classes_, self._kind = _labels.fit_classes(y, kind, classes, incremental)
            self._sparse_labels = sp.issparse(y)  # predict in the same format
        new_classes = None if first_pass else classes
        _labels.check_labels(y, kind, self.classes_, self._kind, new_classes, incremental)
        return _labels.one_hot(y, self._kind, self.classes_, dtype, self.label_smoothing)

    def _task_sample_weight(self, y, sample_weight, dtype, incremental):
        if self.class_weight is None:
            return sample_weight
        if incremental and isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' is not supported by partial_fit, which sees one "
                "batch at a time; compute the weights on the whole data with "
                "sklearn.utils.class_weight.compute_class_weight and pass them as a dict."
            )
        y = y.toarray() if sp.issparse(y) else np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()  # one output: class_weight is one dict, not a list
        weights = _labels.class_sample_weight(self.class_weight, y, sample_weight)
        weights = weights.astype(dtype)
        return weights if sample_weight is None else sample_weight * weights

    def _loss_name(self):
        if self._kind == "multiclass-multioutput":
            return "grouped_log_loss"
        return "log_loss" if self._kind == "multiclass" else "binary_log_loss"

    def _loss_params(self):
        groups = _labels.groups(self._kind, self.classes_)
        return {} if groups is None else {"groups": groups}

    def _score_outputs(self, y_true, y_hat, sample_weight):
        if self._kind == "multiclass-multioutput":
            return _labels.subset_accuracy(y_true, self._decode(y_hat), sample_weight)
        return accuracy_score(y_true, self._decode(y_hat), sample_weight=sample_weight)

    def _stratify_by(self, y):
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            return np.ravel(y)  # a column of labels is one output, as training treats it
        return y if np.ndim(y) == 1 else None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.target_tags.multi_output = True
        return tags
