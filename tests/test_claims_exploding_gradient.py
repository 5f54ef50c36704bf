"""Each measurable sentence of docs/exploding-gradient.md, asserted."""

import itertools
import math

import pytest
import torch
from pages import figure_args, log_line

from gradprobe import grad_norms
from gradprobe.experiments.exploding_gradient import (
    growth_per_layer,
    loss_by_learning_rate,
    measure_gain,
    predicted_growth,
    train,
)

FIGURE = figure_args("exploding-gradient-norms")  # the gains and depth the page's figure shows
GAINS = tuple(FIGURE["gains"])


@pytest.fixture(scope="module")
def reports():
    return {gain: measure_gain(gain, FIGURE["depth"]) for gain in GAINS}


def test_gain_1_stays_level_and_healthy(reports):
    report = reports[1.0]
    assert round(growth_per_layer(report), 2) == 0.99
    assert report.verdict == "healthy"


def test_gain_2_grows_116_per_layer_first_layer_29_times_the_head_still_healthy(reports):
    report = reports[2.0]
    assert round(growth_per_layer(report), 2) == 1.16
    assert round(report.ratio) == 29
    assert report.verdict == "healthy"
    assert report.thresholds.exploding_ratio == 1000  # "its threshold for the ratio is 1000"
    assert max(report.norms) < report.thresholds.exploding_norm


def test_gain_4_and_8_explode(reports):
    assert round(growth_per_layer(reports[4.0]), 2) == 1.53
    assert round(growth_per_layer(reports[8.0]), 2) == 2.07
    assert reports[4.0].verdict == reports[8.0].verdict == "exploding"
    assert round(reports[8.0].norms[0] / 1e9, 1) == 1.0  # first layer 1.0e9
    assert round(reports[8.0].norms[-1], 1) == 4.3  # head 4.3
    assert 1.5e8 < reports[8.0].ratio < 2.5e8  # "2 × 10^8 times the head's"


def test_every_curve_is_a_straight_line_on_a_log_scale(reports):
    for gain in (2.0, 4.0, 8.0):
        factor, off_line = log_line(reports[gain].norms[1:-1])  # the hidden layers, the ends aside
        assert factor < 1 and off_line < 0.3, (gain, factor, off_line)  # one factor per layer: no layer 2x off the line


def test_mean_field_prediction_within_4_percent(reports):
    for gain in GAINS:
        assert predicted_growth(gain) == pytest.approx(growth_per_layer(reports[gain]), rel=0.04), gain


def test_at_gain_8_rms_of_tanh_derivative_is_about_027_and_the_gradient_still_doubles(reports):
    assert round(predicted_growth(8.0) / 8.0, 2) == 0.27  # "only about 0.27"
    assert growth_per_layer(reports[8.0]) > 2


def test_lr_01_run_step_by_step():
    run = train(0.1)
    totals = [r.total_norm for r in run.reports]
    verdicts = [r.verdict for r in run.reports]
    assert len(run.losses) == 4 and math.isnan(run.losses[3])  # NaN at step 4, three finite values before
    assert all(math.isfinite(v) for v in run.losses[:3])
    assert round(totals[0], 1) == 27.9 and verdicts[0] == "healthy"
    assert round(totals[1]) == 984 and round(totals[1] / totals[0]) == 35
    assert round(totals[2] / 1e9, 1) == 2.6 and round(totals[2] / totals[1] / 1e6, 1) == 2.6
    assert 1e7 < run.losses[2] < 1e8 * 1.5  # "a loss near 10^8"
    assert verdicts[2] == "exploding"
    assert min(run.reports[2].norms) > 1e7  # "at step 3 every layer's gradient norm was above 10^7"
    last = run.reports[3]
    assert verdicts[3] == "non-finite" and last.first_non_finite == "head"
    assert len(last.layers) == 11 and all(math.isnan(v) for v in last.norms)


def test_the_nan_run_diverges_with_the_learning_rate_not_with_depth():
    run = train(0.1)
    step3 = run.reports[2]
    assert round(step3.ratio, 3) == 0.091  # the first layer gets less than the head: no growth toward the input
    assert all(r.ratio < 1 for r in run.reports[:3])
    assert step3.ratio < step3.thresholds.exploding_ratio  # the verdict does not come from the ratio ...
    assert max(step3.norms) > step3.thresholds.exploding_norm == 1e4  # ... but from the absolute threshold


def test_learning_rates_001_and_005():
    slow, edge = train(0.01), train(0.05)
    assert len(slow.losses) == len(edge.losses) == 40
    assert round(slow.losses[0], 1) == 2.1 and round(slow.losses[-1], 2) == 0.37
    assert round(edge.losses[1]) == 31 and round(edge.losses[-1], 2) == 0.47
    assert all(r.verdict == "healthy" for r in edge.reports)  # "the gradient does not run away"


def test_figure_series_stop_before_the_first_non_finite_loss():
    series = loss_by_learning_rate()
    assert [len(v) for v in series.values()] == [40, 40, 3]


def test_float32_norm_overflows_above_1_8e19_and_gradprobe_recomputes_it():
    assert torch.finfo(torch.float32).max ** 0.5 == pytest.approx(1.8e19, rel=0.03)
    layer = torch.nn.Linear(4, 4)
    layer.weight.grad = torch.full((4, 4), 1e19)  # every entry finite, norm 4e19
    layer.bias.grad = torch.zeros(4)
    assert torch.isinf(layer.weight.grad.norm())  # summed in float32, the squares overflow
    report = grad_norms(layer)
    assert report.norms[0] == pytest.approx(4e19, rel=1e-6) and report.verdict == "exploding"


def test_lr_007_step_4_loss_finite_while_norms_reach_5_7e21():
    run = train(0.07)
    assert math.isfinite(run.losses[3]) and round(run.losses[3] / 1e21, 1) == 2.7
    assert all(math.isfinite(v) for v in run.reports[3].norms)
    assert round(max(run.reports[3].norms) / 1e21, 1) == 5.7
    assert run.reports[3].verdict == "exploding"
    assert len(run.losses) == 5 and math.isnan(run.losses[4])  # NaN one step later


def test_float16_largest_number():
    assert torch.finfo(torch.float16).max == 65504


def test_larger_gain_saturates_more_yet_the_factor_keeps_rising():
    predicted = [predicted_growth(gain) for gain in GAINS]
    slopes = [p / gain for p, gain in zip(predicted, GAINS)]  # root mean square of tanh'(z)
    assert all(a < b for a, b in itertools.pairwise(predicted))
    assert all(a > b for a, b in itertools.pairwise(slopes))
    assert predicted[0] < 1  # Xavier (gain 1): just below one
