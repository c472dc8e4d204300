"""Every KPI Legame computes: its id, words, unit, direction and formula.

A KPI reads one row of inputs from its family's SQL file in queries/ and turns
it into a value, or into None with the reason it cannot be computed. The ids
are stable: they name the KPI in the CLI's JSON, in config.yaml and in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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

KPIS: dict[str, KpiDef] = {
    k.id: k
    for k in (
        KpiDef(
            "engagement_rate",
            "Engagement rate (by {engagement_denominator})",
            "Post engagement",
            "engagement",
            "%",
            "higher",
            "(reactions + comments + shares + saves + clicks) / {engagement_denominator} of posts "
            "published in the period.",
            "Posts drew interactions equal to {value} of their {engagement_denominator}",
            _engagement,
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
        ),
        KpiDef(
            "conversion_rate",
            "Conversion rate",
            "Clicks that became customers",
            "conversion",
            "%",
            "higher",
            "New customers / clicks (ad clicks + link clicks on posts) in the period.",
            "{value} of clicks turned into a new customer",
            lambda r, s: ratio(r["new_customers"], r["clicks"], "no clicks were recorded in this period", 100),
            ("Clicks: ad clicks from spend plus link clicks on posts published in the period.",),
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
}
