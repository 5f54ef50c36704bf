"""Each measurable sentence of docs/recurrent-networks.md, asserted."""

import math

import pytest
import torch
from pages import figure_args

from gradprobe.experiments.recurrent_networks import (
    HIDDEN,
    INPUTS,
    SEEDS,
    decay_per_step,
    first_over_last_by_bias,
    gate_value,
    gradient_by_step,
    recurrent_weight_spectrum,
    step_gradients,
    summary,
)
from gradprobe.models import sequence_model

BIASES = figure_args("recurrent-networks-gate-bias")["biases"]


@pytest.fixture(scope="module")
def rows():
    return summary(length=figure_args("recurrent-networks-steps")["length"])


@pytest.fixture(scope="module")
def by_bias():
    return first_over_last_by_bias(BIASES)


def orders(ratio: float) -> float:
    return -math.log10(ratio)


def test_gate_values_quoted_on_the_page():
    assert gate_value(0.0) == pytest.approx(0.5)
    assert gate_value(1.0) == pytest.approx(0.73, abs=0.005)
    assert gate_value(2.0) == pytest.approx(0.88, abs=0.005)
    assert gate_value(3.0) == pytest.approx(0.95, abs=0.005)


def test_rnn_passes_back_about_half_per_step_and_loses_more_than_27_orders(rows):
    assert 0.45 < rows["rnn"]["per_step"] < 0.6  # "about half of the gradient per step", "0.53"
    assert round(rows["rnn"]["per_step"], 2) == 0.53
    assert 27 < orders(rows["rnn"]["ratio"]) < 28
    assert orders(rows["rnn"]["first"]) == pytest.approx(29, abs=0.7)  # "near 1e-29"


def test_a_float32_norm_of_that_size_is_exactly_zero(rows):
    # a gradient of norm ~4e-29 spread over the 16 x 8 input entries of step 1
    entries = torch.full((16 * 8,), rows["rnn"]["first"] / math.sqrt(16 * 8))
    assert torch.linalg.vector_norm(entries.float()).item() == 0.0
    assert torch.linalg.vector_norm(entries.double()).item() == pytest.approx(rows["rnn"]["first"])
    # practical advice: "underflow for gradients below about 1e-22"
    tiny = torch.full((128,), 1e-22 / math.sqrt(128))
    assert torch.linalg.vector_norm(tiny.float()).item() == 0.0


def test_every_curve_is_a_straight_line_on_a_log_scale():
    for label, norms in gradient_by_step(100).items():
        early = (norms[10] / norms[50]) ** (1 / 40)
        late = (norms[50] / norms[90]) ** (1 / 40)
        assert early == pytest.approx(late, rel=0.05), label


def test_default_gates_keep_063_and_062_per_step(rows):
    assert round(rows["lstm"]["per_step"], 2) == 0.63
    assert round(rows["gru"]["per_step"], 2) == 0.62


def test_default_gated_cells_get_a_million_times_more_than_the_rnn_and_stay_20_and_21_orders_down(rows):
    for cell in ("lstm", "gru"):
        assert rows[cell]["first"] / rows["rnn"]["first"] > 1e6
    assert [round(orders(rows[cell]["ratio"])) for cell in ("lstm", "gru")] == [20, 21]  # "20 (LSTM) and 21 (GRU)"


def test_pytorch_draws_biases_symmetric_around_zero_so_keep_gates_start_near_half():
    bound = 2 / math.sqrt(HIDDEN)  # b_ih + b_hh, each uniform in [-1/sqrt(H), 1/sqrt(H)]
    for cell in ("lstm", "gru"):
        for seed in SEEDS:
            torch.manual_seed(seed)
            rnn = sequence_model(cell, INPUTS, HIDDEN, 1).rnn
            bias = (rnn.bias_ih_l0 + rnn.bias_hh_l0)[HIDDEN : 2 * HIDDEN]
            assert bias.abs().max().item() <= bound
            assert abs(bias.mean().item()) < 0.1
    assert gate_value(-bound) > 0.4 and gate_value(bound) < 0.6  # "starts near 0.5"


def test_bias_one_raises_step_one_by_12_orders_for_lstm_and_10_for_gru(rows):
    assert round(math.log10(rows["lstm_bias1"]["first"] / rows["lstm"]["first"])) == 12
    assert round(math.log10(rows["gru_bias1"]["first"] / rows["gru"]["first"])) == 10


def test_bias_three_lstm_step_one_is_as_large_as_step_100(by_bias):
    assert 0.5 < by_bias["lstm"][BIASES.index(3.0)] < 2


def test_the_gate_bias_controls_the_path(by_bias):
    for cell in ("lstm", "gru"):
        assert all(a < b for a, b in zip(by_bias[cell], by_bias[cell][1:])), cell
    assert all(r == by_bias["rnn"][0] for r in by_bias["rnn"])  # the RNN has no such dial


def test_factor_per_step_is_a_little_above_the_gate_value(rows):
    assert round(rows["lstm_bias1"]["per_step"], 2) == 0.84
    for label in ("lstm_bias1", "gru_bias1"):
        assert gate_value(1.0) < rows[label]["per_step"] < gate_value(1.0) + 0.15
    for label in ("lstm", "gru"):
        assert 0.5 < rows[label]["per_step"] < 0.5 + 0.15


def test_rnn_default_w_hh_largest_singular_value_is_a_little_above_one_its_radius_well_below():
    spectra = [recurrent_weight_spectrum(seed) for seed in SEEDS]
    assert all(1.0 < s["largest_singular_value"] < 1.2 for s in spectra)
    assert [round(s["radius"], 2) for s in spectra] == pytest.approx([0.60, 0.61, 0.60, 0.56, 0.56])
    assert all(s["radius"] <= s["largest_singular_value"] for s in spectra)


def test_radius_times_rms_tanh_slope_predicts_the_measured_factor_per_seed():
    predictions, measurements = [], []
    for seed in SEEDS:
        s = recurrent_weight_spectrum(seed)
        assert round(s["tanh_slope_rms"], 1) == 0.9
        predicted = s["radius"] * s["tanh_slope_rms"]
        measured = decay_per_step(list(step_gradients("rnn", None, seed)))
        assert measured == pytest.approx(predicted, rel=0.03), seed
        bound = s["largest_singular_value"] * s["tanh_slope_rms"]
        assert abs(bound - measured) > 10 * abs(predicted - measured)  # sigma_max does not predict it
        predictions.append(predicted)
        measurements.append(measured)
    assert (round(min(predictions), 2), round(max(predictions), 2)) == (0.50, 0.55)  # "predicts 0.50 to 0.55"
    assert (round(min(measurements), 2), round(max(measurements), 2)) == (0.51, 0.54)  # "measured 0.51 to 0.54"
