"""Switching from scikit-learn's MLP is changing one class name."""

import inspect

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from skbp import BackpropClassifier, BackpropRegressor

PAIRS = [(BackpropClassifier, MLPClassifier), (BackpropRegressor, MLPRegressor)]


# What skbp adds, with the defaults that keep scikit-learn's behaviour.
TRAINING = {"scoring": None, "weight_decay": 0.0, "max_grad_norm": None, "warmup_fraction": None}
EXTRAS = {
    BackpropClassifier: {"dropout": 0.0, **TRAINING, "class_weight": None, "label_smoothing": 0.0},
    BackpropRegressor: {"dropout": 0.0, **TRAINING, "huber_delta": 1.0, "quantile": 0.5},
}


@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_scikit_learns_parameters_come_first_unchanged(ours, theirs):
    mine = list(inspect.signature(ours.__init__).parameters.values())
    sklearn = list(inspect.signature(theirs.__init__).parameters.values())

    def untyped(parameters):  # skbp annotates its parameters, scikit-learn does not
        return [p.replace(annotation=inspect.Parameter.empty) for p in parameters]

    assert untyped(mine[: len(sklearn)]) == untyped(sklearn)  # names, order, kinds, defaults
    added = mine[len(sklearn) :]
    assert {p.name: p.default for p in added} == EXTRAS[ours]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in added)
    assert ours().get_params() == {**theirs().get_params(), **EXTRAS[ours]}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize(("ours", "theirs"), PAIRS)
def test_every_fitted_attribute_of_the_mlp_exists(ours, theirs, solver, early_stopping):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    params = dict(hidden_layer_sizes=(4,), solver=solver, early_stopping=early_stopping)
    params.update(max_iter=5, random_state=0)
    fitted_ours = ours(**params).fit(X, y)
    fitted_theirs = theirs(**params).fit(X, y)
    public = {name for name in vars(fitted_theirs) if name.endswith("_") and name[0] != "_"}
    assert all(hasattr(fitted_ours, name) for name in public)
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_"):
        assert getattr(fitted_ours, name) == getattr(fitted_theirs, name)
