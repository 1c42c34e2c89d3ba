"""Learning-rate schedules: the base rate eta of each update an optimizer makes.

Every schedule follows one protocol, so the optimizers need not know which
one they hold:

- ``next_rate()`` returns the base rate for the update about to be made and
  counts it in ``steps``; it is the only call on the per-batch path;
- ``rate`` is the current base rate (that of the last update, or of the
  first before any);
- ``end_epoch(n_samples_seen)`` is called after each epoch;
- ``on_plateau()`` is called when progress stalls: it returns True to stop
  training, or lowers the rate and returns False;
- ``resume(previous)`` carries ``previous``'s state (step count, rate,
  horizon) into this schedule when it is the same kind with the same
  settings, and returns self.

'constant', 'invscaling' and 'adaptive' change the rate only between epochs
and do exactly the float operations scikit-learn's MLP does; 'cosine' and
'one_cycle' change it every update, over a horizon of ``total_steps`` updates.
"""

import math

# The adaptive schedule divides the rate by this when progress stalls, and
# stops training once the rate has fallen to MIN_ADAPTIVE_RATE.
ADAPTIVE_DIVISOR = 5.0
MIN_ADAPTIVE_RATE = 1e-6


class Constant:
    """eta = eta_0 for every update."""

    def __init__(self, learning_rate_init):
        self.learning_rate_init = learning_rate_init
        self.rate = float(learning_rate_init)
        self.steps = 0

    def next_rate(self):
        self.steps += 1
        return self.rate

    def end_epoch(self, n_samples_seen):
        pass

    def on_plateau(self):
        return True

    @property
    def finished(self):
        """Whether the schedule has run its horizon (never, without one)."""
        return False

    def resume(self, previous):
        """Same kind: carry the step count, and the rate if eta_0 is unchanged."""
        if type(previous) is type(self):
            self.steps = previous.steps
            if previous.learning_rate_init == self.learning_rate_init:
                self.rate = previous.rate
        return self


class InvScaling(Constant):
    """eta = eta_0 / (t + 1)**power_t, set after each epoch with t samples seen so far."""

    def __init__(self, learning_rate_init, power_t=0.5):
        super().__init__(learning_rate_init)
        self.power_t = power_t

    def end_epoch(self, n_samples_seen):
        self.rate = self.learning_rate_init / (n_samples_seen + 1) ** self.power_t


class Adaptive(Constant):
    """eta = eta_0, divided by 5 each time progress stalls; training stops once eta <= 1e-6."""

    def on_plateau(self):
        if self.rate <= MIN_ADAPTIVE_RATE:
            return True
        self.rate /= ADAPTIVE_DIVISOR
        return False


class Cosine(Constant):
    """Linear warm-up, then cosine annealing, one value per update.

    Over a horizon of T = ``total_steps`` updates, with W = round(warmup_fraction T)
    warm-up updates and u the 1-based number of the update being made,
    clamped to T (past the horizon the rate stays at its final value)::

        eta_u = start + (eta_0 - start) u / W                                (u <= W)
        eta_u = end + (eta_0 - end) (1 + cos(pi (u - W) / (T - W))) / 2      (u > W)

    Here start = end = 0, and warmup_fraction defaults to 0: the rate falls
    from eta_0 to 0 along half a cosine period.

    ``total_steps`` may be None in a schedule that is to ``resume`` one of the
    same kind: it then continues that one's horizon.
    """

    default_warmup_fraction = 0.0

    def __init__(self, learning_rate_init, total_steps=None, warmup_fraction=None):
        if warmup_fraction is None:
            warmup_fraction = self.default_warmup_fraction
        if not 0.0 <= warmup_fraction < 1.0:
            raise ValueError(f"warmup_fraction must be in [0, 1), got {warmup_fraction!r}.")
        if total_steps is not None and (int(total_steps) != total_steps or total_steps < 1):
            raise ValueError(f"total_steps must be a positive integer, got {total_steps!r}.")
        self.learning_rate_init = learning_rate_init
        self.warmup_fraction = float(warmup_fraction)
        self.start, self.end = self.ends(learning_rate_init)
        self.steps = 0
        self._set_horizon(total_steps)

    def ends(self, eta0):
        """The rate the warm-up starts from and the one annealing ends at."""
        return 0.0, 0.0

    def _set_horizon(self, total_steps):
        self.total_steps = None if total_steps is None else int(total_steps)
        if self.total_steps is None:
            self.warmup_steps = None
            self.rate = float(self.learning_rate_init)
        else:
            self.warmup_steps = round(self.warmup_fraction * self.total_steps)
            self.rate = self.rate_at(0)

    def rate_at(self, u):
        """The closed form above at update u (0 gives the rate before the first update)."""
        eta0, start, end = self.learning_rate_init, self.start, self.end
        T, W = self.total_steps, self.warmup_steps
        u = min(u, T)
        if W > 0 and u <= W:
            return float(start + (eta0 - start) * u / W)
        return float(end + (eta0 - end) * (1.0 + math.cos(math.pi * (u - W) / (T - W))) / 2.0)

    def next_rate(self):
        if self.total_steps is None:
            raise ValueError(f"The {type(self).__name__} schedule needs total_steps.")
        self.steps += 1
        self.rate = self.rate_at(self.steps)
        return self.rate

    # end_epoch and on_plateau: Constant's (nothing between epochs; stop on a plateau).

    @property
    def finished(self):
        return self.total_steps is not None and self.steps >= self.total_steps

    def resume(self, previous):
        """Same kind, eta_0, warm-up and horizon (or none given): carry steps, rate, horizon."""
        same = (
            type(previous) is type(self)
            and previous.learning_rate_init == self.learning_rate_init
            and previous.warmup_fraction == self.warmup_fraction
            and self.total_steps in (None, previous.total_steps)
        )
        if same:
            self._set_horizon(previous.total_steps)
            self.steps, self.rate = previous.steps, previous.rate
        return self


class OneCycle(Cosine):
    """The one-cycle policy (Smith & Topin, 2019): the cosine schedule with other ends.

    The same closed form as :class:`Cosine`, rising from start = eta_0 / 25
    to eta_0 over the first 30% of updates by default, then annealing to
    end = eta_0 / (25 * 1e4)::

        eta_u = start + (eta_0 - start) u / W                                (u <= W)
        eta_u = end + (eta_0 - end) (1 + cos(pi (u - W) / (T - W))) / 2      (u > W)
    """

    default_warmup_fraction = 0.3

    def ends(self, eta0):
        return eta0 / 25.0, eta0 / (25.0 * 1e4)


SCHEDULES = {
    "constant": Constant,
    "invscaling": InvScaling,
    "adaptive": Adaptive,
    "cosine": Cosine,
    "one_cycle": OneCycle,
}


def make_schedule(
    name, learning_rate_init, *, power_t=0.5, total_steps=None, warmup_fraction=None
):
    """The schedule called ``name`` (a key of ``SCHEDULES``) starting from eta_0.

    ``power_t`` is used by 'invscaling' only; ``total_steps`` and
    ``warmup_fraction`` by 'cosine' and 'one_cycle' only.
    """
    if name not in SCHEDULES:
        raise ValueError(f"Unknown learning-rate schedule {name!r}; use one of {list(SCHEDULES)}.")
    if name == "invscaling":
        return InvScaling(learning_rate_init, power_t)
    if name in ("cosine", "one_cycle"):
        return SCHEDULES[name](learning_rate_init, total_steps, warmup_fraction)
    return SCHEDULES[name](learning_rate_init)
