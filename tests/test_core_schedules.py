"""Each learning-rate schedule's rates against its closed form, and its state on resuming."""

import math

import pytest

from skbp._core import SCHEDULES, make_schedule


def rates(schedule, n):
    return [schedule.next_rate() for _ in range(n)]


def warmup_cosine(u, eta0, T, W, start, end):
    """The documented closed form, written out: warm-up to eta0, then cosine to end."""
    u = min(u, T)
    if W > 0 and u <= W:
        return start + (eta0 - start) * u / W
    return end + (eta0 - end) * (1 + math.cos(math.pi * (u - W) / (T - W))) / 2


def test_constant_keeps_the_rate_and_counts_steps():
    schedule = make_schedule("constant", 0.05)
    assert rates(schedule, 3) == [0.05] * 3
    assert schedule.steps == 3
    schedule.end_epoch(100)
    assert schedule.rate == 0.05
    assert schedule.on_plateau() is True


def test_constant_rate_is_a_float():
    rate = make_schedule("constant", 1).next_rate()
    assert type(rate) is float
    assert rate == 1.0


def test_invscaling_sets_the_rate_after_each_epoch():
    schedule = make_schedule("invscaling", 0.1, power_t=0.25)
    assert rates(schedule, 2) == [0.1, 0.1]
    schedule.end_epoch(15)
    assert schedule.rate == 0.1 / 16**0.25  # the same expression: equal to the last bit
    assert schedule.next_rate() == pytest.approx(0.05, rel=1e-12)
    assert schedule.on_plateau() is True


def test_adaptive_divides_by_five_until_the_floor_then_stops():
    schedule = make_schedule("adaptive", 1e-5)
    schedule.end_epoch(1000)
    assert schedule.rate == 1e-5
    assert schedule.on_plateau() is False
    assert schedule.next_rate() == pytest.approx(2e-6, rel=1e-12)
    assert schedule.on_plateau() is False  # 2e-6 > 1e-6: divided once more
    assert schedule.rate == pytest.approx(4e-7, rel=1e-12)
    assert schedule.on_plateau() is True
    assert schedule.rate == pytest.approx(4e-7, rel=1e-12)


@pytest.mark.parametrize("name", ["cosine", "one_cycle"])
def test_annealing_schedules_do_not_stop_on_plateau(name):
    assert make_schedule(name, 0.1, total_steps=10).on_plateau() is True


def test_cosine_without_warmup():
    eta0, T = 0.2, 40
    schedule = make_schedule("cosine", eta0, total_steps=T)
    assert schedule.rate == eta0  # before the first update
    seen = rates(schedule, T + 5)
    assert seen[0] == pytest.approx(eta0 * (1 + math.cos(math.pi / T)) / 2, rel=1e-12)
    assert seen[T // 2 - 1] == pytest.approx(eta0 / 2, rel=1e-12)  # u = T/2: cos(pi/2) = 0
    assert seen[T - 1] == 0.0  # cos(pi) = -1 exactly
    assert seen[T:] == [0.0] * 5  # past the horizon the rate stays at its final value
    assert schedule.steps == T + 5


def test_cosine_with_warmup():
    eta0, T = 0.2, 40
    schedule = make_schedule("cosine", eta0, total_steps=T, warmup_fraction=0.25)
    W = 10
    assert schedule.rate == 0.0
    seen = rates(schedule, T + 3)
    assert seen[0] == pytest.approx(eta0 / W, rel=1e-12)
    assert seen[W - 1] == pytest.approx(eta0, rel=1e-12)  # the warm-up's end
    assert seen[W + (T - W) // 2 - 1] == pytest.approx(eta0 / 2, rel=1e-12)
    assert seen[T - 1] == 0.0
    assert seen[T:] == [0.0] * 3
    for u in (1, 5, W, W + 1, 27, T, T + 3):
        assert seen[u - 1] == pytest.approx(warmup_cosine(u, eta0, T, W, 0, 0), rel=1e-12)


def test_one_cycle_rises_from_a_25th_and_ends_ten_thousand_times_lower():
    eta0, T = 0.5, 50
    schedule = make_schedule("one_cycle", eta0, total_steps=T)  # warm-up 30% by default
    W, start, end = 15, eta0 / 25, eta0 / 25 / 1e4
    assert schedule.rate == pytest.approx(start, rel=1e-12)
    seen = rates(schedule, T + 2)
    assert seen[0] == pytest.approx(start + (eta0 - start) / W, rel=1e-12)
    assert seen[W - 1] == pytest.approx(eta0, rel=1e-12)
    assert seen[W + (T - W) // 2 - 1] == pytest.approx(
        end + (eta0 - end) * (1 + math.cos(math.pi * 17 / 35)) / 2, rel=1e-12
    )
    assert seen[T - 1] == pytest.approx(end, rel=1e-12)
    assert seen[T:] == pytest.approx([end, end], rel=1e-12)
    for u in (1, 7, W, W + 1, 40, T, T + 2):
        assert seen[u - 1] == pytest.approx(warmup_cosine(u, eta0, T, W, start, end), rel=1e-12)


def test_one_cycle_without_warmup_starts_at_the_peak():
    schedule = make_schedule("one_cycle", 0.5, total_steps=10, warmup_fraction=0.0)
    assert schedule.rate == 0.5
    end = 0.5 / 25e4
    expected = end + (0.5 - end) * (1 + math.cos(math.pi / 10)) / 2
    assert schedule.next_rate() == pytest.approx(expected, rel=1e-12)


def test_warmup_is_rounded_to_whole_updates():
    assert make_schedule("cosine", 1.0, total_steps=7, warmup_fraction=0.5).warmup_steps == 4
    assert make_schedule("one_cycle", 1.0, total_steps=3).warmup_steps == 1


def test_a_horizon_of_one_update():
    schedule = make_schedule("cosine", 0.3, total_steps=1)
    assert rates(schedule, 3) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("fraction", [-0.1, 1.0, 1.5])
def test_warmup_fraction_must_be_in_zero_one(fraction):
    with pytest.raises(ValueError, match="warmup_fraction"):
        make_schedule("cosine", 0.1, total_steps=10, warmup_fraction=fraction)


@pytest.mark.parametrize("total_steps", [0, -3, 2.5])
def test_total_steps_must_be_a_positive_integer(total_steps):
    with pytest.raises(ValueError, match="total_steps"):
        make_schedule("one_cycle", 0.1, total_steps=total_steps)


def test_an_annealing_schedule_without_a_horizon_cannot_step():
    with pytest.raises(ValueError, match="total_steps"):
        make_schedule("cosine", 0.1).next_rate()


def test_unknown_schedule():
    with pytest.raises(ValueError, match="Unknown learning-rate schedule"):
        make_schedule("linear", 0.1)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_resumed_schedule_continues_the_same_rates(name):
    settings = dict(power_t=0.3, total_steps=12, warmup_fraction=0.25)
    straight = make_schedule(name, 0.1, **settings)
    first = make_schedule(name, 0.1, **settings)
    for schedule in (straight, first):
        rates(schedule, 4)
        schedule.end_epoch(40)
        schedule.on_plateau()
    resumed = make_schedule(name, 0.1, **settings).resume(first)
    assert resumed.steps == 4
    assert resumed.rate == straight.rate
    assert rates(resumed, 9) == rates(straight, 9)
    assert first.steps == 4  # the previous schedule is left as it was


def test_resumed_annealing_schedule_without_a_horizon_continues_the_previous_one():
    first = make_schedule("one_cycle", 0.1, total_steps=20)
    rates(first, 5)
    resumed = make_schedule("one_cycle", 0.1).resume(first)
    assert resumed.total_steps == 20
    assert resumed.steps == 5
    assert resumed.next_rate() == pytest.approx(
        warmup_cosine(6, 0.1, 20, 6, 0.1 / 25, 0.1 / 25e4), rel=1e-12
    )


@pytest.mark.parametrize(
    "changed",
    [dict(learning_rate_init=0.2), dict(total_steps=30), dict(warmup_fraction=0.1)],
)
def test_annealing_schedule_with_other_settings_starts_afresh(changed):
    settings = dict(learning_rate_init=0.1, total_steps=20, warmup_fraction=0.2)
    first = make_schedule("cosine", **settings)
    rates(first, 5)
    settings.update(changed)
    resumed = make_schedule("cosine", **settings).resume(first)
    fresh = make_schedule("cosine", **settings)
    assert resumed.steps == 0
    assert rates(resumed, 3) == rates(fresh, 3)


@pytest.mark.parametrize("name", ["invscaling", "adaptive"])
def test_decayed_rate_is_carried_only_if_the_initial_rate_is_unchanged(name):
    first = make_schedule(name, 0.1)
    rates(first, 3)
    first.end_epoch(99)
    first.on_plateau()
    same = make_schedule(name, 0.1).resume(first)
    assert same.rate == first.rate != 0.1
    assert same.steps == 3
    other = make_schedule(name, 0.3).resume(first)
    assert other.rate == 0.3
    assert other.steps == 3


@pytest.mark.parametrize(
    ("before", "after"),
    [("adaptive", "constant"), ("cosine", "one_cycle"), ("one_cycle", "adaptive")],
)
def test_another_kind_of_schedule_starts_afresh(before, after):
    first = make_schedule(before, 0.1, total_steps=10)
    rates(first, 4)
    first.on_plateau()
    resumed = make_schedule(after, 0.1, total_steps=10).resume(first)
    fresh = make_schedule(after, 0.1, total_steps=10)
    assert resumed.steps == 0
    assert resumed.rate == fresh.rate
    assert rates(resumed, 3) == rates(fresh, 3)


def test_only_a_schedule_with_a_horizon_finishes():
    cosine = make_schedule("cosine", 0.1, total_steps=3)
    constant = make_schedule("constant", 0.1)
    for _ in range(3):
        assert not cosine.finished
        cosine.next_rate()
        constant.next_rate()
    assert cosine.finished
    assert not constant.finished
