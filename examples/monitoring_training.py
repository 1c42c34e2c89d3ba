"""
Watch a fit: a validation set, a learning-rate schedule, and the loss curves drawn
==================================================================================

The digits are split three ways: the network trains on one part, is
validated after every epoch on the second (``X_val``, ``y_val``), and is
judged once at the end on the third, which neither training nor early
stopping has seen. Early stopping watches the validation loss and keeps the
weights of its best epoch; :class:`skbp.LossCurveDisplay` draws the curves
and marks that epoch.

Run ``python examples/monitoring_training.py loss_curve.png`` to save the
figure (the documentation's picture is made this way); without a path, the
script draws it without showing it, and the gallery displays it below.
"""

import sys

import matplotlib
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skbp import BackpropClassifier, LossCurveDisplay

matplotlib.use("Agg")  # draw to a file, with or without a display

X, y = load_digits(return_X_y=True)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=0.3, random_state=0, stratify=y_rest
)
scaler = StandardScaler().fit(X_train)
X_train, X_val, X_test = (scaler.transform(part) for part in (X_train, X_val, X_test))

clf = BackpropClassifier(
    hidden_layer_sizes=(256, 128),
    learning_rate_init=3e-3,
    learning_rate="cosine",  # per batch, after a linear warm-up
    warmup_fraction=0.05,
    weight_decay=1e-2,  # AdamW
    early_stopping=True,
    scoring="loss",  # stop on the validation loss, keep its best epoch
    n_iter_no_change=15,
    max_iter=150,
    random_state=0,
    verbose=False,
)
clf.fit(X_train, y_train, X_val=X_val, y_val=y_val)

print(f"epochs run: {clf.n_iter_}, weights kept from epoch {clf.best_iteration_}")
print(f"lowest validation loss: {min(clf.validation_loss_curve_):.4f}")
print(f"validation accuracy at that epoch: {clf.best_validation_score_:.4f}")
print(f"held-out test accuracy: {clf.score(X_test, y_test):.4f}")

display = LossCurveDisplay.from_estimator(clf)
display.ax_.set_yscale("log")
display.figure_.set_size_inches(7, 4)
display.figure_.tight_layout()
# Given a path (``make figures``), save the figure there. Without one it is
# left open and not shown: the documentation's gallery collects it from there,
# and a script run from a terminal does not stop to wait for a window.
if len(sys.argv) > 1:
    display.figure_.savefig(sys.argv[1], dpi=100)
    print(f"figure saved to {sys.argv[1]}")
