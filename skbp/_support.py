"""Small pieces the estimators share: rollback of failed fits, per-layer values, live views."""

from contextlib import contextmanager

import numpy as np
import scipy.sparse as sp


@contextmanager
def rollback_on_error(estimator):
    """Restore the estimator's attributes if the body raises.

    Fitting replaces attributes rather than mutating them, so a shallow
    snapshot is enough to undo a failed fit completely; a RandomState passed
    as ``random_state`` is rewound too, since fitting draws from it.
    """
    snapshot = estimator.__dict__.copy()
    rng = estimator.random_state
    rng_state = rng.get_state() if isinstance(rng, np.random.RandomState) else None
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(snapshot)
        if rng_state is not None:
            rng.set_state(rng_state)
        raise


def per_layer(name, value, n_hidden):
    """One value per hidden layer: a single value, or a sequence of exactly n_hidden."""
    if isinstance(value, str) or np.ndim(value) == 0:
        return (value,) * n_hidden
    values = tuple(value)
    if len(values) != n_hidden:
        raise ValueError(
            f"{name} has {len(values)} entries but there are {n_hidden} hidden layers; "
            f"give one {name} or one per hidden layer (got {name}={value!r})."
        )
    return values


def is_numeric(X):
    if sp.issparse(X):
        return True
    try:
        np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


class LiveLayers(list):
    """Per-layer views into the flat parameter vector; item assignment copies in.

    ``est.coefs_[0] = W`` (or ``est.coefs_ = [...]``) therefore changes the
    model itself, as with scikit-learn's lists, and the shapes must match.
    """

    def __setitem__(self, index, value):
        views = self[index] if isinstance(index, slice) else [self[index]]
        values = list(value) if isinstance(index, slice) else [value]
        if len(values) != len(views):
            raise ValueError(f"Expected {len(views)} arrays, got {len(values)}.")
        for view, new in zip(views, values, strict=True):
            new = np.asarray(new)
            if new.shape != view.shape:
                raise ValueError(f"Expected an array of shape {view.shape}, got {new.shape}.")
            view[...] = new
