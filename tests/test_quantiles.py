"""Several quantiles of one target at once: BackpropRegressor(loss="quantile", quantile=[...]).

Expected values come from the definitions, written out here: the pinball
loss ``rho_q(u) = max(q u, (q - 1) u)``, a forward pass from ``coefs_`` and
``intercepts_``, D² as one minus the ratio of the model's pinball loss to
that of the best constant.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import r2_score

from skbp import BackpropRegressor, TabularRegressor

QUANTILES = [0.1, 0.5, 0.9]


def heteroscedastic(n, seed):
    """y = 2 x + (0.2 + x) e with e ~ N(0, 1), x ~ U(0, 1): the spread grows with x."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0, 1, size=(n, 1))
    y = 2 * X[:, 0] + (0.2 + X[:, 0]) * rng.normal(size=n)
    return X, y


X, y = heteroscedastic(300, seed=0)


def fitted(model, X=X, y=y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y, **fit_params)


def quick(**params):
    """A small tanh network; few epochs leave its quantile outputs crossing."""
    defaults = dict(
        loss="quantile",
        quantile=QUANTILES,
        hidden_layer_sizes=(8,),
        activation="tanh",
        max_iter=3,
        random_state=0,
    )
    return BackpropRegressor(**{**defaults, **params})


def raw_outputs(model, X):
    """The network's outputs before any sorting: tanh hidden layer, identity output."""
    (W0, W1), (b0, b1) = model.coefs_, model.intercepts_
    return np.tanh(X @ W0 + b0) @ W1 + b1


def pinball(y, y_hat, q):
    """rho_q(y - y_hat) per entry; y broadcasts over the columns of y_hat."""
    under = np.reshape(y, (-1, 1)) - y_hat
    return np.maximum(q * under, (np.asarray(q) - 1) * under)


# -- shapes, order, and the float case ------------------------------------------------


def test_columns_follow_the_sorted_quantiles():
    given = [0.9, 0.1, 0.5]
    shuffled = fitted(quick(quantile=given, max_iter=30))
    assert given == [0.9, 0.1, 0.5]  # the parameter is left as given
    np.testing.assert_array_equal(shuffled.quantiles_, [0.1, 0.5, 0.9])
    assert shuffled.n_outputs_ == 3
    ordered = fitted(quick(quantile=np.array([0.1, 0.5, 0.9]), max_iter=30))
    assert shuffled.predict(X).shape == (len(X), 3)
    np.testing.assert_allclose(shuffled.predict(X), ordered.predict(X), rtol=1e-12)


def test_a_float_keeps_the_shape_of_y_and_a_one_element_list_gives_a_column():
    one = fitted(quick(quantile=0.3, max_iter=20))
    listed = fitted(quick(quantile=[0.3], max_iter=20))
    assert one.quantiles_ is None
    np.testing.assert_array_equal(listed.quantiles_, [0.3])
    assert one.predict(X).shape == (len(X),)
    assert listed.predict(X).shape == (len(X), 1)
    np.testing.assert_allclose(listed.predict(X)[:, 0], one.predict(X), rtol=1e-12)
    np.testing.assert_allclose(one.score(X, y), r2_score(y, one.predict(X)), rtol=1e-12)


def test_other_losses_have_no_quantiles():
    model = fitted(BackpropRegressor(hidden_layer_sizes=(4,), max_iter=5, random_state=0))
    assert model.quantiles_ is None


def test_a_column_target_gives_the_same_quantiles():
    flat = fitted(quick(max_iter=10))
    column = fitted(quick(max_iter=10), y=y[:, np.newaxis])
    np.testing.assert_allclose(column.predict(X), flat.predict(X), rtol=1e-12)


# -- non-crossing ------------------------------------------------------------------


def test_predictions_never_cross_even_where_the_network_does():
    model = fitted(quick(quantile=[0.4, 0.45, 0.5, 0.55, 0.6]))
    raw = raw_outputs(model, X)
    assert (np.diff(raw, axis=1) < 0).any(), "the case must have crossing raw outputs"
    predicted = model.predict(X)
    assert (np.diff(predicted, axis=1) >= 0).all()
    np.testing.assert_allclose(predicted, np.sort(raw, axis=1), rtol=1e-12, atol=1e-12)


def test_sorting_lowers_the_summed_pinball_loss_by_the_crossing_gap():
    # For two quantiles q1 < q2 and a crossed pair a1 > a2, the rearrangement
    # inequality gives a decrease of exactly (q2 - q1)(a1 - a2), whatever y is.
    q = np.array([0.3, 0.7])
    model = fitted(quick(quantile=q, max_iter=2, random_state=2))
    raw, predicted = raw_outputs(model, X), model.predict(X)
    crossed = raw[:, 0] > raw[:, 1]
    assert crossed.any()  # some rows cross and need sorting
    assert (~crossed).any()  # others do not, and stay as they are
    before = pinball(y, raw, q).sum(axis=1)
    after = pinball(y, predicted, q).sum(axis=1)
    gap = np.where(crossed, (q[1] - q[0]) * (raw[:, 0] - raw[:, 1]), 0.0)
    np.testing.assert_allclose(before - after, gap, rtol=1e-9, atol=1e-12)


# -- training, scores, validation ---------------------------------------------------------


def test_each_column_covers_its_quantile_on_held_out_data():
    X_train, y_train = heteroscedastic(4000, seed=1)
    X_test, y_test = heteroscedastic(4000, seed=2)
    model = fitted(
        quick(hidden_layer_sizes=(16,), max_iter=60, learning_rate_init=0.01),
        X_train,
        y_train,
    )
    below = (y_test[:, np.newaxis] < model.predict(X_test)).mean(axis=0)
    np.testing.assert_allclose(below, QUANTILES, atol=0.05)
    # the spread grows with x: the interval is wider at x near 1 than near 0
    width = np.diff(model.predict(np.array([[0.05], [0.95]]))[:, [0, 2]], axis=1).ravel()
    assert width[1] > 2 * width[0]


def test_validation_loss_is_the_pinball_loss_summed_over_quantiles():
    X_val, y_val = heteroscedastic(100, seed=3)
    model = fitted(quick(max_iter=5), X_val=X_val, y_val=y_val)
    expected = pinball(y_val, raw_outputs(model, X_val), model.quantiles_).sum(axis=1).mean()
    np.testing.assert_allclose(model.validation_loss_curve_[-1], expected, rtol=1e-10)
    np.testing.assert_allclose(model.validation_scores_[-1], model.score(X_val, y_val))


def d2_by_hand(y, column, q):
    """1 - (pinball loss of column) / (pinball loss of the best constant).

    The best constant's loss is minimised at a data point (the loss is
    piecewise linear and convex in the constant), so trying every y_i finds it.
    """
    best = min(pinball(y, np.full((len(y), 1), c), q).sum() for c in y)
    return 1 - pinball(y, column[:, np.newaxis], q).sum() / best


def test_score_is_the_mean_d2_pinball_score_of_the_columns():
    model = fitted(quick(max_iter=40, learning_rate_init=0.01))
    predicted = model.predict(X)
    expected = np.mean([d2_by_hand(y, predicted[:, j], q) for j, q in enumerate(QUANTILES)])
    np.testing.assert_allclose(model.score(X, y), expected, rtol=1e-10)
    assert 0 < model.score(X, y) < 1


def test_early_stopping_stops_on_the_quantile_score():
    weights = np.random.default_rng(4).uniform(0.5, 2.0, size=len(y))
    model = fitted(
        quick(max_iter=50, early_stopping=True, n_iter_no_change=3, learning_rate_init=0.01),
        sample_weight=weights,
    )
    scores = np.asarray(model.validation_scores_)
    assert np.isfinite(scores).all()
    assert (scores <= 1).all()
    assert model.best_validation_score_ == scores.max()


def test_partial_fit_and_warm_start_keep_the_quantiles():
    model = quick()
    for _ in range(3):
        model.partial_fit(X, y)
    assert model.predict(X).shape == (len(X), 3)
    model.set_params(quantile=[0.2, 0.5, 0.8], warm_start=True)
    fitted(model)
    np.testing.assert_array_equal(model.quantiles_, [0.2, 0.5, 0.8])
    model.set_params(quantile=[0.2, 0.8])
    with pytest.raises(ValueError, match="Cannot continue training"):
        model.fit(X, y)


def test_a_pickled_model_predicts_the_same_columns():
    model = fitted(quick(max_iter=5))
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.quantiles_, QUANTILES)
    np.testing.assert_array_equal(again.predict(X), model.predict(X))


def test_clone_and_the_float32_network():
    model = fitted(clone(quick(max_iter=5)), X.astype(np.float32), y)
    predicted = model.predict(X.astype(np.float32))
    assert predicted.dtype == np.float32
    assert predicted.shape == (len(X), 3)
    assert (np.diff(predicted, axis=1) >= 0).all()


# -- what is refused ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantile", "message"),
    [
        ([], "non-empty 1-D sequence"),
        ([[0.1, 0.5]], "non-empty 1-D sequence"),
        ([0.1, 1.0], "strictly between 0 and 1"),
        ((0.0, 0.5), "strictly between 0 and 1"),
        ([0.5, np.nan], "strictly between 0 and 1"),
        ([0.5, 0.1, 0.5], r"lists \[0.5\] more than once"),
        (["low", "high"], "sequence of floats"),
    ],
)
def test_bad_quantiles_are_refused_and_leave_the_model_as_it_was(quantile, message):
    model = fitted(quick(max_iter=5))
    before = model.predict(X)
    model.set_params(quantile=quantile)
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)
    np.testing.assert_array_equal(model.predict(X), before)
    np.testing.assert_array_equal(model.quantiles_, QUANTILES)


def test_a_float_quantile_is_still_range_checked():
    with pytest.raises(ValueError, match="quantile"):
        quick(quantile=1.5).fit(X, y)


def test_several_quantiles_of_several_targets_are_refused():
    Y = np.column_stack([y, -y])
    with pytest.raises(ValueError, match="one model per target column"):
        quick().fit(X, Y)
    # one quantile of several targets still works, with the targets' shape
    assert fitted(quick(quantile=0.5), y=Y).predict(X).shape == (len(X), 2)


# -- the tabular regressor and ONNX -------------------------------------------------------


def test_tabular_regressor_rescales_sorted_quantile_columns():
    model = fitted(
        TabularRegressor(
            hidden_layer_sizes=(16,),
            quantile=QUANTILES,
            loss="quantile",
            max_iter=5,
            random_state=0,
        ),
        y=100 + 50 * y,
    )
    predicted = model.predict(X)
    assert predicted.shape == (len(X), 3)
    assert (np.diff(predicted, axis=1) >= 0).all()
    network = model.network_.predict(model.preprocessor_.transform(X).astype(np.float32))
    np.testing.assert_allclose(
        predicted, network * model.target_scale_ + model.target_mean_, rtol=1e-6
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_onnx_sorts_as_predict_does(dtype):
    pytest.importorskip("skl2onnx")
    ort = pytest.importorskip("onnxruntime")
    from skl2onnx import to_onnx

    model = fitted(quick(quantile=[0.4, 0.45, 0.5, 0.55, 0.6]))
    Xd = X.astype(dtype)
    assert (np.diff(raw_outputs(model, X), axis=1) < 0).any()  # sorting matters here
    settings = ort.SessionOptions()
    settings.intra_op_num_threads = 1
    session = ort.InferenceSession(
        to_onnx(model, Xd[:1]).SerializeToString(), settings, providers=["CPUExecutionProvider"]
    )
    (out,) = session.run(None, {"X": Xd})
    assert out.shape == (len(X), 5)
    assert out.dtype == dtype
    assert (np.diff(out, axis=1) >= 0).all()
    rtol = 2e-5 if dtype == np.float32 else 1e-9
    expected = model.predict(X)
    np.testing.assert_allclose(out, expected, rtol=rtol, atol=rtol * np.abs(expected).max())
