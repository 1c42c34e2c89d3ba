"""The PyTorch (CPU) column: the same MLP, loss, penalty and Adam, in a plain loop."""

try:
    import torch
except ImportError:  # the column is optional
    torch = None

from itertools import pairwise

import numpy as np


def available():
    return torch is not None


def version():
    return torch.__version__ if torch is not None else None


def set_threads(n):
    if torch is not None:
        torch.set_num_threads(n)


class MLP:
    """Trains like skbp/scikit-learn's classifier: relu layers, log-loss, Adam.

    The L2 penalty ``alpha / (2 * batch) * ||W||^2`` on weights only becomes
    Adam's ``weight_decay = alpha / batch`` on the weight matrices.
    """

    def __init__(self, params, X, y):
        self.params = params
        self.dtype = torch.float64 if X.dtype == np.float64 else torch.float32
        self.X = torch.from_numpy(np.ascontiguousarray(X))
        self.classes = np.unique(y)
        self.y = torch.from_numpy(np.searchsorted(self.classes, y))

    def _network(self):
        sizes = [self.X.shape[1], *self.params["hidden_layer_sizes"], len(self.classes)]
        layers = []
        for fan_in, fan_out in pairwise(sizes):
            layers += [torch.nn.Linear(fan_in, fan_out, dtype=self.dtype), torch.nn.ReLU()]
        return torch.nn.Sequential(*layers[:-1])

    def fit(self):
        torch.manual_seed(self.params.get("random_state", 0))
        self.net = self._network()
        batch = self.params["batch_size"]
        decay = self.params.get("alpha", 1e-4) / batch
        weights = [p for p in self.net.parameters() if p.ndim == 2]
        biases = [p for p in self.net.parameters() if p.ndim == 1]
        optimizer = torch.optim.Adam(
            [{"params": weights, "weight_decay": decay}, {"params": biases}],
            lr=self.params.get("learning_rate_init", 1e-3),
        )
        loss_fn = torch.nn.CrossEntropyLoss()
        n = len(self.X)
        for _ in range(self.params["max_iter"]):
            order = torch.randperm(n)
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss_fn(self.net(self.X[idx]), self.y[idx]).backward()
                optimizer.step()
        return self

    def score(self, X, y):
        with torch.no_grad():
            logits = self.net(torch.from_numpy(np.asarray(X, dtype=self.X.numpy().dtype)))
        return float(np.mean(self.classes[logits.argmax(1).numpy()] == y))
