"""Gradient-descent update rules, each updating the flat parameter vector in place.

Every optimizer keeps its state (velocity, moments, step count, learning-rate
schedule) as whole vectors and scalars beside the parameters, so a step is a
handful of in-place ufunc calls however many layers the network has, and the
state can be carried into a later ``fit`` or ``partial_fit``.

Each step, with gradient g and the schedule's base rate eta for this update
(:mod:`skbp._core.schedules`), does::

    g <- g * c / ||g||            if a clipping norm c is set and ||g|| > c (global L2 norm)
    w <- (1 - eta lambda) w       decoupled weight decay lambda, on the weights only
    w <- update(w, g, eta)        the optimizer's own rule

Clipping and weight decay are off by default, and then cost nothing: no
pass over the parameters, and the update is the same float operations as
scikit-learn's MLP. Weight decay is decoupled from the gradient (SGDW and
AdamW, Loshchilov & Hutter, 2019): it shrinks the weights by the scheduled
base rate times lambda, whatever the gradient and Adam's moments say; the
intercepts, which follow the ``n_decayed`` weights in the flat vector, are
never decayed.
"""

import math

import numpy as np

from .schedules import make_schedule


class _Optimizer:
    """What SGD and Adam share: the schedule, clipping and weight decay.

    Each ``step`` begins with :meth:`_begin_step` (clip, next rate, decay),
    then applies the optimizer's own rule with the rate it returns.
    """

    def __init__(self, n_params, dtype, learning_rate_init, schedule, options):
        total_steps, warmup_fraction, power_t, weight_decay, max_grad_norm, n_decayed = options
        self.learning_rate_init = learning_rate_init
        self.schedule = schedule
        self.power_t = power_t
        self.total_steps = total_steps
        self.warmup_fraction = warmup_fraction
        self.lr_schedule = make_schedule(
            schedule,
            learning_rate_init,
            power_t=power_t,
            total_steps=total_steps,
            warmup_fraction=warmup_fraction,
        )
        self.weight_decay = weight_decay
        self.max_grad_norm = max_grad_norm
        self.n_decayed = n_decayed  # None: every entry (params[:None] is all of it)
        self._scratch = np.empty(n_params, dtype=dtype)
        # Clipping writes the scaled gradient here, leaving the caller's alone.
        self._clipped = None if max_grad_norm is None else np.empty(n_params, dtype=dtype)

    def _begin_step(self, params, grad):
        """Clip ``grad`` and decay ``params`` as set; return the gradient to use and eta."""
        if self.max_grad_norm is not None:
            grad = self._clip(grad)
        eta = self.lr_schedule.next_rate()
        if self.weight_decay:
            params[: self.n_decayed] *= 1.0 - eta * self.weight_decay
        return grad, eta

    def _clip(self, grad):
        """grad scaled down to norm max_grad_norm if its global L2 norm exceeds it."""
        norm = math.sqrt(np.dot(grad, grad))
        if not norm > self.max_grad_norm:  # also a nan norm: the loss guard sees to it
            return grad
        return np.multiply(grad, self.max_grad_norm / norm, out=self._clipped)

    def end_epoch(self, n_samples_seen):
        self.lr_schedule.end_epoch(n_samples_seen)

    def on_plateau(self):
        """Progress stalled: return True to stop, or lower the rate and go on."""
        return self.lr_schedule.on_plateau()

    def _resume_schedule(self, previous):
        self.lr_schedule.resume(previous.lr_schedule)

    def restart_schedule(self):
        """Start the schedule again from its first step (the optimizer's state stays)."""
        self.lr_schedule = make_schedule(
            self.schedule,
            self.learning_rate_init,
            power_t=self.power_t,
            total_steps=self.total_steps,
            warmup_fraction=self.warmup_fraction,
        )


class SGD(_Optimizer):
    """Stochastic gradient descent with (Nesterov) momentum.

    With the schedule's rate eta for this update, momentum mu, decoupled
    weight decay lambda and the (clipped) gradient g::

        w <- (1 - eta lambda) w       (weights only; skipped when lambda = 0)
        v <- mu v - eta g
        w <- w + v                    (classical momentum)
        w <- w + mu v - eta g         (Nesterov: look ahead along the new v)

    ``schedule`` names a schedule of :mod:`skbp._core.schedules`: 'constant';
    'invscaling', eta = eta_0 / (t + 1)**power_t after each epoch with t
    samples seen; 'adaptive', eta divided by 5 each time progress stalls,
    stopping once eta <= 1e-6; 'cosine' and 'one_cycle', a new eta every
    update over ``total_steps`` updates. ``learning_rate`` is the current eta.
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
        *,
        total_steps=None,
        warmup_fraction=None,
        weight_decay=0.0,
        max_grad_norm=None,
        n_decayed=None,
    ):
        options = (total_steps, warmup_fraction, power_t, weight_decay, max_grad_norm, n_decayed)
        super().__init__(n_params, dtype, learning_rate_init, schedule, options)
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(n_params, dtype=dtype)

    @property
    def learning_rate(self):
        return self.lr_schedule.rate

    def step(self, params, grad):
        grad, eta = self._begin_step(params, grad)
        scaled_grad = np.multiply(grad, eta, out=self._scratch)
        self.velocity *= self.momentum
        self.velocity -= scaled_grad
        if self.nesterov:
            params -= scaled_grad
            params += np.multiply(self.velocity, self.momentum, out=self._scratch)
        else:
            params += self.velocity

    def resume(self, previous):
        """Carry ``previous``'s velocity and its schedule's state (see the schedules)."""
        self.velocity[:] = previous.velocity
        self._resume_schedule(previous)
        return self


class Adam(_Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    With the schedule's base rate eta for this update, decoupled weight
    decay lambda (AdamW) and the (clipped) gradient g at step t::

        w <- (1 - eta lambda) w       (weights only; skipped when lambda = 0)
        m <- beta_1 m + (1 - beta_1) g
        v <- beta_2 v + (1 - beta_2) g**2
        eta_t = eta sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w <- w - eta_t m / (sqrt(v) + epsilon)

    The decay is scaled by eta, not by the bias-corrected eta_t.
    ``learning_rate`` is the last eta_t.

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
        *,
        schedule="constant",
        power_t=0.5,
        total_steps=None,
        warmup_fraction=None,
        weight_decay=0.0,
        max_grad_norm=None,
        n_decayed=None,
    ):
        options = (total_steps, warmup_fraction, power_t, weight_decay, max_grad_norm, n_decayed)
        super().__init__(n_params, dtype, learning_rate_init, schedule, options)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.learning_rate = float(learning_rate_init)
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.v = np.zeros(n_params, dtype=dtype)

    def step(self, params, grad):
        grad, eta = self._begin_step(params, grad)
        self.t += 1
        s = self._scratch
        self.m *= self.beta_1
        self.m += grad
        self.v *= self.beta_2
        self.v += np.square(grad, out=s)
        self.learning_rate = eta * np.sqrt(1.0 - self.beta_2**self.t) / (1.0 - self.beta_1**self.t)
        root = np.sqrt(1.0 - self.beta_2)
        np.sqrt(self.v, out=s)
        s += self.epsilon / root
        np.divide(self.m, s, out=s)
        s *= self.learning_rate * (1.0 - self.beta_1) / root
        params -= s

    def resume(self, previous):
        """Carry ``previous``'s moments (rescaled if the betas changed), step count, schedule."""
        np.multiply(previous.m, (1.0 - previous.beta_1) / (1.0 - self.beta_1), out=self.m)
        np.multiply(previous.v, (1.0 - previous.beta_2) / (1.0 - self.beta_2), out=self.v)
        self.t = previous.t
        self.learning_rate = previous.learning_rate
        self._resume_schedule(previous)
        return self
