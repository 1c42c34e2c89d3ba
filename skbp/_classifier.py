"""Classification: binary, multiclass and multilabel targets, labels of any kind."""

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d

from . import _docs
from ._base import BaseBackprop

SUPPORTED_TARGETS = ("binary", "multiclass", "multilabel-indicator")


class BackpropClassifier(ClassifierMixin, BaseBackprop):
    __doc__ = (
        """Multi-layer perceptron classifier trained by backpropagation.

    A drop-in for :class:`sklearn.neural_network.MLPClassifier`: same
    parameters, defaults and fitted attributes. Binary and multilabel
    problems use logistic outputs with binary cross-entropy, multiclass
    problems softmax outputs with categorical cross-entropy. Labels may be
    of any kind (ints, strings, a pandas Categorical); predictions are
    labels from ``classes_``, of the dtype scikit-learn gives them.

    Parameters
    ----------"""
        + _docs.PARAMETERS
        + """
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted; for multilabel targets the column indices.

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

    # __init__ is BaseBackprop's: the same parameters as MLPClassifier.

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to data X and labels y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains a float32 network.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel data.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights; None weighs all samples equally.

        Returns
        -------
        self : BackpropClassifier
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight)

    @available_if(BaseBackprop._check_partial_fit)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
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

    def predict(self, X):
        """Predict class labels for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Predicted labels, of the type given to fit; an indicator matrix
            for multilabel models.
        """
        return self._decode(self._forward(X))

    def predict_proba(self, X):
        """Probability of each class (each label, when multilabel) for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns ordered as ``classes_``. Rows sum to one except for
            multilabel models, whose columns are independent.
        """
        y_hat = self._forward(X)
        if self._kind == "binary":
            return np.hstack([1.0 - y_hat, y_hat])
        if self._kind == "one-class":
            return np.ones_like(y_hat)
        return y_hat

    def decision_function(self, X):
        """Output pre-activations (logits) for X: the scores the classes are ranked by.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For a binary model, the log-odds of ``classes_[1]`` (positive
            means it is the likelier class); otherwise one logit per class or
            label, whose softmax (multiclass) or logistic function
            (multilabel) is :meth:`predict_proba`.
        """
        z = self._forward(X, logits=True)
        return z.ravel() if self._kind in ("binary", "one-class") else z

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))``.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            return np.log(proba, out=proba)

    # -- targets: labels <-> network outputs ----------------------------------
    # ``_kind`` is 'binary' (one logistic output for classes_[1]), 'multiclass'
    # (softmax over classes_), 'multilabel-indicator' (one logistic output per
    # column) or 'one-class' (a single label seen: it is always predicted).

    def _decode(self, y_hat):
        if self._kind == "multiclass":
            return self.classes_[np.argmax(y_hat, axis=1)]
        if self._kind == "binary":
            return self.classes_[(y_hat[:, 0] > 0.5).astype(np.intp)]
        if self._kind == "one-class":
            return np.repeat(self.classes_, len(y_hat))
        labels = (y_hat > 0.5).astype(int)
        return sp.csr_matrix(labels) if self._sparse_labels else labels

    def _encode_targets(self, y, dtype, first_pass, classes, incremental):
        if np.ndim(y) == 2 and np.shape(y)[1] == 1:
            y = column_or_1d(y, warn=True)
        kind = type_of_target(y, input_name="y")
        if kind not in SUPPORTED_TARGETS:
            raise ValueError(
                f"Unknown label type: {kind}. {type(self).__name__} supports binary, "
                "multiclass and multilabel-indicator targets."
            )
        if first_pass:
            self._fit_classes(y, kind, classes, incremental)
        self._check_labels(y, kind, None if first_pass else classes, incremental)
        return self._one_hot(y, dtype)

    def _fit_classes(self, y, kind, classes, incremental):
        if kind == "multilabel-indicator":
            if classes is not None and len(classes) != y.shape[1]:
                raise ValueError(f"classes has {len(classes)} labels, y has {y.shape[1]}.")
            self.classes_ = np.arange(y.shape[1])
            self._kind = kind
            self._sparse_labels = sp.issparse(y)  # predict in the same format
            return
        if incremental and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit "
                "(unless y is a multilabel indicator matrix)."
            )
        self.classes_ = unique_labels(y if classes is None else classes)
        n_classes = len(self.classes_)
        self._kind = "multiclass" if n_classes > 2 else ("binary", "one-class")[n_classes < 2]

    def _check_labels(self, y, kind, classes, incremental):
        if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={np.unique(classes)} differs from the classes_ of the "
                f"previous call, {self.classes_}."
            )
        if (kind == "multilabel-indicator") != (self._kind == "multilabel-indicator"):
            raise ValueError(f"y is {kind}, but the model was fitted on {self._kind} targets.")
        if kind == "multilabel-indicator":
            if y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y has {y.shape[1]} labels, but the model has {len(self.classes_)}."
                )
            return
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if len(unseen):
            remedy = (
                "pass every class to the first partial_fit call"
                if incremental
                else "set warm_start=False to train a new model on them"
            )
            raise ValueError(f"y has classes {unseen} not in classes_ {self.classes_}; {remedy}.")

    def _one_hot(self, y, dtype):
        """Targets for the output units: indicator columns in ``classes_`` order."""
        if self._kind == "multilabel-indicator":
            return (y.toarray() if sp.issparse(y) else np.asarray(y)).astype(dtype)
        index = np.searchsorted(self.classes_, y)
        if self._kind != "multiclass":  # one logistic unit, on for classes_[1]
            return (index == 1).astype(dtype)[:, np.newaxis]
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), index] = 1.0
        return Y

    def _loss_name(self):
        return "log_loss" if self._kind == "multiclass" else "binary_log_loss"

    def _score_outputs(self, y_true, y_hat, sample_weight):
        return accuracy_score(y_true, self._decode(y_hat), sample_weight=sample_weight)

    def _stratify_by(self, y):
        return y if np.ndim(y) == 1 else None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
