"""
Imbalanced classes: ``class_weight='balanced'`` against no class weights
========================================================================

One sample in twenty belongs to the rare class. A network trained on the
plain mean log-loss can do well on that loss while missing many rare
samples, since each one counts as little as a common one. With
``class_weight='balanced'``, :class:`skbp.BackpropClassifier` weighs every
sample by ``n_samples / (n_classes * count(its class))``, so both classes
carry the same total weight in the loss and its gradient; the weights are
multiplied into ``sample_weight``, the same ``s_i`` that scales each
sample's error in the user guide.

The script fits both models on one half of a synthetic data set and scores
them on the other half: recall and precision of the rare class, balanced
accuracy (the mean of the per-class recalls) and plain accuracy. Weighting
trades some precision on the rare class, and some plain accuracy, for
recall; the table shows how much of each on this data. It then
checks that ``class_weight='balanced'`` is nothing but sample weights: a
model fitted with the weights from
:func:`sklearn.utils.class_weight.compute_sample_weight` has the same
weights, bit for bit.

Run it with ``python examples/imbalanced_class_weight.py``.
"""

import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    precision_score,
    recall_score,
)
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight

from skbp import BackpropClassifier

SEED = 0
RARE = 1  # the label of the rare class


def make_data():
    X, y = make_classification(
        n_samples=4000,
        n_features=10,
        n_informative=4,
        weights=[0.95],  # 95 % class 0, 5 % class 1
        class_sep=0.8,
        flip_y=0.0,
        random_state=SEED,
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.5, stratify=y, random_state=SEED
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def make_model(class_weight):
    return BackpropClassifier(
        hidden_layer_sizes=(16,),
        alpha=1.0,
        learning_rate_init=0.01,
        max_iter=500,
        class_weight=class_weight,
        random_state=SEED,
    )


def main():
    X_train, X_test, y_train, y_test = make_data()
    print(
        f"{len(y_train)} training and {len(y_test)} test samples; rare class: "
        f"{np.sum(y_train == RARE)} and {np.sum(y_test == RARE)} of them"
    )
    print()
    header = f"{'class_weight':>12} {'rare recall':>12} {'rare precision':>15}"
    print(f"{header} {'balanced acc.':>14} {'accuracy':>9}")
    scores = {}
    for class_weight in (None, "balanced"):
        model = make_model(class_weight).fit(X_train, y_train)
        predicted = model.predict(X_test)
        scores[class_weight] = row = (
            recall_score(y_test, predicted, pos_label=RARE),
            precision_score(y_test, predicted, pos_label=RARE),
            balanced_accuracy_score(y_test, predicted),
            accuracy_score(y_test, predicted),
        )
        print(
            f"{class_weight!s:>12} {row[0]:>12.3f} {row[1]:>15.3f} {row[2]:>14.3f} {row[3]:>9.3f}"
        )

    (recall_0, _, balanced_0, _), (recall_1, _, balanced_1, _) = scores.values()
    print()
    print(
        f"held-out recall of the rare class: {recall_0:.3f} -> {recall_1:.3f}; "
        f"balanced accuracy: {balanced_0:.3f} -> {balanced_1:.3f}"
    )

    # class_weight is multiplied into sample_weight: the same fit, either way.
    balanced = make_model("balanced").fit(X_train, y_train)
    weights = compute_sample_weight("balanced", y_train)
    by_hand = make_model(None).fit(X_train, y_train, sample_weight=weights)
    same = all(np.array_equal(a, b) for a, b in zip(balanced.coefs_, by_hand.coefs_, strict=True))
    print(
        "class_weight='balanced' vs sample_weight=compute_sample_weight('balanced', y): "
        f"identical weights: {same}"
    )
    assert same, "class_weight='balanced' differs from the equivalent sample weights"


if __name__ == "__main__":
    main()
