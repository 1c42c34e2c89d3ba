"""Errors that say what went wrong in the user's terms, and what to do instead."""

import numpy as np
import pytest
from sklearn.metrics import f1_score, make_scorer, precision_score

from skbp import BackpropClassifier, BackpropRegressor, TabularClassifier, TabularRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CLASSIFIERS = [BackpropClassifier, TabularClassifier]
N = 40


def features(n=N, seed=0):
    return np.random.RandomState(seed).normal(size=(n, 3))


def quick(Estimator, **params):
    return Estimator(hidden_layer_sizes=(4,), max_iter=2, random_state=0, **params)


# -- missing labels ----------------------------------------------------------------


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
@pytest.mark.parametrize(("value", "what"), [(np.nan, "NaN"), (np.inf, "infinity")])
def test_a_missing_label_is_named_as_y(Estimator, value, what):
    y = np.array([0.0, 1.0] * (N // 2))
    y[5] = value
    with pytest.raises(ValueError, match=rf"^y contains {what}: .*drop the rows whose label"):
        quick(Estimator).fit(features(), y)


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_a_none_among_text_labels_is_a_missing_label(Estimator):
    y = np.array(["no", "yes"] * (N // 2), dtype=object)
    y[7] = None
    with pytest.raises(ValueError, match=r"y contains None: .*drop the rows whose label"):
        quick(Estimator).fit(features(), y)


@pytest.mark.parametrize("row", range(0, N, 3))
def test_a_missing_label_is_named_as_y_wherever_the_hold_out_split_puts_it(row):
    # The tabular classifier splits off its early-stopping rows itself: a
    # missing label among them is still the user's y, not a validation set.
    y = np.array(["no", "yes"] * (N // 2), dtype=object)
    y[row] = None
    with pytest.raises(ValueError, match=r"^y contains None: .*drop the rows whose label"):
        quick(TabularClassifier).fit(features(), y)


def test_a_nan_among_text_labels_is_a_missing_label():
    y = np.array(["no", "yes"] * (N // 2), dtype=object)
    y[7] = np.nan
    with pytest.raises(ValueError, match=r"^y contains NaN: a classifier's labels must all"):
        quick(BackpropClassifier).fit(features(), y)


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_a_missing_validation_label_is_named_as_y_val(Estimator):
    y = np.array([0, 1] * (N // 2))
    y_val = np.array([0.0, 1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"y_val contains NaN: .*drop the rows whose label"):
        quick(Estimator).fit(features(), y, X_val=features(4, seed=1), y_val=y_val)


def test_a_missing_regression_target_is_named_as_y():
    y = np.linspace(0.0, 1.0, N)
    y[3] = np.nan
    with pytest.raises(ValueError, match=r"^y contains NaN: .*drop the rows whose target"):
        quick(BackpropRegressor).fit(features(), y)


# -- scorers that do not suit the classes --------------------------------------------


def text_labels():
    return np.where(features()[:, 0] > 0, "yes", "no")


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
@pytest.mark.parametrize("scoring", ["f1", "precision", "recall"])
def test_a_pos_label_scorer_on_text_labels_says_how_to_name_it(Estimator, scoring):
    expected = f"scoring=make_scorer({scoring}_score, pos_label='yes')"
    with pytest.raises(ValueError, match=r"pos_label.*\['no', 'yes'\]") as info:
        quick(Estimator, scoring=scoring, early_stopping=True).fit(features(), text_labels())
    assert expected in str(info.value)


def test_a_pos_label_scorer_from_make_scorer_is_named_by_its_metric():
    scorer = make_scorer(precision_score, zero_division=0)
    y = np.array([2, 3] * (N // 2))  # numbers, but pos_label=1 is none of them
    with pytest.raises(ValueError, match=r"make_scorer\(precision_score, pos_label=3\)"):
        quick(BackpropClassifier, scoring=scorer, early_stopping=True).fit(features(), y)


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_the_suggested_scorer_works(Estimator):
    scorer = make_scorer(f1_score, pos_label="yes")
    clf = quick(Estimator, scoring=scorer, early_stopping=True).fit(features(), text_labels())
    assert len(clf.validation_scores_) == 2


def three_classes():
    return np.digitize(features()[:, 0], [-0.5, 0.5])


@pytest.mark.parametrize("Estimator", CLASSIFIERS)
def test_roc_auc_on_several_classes_names_the_multiclass_scorers(Estimator):
    clf = quick(Estimator, scoring="roc_auc", early_stopping=True)
    with pytest.raises(ValueError, match=r"3 classes: use scoring='roc_auc_ovr'.*'roc_auc_ovo'"):
        clf.fit(features(), three_classes())
    clf.set_params(scoring="roc_auc_ovr").fit(features(), three_classes())
    assert len(clf.validation_scores_) == 2


def test_a_binary_average_on_several_classes_names_the_averaged_scorers():
    clf = quick(BackpropClassifier, scoring="f1", early_stopping=True)
    with pytest.raises(ValueError, match=r"there are 3: .* 'f1_macro' or 'f1_weighted'"):
        clf.fit(features(), three_classes())


def test_the_scorer_error_is_raised_with_lbfgs_too():
    clf = quick(BackpropClassifier, solver="lbfgs", scoring="f1")
    X_val, y_val = features(10, seed=1), np.array(["no", "yes"] * 5)
    with pytest.raises(ValueError, match=r"make_scorer\(f1_score, pos_label='yes'\)"):
        clf.fit(features(), text_labels(), X_val=X_val, y_val=y_val)


def test_a_failed_scorer_leaves_the_estimator_as_it_was():
    clf = quick(BackpropClassifier, scoring="f1", early_stopping=True)
    with pytest.raises(ValueError, match="pos_label"):
        clf.fit(features(), text_labels())
    assert not hasattr(clf, "classes_")


# -- settings L-BFGS has no use for ----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"weight_decay": 0.1}, "weight_decay=0.1 needs a stochastic solver"),
        ({"max_grad_norm": 1.0}, "max_grad_norm=1.0 needs a stochastic solver"),
        (
            {"weight_decay": 0.1, "max_grad_norm": 1.0},
            "weight_decay=0.1 and max_grad_norm=1.0 need a stochastic solver",
        ),
    ],
)
def test_lbfgs_settings_message_agrees_in_number(params, expected):
    with pytest.raises(ValueError, match=expected):
        quick(BackpropClassifier, solver="lbfgs", **params).fit(features(), three_classes())


# -- tables too small for the early-stopping split -------------------------------------


@pytest.mark.parametrize("n_rows", [1, 2])
@pytest.mark.parametrize(
    "Estimator", [BackpropClassifier, BackpropRegressor, TabularClassifier, TabularRegressor]
)
def test_a_table_too_small_to_split_says_what_to_do(Estimator, n_rows):
    y = [0, 1][:n_rows] if Estimator in CLASSIFIERS else [0.5, 1.5][:n_rows]
    est = quick(Estimator, early_stopping=True)
    with pytest.raises(ValueError, match="too") as info:
        est.fit(features(n_rows), y)
    message = str(info.value)
    for remedy in ("(X_val, y_val)", "early_stopping=False", "more rows"):
        assert remedy in message
    assert "Adjust any" not in message  # train_test_split's own words


@pytest.mark.parametrize(
    ("n_rows", "fraction", "part"),
    [(1, 0.1, "validation"), (2, 0.1, "validation"), (2, 0.9, "training"), (3, 0.9, "training")],
)
def test_the_split_names_the_side_left_too_small(n_rows, fraction, part):
    """``train_test_split`` holds out ceil(fraction * n) rows; validation needs 2, training 1."""
    est = quick(BackpropRegressor, early_stopping=True, validation_fraction=fraction)
    with pytest.raises(ValueError, match=rf"^The {part} set is too small: .*\(X_val, y_val\)"):
        est.fit(features(n_rows), np.arange(n_rows, dtype=float))


@pytest.mark.parametrize("Estimator", [BackpropClassifier, BackpropRegressor])
def test_a_small_table_trains_with_its_own_validation_set(Estimator):
    y = [0, 1] if Estimator is BackpropClassifier else [0.5, 1.5]
    est = quick(Estimator, early_stopping=True)
    est.fit(features(2), y, X_val=features(2, seed=1), y_val=y)
    assert len(est.validation_scores_) >= 1
