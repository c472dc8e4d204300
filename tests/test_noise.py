"""Honest deltas: interval formulas against published examples, and the flag on KPIs."""

from __future__ import annotations

import pytest

from legame.kpis.noise import Sample, delta_interval, wilson, within_noise

Z95 = 1.959963984540054


def test_wilson_matches_newcombe_1998_example():
    # Newcombe (1998), single proportion: 81/263 -> 95% Wilson interval 0.2553 to 0.3662.
    lo, hi = wilson(81, 263, Z95)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)


def test_difference_matches_newcombe_1998_method_10():
    # Newcombe (1998), unpaired difference: 56/70 - 48/80 -> 0.0524 to 0.3339 (method 10).
    lo, hi = delta_interval(Sample("proportion", 56, 70), Sample("proportion", 48, 80), Z95)
    assert (round(lo, 4), round(hi, 4)) == (0.0524, 0.3339)


def test_small_changes_on_small_samples_are_noise():
    assert within_noise(Sample("proportion", 50, 100), Sample("proportion", 45, 100), 30)
    assert within_noise(Sample("proportion", 500, 1000), Sample("proportion", 400, 1000), 30) is None


def test_small_base_is_noise_whatever_the_change():
    reason = within_noise(Sample("proportion", 20, 20), Sample("proportion", 0, 25), 30)
    assert reason == "the base is small (20 < 30)"


def test_poisson_rate():
    # 120 comments on 40 posts vs 80 on 40: difference 1.0, sd sqrt(120 + 80) / 40.
    lo, hi = delta_interval(Sample("rate", 120, 40), Sample("rate", 80, 40))
    assert (lo + hi) / 2 == pytest.approx(1.0)
    assert hi - lo == pytest.approx(2 * 1.6448536 * (200**0.5) / 40, rel=1e-6)


def test_nps_interval_in_points():
    # 400 answers each: NPS 30 (200 promoters, 80 detractors) vs 25 (180, 80).
    now, before = Sample("nps", 200, 400, 80, scale=100), Sample("nps", 180, 400, 80, scale=100)
    lo, hi = delta_interval(now, before)
    assert (lo + hi) / 2 == pytest.approx(5.0)
    var = (0.5 + 0.2 - 0.3**2) / 400 + (0.45 + 0.2 - 0.25**2) / 400
    assert hi - lo == pytest.approx(2 * 1.6448536 * var**0.5 * 100, rel=1e-6)
    assert within_noise(now, before, 30)  # +5 points on 400 answers is not yet a real change
