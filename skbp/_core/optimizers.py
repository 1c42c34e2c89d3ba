"""Gradient-descent update rules, each updating the flat parameter vector in place.

Every optimizer keeps its state (velocity, moments, step count, current
learning rate) as whole vectors beside the parameters, so a step is a handful
of in-place ufunc calls however many layers the network has, and the state
can be carried into a later ``fit`` or ``partial_fit``.
"""

import numpy as np


class SGD:
    """Stochastic gradient descent with (Nesterov) momentum.

    With learning rate eta and momentum mu::

        v <- mu v - eta g
        w <- w + v                   (classical momentum)
        w <- w + mu v - eta g        (Nesterov: look ahead along the new v)

    Schedules: 'constant'; 'invscaling', eta = eta_0 / (t + 1)**power_t after
    each epoch with t samples seen; 'adaptive', eta divided by 5 each time
    progress stalls, stopping once eta <= 1e-6.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.learning_rate = float(learning_rate_init)
        self.velocity = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        scaled_grad = np.multiply(grad, self.learning_rate, out=self._scratch)
        self.velocity *= self.momentum
        self.velocity -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity

    def end_epoch(self, n_samples_seen):
        if self.schedule == "invscaling":
            self.learning_rate = self.learning_rate_init / (n_samples_seen + 1) ** self.power_t

    def on_plateau(self):
        """Progress stalled: return True to stop, or lower the rate and go on."""
        if self.schedule != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False

    def resume(self, previous):
        """Carry ``previous``'s velocity (and decayed rate, if eta_0 is unchanged)."""
        self.velocity[:] = previous.velocity
        if previous.learning_rate_init == self.learning_rate_init:
            self.learning_rate = previous.learning_rate
        return self


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    With gradient g at step t::

        m <- beta_1 m + (1 - beta_1) g
        v <- beta_2 v + (1 - beta_2) g**2
        eta_t = eta sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - eta_t m / (sqrt(v) + epsilon)

    The moments are stored divided by ``1 - beta``, ``M = m / (1 - beta_1)``
    and ``V = v / (1 - beta_2)``, which turns each update into one multiply
    and one add (``M <- beta_1 M + g``); the constants move into the step::

        w <- w - [eta_t (1 - beta_1) / sqrt(1 - beta_2)] M / (sqrt(V) + epsilon / sqrt(1 - beta_2))

    The same arithmetic as the textbook form, in ten passes over the
    parameter vector instead of twelve.
    """

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.learning_rate = float(learning_rate_init)
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)
        self._scratch = np.empty(n_params, dtype=dtype)

    def step(self, params, grad):
        self.t += 1
        s = self._scratch
        self.m *= self.beta_1
        self.m += grad
        self.v *= self.beta_2
        self.v += np.square(grad, out=s)
        self.learning_rate = (
            self.learning_rate_init
            * np.sqrt(1.0 - self.beta_2**self.t)
            / (1.0 - self.beta_1**self.t)
        )
        root = np.sqrt(1.0 - self.beta_2)
        np.sqrt(self.v, out=s)
        s += self.epsilon / root
        np.divide(self.m, s, out=s)
        s *= self.learning_rate * (1.0 - self.beta_1) / root
        params -= s

    def end_epoch(self, n_samples_seen):
        pass

    def on_plateau(self):
        return True

    def resume(self, previous):
        """Carry ``previous``'s moments and step count (rescaled if the betas changed)."""
        np.multiply(previous.m, (1.0 - previous.beta_1) / (1.0 - self.beta_1), out=self.m)
        np.multiply(previous.v, (1.0 - previous.beta_2) / (1.0 - self.beta_2), out=self.v)
        self.t = previous.t
        self.learning_rate = previous.learning_rate
        return self
