"""Customer value: what customers are worth, and how much more community members, promoters and advocates are."""

from legame.ui import session

session.guard(session.VIEWER, "value")

from datetime import timedelta

import streamlit as st

from legame import value
from legame.fmt import NumberFormat, format_value
from legame.i18n import _, ngettext
from legame.ui import cache, controls, value_cache

config = session.config()
fmt = NumberFormat.for_reader(config)


def money(amount: float | None, signed: bool = False) -> str:
    return format_value(amount, "currency", fmt, config.currency, signed)


def comparison_cards(split: value.Split, uplift: value.Uplift, method: str, formula: str, with_interval: bool) -> None:
    """One customer of group a, one of group b, and the difference, each with its formula in the tooltip."""
    a, b, difference = st.columns(3)
    # The groups' names are value.py's keys (N_), said here in the reader's language.
    a_label, b_label = _(uplift.a_label), _(uplift.b_label)
    a.metric(
        _(split.a_one), money(uplift.mean_a), help=_("Mean over {group}. {formula}", group=a_label, formula=formula)
    )
    b.metric(
        _(split.b_one), money(uplift.mean_b), help=_("Mean over {group}. {formula}", group=b_label, formula=formula)
    )
    difference.metric(
        _("Difference"),
        money(uplift.difference, signed=True),
        help=_(
            "Mean of {first} minus mean of {second}. The {level} interval resamples each group's customers "
            "{draws} times (bootstrap): differences outside it are unlikely to be chance.",
            first=a_label,
            second=b_label,
            level=fmt.percent(90, 0),
            draws=fmt.number(2000),
        ),
    )
    if uplift.difference is None:
        st.caption(_("{method}. No difference: {why}.", method=method, why=value.reason_words(uplift.reason)))
    elif with_interval:
        st.caption(
            _(
                "{method}. {level} interval {low} to {high}.",
                method=method,
                level=fmt.percent(90, 0),
                low=money(uplift.low, signed=True),
                high=money(uplift.high, signed=True),
            )
        )
    else:
        st.caption(f"{method}.")


st.title(_("Customer value"))
period, comparison, view = controls.period_controls(cache.anchor())
filters = controls.filter_controls(cache.dimensions())
controls.demo_banner(cache.demo_state())
if filters:
    st.caption(
        _("Customer value covers every channel and campaign: customers are valued on their whole order history.")
    )
report = value_cache.report(period.end)  # a LegameError is shown by the page's boundary (session.route)
settings = report.settings
months = settings.horizon_months
predicted_method, predicted_formula = settings.predicted_method(fmt), settings.predicted_formula(fmt)
community = report.comparisons["community"]
# The period's end, or the latest order when the period runs past it.
if report.as_of == period.end:
    as_of = _("{day}, the end of {period}", day=fmt.date(report.as_of), period=period.label)
else:
    as_of = _("{day}, the latest order ({period} runs past it)", day=fmt.date(report.as_of), period=period.label)
previous = period.comparison(comparison)

controls.view_subtitle(period, comparison, {})
with st.container(border=True):
    st.metric(
        ngettext(
            "Value of the community over the next {n} month",
            "Value of the community over the next {n} months",
            months,
        ),
        money(community.predicted.times_a()[0]),
        help=ngettext(
            "How much more predicted margin community members bring over the next {n} month than other customers, "
            "all members together: (mean predicted CLV of members - mean of other customers) x members who have "
            "bought. It says members are worth more, not why. The board shows the same figure for the same period.",
            "How much more predicted margin community members bring over the next {n} months than other customers, "
            "all members together: (mean predicted CLV of members - mean of other customers) x members who have "
            "bought. It says members are worth more, not why. The board shows the same figure for the same period.",
            months,
        ),
    )
    st.markdown(value.headline(report, fmt, config.currency))
    before = value_cache.community(previous.end)
    said = _(
        "{method}, from the orders up to {as_of}. Customers only: members who have not bought yet have no "
        "purchases to predict from.",
        method=predicted_method,
        as_of=as_of,
    )
    if before is not None and before.difference is not None:
        said += " " + _(
            "At the end of {period} ({day}), from the orders up to then: {amount}.",
            period=previous.label,
            day=fmt.date(previous.end),
            amount=money(before.times_a()[0]),
        )
    st.caption(said)


def cards_and_charts() -> None:
    st.subheader(_("Community members and other customers"))
    predicted_column, historic_column = st.columns(2)
    with predicted_column, st.container(border=True, height="stretch"):
        st.markdown(
            ngettext("**Predicted value (CLV), next {n} month**", "**Predicted value (CLV), next {n} months**", months)
        )
        comparison_cards(community.split, community.predicted, predicted_method, predicted_formula, with_interval=True)
    with historic_column, st.container(border=True, height="stretch"):
        st.markdown(_("**Value so far (historic CLV)**"))
        comparison_cards(
            community.split,
            community.historic,
            _(value.HISTORIC_METHOD),
            settings.historic_formula(fmt),
            with_interval=True,
        )

    titles = {
        "promoters": ngettext(
            "Promoters and detractors, next {n} month", "Promoters and detractors, next {n} months", months
        ),
        "advocates": ngettext(
            "Advocates and other customers, next {n} month", "Advocates and other customers, next {n} months", months
        ),
    }
    for name, title in titles.items():
        st.subheader(title)
        comparison = report.comparisons[name]
        with st.container(border=True):
            # The sentence below gives the interval and what it means.
            comparison_cards(comparison.split, comparison.predicted, predicted_method, predicted_formula, False)
            st.markdown(value.comparison_sentence(report, name, fmt, config.currency))

    left, right = st.columns(2)
    with left:
        st.subheader(_("Predicted value by segment"))
        st.caption(
            ngettext(
                "Predicted margin per customer over the next {n} month. Boxes hold the middle half of customers, "
                "the line is the median, whiskers reach the 5th and 95th percentiles; the dashed line is the mean.",
                "Predicted margin per customer over the next {n} months. Boxes hold the middle half of customers, "
                "the line is the median, whiskers reach the 5th and 95th percentiles; the dashed line is the mean.",
                months,
            )
        )
        st.plotly_chart(value_cache.segment_chart(period.end))
    with right:
        st.subheader(_("Who is still buying?"))
        shown = len(report.recency)
        once = report.customers - report.repeat_customers
        said = [
            _(
                "Each dot is a customer who has bought more than once: the longer since the last purchase, the lower "
                "the chance they are still active (P(alive), from the purchase model), and the faster it falls for "
                "frequent buyers, whose silence is unusual."
            )
        ]
        if shown < report.repeat_customers:
            said.append(_("A sample of {count} of them.", count=fmt.number(shown)))
        said.append(
            ngettext(
                "The {count} customer who bought once is left out: the model counts them as active until they buy "
                "again.",
                "The {count} customers who bought once are left out: the model counts them as active until they buy "
                "again.",
                once,
                count=fmt.number(once),
            )
        )
        st.caption(" ".join(said))
        st.plotly_chart(value_cache.recency_chart(period.end))


if view == "facts":
    st.subheader(_("Community members, promoters and advocates"))
    numbers = st.column_config.TextColumn(alignment="right")
    table = value.comparison_table(report, fmt, config.currency)
    # The first two columns say what is compared; the rest are numbers, aligned as numbers.
    st.dataframe(table, hide_index=True, column_config={name: numbers for name in list(table.columns)[2:]})
    st.caption(
        _(
            "{predicted}. {historic}. Intervals: {level} percentile bootstrap, each group's customers resampled "
            "{draws} times.",
            predicted=predicted_method,
            historic=_(value.HISTORIC_METHOD),
            level=fmt.percent(90, 0),
            draws=fmt.number(2000),
        )
    )
else:
    cards_and_charts()


@st.fragment
def holdout_check() -> None:
    """The model checked on the past: choosing another split date reruns this part alone."""
    # A fragment reruns alone, outside the page's boundary: it has its own (a model that cannot be fitted).
    with session.boundary("value"):
        st.subheader(_("Check the model on the past"))
        st.caption(
            _(
                "Fit the purchase model on the orders up to a split date, predict each customer's repeat "
                "purchases from then to {as_of}, and compare with what they actually did.",
                as_of=as_of,
            )
        )
        date_column, _rest = st.columns([1, 3])
        split = date_column.date_input(
            _("Split date"),
            value=value.default_split(report.as_of),
            min_value=report.first_order + timedelta(days=1),
            max_value=report.as_of - timedelta(days=1),
            format=fmt.date_input,
            help=_("Orders up to this day train the model; the orders after it test it."),
        )
        check = value_cache.holdout(split, report.as_of)
        st.markdown(value.holdout_sentence(check, split, report.as_of, fmt))
        table_column, chart_column = st.columns([2, 3])
        with table_column:
            st.caption(_("Repeat purchases per customer after the split date, by repeat purchases before it."))
            numbers = st.column_config.TextColumn(alignment="right")
            table = value.holdout_table(check, fmt)
            st.dataframe(table, hide_index=True, column_config={name: numbers for name in table.columns})
        chart_column.plotly_chart(value_cache.holdout_chart(split, report.as_of))


holdout_check()

with st.expander(_("How this is computed")):
    fit = report.fit
    st.markdown(
        f"**{_(value.HISTORIC_METHOD)}.** {settings.historic_formula(fmt)}\n\n"
        f"**{predicted_method}.** {predicted_formula} "
        + _(
            "The purchase model (BG/NBD, Fader, Hardie & Lee 2005) learns how often customers buy and how likely "
            "they are to stop; the spend model (Gamma-Gamma, Fader & Hardie 2013) learns how much they spend per "
            "purchase."
        )
        + "\n\n"
        + _("**What the fitted models say**")
        + "\n\n"
        + "\n".join(f"- {line}" for line in value.fit_readings(fit, fmt, config.currency))
    )
    numbers = st.column_config.TextColumn(alignment="right")
    table = value.parameter_table(fit, fmt)
    estimate, error = list(table.columns)[-2:]  # the estimate and its standard error, the last two columns
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            estimate: numbers,
            error: st.column_config.TextColumn(
                alignment="right", help=_("Asymptotic: about 2 standard errors either side cover the true value.")
            ),
        },
    )
    assumptions = [
        *settings.assumptions(fmt),
        _("History up to {as_of}; refunded orders are left out.", as_of=as_of),
        _("Groups (member, segment, latest survey answer, advocacy act) are as of that day."),
        _(
            "Intervals: {level} percentile bootstrap, each group's customers resampled {draws} times.",
            level=fmt.percent(90, 0),
            draws=fmt.number(2000),
        ),
    ]
    st.markdown(
        _(
            "**Fit:** {customers} customers, {repeat} of them with repeat purchases (the spend model learns from "
            "these). Log-likelihood {purchases} (purchases), {spend} (spend): higher is better, useful to compare "
            "fits on the same data.",
            customers=fmt.number(fit.n_customers),
            repeat=fmt.number(fit.n_repeat),
            purchases=fmt.number(fit.bgnbd_loglik, 1),
            spend=fmt.number(fit.gamma_gamma_loglik, 1),
        )
        + "\n\n"
        + _("**Independence check:** {reading}", reading=value.independence_reading(fit.correlation, fmt))
        + "\n\n"
        + _("**Assumptions**")
        + "\n\n"
        + "\n".join(f"- {line}" for line in assumptions)
    )
