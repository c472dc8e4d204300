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
    assert signal(Sample("count", 0, 0), Sample("count", 0, 0)) is None  # two zero counts have no spread
    assert signal(Sample("rate", 5, 0), Sample("rate", 9, 9)) is None  # no exposure in a period


def test_what_changed_ranks_real_moves_by_signal():
    from datetime import date

    from legame.board import Board
    from legame.kpis import Period
    from legame.kpis.engine import Kpi

    def kpi(kpi_id, signal, noise=None, delta=0.5):
        return Kpi(
            id=kpi_id, label="", plain_label="", family="", unit="%", direction="higher", definition="",
            value=1.0 + delta, na_reason=None, comparison_value=1.0, delta=delta, delta_pct=delta * 100, target=None,
            status=None,
            assumptions=[], freshness=None, sentence="", display={}, period=Period(date(2025, 1, 1), date(2025, 1, 31)),
            comparison_period=Period(date(2024, 12, 1), date(2024, 12, 31)), noise=noise, signal=signal,
        )  # fmt: skip

    kpis = [kpi("a", 2.0), kpi("b", -9.0), kpi("c", 30.0, noise="small base"), kpi("d", None), kpi("e", 4.0)]
    kpis.append(kpi("f", 40.0, delta=0.004))  # a statistically clear change too small to mention: about the same
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


def test_two_counts_are_two_poisson_counts():
    # 233 UGC posts against 91: a change of 142, sd sqrt(233 + 91) = 18; the rate's formula over one period.
    lo, hi = delta_interval(Sample("count", 233, 233), Sample("count", 91, 91))
    assert (lo + hi) / 2 == pytest.approx(142)
    assert hi - lo == pytest.approx(2 * 1.6448536 * 18, rel=1e-6)
    assert (lo, hi) == pytest.approx(delta_interval(Sample("rate", 233, 1), Sample("rate", 91, 1)))
    assert within_noise(Sample("count", 233, 233), Sample("count", 91, 91), 30) is None
    # 345 advocates against 318 is 27 +- 42; 31 against 30 is 1 +- 13: neither is a real change.
    assert within_noise(Sample("count", 345, 345), Sample("count", 318, 318), 30) == (
        "the 90% interval of the change includes zero"
    )
    assert within_noise(Sample("count", 31, 31), Sample("count", 30, 30), 30)
    # A count is its own base: ten posts are too few to judge, whatever the other period's count.
    assert within_noise(Sample("count", 10, 10), Sample("count", 1000, 1000), 30) == "the base is small (10 < 30)"
    # A count of zero still has a spread from the other period's count.
    assert delta_interval(Sample("count", 40, 40), Sample("count", 0, 0)) == pytest.approx(
        (40 - 1.6448536 * 40**0.5, 40 + 1.6448536 * 40**0.5)
    )


def test_a_cost_per_counted_customer_varies_with_the_count():
    # EUR 3,000 over 30 new customers (100 each) against EUR 3,000 over 60 (50 each): each value's sd is
    # value / sqrt(count) (the spend is known, the count Poisson), 100 / sqrt(30) and 50 / sqrt(60).
    now, before = Sample("per_count", 3000, 30), Sample("per_count", 3000, 60)
    lo, hi = delta_interval(now, before)
    assert (lo + hi) / 2 == pytest.approx(50)
    assert hi - lo == pytest.approx(2 * 1.6448536 * (100**2 / 30 + 50**2 / 60) ** 0.5, rel=1e-6)
    assert within_noise(now, before, 30) is None
    # The same spend over 31 customers against 30: about 3% apart, well within the noise.
    assert within_noise(Sample("per_count", 3000, 31), Sample("per_count", 3000, 30), 30)


def test_a_kind_with_no_model_is_a_mistake_not_a_real_change():
    with pytest.raises(ValueError, match="base"):
        within_noise(Sample("base", 31, 31), Sample("base", 30, 30), 30)


def test_every_count_kpi_is_judged_as_a_count():
    # One test for every count of events or people; a count with no noise model must be one that is not a count
    # of independent things (reach adds up the audience of a few posts, each person seen many times).
    from legame.kpis.registry import KPIS, Count

    not_counts_of_things = {"earned_reach"}
    counts = {k.id: k for k in KPIS.values() if k.unit == "count"}
    assert {"advocates", "ugc_volume", "advocacy_ladder", "earned_reach"} <= set(counts)
    for kpi_id, kdef in counts.items():
        expected = None if kpi_id in not_counts_of_things else "count"
        assert isinstance(kdef.measure, Count) and kdef.measure.noise == expected, kpi_id
    row = {"employee_posts": 3, "customer_posts": 20, "advocates": 345, "influencer_posts": 2, "ugc": 233}
    assert KPIS["advocacy_ladder"].sample(row, {}) == Sample("count", 370, 370)
    assert KPIS["advocates"].sample(row, {}) == Sample("count", 345, 345)
    assert KPIS["ugc_volume"].sample(row, {}) == Sample("count", 233, 233)
    assert KPIS["cac"].sample({"spend": 3000, "new_customers": 30}, {}).kind == "per_count"
