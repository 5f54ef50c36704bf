import math

import pytest

from gradprobe import GradReport, Thresholds


def report(*norms: float, **kwargs) -> GradReport:
    return GradReport(tuple(f"layer{i}" for i in range(len(norms))), norms, **kwargs)


def test_verdicts_follow_the_documented_thresholds():
    assert report(1.0, 1.0).verdict == "healthy"
    assert report(0.9e-3, 1.0).verdict == "vanishing"
    assert report(1.1e-3, 1.0).verdict == "healthy"
    assert report(1.1e3, 1.0).verdict == "exploding"
    assert report(1.0, 2e4).verdict == "exploding"
    assert report(0.0, 0.0).verdict == "vanishing"


def test_custom_thresholds_change_the_verdict():
    assert report(1e-2, 1.0, thresholds=Thresholds(vanishing_ratio=0.1)).verdict == "vanishing"


def test_non_finite_names_the_bad_layer_nearest_the_loss():
    r = report(math.nan, math.nan, math.inf, 1.0)
    assert r.verdict == "non-finite"
    assert r.first_non_finite == "layer2"
    assert "NaN/Inf first met at `layer2`" in r.summary()


def test_ratio_total_norm_and_lookup():
    r = report(3.0, 4.0)
    assert r.ratio == pytest.approx(0.75)
    assert r.total_norm == pytest.approx(5.0)
    assert r.norm("layer1") == 4.0
    assert report(1.0, 0.0).ratio == math.inf
    with pytest.raises(KeyError, match="no layer named 'nope'; layers are: layer0, layer1"):
        r.norm("nope")


def test_table_lists_every_layer_then_the_summary():
    lines = report(1e-5, 2.0).table().splitlines()
    assert lines[0].split() == ["#", "layer", "grad", "norm"]
    assert lines[1].split() == ["0", "layer0", "1.00e-05"]
    assert lines[2].split() == ["1", "layer1", "2.00e+00"]
    assert lines[3] == (
        "verdict: vanishing  (first/last = 5.0e-06): norms fall by 5e-06 from `layer1` down to "
        "`layer0`; see https://gradient-glossary.github.io/gradient-glossary/vanishing-gradient/#fixes"
    )


def test_mismatched_or_empty_reports_are_rejected():
    with pytest.raises(ValueError, match="2 layer names but 1 norms"):
        GradReport(("a", "b"), (1.0,))
    with pytest.raises(ValueError, match="at least one layer"):
        GradReport((), ())
