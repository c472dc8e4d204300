"""Customer value: what customers are worth, and how much more community members, promoters and advocates are."""

from legame.ui import session

session.guard(session.VIEWER, "value")

from datetime import timedelta

import streamlit as st

from legame import charts_value, value, warehouse
from legame.fmt import NumberFormat, format_value
from legame.ui import cache, controls, value_cache

config = session.config()
fmt = NumberFormat.for_reader(config)


def money(amount: float | None, signed: bool = False) -> str:
    return format_value(amount, "currency", fmt, config.currency, signed)


def comparison_cards(split: value.Split, uplift: value.Uplift, method: str, formula: str, with_interval: bool) -> None:
    """One customer of group a, one of group b, and the difference, each with its formula in the tooltip."""
    a, b, difference = st.columns(3)
    a.metric(split.a_one, money(uplift.mean_a), help=f"Mean over {uplift.a_label}. {formula}")
    b.metric(split.b_one, money(uplift.mean_b), help=f"Mean over {uplift.b_label}. {formula}")
    difference.metric(
        "Difference",
        money(uplift.difference, signed=True),
        help=f"Mean of {uplift.a_label} minus mean of {uplift.b_label}. The 90% interval resamples each group's "
        "customers 2,000 times (bootstrap): differences outside it are unlikely to be chance.",
    )
    if uplift.difference is None:
        st.caption(f"{method}. No difference: {uplift.reason}.")
    elif with_interval:
        st.caption(f"{method}. 90% interval {money(uplift.low, signed=True)} to {money(uplift.high, signed=True)}.")
    else:
        st.caption(f"{method}.")


st.title("Customer value")
period, comparison, view = controls.period_controls(cache.anchor())
filters = controls.filter_controls(cache.dimensions())
controls.demo_banner(warehouse.demo_state(session.cursor()))
if filters:
    st.caption("Customer value covers every channel and campaign: customers are valued on their whole order history.")
report = value_cache.report(period.end)  # a LegameError is shown by the page's boundary (session.route)
settings = report.settings
horizon = f"over the next {settings.horizon_months} months"
predicted_method, predicted_formula = settings.predicted_method(fmt), settings.predicted_formula(fmt)
community = report.comparisons["community"]
# The period's end, or the latest order when the period runs past it.
if report.as_of == period.end:
    as_of = f"{report.as_of:%d %b %Y}, the end of {period.label}"
else:
    as_of = f"{report.as_of:%d %b %Y}, the latest order ({period.label} runs past it)"
previous = period.comparison(comparison)

st.subheader(f"{period.label} compared with {previous.label}")
with st.container(border=True):
    st.metric(
        f"Value of the community {horizon}",
        money(community.predicted.times_a()[0]),
        help=f"How much more predicted margin community members bring {horizon} than other customers, all members "
        "together: (mean predicted CLV of members - mean of other customers) x members who have bought. "
        "It says members are worth more, not why. The board shows the same figure for the same period.",
    )
    st.markdown(value.headline(report, fmt, config.currency))
    before = value_cache.community(previous.end)
    earlier = (
        f" At the end of {previous.label} ({previous.end:%d %b %Y}), from the orders up to then: "
        f"{money(before.times_a()[0])}."
        if before is not None and before.difference is not None
        else ""
    )
    st.caption(
        f"{predicted_method}, from the orders up to {as_of}. Customers only: members who have not "
        f"bought yet have no purchases to predict from.{earlier}"
    )


def cards_and_charts() -> None:
    st.subheader("Community members and other customers")
    predicted_column, historic_column = st.columns(2)
    with predicted_column, st.container(border=True, height="stretch"):
        st.markdown(f"**Predicted value (CLV), next {settings.horizon_months} months**")
        comparison_cards(community.split, community.predicted, predicted_method, predicted_formula, with_interval=True)
    with historic_column, st.container(border=True, height="stretch"):
        st.markdown("**Value so far (historic CLV)**")
        comparison_cards(
            community.split,
            community.historic,
            value.HISTORIC_METHOD,
            settings.historic_formula(fmt),
            with_interval=True,
        )

    for name, title in (("promoters", "Promoters and detractors"), ("advocates", "Advocates and other customers")):
        st.subheader(f"{title}, next {settings.horizon_months} months")
        comparison = report.comparisons[name]
        with st.container(border=True):
            # The sentence below gives the interval and what it means.
            comparison_cards(comparison.split, comparison.predicted, predicted_method, predicted_formula, False)
            st.markdown(value.comparison_sentence(report, name, fmt, config.currency))

    left, right = st.columns(2)
    with left:
        st.subheader("Predicted value by segment")
        st.caption(
            f"Predicted margin per customer {horizon}. Boxes hold the middle half of customers, the line is the "
            "median, whiskers reach the 5th and 95th percentiles; the dashed line is the mean."
        )
        st.plotly_chart(charts_value.clv_by_segment(report.by_segment, config.currency))
    with right:
        st.subheader("Who is still buying?")
        shown = len(report.recency)
        st.caption(
            "Each dot is a customer who has bought more than once: the longer since the last purchase, the lower the "
            "chance they are still active (P(alive), from the purchase model), and the faster it falls for frequent "
            "buyers, whose silence is unusual. "
            + (f"A sample of {fmt.number(shown)} of them. " if shown < report.repeat_customers else "")
            + f"The {fmt.number(report.customers - report.repeat_customers)} customers who bought once are left out: "
            "the model counts them as active until they buy again."
        )
        st.plotly_chart(charts_value.p_alive_vs_recency(report.recency))


if view == "facts":
    st.subheader("Community members, promoters and advocates")
    numbers = st.column_config.TextColumn(alignment="right")
    st.dataframe(
        value.comparison_table(report, fmt, config.currency),
        hide_index=True,
        column_config={
            name: numbers
            for name in ("Customers", "Mean, first group", "Mean, second group", "Difference", "90% interval")
        },
    )
    st.caption(
        f"{predicted_method}. {value.HISTORIC_METHOD}. Intervals: 90% percentile bootstrap, each group's customers "
        "resampled 2,000 times."
    )
else:
    cards_and_charts()

st.subheader("Check the model on the past")
st.caption(
    "Fit the purchase model on the orders up to a split date, predict each customer's repeat purchases from then "
    f"to {as_of}, and compare with what they actually did."
)
date_column, _ = st.columns([1, 3])
split = date_column.date_input(
    "Split date",
    value=value.default_split(report.as_of),
    min_value=report.first_order + timedelta(days=1),
    max_value=report.as_of - timedelta(days=1),
    format=fmt.date_input,
    help="Orders up to this day train the model; the orders after it test it.",
)
check = value_cache.holdout(split, report.as_of)
st.markdown(value.holdout_sentence(check, split, report.as_of, fmt))
table_column, chart_column = st.columns([2, 3])
with table_column:
    st.caption("Repeat purchases per customer after the split date, by repeat purchases before it.")
    numbers = st.column_config.TextColumn(alignment="right")
    st.dataframe(
        value.holdout_table(check, fmt),
        hide_index=True,
        column_config={"Customers": numbers, "Actual": numbers, "Predicted": numbers},
    )
chart_column.plotly_chart(charts_value.holdout(check.table))

with st.expander("How this is computed"):
    fit = report.fit
    st.markdown(
        f"**{value.HISTORIC_METHOD}.** {settings.historic_formula(fmt)}\n\n"
        f"**{predicted_method}.** {predicted_formula} The purchase model (BG/NBD, Fader, Hardie & Lee 2005) "
        "learns how often customers buy and how likely they are to stop; the spend model (Gamma-Gamma, "
        "Fader & Hardie 2013) learns how much they spend per purchase.\n\n"
        "**What the fitted models say**\n\n"
        + "\n".join(f"- {line}" for line in value.fit_readings(fit, fmt, config.currency))
    )
    numbers = st.column_config.TextColumn(alignment="right")
    st.dataframe(
        value.parameter_table(fit, fmt),
        hide_index=True,
        column_config={
            "Estimate": numbers,
            "Standard error": st.column_config.TextColumn(
                alignment="right", help="Asymptotic: about 2 standard errors either side cover the true value."
            ),
        },
    )
    st.markdown(
        f"**Fit:** {fmt.number(fit.n_customers)} customers, {fmt.number(fit.n_repeat)} of them with repeat "
        f"purchases (the spend model learns from these). Log-likelihood {fmt.number(fit.bgnbd_loglik, 1)} "
        f"(purchases), {fmt.number(fit.gamma_gamma_loglik, 1)} (spend): higher is better, useful to compare fits "
        "on the same data.\n\n"
        f"**Independence check:** {value.independence_reading(fit.correlation, fmt)}\n\n"
        "**Assumptions**\n\n"
        + "\n".join(f"- {line}" for line in settings.assumptions(fmt))
        + f"\n- History up to {as_of}; refunded orders are left out."
        "\n- Groups (member, segment, latest survey answer, advocacy act) are as of that day."
        "\n- Intervals: 90% percentile bootstrap, each group's customers resampled 2,000 times."
    )
