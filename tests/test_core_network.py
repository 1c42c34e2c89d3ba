"""The flat-vector network and the training loops of the core."""

import pickle
from itertools import pairwise

import numpy as np
import pytest
import scipy.sparse as sp

from skbp._core import SGD, Adam, Network, Progress, StochasticSettings, fit_lbfgs, fit_stochastic
from skbp._core.training import Batches


def test_parameters_are_one_vector_weights_first():
    net = Network((3, 4, 2), "relu", "squared_error")
    assert net.n_weights == 3 * 4 + 4 * 2
    assert net.n_params == net.n_weights + 4 + 2
    net.params[:] = np.arange(net.n_params)
    np.testing.assert_array_equal(net.coefs[0].ravel(), np.arange(12))
    np.testing.assert_array_equal(net.coefs[1].ravel(), np.arange(12, 20))
    np.testing.assert_array_equal(net.intercepts[0], np.arange(20, 24))
    np.testing.assert_array_equal(net.intercepts[1], np.arange(24, 26))
    assert all(np.shares_memory(view, net.params) for view in net.coefs + net.intercepts)


def test_pickling_rebuilds_views_into_the_vector():
    net = Network((3, 4, 2), "tanh", "log_loss").initialize(np.random.RandomState(0))
    net.workspace(5)
    loaded = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(loaded.params, net.params)
    loaded.params += 1.0
    np.testing.assert_array_equal(loaded.coefs[0], net.coefs[0] + 1.0)
    assert np.shares_memory(loaded.intercepts[1], loaded.params)


def test_copy_is_independent():
    net = Network((2, 3, 1), "relu", "squared_error").initialize(np.random.RandomState(0))
    clone = net.copy()
    clone.params[:] = 0
    assert np.abs(net.params).sum() > 0
    assert np.shares_memory(clone.coefs[0], clone.params)


@pytest.mark.parametrize(("activation", "factor"), [("logistic", 2.0), ("relu", 6.0)])
def test_glorot_bounds(activation, factor):
    net = Network((50, 30, 4), activation, "squared_error").initialize(np.random.RandomState(0))
    for W, b in zip(net.coefs, net.intercepts, strict=True):
        bound = np.sqrt(factor / (W.shape[0] + W.shape[1]))
        assert np.abs(W).max() <= bound
        assert np.abs(W).max() > 0.9 * bound
        assert np.abs(b).max() <= bound


def test_predict_equals_buffered_forward():
    rng = np.random.RandomState(0)
    net = Network((3, 5, 4), "logistic", "log_loss").initialize(rng)
    X = rng.normal(size=(10, 3))
    ws = net.workspace(16)
    np.testing.assert_allclose(net.forward(X, ws), net.predict(X))
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)


@pytest.mark.parametrize("sparse", [False, True])
def test_shuffled_batches_gather_the_right_rows(sparse):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(10, 3))
    Y = np.arange(10.0)[:, None]
    sw = np.arange(10.0)
    batches = Batches((sp.csc_matrix(X) if sparse else X, Y, sw), 4, shuffle=True)
    seen = []
    for Xb, Yb, swb in batches.epoch(np.random.RandomState(1)):
        rows = Yb[:, 0].astype(int)
        dense = Xb.toarray() if sparse else Xb
        np.testing.assert_array_equal(dense, X[rows])
        np.testing.assert_array_equal(swb, sw[rows])
        seen.extend(rows)
    assert sorted(seen) == list(range(10))
    assert seen != list(range(10))


def test_unshuffled_batches_are_views_and_size_one_works():
    X = np.arange(12.0).reshape(6, 2)
    Y = np.ones((6, 1))
    got = list(Batches((X, Y, None), 1, shuffle=False).epoch(None))
    assert len(got) == 6
    assert np.shares_memory(got[2][0], X)


def regression_problem(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    Y = (np.sin(X[:, :1]) + 0.5 * X[:, 1:] ** 2).astype(float)
    return X, Y


def settings(**overrides):
    base = dict(batch_size=20, max_iter=50, shuffle=True, tol=1e-4, n_iter_no_change=10, alpha=0)
    return StochasticSettings(**{**base, **overrides})


def test_fit_stochastic_lowers_the_loss_and_records_progress():
    X, Y = regression_problem()
    rng = np.random.RandomState(0)
    net = Network((2, 16, 1), "tanh", "squared_error").initialize(rng)
    progress = Progress()
    ending = fit_stochastic(
        net, Adam(net.n_params, net.dtype, 0.01), (X, Y, None), rng, settings(), progress
    )
    assert ending in ("converged", "max_iter")
    assert progress.n_iter == len(progress.loss_curve)
    assert progress.n_samples_seen == 200 * progress.n_iter
    assert progress.loss_curve[-1] < 0.2 * progress.loss_curve[0]
    assert progress.best_loss == min(progress.loss_curve)


def test_stops_after_n_iter_no_change_epochs_without_improvement():
    X, Y = regression_problem()
    rng = np.random.RandomState(0)
    net = Network((2, 4, 1), "relu", "squared_error").initialize(rng)
    progress = Progress()
    # A huge tol means no epoch ever counts as an improvement.
    ending = fit_stochastic(
        net,
        SGD(net.n_params, net.dtype, 0.01),
        (X, Y, None),
        rng,
        settings(tol=1e6, n_iter_no_change=3),
        progress,
    )
    # The first epoch always improves on an infinite best loss; each later one
    # counts, and training stops once the count exceeds n_iter_no_change.
    assert ending == "converged"
    assert progress.n_iter == 3 + 2


def test_validation_stopping_restores_the_best_parameters():
    X, Y = regression_problem()
    rng = np.random.RandomState(0)
    net = Network((2, 8, 1), "tanh", "squared_error").initialize(rng)
    scores = iter([0.1, 0.5, 0.3, 0.2, 0.2, 0.1])
    snapshots = []

    class Validation:
        early_stopping = True
        name = "Validation score"

        def evaluate(self, net):
            snapshots.append(net.params.copy())
            score = next(scores)
            return score, score, 1 - score

    progress = Progress(
        best_loss=None, validation_scores=[], validation_loss_curve=[], best_criterion=-np.inf
    )
    fit_stochastic(
        net,
        Adam(net.n_params, net.dtype, 0.01),
        (X, Y, None),
        rng,
        settings(max_iter=6, n_iter_no_change=2),
        progress,
        Validation(),
    )
    assert progress.validation_scores == [0.1, 0.5, 0.3, 0.2, 0.2]
    assert progress.validation_loss_curve == [0.9, 0.5, 0.7, 0.8, 0.8]
    assert progress.best_validation_score == 0.5
    assert progress.best_iteration == 2
    np.testing.assert_array_equal(net.params, snapshots[1])


def test_fit_lbfgs_reaches_a_small_gradient():
    # A (2, 10, 1) tanh net ran into max_iter on a plateau, stopping with a gradient
    # that rounding moved between 3e-5 and 0.99e-3 of the initial one. Without a
    # hidden layer the loss is convex: L-BFGS converges in six iterations.
    X, Y = regression_problem()
    net = Network((2, 1), "tanh", "squared_error").initialize(np.random.RandomState(0))
    ws = net.workspace(len(X))
    net.loss_and_gradient(X, Y, None, 1e-4, ws)
    initial_gradient = np.abs(ws.grad).max()
    progress = Progress()
    result = fit_lbfgs(net, (X, Y, None), 1e-4, 500, 15000, 1e-6, progress)
    curve = progress.loss_curve
    assert result.status == 0
    assert len(curve) == result.nit
    assert all(b <= a for a, b in pairwise(curve))
    loss = net.loss_and_gradient(X, Y, None, 1e-4, ws)
    assert loss == pytest.approx(result.fun)
    assert np.abs(ws.grad).max() < 1e-3 * initial_gradient


@pytest.mark.parametrize(
    ("activation", "dropout"), [("relu", 0.0), (("gelu", "mish"), 0.3), ("elu", (0.0, 0.5))]
)
@pytest.mark.parametrize("shuffle", [False, True])
def test_an_epoch_allocates_no_batch_sized_arrays(shuffle, activation, dropout):
    """After the first epoch, training reuses its buffers: per batch it allocates
    only arrays of batch x outputs (the loss terms), never batch x width.

    numpy's ufunc iterator may still take its own fixed-size buffer (8192
    elements, 64 KiB) for broadcasting operations such as the bias addition.
    """
    import tracemalloc

    rng = np.random.RandomState(0)
    X = rng.normal(size=(2048, 64))
    Y = np.eye(3)[rng.randint(0, 3, size=2048)]
    net = Network((64, 512, 256, 3), activation, "log_loss", dropout=dropout).initialize(rng)
    optimizer = Adam(net.n_params, net.dtype)
    batches = Batches((X, Y, None), 128, shuffle)
    ws = net.workspace(128)
    ws.dropout_rng = np.random.default_rng(0)
    from skbp._core.training import run_epoch

    run_epoch(net, optimizer, batches, rng, 1e-4, ws)
    tracemalloc.start()
    run_epoch(net, optimizer, batches, rng, 1e-4, ws)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    one_hidden_buffer = 128 * 512 * 8  # 512 KiB
    assert peak < one_hidden_buffer / 4


def test_lbfgs_lets_go_of_its_data_sized_buffers():
    X, Y = regression_problem()
    net = Network((2, 8, 1), "tanh", "squared_error").initialize(np.random.RandomState(0))
    fit_lbfgs(net, (X, Y, None), 1e-4, 5, 100, 1e-6, Progress())
    assert net._workspace is None


def test_batches_of_zero_weight_are_skipped():
    X, Y = regression_problem(n=40)
    sw = np.r_[np.zeros(20), np.ones(20)]
    nets = [Network((2, 4, 1), "tanh", "squared_error") for _ in range(2)]
    for net, data in zip(nets, [(X, Y, sw), (X[20:], Y[20:], None)], strict=True):
        net.initialize(np.random.RandomState(0))
        fit_stochastic(
            net,
            Adam(net.n_params, net.dtype, 0.01),
            data,
            np.random.RandomState(0),
            settings(batch_size=10, max_iter=3, shuffle=False),
            Progress(),
        )
    np.testing.assert_array_equal(nets[0].params, nets[1].params)


@pytest.mark.parametrize("sparse", [False, True])
def test_logits_in_row_blocks_equal_one_pass(monkeypatch, sparse):
    # Outside training the forward pass goes through PREDICT_ROWS rows at a
    # time; every row's output must be what one pass over all rows gives.
    import skbp._core.network as network

    net = Network((6, 8, 8, 3), ("mish", "softplus"), "log_loss")
    net.initialize(np.random.RandomState(0))
    X = np.random.RandomState(1).normal(size=(103, 6))
    X = sp.csr_matrix(X) if sparse else X
    whole = net.predict(X)
    monkeypatch.setattr(network, "PREDICT_ROWS", 10)
    blocks = net.predict(X)
    assert blocks.shape == whole.shape == (103, 3)
    np.testing.assert_allclose(blocks, whole, rtol=1e-12, atol=1e-15)
