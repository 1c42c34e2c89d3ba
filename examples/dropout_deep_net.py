"""
Dropout in a deep network trained on few samples
================================================

A network of three hidden layers of 256 units has about 150,000 weights;
trained on 100 images of handwritten digits (about 10 per class) it fits them
perfectly and then keeps growing its confidence on them. With ``dropout``,
:class:`skbp.BackpropClassifier` sets each hidden unit to zero with
probability ``rate`` in every training batch and scales the others by
``1 / (1 - rate)``, so no unit can rely on particular others being there;
prediction uses the whole network, unscaled.

For dropout rates of 0 (none), 0.2 and 0.5 after every hidden layer, the
script trains on 100 digits and tests on the remaining 1,697, for three
random splits, and prints the means of: the training accuracy, the
held-out accuracy, the held-out log-loss (how much probability the model
gives the true class; lower is better) and the number of epochs Adam ran
before the training loss stopped improving. With dropout, ``loss_`` is the
loss of the thinned networks the batches saw, which is why it stays higher.

Dropout masks are drawn from a generator seeded by ``random_state``, so the
last line checks that two fits with the same seed give identical weights,
and that predicting twice gives identical probabilities (no mask is drawn
at prediction time).

Run it with ``python examples/dropout_deep_net.py``.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skbp import BackpropClassifier

N_TRAIN = 100
SPLITS = (0, 1, 2)
RATES = (0.0, 0.2, 0.5)


def make_model(rate):
    return BackpropClassifier(
        hidden_layer_sizes=(256, 256, 256),
        dropout=rate,
        max_iter=1000,
        random_state=0,
    )


def main():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixel intensities 0..16 -> [0, 1]
    splits = [
        train_test_split(X, y, train_size=N_TRAIN, stratify=y, random_state=seed)
        for seed in SPLITS
    ]
    print(
        f"digits: {N_TRAIN} training images, {len(y) - N_TRAIN} held out; "
        f"hidden layers {make_model(0).hidden_layer_sizes}; means over {len(SPLITS)} splits"
    )
    print(
        f"{'dropout':>8} {'train acc.':>11} {'test acc.':>10} {'test log-loss':>14} "
        f"{'loss_':>8} {'epochs':>7}"
    )
    means = {}
    for rate in RATES:
        rows = []
        for X_train, X_test, y_train, y_test in splits:
            model = make_model(rate).fit(X_train, y_train)
            rows.append(
                (
                    model.score(X_train, y_train),
                    model.score(X_test, y_test),
                    log_loss(y_test, model.predict_proba(X_test)),
                    model.loss_,
                    model.n_iter_,
                )
            )
        means[rate] = row = np.mean(rows, axis=0)
        print(
            f"{rate:>8} {row[0]:>11.3f} {row[1]:>10.3f} {row[2]:>14.3f} "
            f"{row[3]:>8.4f} {row[4]:>7.0f}"
        )

    best = min(RATES, key=lambda rate: means[rate][2])
    print()
    print(
        f"lowest held-out log-loss: dropout={best} ({means[best][2]:.3f}, "
        f"against {means[0.0][2]:.3f} without dropout); held-out accuracy "
        f"{means[best][1]:.3f} against {means[0.0][1]:.3f}"
    )

    X_train, X_test, y_train, _ = splits[0]
    first = make_model(0.5).fit(X_train, y_train)
    second = make_model(0.5).fit(X_train, y_train)
    same_fit = all(np.array_equal(a, b) for a, b in zip(first.coefs_, second.coefs_, strict=True))
    same_predictions = np.array_equal(first.predict_proba(X_test), first.predict_proba(X_test))
    print(
        f"dropout=0.5, same random_state twice: identical weights: {same_fit}; "
        f"predict_proba twice: identical: {same_predictions}"
    )
    assert same_fit, "the same seed gave different dropout masks"
    assert same_predictions, "predict is not deterministic"


if __name__ == "__main__":
    main()
