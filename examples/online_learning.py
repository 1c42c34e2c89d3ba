"""
Online learning with partial_fit: a network that learns from a stream
=====================================================================

Samples of a noisy sine wave arrive one at a time, as from a sensor, and each
is used once: :meth:`skbp.BackpropRegressor.partial_fit` takes one Adam step
on it and the sample is discarded. Every call continues from the previous
call's weights *and* optimizer state (Adam's moment estimates and step
count), so a thousand one-sample calls are one long run of stochastic
descent, not a thousand restarts.

The script prints, every few hundred samples, the mean training loss over
the recent stream (each call's ``loss_`` is measured on its sample before
the step, so it is an honest running estimate of the error on new data) and
the R^2 on a held-out grid. It then checks the claim about optimizer state
directly: one sample per call gives exactly the weights of a single
``partial_fit`` call over the same samples in order with ``batch_size=1``.

Run it with ``python examples/online_learning.py``.
"""

import numpy as np

from skbp import BackpropRegressor

SEED = 0
N_STREAM = 4000
REPORT_EVERY = 500
NOISE = 0.1


def sine_stream(n, seed=SEED):
    """Yield (x, y) pairs, one at a time, with x of shape (1, 1) and y of shape (1,)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        x = rng.uniform(-np.pi, np.pi, size=(1, 1))
        y = np.sin(x[:, 0]) + rng.normal(scale=NOISE, size=1)
        yield x, y


def make_model():
    return BackpropRegressor(
        hidden_layer_sizes=(32,),
        activation="tanh",
        solver="adam",
        learning_rate_init=0.001,
        batch_size=1,
        random_state=SEED,
    )


def main():
    X_eval = np.linspace(-np.pi, np.pi, 200).reshape(-1, 1)
    y_eval = np.sin(X_eval[:, 0])

    model = make_model()
    recent = []
    print(f"streaming {N_STREAM} samples of y = sin(x) + noise, one partial_fit call each")
    print(f"(the noise alone costs a loss of NOISE**2 / 2 = {NOISE**2 / 2:.4f})")
    print(f"{'samples':>8} {'t_':>6} {'mean loss_ (recent)':>20} {'R^2 on grid':>12}")
    for step, (x, y) in enumerate(sine_stream(N_STREAM), start=1):
        model.partial_fit(x, y)
        recent.append(model.loss_)
        if step % REPORT_EVERY == 0:
            r2 = model.score(X_eval, y_eval)
            print(f"{step:>8} {model.t_:>6} {np.mean(recent):>20.5f} {r2:>12.4f}")
            recent.clear()
    final_r2 = model.score(X_eval, y_eval)
    print(f"final R^2: {final_r2:.4f} (n_iter_={model.n_iter_}: each call is one epoch)")
    assert model.t_ == N_STREAM
    assert final_r2 > 0.9, f"online model did not learn the sine: R^2 = {final_r2:.3f}"

    # The optimizer state carries over between calls: feeding samples one per
    # call matches one call that walks through the same samples in order.
    n = 300
    samples = list(sine_stream(n, seed=SEED + 1))
    one_by_one = make_model()
    for x, y in samples:
        one_by_one.partial_fit(x, y)
    X_all = np.vstack([x for x, _ in samples])
    y_all = np.concatenate([y for _, y in samples])
    in_one_call = make_model().set_params(shuffle=False).partial_fit(X_all, y_all)
    same = all(
        np.array_equal(a, b)
        for a, b in zip(
            one_by_one.coefs_ + one_by_one.intercepts_,
            in_one_call.coefs_ + in_one_call.intercepts_,
            strict=True,
        )
    )
    print()
    print(f"{n} one-sample calls vs one call over the same {n} samples (batch_size=1):")
    print(f"  weights identical: {same}; t_ = {one_by_one.t_} and {in_one_call.t_}")
    assert same, "partial_fit did not continue the optimizer state"


if __name__ == "__main__":
    main()
