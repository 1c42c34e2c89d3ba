"""scikit-learn's own estimator checks, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skbp import BackpropClassifier, BackpropRegressor, TabularClassifier, TabularRegressor

# The defaults, plus small quick networks for each solver family.
ESTIMATORS = [
    BackpropClassifier(),
    BackpropRegressor(),
    BackpropClassifier(hidden_layer_sizes=(16,), max_iter=300, random_state=0),
    BackpropRegressor(hidden_layer_sizes=(16,), max_iter=300, random_state=0),
    # alpha=1.0: unregularised, L-BFGS fits check_classifier_multioutput's 42
    # samples with logits beyond 36, where the logistic function rounds to 1.0,
    # and the ranking of probabilities can no longer follow decision_function's.
    BackpropClassifier(
        hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, class_weight="balanced", random_state=0
    ),
    # alpha=1.0: with the default alpha, L-BFGS drifts along a flat valley of the
    # tiny over-parameterised problem in check_sample_weight_equivalence, and the
    # weighted and repeated fits (different sums) parted by up to 4e-8, against the
    # check's rtol of 1e-7. Regularised, they agree to 1e-12.
    BackpropRegressor(hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, random_state=0),
    # What skbp adds: per-layer activations, the robust losses, label smoothing
    # and (with L-BFGS above, which has no partial_fit to refuse 'balanced')
    # class weights. Dropout is left out on purpose: a sample repeated k times
    # draws k independent masks where one of weight k draws one, so
    # check_sample_weight_equivalence cannot hold for it; its own tests are in
    # test_model_features.py.
    BackpropClassifier(
        hidden_layer_sizes=(16, 8),
        activation=("gelu", "tanh"),
        label_smoothing=0.1,
        max_iter=300,
        random_state=0,
    ),
    BackpropRegressor(
        hidden_layer_sizes=(16, 8),
        activation=("silu", "elu"),
        loss="huber",
        max_iter=300,
        random_state=0,
    ),
    BackpropRegressor(hidden_layer_sizes=(16,), loss="quantile", quantile=0.3, random_state=0),
    # The training controls of 0.3: per-batch schedules with warm-up, decoupled
    # weight decay and gradient clipping, and early stopping's scoring (which the
    # checks never switch on: its random split cannot match repeated samples).
    BackpropRegressor(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate="cosine",
        warmup_fraction=0.1,
        weight_decay=1e-3,
        max_grad_norm=10.0,
        scoring="loss",
        max_iter=300,
        random_state=0,
    ),
    BackpropClassifier(
        hidden_layer_sizes=(16,),
        learning_rate="one_cycle",
        weight_decay=1e-2,
        max_grad_norm=1.0,
        scoring="roc_auc",
        max_iter=300,
        random_state=0,
    ),
    # The tabular estimators with their preprocessing, schedule, weight decay and
    # label smoothing, but without the two random ingredients that
    # check_sample_weight_equivalence cannot follow (see dropout above; the
    # early-stopping split of repeated rows differs from that of weighted ones),
    # and in float64, whose predictions the checks compare at rtol 1e-7.
    *(
        Tabular(
            hidden_layer_sizes=(32,),
            dropout=0.0,
            early_stopping=False,
            max_iter=100,
            dtype="float64",
            random_state=0,
        )
        for Tabular in (TabularClassifier, TabularRegressor)
    ),
    # Their default cross-fitted members, early-stopped on folds, and the
    # classifier's temperature: check_sample_weight_equivalence hands ``cv``
    # folds that match repeated rows to weighted ones. The kept epoch is the
    # one of least validation loss: check_class_weight_classifiers weighs one
    # class 10^7 times the others, and the class-weighted accuracy it would
    # otherwise use is flat (a tie keeps the earliest epoch) long before the
    # loss has followed the weights.
    *(
        Tabular(
            hidden_layer_sizes=(32,),
            dropout=0.0,
            max_iter=100,
            scoring="loss",
            dtype="float64",
            random_state=0,
        )
        for Tabular in (TabularClassifier, TabularRegressor)
    ),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
