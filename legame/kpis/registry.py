"""Every KPI Legame computes: its id, words, unit, direction and formula.

A KPI reads one row of inputs from its family's SQL file in queries/ (or, for
the clv and clv_model families, from the fitted CLV model) and turns it into a
value, or into None with the reason it cannot be computed. Each definition also
says what its delta's noise test needs (`sample`), the parts a chart shows
(`breakdown`) and which filters its SQL honours. The ids are stable: they name
the KPI in the CLI's JSON, in config.yaml and in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from legame.kpis.noise import Sample, estimate

Row = dict[str, Any]
Value = tuple[float | None, str | None]


def ratio(numerator: float, denominator: float, reason: str, scale: float = 1.0) -> Value:
    """numerator / denominator * scale, or undefined with `reason` when the denominator is zero."""
    if not denominator:
        return None, reason
    return numerator / denominator * scale, None


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is; the engine fills in its numbers."""

    id: str
    label: str  # the technical name
    plain_label: str  # what an executive calls it
    family: str  # the SQL file in queries/ that yields its inputs
    unit: str  # %, points, currency, x, count, per post, months
    direction: str  # higher or lower is better
    definition: str  # the formula in words
    sentence: str  # "{value}" is replaced by the formatted value
    compute: Callable[[Row, dict[str, Any]], Value]
    assumptions: tuple[str, ...] = ()
    sample: Callable[[Row], Sample] | None = None  # what the noise test of its delta needs
    filtered_by: tuple[str, ...] = ()  # filters its SQL honours (others are ignored, and it says so)
    breakdown: Callable[[Row], dict[str, float]] | None = None  # the parts a chart shows (funnel steps...)


def _engagement(row: Row, settings: dict[str, Any]) -> Value:
    acts = row["reactions"] + row["comments"] + row["shares"] + row["saves"] + row["clicks"]
    denominator = settings["engagement_denominator"]
    if not row["posts"]:
        return None, "no posts were published in this period"
    return ratio(acts, row[denominator], f"posts in this period have no {denominator} recorded", 100)


def _nps(row: Row, settings: dict[str, Any]) -> Value:
    return ratio(row["promoters"] - row["detractors"], row["answers"], "no survey answers in this period", 100)


def _romi(row: Row, settings: dict[str, Any]) -> Value:
    margin = row["attributed_revenue"] * settings["margin_rate"]
    return ratio(margin - row["spend"], row["spend"], "no marketing spend in this period", 100)


def _clv_historic(row: Row, settings: dict[str, Any]) -> Value:
    return ratio(row["net_revenue"] * settings["margin_rate"], row["customers"], "no customers have ordered yet")


MARGIN = "Gross margin {margin_rate:.0%} of revenue (config.yaml)."
ATTRIBUTION = "Revenue attributed to marketing: orders carrying a campaign (last click, as the shop recorded it)."
ARRIVALS = (
    "New customers are set against {conversion_denominator} (conversion_denominator in config.yaml). Clicks: ad "
    "clicks from spend plus link clicks on posts published in the period. Visits: web sessions from GA4 exports "
    "for the period, channel and campaign, each visit counted once."
)

_RATES_AND_RESULTS = (
    KpiDef(
        "engagement_rate",
        "Engagement rate (by {engagement_denominator})",
        "Post engagement",
        "engagement",
        "%",
        "higher",
        "(reactions + comments + shares + saves + clicks) / {engagement_denominator} of posts published in the period.",
        "Posts drew interactions equal to {value} of their {engagement_denominator}",
        _engagement,
        sample=lambda r: Sample(
            "rate", r["reactions"] + r["comments"] + r["shares"] + r["saves"] + r["clicks"], r["reach"], scale=100
        ),
        filtered_by=("channel",),
    ),
    KpiDef(
        "conversation_rate",
        "Conversation rate",
        "Comments per post",
        "engagement",
        "per post",
        "higher",
        "Comments / posts published in the period (Kaushik).",
        "Each post started {value} comments on average",
        lambda r, s: ratio(r["comments"], r["posts"], "no posts were published in this period"),
        sample=lambda r: Sample("rate", r["comments"], r["posts"]),
        filtered_by=("channel",),
    ),
    KpiDef(
        "amplification_rate",
        "Amplification rate",
        "Shares per post",
        "engagement",
        "per post",
        "higher",
        "Shares / posts published in the period (Kaushik).",
        "Each post was passed on {value} times on average",
        lambda r, s: ratio(r["shares"], r["posts"], "no posts were published in this period"),
        sample=lambda r: Sample("rate", r["shares"], r["posts"]),
        filtered_by=("channel",),
    ),
    KpiDef(
        "applause_rate",
        "Applause rate",
        "Likes per post",
        "engagement",
        "per post",
        "higher",
        "Reactions / posts published in the period (Kaushik).",
        "Each post earned {value} likes and reactions on average",
        lambda r, s: ratio(r["reactions"], r["posts"], "no posts were published in this period"),
        sample=lambda r: Sample("rate", r["reactions"], r["posts"]),
        filtered_by=("channel",),
    ),
    KpiDef(
        "active_community_ratio",
        "Active community ratio",
        "Members taking part",
        "community",
        "%",
        "higher",
        "Members with at least one interaction in the period / all members at the period's end.",
        "{value} of community members took part at least once",
        lambda r, s: ratio(r["active_members"], r["members"], "there are no community members yet", 100),
        sample=lambda r: Sample("proportion", r["active_members"], r["members"], scale=100),
        filtered_by=("channel",),
    ),
    KpiDef(
        "interactions_per_active_member",
        "Interactions per active member",
        "Depth of participation",
        "community",
        "per member",
        "higher",
        "Interactions by members / members with at least one interaction in the period.",
        "Each active member took part {value} times",
        lambda r, s: ratio(r["member_interactions"], r["active_members"], "no member took part in this period"),
        sample=lambda r: Sample("rate", r["member_interactions"], r["active_members"]),
        filtered_by=("channel",),
    ),
    KpiDef(
        "peer_answer_share",
        "Peer-to-peer answer share",
        "Questions answered by members",
        "community",
        "%",
        "higher",
        "Answers given by community members / all answers in the period.",
        "Members gave {value} of the answers to other customers' questions",
        lambda r, s: ratio(r["member_answers"], r["answers"], "no answers were given in this period", 100),
        sample=lambda r: Sample("proportion", r["member_answers"], r["answers"], scale=100),
        filtered_by=("channel",),
    ),
    KpiDef(
        "nps",
        "Net Promoter Score",
        "Willingness to recommend",
        "advocacy",
        "points",
        "higher",
        "% promoters (score 9-10) - % detractors (0-6) among survey answers in the period; -100 to 100.",
        "Net Promoter Score was {value}",
        _nps,
        sample=lambda r: Sample("nps", r["promoters"], r["answers"], other=r["detractors"], scale=100),
        breakdown=lambda r: {"Promoters": r["promoters"], "Passives": r["passives"], "Detractors": r["detractors"]},
    ),
    KpiDef(
        "conversion_rate",
        "Conversion rate (by {conversion_denominator})",
        "Traffic that became customers",
        "conversion",
        "%",
        "higher",
        "New customers / {conversion_denominator} in the period (clicks: ad clicks + link clicks on posts; "
        "visits: web sessions).",
        "{value} of {conversion_denominator} turned into a new customer",
        lambda r, s: ratio(
            r["new_customers"], r["arrivals"], f"no {s['conversion_denominator']} were recorded in this period", 100
        ),
        (ARRIVALS,),
        sample=lambda r: Sample("proportion", r["new_customers"], r["arrivals"], scale=100),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "cac",
        "Customer acquisition cost (CAC)",
        "Cost of a new customer",
        "conversion",
        "currency",
        "lower",
        "Marketing spend / new customers (first paid order in the period), all channels.",
        "Each new customer cost {value} in marketing",
        lambda r, s: ratio(r["spend"], r["new_customers"], "no new customers in this period"),
        ("Blended: all new customers, paid and organic, share the spend.",),
        sample=lambda r: Sample("base", r["new_customers"], r["new_customers"]),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "roas",
        "Return on ad spend (ROAS)",
        "Sales per euro of ads",
        "conversion",
        "x",
        "higher",
        "Attributed revenue / marketing spend in the period.",
        "Sales from campaigns were {value} the ad spend",
        lambda r, s: ratio(r["attributed_revenue"], r["spend"], "no marketing spend in this period"),
        (ATTRIBUTION,),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "romi",
        "Marketing ROI (ROMI)",
        "Return on marketing",
        "conversion",
        "%",
        "higher",
        "(Attributed revenue x margin - spend) / spend in the period.",
        "Marketing returned {value} on its cost, in margin from the sales it brought",
        _romi,
        (ATTRIBUTION, MARGIN),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "clv_historic",
        "Historic customer lifetime value",
        "Value of a customer so far",
        "value",
        "currency",
        "higher",
        "Net revenue x margin / customers, over customers' whole history up to the period's end.",
        "An average customer has brought {value} of margin so far",
        _clv_historic,
        (MARGIN, "Method: historic (what customers have already been worth), not a prediction."),
    ),
)


# The CLV KPIs without a model say why: clv_inputs gives the reason the orders do not support one.
NO_CLV = "no CLV model could be fitted on the orders to the period's end: {reason}"


def _clv(field: str, over: str, reason: str) -> Callable[[Row, dict[str, Any]], Value]:
    def compute(row: Row, settings: dict[str, Any]) -> Value:
        if row.get("model") is None:
            return None, NO_CLV.format(reason=row["reason"])
        return ratio(row[field], row[over], reason) if over else (row[field], None)

    return compute


def _clv_roi(row: Row, settings: dict[str, Any]) -> Value:
    if row.get("model") is None:
        return None, NO_CLV.format(reason=row["reason"])
    return ratio(row["acquired_clv"] - row["spend"], row["spend"], "no marketing spend in this period", 100)


def _clv_cac(row: Row, settings: dict[str, Any]) -> Value:
    if row.get("model") is None:
        return None, NO_CLV.format(reason=row["reason"])
    if not row["acquired"]:
        return None, "no new customers in this period"
    cac = row["spend"] / row["acquired"]
    return ratio(row["acquired_clv"] / row["acquired"], cac, "no marketing spend in this period")


def _payback(row: Row, settings: dict[str, Any]) -> Value:
    if not row["new_customers"]:
        return None, "no new customers in this period"
    monthly_margin = row["new_customer_revenue"] * settings["margin_rate"] / row["new_customers"] / settings["months"]
    return ratio(row["spend"] / row["new_customers"], monthly_margin, "new customers brought no revenue yet")


def _funnel(row: Row, settings: dict[str, Any]) -> Value:
    return ratio(row["new_customers"], row["reach"], "no reach recorded in this period", 100)


def _ladder(row: Row, settings: dict[str, Any]) -> Value:
    voices = row["employee_posts"] + row["customer_posts"] + row["advocates"] + row["influencer_posts"]
    return float(voices), None


_ADVOCACY_AND_RETURN = (
    KpiDef(
        "advocates",
        "Advocates",
        "Advocates",
        "advocacy",
        "count",
        "higher",
        "Customers with at least one advocacy act in the period: a referral, a review, a UGC post "
        "or a share of brand content.",
        "{value} customers recommended, reviewed or shared the brand",
        lambda r, s: (float(r["advocates"]), None),
        sample=lambda r: Sample("base", r["advocates"], r["advocates"]),
        filtered_by=("channel",),
    ),
    KpiDef(
        "referral_rate",
        "Referral rate",
        "Referred new customers",
        "advocacy",
        "%",
        "higher",
        "New customers referred by an existing customer / all new customers in the period.",
        "{value} of new customers were referred by a customer",
        lambda r, s: ratio(r["referred_new_customers"], r["new_customers"], "no new customers in this period", 100),
        sample=lambda r: Sample("proportion", r["referred_new_customers"], r["new_customers"], scale=100),
    ),
    KpiDef(
        "ugc_volume",
        "UGC volume",
        "Content made by customers",
        "advocacy",
        "count",
        "higher",
        "User-generated posts about the brand in the period (posts flagged UGC plus community UGC acts).",
        "Customers created {value} pieces of content about the brand",
        lambda r, s: (float(r["ugc"]), None),
        sample=lambda r: Sample("rate", r["ugc"], 1),
        filtered_by=("channel",),
    ),
    KpiDef(
        "earned_reach",
        "Earned reach",
        "Audience reached for free",
        "advocacy",
        "count",
        "higher",
        "Reach of posts by customers and influencers and of UGC posts in the period (not paid for).",
        "Customers and influencers reached {value} people without paid media",
        lambda r, s: (float(r["earned_reach"]), None),
        ("The exports hold no reach for individual shares, so shares are not counted.",),
        filtered_by=("channel",),
    ),
    KpiDef(
        "advocacy_ladder",
        "Advocacy ladder",
        "Voices for the brand",
        "advocacy",
        "count",
        "higher",
        "Voices by credibility: employee posts < customer posts < advocates < influencer posts.",
        "{value} voices spoke for the brand, from employees up to independent influencers",
        _ladder,
        breakdown=lambda r: {
            "Employees' posts": r["employee_posts"],
            "Customers' posts": r["customer_posts"],
            "Advocates": r["advocates"],
            "Influencers' posts": r["influencer_posts"],
        },
    ),
    KpiDef(
        "payback_months",
        "Payback months",
        "Payback time",
        "conversion",
        "months",
        "lower",
        "CAC / monthly margin per new customer (their revenue in the period x margin / months in the period).",
        "A new customer's cost is earned back in {value}",
        _payback,
        (MARGIN,),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "funnel",
        "Funnel: reach to customer",
        "Reach to customer",
        "conversion",
        "%",
        "higher",
        "Reach -> engaged people -> {conversion_denominator} -> leads -> new customers -> revenue; "
        "the value is new customers / reach.",
        "{value} of the people reached became customers",
        _funnel,
        (ARRIVALS,),
        breakdown=lambda r: {
            "Reach": r["reach"],
            "Engaged people": r["engaged_people"],
            "Visits" if r["arrivals_are"] == "visits" else "Clicks": r["arrivals"],
            "Leads": r["leads"],
            "New customers": r["new_customers"],
            "Revenue from them": r["new_customer_revenue"],
        },
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "referred_value",
        "Referred value",
        "Value of referrals",
        "clv",
        "currency",
        "higher",
        "Sum of predicted CLV of new customers in the period who were referred by a customer.",
        "Customers who came by referral are expected to bring {value} of margin",
        _clv("referred_clv", "", ""),
        (MARGIN,),
    ),
    KpiDef(
        "clv_roi",
        "CLV-based ROI",
        "Lifetime return on marketing",
        "clv",
        "%",
        "higher",
        "(Sum of predicted CLV of customers acquired in the period - spend) / spend.",
        "Customers acquired are expected to return {value} on marketing's cost over their lifetime",
        _clv_roi,
        (MARGIN,),
        filtered_by=("channel", "campaign"),
    ),
    KpiDef(
        "clv_cac",
        "CLV : CAC",
        "Lifetime value vs cost",
        "clv",
        "x",
        "higher",
        "Mean predicted CLV of customers acquired in the period / CAC; 3 or more is healthy.",
        "A new customer is expected to be worth {value} what it cost to acquire",
        _clv_cac,
        (MARGIN,),
        filtered_by=("channel", "campaign"),
    ),
)


def _modelled(compute: Callable[[Row], float | None]) -> Callable[[Row, dict[str, Any]], Value]:
    """A KPI read from the fitted CLV model: n/a with the model's reason, or the uplift's."""

    def value(row: Row, settings: dict[str, Any]) -> Value:
        if row.get("model") is None:
            return None, NO_CLV.format(reason=row["reason"])
        result = compute(row)
        return (None, row.get("uplift_reason")) if result is None else (result, None)

    return value


PREDICTED = "Predicted: BG/NBD + Gamma-Gamma, fitted on the orders to the period's end, {horizon_months} months ahead."
NOT_CAUSAL = "A difference between members and others, not proof the community caused it."
_CUSTOMER_VALUE = (
    KpiDef(
        "community_value",
        "Value of the community (CLV uplift x members)",
        "Value of the community",
        "clv_model",
        "currency",
        "higher",
        "(Mean predicted CLV of community members - mean predicted CLV of other customers) x members, "
        "with a 90% bootstrap interval.",
        "Community members are worth {value} more in predicted margin than as many other customers",
        _modelled(lambda r: None if r["uplift"] is None else r["uplift"] * r["members"]),
        (MARGIN, PREDICTED, NOT_CAUSAL),
        breakdown=lambda r: {
            "members": r.get("members"),
            "others": r.get("others"),
            "low": None if r.get("uplift_low") is None else r["uplift_low"] * r["members"],
            "high": None if r.get("uplift_high") is None else r["uplift_high"] * r["members"],
        },
        sample=lambda r: estimate(
            r.get("uplift") and r["uplift"] * r["members"],
            r.get("uplift_low") and r["uplift_low"] * r["members"],
            r.get("uplift_high") and r["uplift_high"] * r["members"],
            r.get("members") or 0,
        ),
    ),
    KpiDef(
        "community_uplift",
        "Community uplift (CLV of members - others)",
        "Member premium",
        "clv_model",
        "currency",
        "higher",
        "Mean predicted CLV of community members - mean predicted CLV of other customers, with a 90% bootstrap "
        "interval.",
        "A community member is worth {value} more than another customer in predicted margin",
        _modelled(lambda r: r["uplift"]),
        (MARGIN, PREDICTED, NOT_CAUSAL),
        breakdown=lambda r: {"low": r.get("uplift_low"), "high": r.get("uplift_high")},
        sample=lambda r: estimate(r.get("uplift"), r.get("uplift_low"), r.get("uplift_high"), r.get("members") or 0),
    ),
    KpiDef(
        "clv_predicted",
        "Predicted customer lifetime value",
        "Value of a customer",
        "clv_model",
        "currency",
        "higher",
        "Mean over customers of expected purchases x expected spend x margin, discounted monthly, "
        "over the horizon in config.yaml.",
        "An average customer is expected to bring {value} of margin over the next {horizon_months} months",
        _modelled(lambda r: r["clv_predicted"]),
        (MARGIN, PREDICTED),
    ),
)
KPIS: dict[str, KpiDef] = {k.id: k for k in (*_RATES_AND_RESULTS, *_ADVOCACY_AND_RETURN, *_CUSTOMER_VALUE)}
