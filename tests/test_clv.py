"""The CLV models against the papers' CDNOW estimates, simulations with known truth, and edge cases."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from legame import cli_clv, clv
from legame.clv import bgnbd, gamma_gamma, optimiser

ROOT = Path(__file__).resolve().parent.parent
CDNOW = ROOT / "tests" / "fixtures" / "cdnow_sample.csv"
CDNOW_COLUMNS = ["--customer-col", "customer_id", "--date-col", "date", "--amount-col", "amount"]

# Fader, Hardie & Lee (2005), CDNOW 1/10 sample, 39-week calibration, weekly unit.
PAPER_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "loglik": -9582.4}
# Fader & Hardie (2013), same customers' repeat transactions.
PAPER_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}

ORDERS_DDL = (
    "create table orders (order_id varchar, person_id varchar, ordered_at timestamp, "
    "revenue double, channel varchar, campaign varchar, is_refund boolean)"
)


def orders_connection(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """A real DuckDB with an orders table holding (person_id, ordered_at, revenue, is_refund) rows."""
    con = duckdb.connect()
    con.execute(ORDERS_DDL)
    if rows:
        con.executemany(
            "insert into orders values (?, ?, ?, ?, null, null, ?)",
            [(f"o{i}", *row) for i, row in enumerate(rows)],
        )
    return con


def load_cdnow(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute(ORDERS_DDL)
    con.execute(
        "insert into orders select row_number() over ()::varchar, customer_id::varchar, "
        "date::timestamp, amount, null, null, false from read_csv($path)",
        {"path": str(CDNOW)},
    )
    return con


@pytest.fixture(scope="module")
def cdnow() -> duckdb.DuckDBPyConnection:
    return load_cdnow(duckdb.connect())


@pytest.fixture(scope="module")
def cdnow_fit(cdnow: duckdb.DuckDBPyConnection) -> clv.ClvFit:
    return clv.fit_clv(cdnow, "1997-09-30", "week")


def assert_within(actual: float, expected: float, rel: float, what: str) -> None:
    assert abs(actual - expected) <= rel * abs(expected), f"{what}: {actual:.5g} vs {expected:.5g}"


# --------------------------------------------------------------------------- CDNOW, the papers


def test_cdnow_summary_has_the_papers_customers(cdnow_fit: clv.ClvFit) -> None:
    summary = cdnow_fit.summary
    assert len(summary) == 2357
    assert summary["person_id"].is_unique
    assert int((summary["x"] > 0).sum()) == 946
    # Everyone's first purchase is in Q1 1997, so T runs from 27 to 39 weeks.
    assert summary["T"].min() >= 26.9 and summary["T"].max() <= 39


def test_cdnow_bgnbd_reproduces_fader_hardie_lee_2005(cdnow_fit: clv.ClvFit) -> None:
    params = cdnow_fit.purchases.params
    for name, expected in PAPER_BGNBD.items():
        assert_within(getattr(params, name), expected, 0.01, name)
    assert params.n_customers == 2357


def test_cdnow_gamma_gamma_reproduces_fader_hardie_2013(cdnow_fit: clv.ClvFit) -> None:
    params = cdnow_fit.spend.params
    for name, expected in PAPER_GAMMA_GAMMA.items():
        assert_within(getattr(params, name), expected, 0.01, name)
    assert params.n_repeat == 946
    # FH 2013 report a correlation of 0.11 between frequency and spend on these data.
    assert abs(clv.frequency_monetary_correlation(cdnow_fit.summary) - 0.11) < 0.01


def test_cdnow_conditional_expectation_matches_the_papers_worked_example(cdnow_fit: clv.ClvFit) -> None:
    # FHL 2005's example customer (and Hardie's spreadsheet): x = 2, t_x = 30.43, T = 38.86
    # is expected to make 1.226 purchases in the next 39 weeks.
    customer = pd.DataFrame({"x": [2], "t_x": [30.43], "T": [38.86]})
    assert abs(cdnow_fit.purchases.expected_purchases(39, customer)[0] - 1.226) < 0.002


def test_cdnow_expected_spend_is_the_papers_weighted_average(cdnow_fit: clv.ClvFit) -> None:
    p, q, gamma = PAPER_GAMMA_GAMMA.values()
    customers = pd.DataFrame({"x": [0, 1, 10], "monetary_value": [np.nan, 50.0, 20.0]})
    population_mean = p * gamma / (q - 1)
    expected = [population_mean]
    for x, m in [(1, 50.0), (10, 20.0)]:
        weight = p * x / (p * x + q - 1)  # FH 2013 eq. 5
        expected.append((1 - weight) * population_mean + weight * m)
    actual = cdnow_fit.spend.expected_spend(customers)
    for a, e in zip(actual, expected, strict=True):
        assert_within(a, e, 0.01, "expected spend")


def test_cdnow_time_unit_only_rescales_alpha(cdnow: duckdb.DuckDBPyConnection, cdnow_fit: clv.ClvFit) -> None:
    # Measuring time in days multiplies T and t_x by 7; the likelihood changes by a
    # constant only, so r, a, b stay and alpha is multiplied by 7: CLV cannot move.
    by_day = clv.fit_clv(cdnow, "1997-09-30", "day")
    week, day = cdnow_fit.purchases.params, by_day.purchases.params
    for name in ("r", "a", "b"):
        assert_within(getattr(day, name), getattr(week, name), 1e-4, name)
    assert_within(day.alpha, 7 * week.alpha, 1e-4, "alpha")
    weekly = cdnow_fit.customer_values(12, 0.01, 0.3)["clv_predicted"].to_numpy()
    daily = by_day.customer_values(12, 0.01, 0.3)["clv_predicted"].to_numpy()
    np.testing.assert_allclose(daily, weekly, rtol=1e-3)


def test_clv_sums_discounted_monthly_purchases(cdnow_fit: clv.ClvFit) -> None:
    customer = pd.DataFrame({"x": [4], "t_x": [30.0], "T": [38.0], "monetary_value": [25.0]})
    model, spend = cdnow_fit.purchases, cdnow_fit.spend
    month = clv.DAYS_PER_MONTH / 7  # in weeks
    cumulative = [0.0] + [model.expected_purchases(m * month, customer)[0] for m in range(1, 7)]
    spend_per_purchase = spend.expected_spend(customer)[0]
    by_hand = sum((cumulative[m] - cumulative[m - 1]) * spend_per_purchase * 0.4 / 1.02**m for m in range(1, 7))
    got = clv.predicted_clv(model, spend, customer, 6, 0.02, 0.4, 7.0)[0]
    assert_within(got, by_hand, 1e-9, "clv")
    undiscounted = clv.predicted_clv(model, spend, customer, 6, 0.0, 1.0, 7.0)[0]
    assert_within(undiscounted, cumulative[6] * spend_per_purchase, 1e-9, "undiscounted clv")


def test_customer_values_per_person(cdnow: duckdb.DuckDBPyConnection) -> None:
    values = clv.customer_values(cdnow, dt.date(1997, 9, 30), 12, 0.01, 0.3, "week")
    assert list(values.columns) == [
        "person_id",
        "x",
        "t_x",
        "T",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "clv_predicted",
        "historic_revenue",
    ]
    assert len(values) == 2357 and values["person_id"].is_unique
    assert values["p_alive"].between(0, 1).all()
    assert (values.loc[values["x"] == 0, "p_alive"] == 1).all()  # no repeat: no sign of dropout yet
    assert (values["clv_predicted"] >= 0).all() and (values["expected_purchases"] >= 0).all()
    customer_one = values.set_index("person_id").loc["1"]
    assert customer_one["x"] == 2 and customer_one["historic_revenue"] == pytest.approx(74.02)


def test_holdout_check_counts_the_actual_purchases(cdnow: duckdb.DuckDBPyConnection) -> None:
    check = clv.holdout_check(cdnow, "1997-09-30", "1998-06-30", "week")
    # The actual holdout purchases, counted here straight from the raw file.
    raw = pd.read_csv(CDNOW, parse_dates=["date"])
    days = raw.groupby(["customer_id", "date"], as_index=False)["amount"].sum()
    calibration = days[days["date"] <= "1997-09-30"].groupby("customer_id").size() - 1
    holdout = days[(days["date"] > "1997-09-30") & (days["date"] <= "1998-06-30")].groupby("customer_id").size()
    frame = pd.DataFrame({"x": calibration.clip(upper=7), "actual": holdout.reindex(calibration.index, fill_value=0)})
    actual = frame.groupby("x")["actual"].mean().to_numpy()
    np.testing.assert_allclose(check.table["actual"].to_numpy(), actual)
    assert list(check.table["x"]) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert check.table["customers"].sum() == 2357
    assert check.mae == pytest.approx((check.table["predicted"] - check.table["actual"]).abs().mean())
    # FHL 2005 figure 4: the conditional expectations track the holdout within a fraction of a purchase.
    assert check.mae < 0.3


# --------------------------------------------------------------------------- simulation, known truth

TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "gamma": 15.44}
# Relative standard deviation of each estimate at 100,000 customers (about 40,000 repeat
# customers), measured over 20 seeds; the asymptotic standard errors from the observed
# information agree (r 0.8%, alpha 1.3%, a 3.6%, b 4.6%, p 2.7%, q 1.1%, gamma 3.7%).
RELATIVE_SD = {"r": 0.0085, "alpha": 0.015, "a": 0.040, "b": 0.053, "p": 0.019, "q": 0.0093, "gamma": 0.029}


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    n = 100_000
    T = 27 + 12 * (np.arange(n) % 84) / 84  # first purchases spread over 12 weeks, like CDNOW
    return clv.simulate_customers(T, seed=20050101, **TRUTH)


def test_simulation_recovers_the_true_parameters(simulated: pd.DataFrame) -> None:
    purchases = clv.BetaGeoModel(simulated).fit().params
    spend = clv.GammaGammaModel(simulated).fit().params
    for name, truth in TRUTH.items():
        estimate = getattr(purchases if name in ("r", "alpha", "a", "b") else spend, name)
        # 4 standard deviations: a correct fit fails this about once in 15,000 seeds, a
        # wrong likelihood term shifts estimates by far more.
        assert_within(estimate, truth, 4 * RELATIVE_SD[name], name)


def test_standard_errors_match_the_sampling_spread(simulated: pd.DataFrame) -> None:
    purchases = clv.BetaGeoModel(simulated).fit().params
    spend = clv.GammaGammaModel(simulated).fit().params
    for params in (purchases, spend):
        for name, se in params.standard_errors.items():
            ratio = se / getattr(params, name) / RELATIVE_SD[name]
            assert 0.6 < ratio < 1.6, f"{name}: standard error {se:.3g} is {ratio:.2f}x the spread"


def simulate_with_holdout(n: int, T: float, horizon: float, seed: int) -> pd.DataFrame:
    """Purchase by purchase, independently of clv.simulate_customers: histories up to T,
    whether each customer is still alive at T, and the purchases in (T, T + horizon]."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(TRUTH["r"], 1 / TRUTH["alpha"], n)
    dropout = rng.beta(TRUTH["a"], TRUTH["b"], n)
    clock, x, t_x, holdout = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    gone_by_T = np.zeros(n, dtype=bool)
    active = np.arange(n)
    while active.size:
        clock[active] += rng.exponential(1 / rate[active])
        active = active[clock[active] <= T + horizon]
        calibration = active[clock[active] <= T]
        x[calibration] += 1
        t_x[calibration] = clock[calibration]
        holdout[active[clock[active] > T]] += 1
        leaves = rng.random(active.size) < dropout[active]  # after each purchase
        gone_by_T[active[leaves & (clock[active] <= T)]] = True
        active = active[~leaves]
    return pd.DataFrame({"x": x, "t_x": t_x, "T": T, "alive": ~gone_by_T, "holdout": holdout})


def test_predictions_match_simulated_futures() -> None:
    data = simulate_with_holdout(60_000, T=39.0, horizon=39.0, seed=7)
    model = clv.BetaGeoModel(data).fit()
    predicted = model.expected_purchases(39.0)
    p_alive = model.p_alive()
    for group in (data["x"] == 0, data["x"] == 1, data["x"].between(2, 4), data["x"] >= 5):
        actual = data.loc[group, "holdout"]
        # Sampling error of the group's mean future, plus 2% for the fitted parameters.
        tolerance = 4 * actual.std() / np.sqrt(group.sum()) + 0.02 * actual.mean()
        assert abs(predicted[group].mean() - actual.mean()) < tolerance
        alive = data.loc[group, "alive"]
        assert abs(p_alive[group].mean() - alive.mean()) < 4 * alive.std() / np.sqrt(group.sum()) + 0.01


# --------------------------------------------------------------------------- the maximisation


def test_digamma_and_trigamma_match_scipy() -> None:
    from scipy.special import digamma, polygamma

    # From the parameters' lower bound e^-20 to a million, around digamma's root (1.46) and
    # where the recurrence hands over to the series (10).
    z = np.concatenate([np.logspace(-9, 6, 1501), np.linspace(1.3, 1.6, 301), np.linspace(9.5, 10.5, 101)])
    psi, psi1 = optimiser.digamma_trigamma(z)
    assert np.all(np.abs(psi - digamma(z)) <= 1e-14 * (1 + np.abs(digamma(z))))
    np.testing.assert_allclose(psi1, polygamma(1, z), rtol=1e-14)


def cdnow_histories(cdnow_fit: clv.ClvFit) -> bgnbd.Histories:
    return bgnbd.Histories(*(cdnow_fit.summary[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))


def cdnow_spend(cdnow_fit: clv.ClvFit) -> gamma_gamma.SpendHistories:
    summary = cdnow_fit.summary[cdnow_fit.summary["x"] > 0]
    return gamma_gamma.SpendHistories(summary["x"].to_numpy(dtype=float), summary["monetary_value"].to_numpy())


def central_differences(function, theta: np.ndarray, step: float = 1e-6) -> np.ndarray:
    return np.array([(function(theta + e) - function(theta - e)) / (2 * step) for e in np.eye(theta.size) * step])


@pytest.mark.parametrize("model", ["BG/NBD", "Gamma-Gamma"])
def test_analytic_gradients_and_hessians_match_differences(cdnow_fit: clv.ClvFit, model: str) -> None:
    if model == "BG/NBD":
        objective, data, theta = bgnbd.objective, cdnow_histories(cdnow_fit), np.log([0.3, 5.0, 0.7, 2.0])
    else:
        objective, data, theta = gamma_gamma.objective, cdnow_spend(cdnow_fit), np.log([5.0, 3.0, 20.0])
    _, gradient, hessian = objective(theta, data)
    np.testing.assert_allclose(gradient, central_differences(lambda t: objective(t, data)[0], theta), atol=1e-8)
    np.testing.assert_allclose(hessian, central_differences(lambda t: objective(t, data)[1], theta), atol=1e-8)
    # Without the Hessian, the same value and gradient.
    value, same_gradient, none = objective(theta, data, hessian=False)
    assert value == objective(theta, data)[0] and none is None
    np.testing.assert_array_equal(same_gradient, gradient)


@pytest.mark.parametrize("model", ["BG/NBD", "Gamma-Gamma"])
def test_newton_reaches_the_maximum_lbfgs_reaches(cdnow_fit: clv.ClvFit, model: str) -> None:
    if model == "BG/NBD":
        objective, data = bgnbd.objective, cdnow_histories(cdnow_fit)
        start = np.log([1.0, data.mean_T(), 1.0, 1.0])
    else:
        objective, data, start = gamma_gamma.objective, cdnow_spend(cdnow_fit), np.zeros(3)
    newton = optimiser.newton(objective, start, data, optimiser.NEWTON_TOLERANCE)
    lbfgs = optimiser.lbfgs(objective, start, data)
    assert newton is not None
    np.testing.assert_allclose(newton.theta, lbfgs.theta, rtol=0, atol=1e-6)
    assert newton.value <= lbfgs.value + 1e-12


def test_the_start_does_not_move_the_estimates(simulated: pd.DataFrame) -> None:
    h = bgnbd.Histories(*(simulated[c].to_numpy(dtype=float) for c in ("x", "t_x", "T")))
    sample = h.sample(bgnbd.START_SAMPLE)
    assert sample is not None and sample.rw.size < h.rw.size / 4
    names = ("r", "alpha", "a", "b")
    start = np.log([1.0, h.mean_T(), 1.0, 1.0])
    from_sample = optimiser.maximise(bgnbd.objective, start, h, "BG/NBD", names, sample)
    from_start = optimiser.maximise(bgnbd.objective, start, h, "BG/NBD", names)
    np.testing.assert_allclose(from_sample[0], from_start[0], rtol=0, atol=1e-9)
    assert from_sample[1] == pytest.approx(from_start[1], rel=1e-12)


def test_fits_on_groups_of_customers_equal_fits_per_customer(
    cdnow: duckdb.DuckDBPyConnection, cdnow_fit: clv.ClvFit
) -> None:
    # fit_parameters weights each distinct history by its customers, counted in DuckDB:
    # the likelihood is the same sum, so are the estimates.
    grouped = clv.fit_parameters(cdnow, "1997-09-30", "week")
    for fitted, per_customer in (
        (grouped.purchases, cdnow_fit.purchases.params),
        (grouped.spend, cdnow_fit.spend.params),
    ):
        for name, value in vars(per_customer).items():
            if name == "standard_errors":
                for parameter, se in value.items():
                    assert_within(fitted.standard_errors[parameter], se, 1e-6, f"se({parameter})")
            else:
                assert_within(getattr(fitted, name), value, 1e-9, name)
    assert grouped.correlation == pytest.approx(clv.frequency_monetary_correlation(cdnow_fit.summary), rel=1e-12)


# --------------------------------------------------------------------------- summary rules

RULES_ORDERS = [
    # a: merged same-day orders, a same-day refund, an is_refund row, an order past the end
    ("a", "2024-01-17 09:00", 30.0, False),
    ("a", "2024-01-10 15:00", 5.0, False),
    ("a", "2024-02-05 10:00", 100.0, False),
    ("a", "2024-01-03 12:00", 20.0, False),
    ("a", "2024-01-24 12:00", 40.0, True),
    ("a", "2024-01-17 18:00", -10.0, False),
    ("a", "2024-01-10 10:00", 10.0, False),
    # b: a single purchase
    ("b", "2024-01-20 08:00", 12.0, False),
    # c: a day refunded in full and a refund-only day are not purchases
    ("c", "2024-01-12 10:00", 30.0, False),
    ("c", "2024-01-19 10:00", -5.0, False),
    ("c", "2024-01-05 10:00", 50.0, False),
    ("c", "2024-01-12 11:00", -30.0, False),
    # d: only an order flagged as a refund; e: only orders after the end
    ("d", "2024-01-08 10:00", 25.0, True),
    ("e", "2024-02-10 10:00", 60.0, False),
    # f: a free first order still starts the history
    ("f", "2024-01-09 10:00", 8.0, False),
    ("f", "2024-01-02 10:00", 0.0, False),
]


def test_summary_rules() -> None:
    con = orders_connection(RULES_ORDERS)
    summary = clv.customer_summary(con, "2024-01-31", "week").set_index("person_id")
    assert list(summary.index) == ["a", "b", "c", "f"]
    # a: purchase days 01-03 (20), 01-10 (10 + 5), 01-17 (30 - 10)
    a = summary.loc["a"]
    assert (a["x"], a["t_x"], a["T"]) == (2, 2.0, 4.0)
    assert a["monetary_value"] == pytest.approx(17.5)
    assert a["historic_revenue"] == pytest.approx(55.0)
    assert a["first_purchase_date"] == pd.Timestamp("2024-01-03")
    b = summary.loc["b"]
    assert (b["x"], b["t_x"], b["T"]) == (0, 0.0, pytest.approx(11 / 7))
    assert pd.isna(b["monetary_value"])
    c = summary.loc["c"]
    assert (c["x"], c["t_x"]) == (0, 0.0)
    assert c["historic_revenue"] == pytest.approx(45.0)
    f = summary.loc["f"]
    assert (f["x"], f["t_x"], f["monetary_value"]) == (1, 1.0, 8.0)


def test_summary_time_units() -> None:
    con = orders_connection(RULES_ORDERS)
    by_day = clv.customer_summary(con, dt.date(2024, 1, 31), "day").set_index("person_id")
    by_month = clv.customer_summary(con, dt.date(2024, 1, 31), "month").set_index("person_id")
    assert by_day.loc["a", "T"] == 28 and by_day.loc["a", "t_x"] == 14
    assert by_month.loc["a", "T"] == pytest.approx(28 / 30.4375)
    with pytest.raises(clv.ClvError, match="Unknown time unit 'fortnight'"):
        clv.customer_summary(con, "2024-01-31", "fortnight")


# --------------------------------------------------------------------------- edge cases


def test_one_purchase_customers_take_part(cdnow_fit: clv.ClvFit) -> None:
    single = pd.DataFrame({"x": [0, 0], "t_x": [0.0, 0.0], "T": [10.0, 38.0]})
    # No repeat purchase is no sign of dropout (FHL 2008), and the longer the silence
    # the lower the purchase rate the customer is likely to have.
    assert (cdnow_fit.purchases.p_alive(single) == 1).all()
    expected = cdnow_fit.purchases.expected_purchases(39, single)
    assert 0 < expected[1] < expected[0]


def test_heavy_buyers_get_finite_predictions(cdnow_fit: clv.ClvFit) -> None:
    # Eq. 10 as printed overflows for hundreds of purchases; the posterior mean rate of
    # a customer still buying is (r + x) / (alpha + T), a ceiling on the expectation.
    heavy = pd.DataFrame({"x": [300, 1000], "t_x": [38.0, 38.5], "T": [38.86, 38.86]})
    expected = cdnow_fit.purchases.expected_purchases(39, heavy)
    params = cdnow_fit.purchases.params
    ceiling = (params.r + heavy["x"]) / (params.alpha + heavy["T"]) * 39
    assert np.all(np.isfinite(expected)) and np.all(expected > 0) and np.all(expected < ceiling)
    assert expected[1] > expected[0]


def test_predictions_before_fit_raise() -> None:
    con = orders_connection(RULES_ORDERS)
    summary = clv.customer_summary(con, "2024-01-31", "week")
    model = clv.BetaGeoModel(summary)
    only_b = summary[summary["person_id"] == "b"]
    with pytest.raises(clv.NotFittedError, match="call fit"):
        model.p_alive(only_b)
    with pytest.raises(clv.NotFittedError, match="call fit"):
        clv.GammaGammaModel(summary).expected_spend()


def test_all_customers_without_repeat_purchases() -> None:
    rows = [(f"p{i}", f"2024-01-{i + 1:02d} 10:00", 10.0, False) for i in range(20)]
    summary = clv.customer_summary(orders_connection(rows), "2024-03-31", "week")
    assert (summary["x"] == 0).all()
    with pytest.raises(clv.ClvError, match="none of the 20 customers has a repeat purchase"):
        clv.BetaGeoModel(summary).fit()
    with pytest.raises(clv.ClvError, match="no repeat customers"):
        clv.GammaGammaModel(summary).fit()
    assert np.isnan(clv.frequency_monetary_correlation(summary))


def test_a_single_customer_cannot_pin_down_the_parameters() -> None:
    rows = [
        ("solo", "2024-01-01", 10.0, False),
        ("solo", "2024-01-20", 12.0, False),
        ("solo", "2024-02-11", 9.0, False),
    ]
    summary = clv.customer_summary(orders_connection(rows), "2024-03-31", "week")
    assert len(summary) == 1 and summary["x"].iloc[0] == 2
    with pytest.raises(clv.ClvError, match="BG/NBD: the data cannot pin down"):
        clv.BetaGeoModel(summary).fit()
    with pytest.raises(clv.ClvError, match="Gamma-Gamma: the data cannot pin down"):
        clv.GammaGammaModel(summary).fit()


def test_no_customers_at_all() -> None:
    summary = clv.customer_summary(orders_connection([]), "2024-03-31", "week")
    with pytest.raises(clv.ClvError, match="no customers to fit"):
        clv.BetaGeoModel(summary)


def test_inputs_are_validated_up_front() -> None:
    with pytest.raises(clv.ClvError, match="required column 'T' missing"):
        clv.BetaGeoModel(pd.DataFrame({"x": [1], "t_x": [1.0]}))
    with pytest.raises(clv.ClvError, match=r"1 row\(s\) have t_x outside \[0, T\] \(first: row 1\)"):
        clv.BetaGeoModel(pd.DataFrame({"x": [1, 2], "t_x": [1.0, 5.0], "T": [3.0, 4.0]}))
    with pytest.raises(clv.ClvError, match="not a whole number"):
        clv.BetaGeoModel(pd.DataFrame({"x": [1.5], "t_x": [1.0], "T": [3.0]}))
    with pytest.raises(clv.ClvError, match="required column 'monetary_value' missing"):
        clv.GammaGammaModel(pd.DataFrame({"x": [1]}))
    with pytest.raises(clv.ClvError, match="must be at least 1 month"):
        clv.predicted_clv(None, None, pd.DataFrame(), 0, 0.01, 0.3, 7.0)


def test_dates_out_of_order_give_the_same_summary() -> None:
    shuffled = [RULES_ORDERS[i] for i in np.random.default_rng(3).permutation(len(RULES_ORDERS))]
    first = clv.customer_summary(orders_connection(RULES_ORDERS), "2024-01-31", "week")
    second = clv.customer_summary(orders_connection(shuffled), "2024-01-31", "week")
    pd.testing.assert_frame_equal(first, second)


def test_holdout_end_must_follow_the_split(cdnow: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(clv.ClvError, match="must be after the split date"):
        clv.holdout_check(cdnow, "1997-09-30", "1997-09-01")


# --------------------------------------------------------------------------- CLI


def run_cli(argv: list[str], con_factory=None) -> int:
    parser = argparse.ArgumentParser(prog="legame")
    cli_clv.add_parser(parser.add_subparsers(dest="command", required=True))

    def no_warehouse() -> duckdb.DuckDBPyConnection:
        raise AssertionError("the CSV path must not open the warehouse")

    return cli_clv.run(parser.parse_args(argv), con_factory or no_warehouse)


def assert_paper_json(result: dict) -> None:
    for name, expected in PAPER_BGNBD.items():
        assert_within(result["bgnbd"][name], expected, 0.01, name)
    for name, expected in PAPER_GAMMA_GAMMA.items():
        assert_within(result["gamma_gamma"][name], expected, 0.01, name)
    assert result["bgnbd"]["n_customers"] == 2357
    assert result["gamma_gamma"]["n_repeat"] == 946
    assert abs(result["independence"]["corr"] - 0.11) < 0.01


def test_cli_fit_csv_json(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["clv", "fit", "--csv", str(CDNOW), *CDNOW_COLUMNS, "--calibration-end", "1997-09-30", "--json"]
    assert run_cli(argv) == 0
    assert_paper_json(json.loads(capsys.readouterr().out))


def test_cli_fit_warehouse_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "warehouse.duckdb"
    load_cdnow(duckdb.connect(str(database))).close()
    argv = ["clv", "fit", "--calibration-end", "1997-09-30", "--time-unit", "week"]
    assert run_cli(argv, lambda: duckdb.connect(str(database))) == 0
    out = capsys.readouterr().out
    assert "BG/NBD" in out and "2,357 customers" in out and "946 repeaters" in out


def test_cli_names_the_missing_column(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["clv", "fit", "--csv", str(CDNOW), "--customer-col", "client", "--date-col", "date"]
    assert run_cli([*argv, "--amount-col", "amount"]) == 1
    err = capsys.readouterr().err
    assert f"{CDNOW}: no column 'client' (given by --customer-col)" in err
    assert "customer_id, date, quantity, amount" in err


def test_cli_names_the_bad_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "orders.csv"
    csv.write_text("client,day,paid\nk1,2024-01-02,10\nk1,02/03/2024,12\n")
    argv = ["clv", "fit", "--csv", str(csv), "--customer-col", "client", "--date-col", "day", "--amount-col", "paid"]
    assert run_cli(argv) == 1
    assert f"{csv}, line 3, column 'day': cannot read '02/03/2024'" in capsys.readouterr().err


def test_cli_rejects_a_bad_calibration_end(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["clv", "fit", "--csv", str(CDNOW), *CDNOW_COLUMNS, "--calibration-end", "30/09/1997"]
    assert run_cli(argv) == 1
    assert "--calibration-end '30/09/1997' is not a date" in capsys.readouterr().err


def test_cli_as_a_process() -> None:
    argv = ["clv", "fit", "--csv", str(CDNOW), *CDNOW_COLUMNS, "--calibration-end", "1997-09-30"]
    done = subprocess.run(
        [sys.executable, "-m", "legame", *argv, "--time-unit", "week", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert_paper_json(json.loads(done.stdout))
    assert (
        "streamlit"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, legame.cli_clv; print(sorted(sys.modules))"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_cli_fit_on_a_csv_loads_neither_pandas_nor_scipy() -> None:
    # Importing them took half of the job's time: the CSV path fits without them.
    script = (
        "import sys; from legame.cli import main; code = main(sys.argv[1:]); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'scipy'}), file=sys.stderr); sys.exit(code)"
    )
    argv = ["clv", "fit", "--csv", str(CDNOW), *CDNOW_COLUMNS, "--calibration-end", "1997-09-30", "--json"]
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "[]"
    assert_paper_json(json.loads(done.stdout))


def test_cli_fit_to_the_latest_order_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["clv", "fit", "--csv", str(CDNOW), *CDNOW_COLUMNS, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # The sample's last order is on 30 June 1998; every one of its 2,357 customers has bought by then.
    assert result["calibration_end"] == "1998-06-30"
    assert result["bgnbd"]["n_customers"] == 2357


def test_cli_reads_the_dialect_it_sniffs_and_names_a_bad_amount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "orders.csv"
    # Semicolons, a quoted id and a header of its own; line 5 (the 4th order) has no number.
    csv.write_text('client;day;paid\n"k1";2024-01-02;10\nk1;2024-02-03;12\nk2;2024-01-05;7\nk2;2024-03-01;abc\n')
    argv = ["clv", "fit", "--csv", str(csv), "--customer-col", "client", "--date-col", "day", "--amount-col", "paid"]
    assert run_cli(argv) == 1
    assert f"{csv}, line 5, column 'paid': cannot read 'abc'" in capsys.readouterr().err
