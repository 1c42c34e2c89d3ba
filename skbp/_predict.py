"""The validated forward pass behind predict, predict_proba and decision_function."""

import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data


class Prediction:
    """Network outputs for new data, checked (a mixin of BaseBackprop)."""

    def _forward(self, X, logits=False):
        """Validated forward pass: network outputs (or their ``z``) for every row of X.

        Casting to a float32 network's dtype may overflow (validate_data then
        reports a value too large), and hidden units may overflow and saturate
        on inputs far outside the training data's scale while the outputs stay
        finite. So the pass first runs with floating-point trouble raising,
        which costs nothing when there is none; on any, it runs again quietly
        and warns only if some outputs are not finite.
        """
        if not hasattr(self, "_network"):
            check_is_fitted(self)  # raises NotFittedError
        try:
            with np.errstate(over="raise", invalid="raise", divide="raise"):
                return self._unchecked_forward(X, logits)
        except FloatingPointError:
            pass
        with np.errstate(all="ignore"):
            out = self._unchecked_forward(X, logits)
            finite = np.isfinite(out).all()
        if not finite:
            warnings.warn(
                "Some predictions are not finite: the inputs are probably far outside "
                "the scale of the training data.",
                RuntimeWarning,
                stacklevel=3,
            )
        return out

    def _unchecked_forward(self, X, logits):
        if not self._is_plain_valid_array(X):
            X = validate_data(
                self, X, accept_sparse=["csr", "csc"], dtype=self._network.dtype, reset=False
            )
        return self._network.logits(X) if logits else self._network.predict(X)

    def _is_plain_valid_array(self, X):
        """Whether X needs no validation: what validate_data would return unchanged.

        A finite 2-D ndarray of the network's dtype and width, for a model fitted
        without feature names. Checking this directly costs a few microseconds
        where the general path costs tens, which is most of a one-row predict.
        """
        return (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype == self._network.dtype
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            # inf or nan (or, in _forward's errstate, a sum that overflows): the slow path
            and np.isfinite(np.add.reduce(X, axis=None))
        )
