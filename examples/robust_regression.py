"""
Regression losses beyond squared error: outliers, skewed noise, quantiles
=========================================================================

:class:`skbp.BackpropRegressor` trains with ``loss='squared_error'`` by
default, which makes the network estimate the conditional *mean* of y. Two
situations where that is not what one wants:

1. **Gross outliers in the training targets.** One training target in ten
   is shifted upwards by 2 to 8 (a glitching sensor, say), far beyond the
   noise of 0.1. Squared error pulls the fit towards them, since a residual
   r costs ``r**2 / 2`` and pushes back with force r. ``loss='huber'`` counts
   residuals beyond ``huber_delta`` linearly and ``loss='absolute_error'``
   counts every residual linearly, so an outlier pushes with a bounded
   force (``huber_delta``, or 1) however far away it is. The models are
   scored on held-out points *without* outliers: the mean absolute error
   (MAE) against their targets, beside the MAE of the true function itself
   (the noise floor), and the median error (the bias).

2. **Skewed noise.** Here the noise is exponential, with a spread that
   grows with ``|x|``: the mean lies above the median, and a symmetric band
   around the mean would be the wrong shape. ``loss='quantile'`` with
   ``quantile=q`` estimates the conditional q-quantile: ideally a share q of
   new targets falls below its prediction. The script prints that share on
   held-out data for the 0.1 and 0.9 quantiles, for the median
   (``absolute_error``) and for the mean (``squared_error``; for exponential
   noise a share ``1 - 1/e = 0.632`` of targets lies below the mean), and
   how often a held-out target falls between the 0.1 and 0.9 predictions
   (ideally 0.8).

The non-smooth losses are trained with SGD here; L-BFGS assumes a smooth
loss and may stop early on them with a ``ConvergenceWarning``.

Run it with ``python examples/robust_regression.py``.
"""

import numpy as np

from skbp import BackpropRegressor

SEED = 0
N_TRAIN = 2000
N_TEST = 1000
NOISE = 0.1
OUTLIER_SHARE = 0.1


def truth(X):
    return np.sin(X[:, 0]) + 0.5 * X[:, 0]


def make_model(loss, **loss_params):
    return BackpropRegressor(
        loss=loss,
        **loss_params,
        hidden_layer_sizes=(32, 32),
        activation="tanh",
        solver="sgd",
        learning_rate="adaptive",
        learning_rate_init=0.05,
        max_iter=1000,
        tol=1e-5,
        random_state=SEED,
    )


def outliers(rng):
    X = rng.uniform(-3, 3, size=(N_TRAIN, 1))
    y = truth(X) + rng.normal(scale=NOISE, size=N_TRAIN)
    glitch = rng.random(N_TRAIN) < OUTLIER_SHARE
    y[glitch] += rng.uniform(2, 8, size=glitch.sum())
    X_test = rng.uniform(-3, 3, size=(N_TEST, 1))
    y_test = truth(X_test) + rng.normal(scale=NOISE, size=N_TEST)  # clean points

    print(f"1. {glitch.sum()} of {N_TRAIN} training targets shifted up by 2 to 8")
    print(
        f"   noise floor (MAE of the true function on the test points): "
        f"{np.abs(truth(X_test) - y_test).mean():.3f}"
    )
    print(f"   {'loss':>22} {'test MAE':>9} {'median error':>13}")
    results = {}
    for name, loss, params in [
        ("squared_error", "squared_error", {}),
        ("huber (delta=0.2)", "huber", {"huber_delta": 0.2}),
        ("absolute_error", "absolute_error", {}),
    ]:
        error = make_model(loss, **params).fit(X, y).predict(X_test) - y_test
        results[loss] = mae = np.abs(error).mean()
        print(f"   {name:>22} {mae:>9.3f} {np.median(error):>+13.3f}")
    return results


def skewed_noise(rng):
    def sample(n):
        X = rng.uniform(-3, 3, size=(n, 1))
        spread = 0.2 + 0.1 * np.abs(X[:, 0])
        return X, truth(X) + spread * rng.exponential(size=n)

    X, y = sample(N_TRAIN)
    X_test, y_test = sample(N_TEST)
    print()
    print("2. exponential noise, spread 0.2 + 0.1 |x|")
    print(f"   {'loss':>22} {'estimates':>10} {'ideal share below':>18} {'share below':>12}")
    predictions = {}
    for name, loss, params, estimates, ideal in [
        ("squared_error", "squared_error", {}, "mean", 1 - np.exp(-1)),
        ("absolute_error", "absolute_error", {}, "median", 0.5),
        ("quantile (q=0.1)", "quantile", {"quantile": 0.1}, "q = 0.1", 0.1),
        ("quantile (q=0.9)", "quantile", {"quantile": 0.9}, "q = 0.9", 0.9),
    ]:
        predicted = make_model(loss, **params).fit(X, y).predict(X_test)
        predictions[name] = predicted
        below = np.mean(y_test < predicted)
        print(f"   {name:>22} {estimates:>10} {ideal:>18.3f} {below:>12.3f}")
    low, high = predictions["quantile (q=0.1)"], predictions["quantile (q=0.9)"]
    coverage = np.mean((low <= y_test) & (y_test <= high))
    print(
        f"   held-out targets inside [q=0.1, q=0.9]: {coverage:.3f} (ideally 0.8), "
        f"mean width {np.mean(high - low):.3f}"
    )
    return coverage


def main():
    rng = np.random.default_rng(SEED)
    maes = outliers(rng)
    coverage = skewed_noise(rng)
    print()
    print(
        f"clean-point MAE: squared_error {maes['squared_error']:.3f}, "
        f"huber {maes['huber']:.3f}, absolute_error {maes['absolute_error']:.3f}; "
        f"0.1-0.9 quantile band coverage {coverage:.3f}"
    )


if __name__ == "__main__":
    main()
