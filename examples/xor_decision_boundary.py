"""
Learn XOR with a small tanh network and draw its decision boundary as text
==========================================================================

XOR is the textbook problem a linear model cannot solve: the points near
(0, 0) and (1, 1) form one class, those near (0, 1) and (1, 0) the other.
A single hidden layer of a few tanh units separates them. The script trains
:class:`skbp.BackpropClassifier` on noisy copies of the four corners, prints
the training accuracy and final loss, and renders the predicted class over
the square [-0.5, 1.5]^2 as a grid of characters, so no plotting library is
needed.

Run it with ``python examples/xor_decision_boundary.py``.
"""

import numpy as np

from skbp import BackpropClassifier

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
GRID_SIZE = 21
LOW, HIGH = -0.5, 1.5
SYMBOLS = {0: ".", 1: "#"}


def make_xor(n_per_corner=50, noise=0.15, seed=0):
    """Noisy samples around the four corners, labelled by x0 XOR x1."""
    rng = np.random.default_rng(seed)
    X = np.repeat(CORNERS, n_per_corner, axis=0)
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(int)
    X = X + rng.normal(scale=noise, size=X.shape)
    return X, y


def text_boundary(clf, size=GRID_SIZE, low=LOW, high=HIGH):
    """Rows of characters showing the predicted class, top row = largest x1."""
    ticks = np.linspace(low, high, size)
    xx, yy = np.meshgrid(ticks, ticks[::-1])
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    labels = clf.predict(grid).reshape(size, size)
    return ["".join(SYMBOLS[int(v)] for v in row) for row in labels], ticks


def main():
    X, y = make_xor()
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,),
        activation="tanh",
        solver="lbfgs",
        alpha=0.1,
        max_iter=500,
        random_state=0,
    )
    clf.fit(X, y)
    accuracy = clf.score(X, y)
    print(f"training accuracy: {accuracy:.3f}")
    print(f"final loss_: {clf.loss_:.4f} after {clf.n_iter_} lbfgs iterations")
    print("predictions at the clean corners:")
    for corner, label in zip(CORNERS, clf.predict(CORNERS), strict=True):
        print(f"  {corner} -> {label}")

    rows, ticks = text_boundary(clf)
    print()
    print(f"decision boundary over [{LOW}, {HIGH}]^2 ('.' = class 0, '#' = class 1)")
    print(f"x1 = {ticks[-1]:+.1f}")
    for row in rows:
        print("  " + row)
    print(f"x1 = {ticks[0]:+.1f}   (x0 runs from {ticks[0]:+.1f} left to {ticks[-1]:+.1f} right)")

    assert accuracy >= 0.95, f"XOR training accuracy too low: {accuracy:.3f}"


if __name__ == "__main__":
    main()
