"""scikit-learn's own estimator checks, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbp import BackpropClassifier, BackpropRegressor

# The defaults, plus small quick networks for each solver family.
ESTIMATORS = [
    BackpropClassifier(),
    BackpropRegressor(),
    BackpropClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0),
    BackpropRegressor(hidden_layer_sizes=(16,), max_iter=300, random_state=0),
    BackpropClassifier(hidden_layer_sizes=(8,), solver="lbfgs", random_state=0),
    # alpha=1.0: with the default alpha, L-BFGS drifts along a flat valley of the
    # tiny over-parameterised problem in check_sample_weight_equivalence, and the
    # weighted and repeated fits (different sums) parted by up to 4e-8, against the
    # check's rtol of 1e-7. Regularised, they agree to 1e-12.
    BackpropRegressor(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
