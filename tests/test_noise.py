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


def test_signal_is_the_change_in_units_of_its_spread():
    # 120 vs 80 comments on 40 posts each: difference 1.0 per post, sd sqrt(200) / 40.
    from legame.kpis.noise import signal

    assert signal(Sample("rate", 120, 40), Sample("rate", 80, 40)) == pytest.approx(1.0 / (200**0.5 / 40))
    assert signal(Sample("base", 5, 5), Sample("base", 9, 9)) is None


def test_what_changed_ranks_real_moves_by_signal():
    from datetime import date

    from legame.board import Board
    from legame.kpis import Period
    from legame.kpis.engine import Kpi

    def kpi(kpi_id, signal, noise=None):
        return Kpi(
            id=kpi_id, label="", plain_label="", family="", unit="%", direction="higher", definition="",
            value=1.0, na_reason=None, comparison_value=1.0, delta=0.0, delta_pct=0.0, target=None, status=None,
            assumptions=[], freshness=None, sentence="", display={}, period=Period(date(2025, 1, 1), date(2025, 1, 31)),
            comparison_period=Period(date(2024, 12, 1), date(2024, 12, 31)), noise=noise, signal=signal,
        )  # fmt: skip

    kpis = [kpi("a", 2.0), kpi("b", -9.0), kpi("c", 30.0, noise="small base"), kpi("d", None), kpi("e", 4.0)]
    board = Board(period=kpis[0].period, kpis=kpis, freshness={}, demo_state="real", trend=[])
    assert [k.id for k in board.what_changed()] == ["b", "e", "a"]


def test_a_share_above_one_is_treated_as_a_rate():
    # 60 new customers from 40 tracked clicks is not a proportion; no math error, a Poisson interval instead.
    lo, hi = delta_interval(Sample("proportion", 60, 40), Sample("proportion", 30, 40))
    assert (lo + hi) / 2 == pytest.approx(0.75)


def test_estimates_compare_through_their_intervals():
    from legame.kpis.noise import estimate

    # Two estimates 10 apart, each with a 90% interval of +-8.2 (se 5): the change's se is 5 * sqrt(2).
    now, before = estimate(110, 101.775, 118.225, 900), estimate(100, 91.775, 108.225, 900)
    lo, hi = delta_interval(now, before)
    assert (lo + hi) / 2 == pytest.approx(10)
    assert hi - lo == pytest.approx(2 * 1.6448536 * 5 * 2**0.5, rel=1e-3)
    assert within_noise(now, before, 30)
    assert estimate(None, 1, 2, 10) is None
