"""Every KPI Legame computes, declared once: its id, words, unit, direction and measure.

A KPI reads one row of inputs from its family's SQL file in queries/ (or, for the clv and
clv_model families, from the fitted CLV model). Its measure is a typed spec (`Ratio`, `Count`,
`NetScore`, `Modelled`, or a `Formula` for the few other shapes): the value and the sample its
delta's noise test uses come from that one declaration, so they cannot drift apart. `inputs`
names the quantities a KPI was computed from (shown in the JSON, summed across channels by the
tests); `not_split` says, per dimension, why a KPI cannot be measured by it. The ids are stable:
they name the KPI in the CLI's JSON, in config.yaml and in tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from legame.clv.errors import NOT_ENOUGH_HISTORY
from legame.i18n import N_, _, ngettext
from legame.kpis.noise import Sample, estimate

Row = dict[str, Any]
Settings = dict[str, Any]
Value = tuple[float | None, str | None]
# A quantity of a ratio: a column of the family's row ("{engagement_denominator}" is resolved from
# the settings), several columns summed, or a function of the row and the settings.
Term = str | Callable[[Row, Settings], float]


@dataclass(frozen=True)
class By:
    """Words that change with a setting, each variant a whole message: in Italian "dei clic" but
    "delle visite", so a translated noun is never put into another message."""

    setting: str  # a key of the settings: engagement_denominator, conversion_denominator
    texts: tuple[tuple[str, str], ...]  # (the setting's value, the message)

    def pick(self, settings: Settings) -> str:
        return dict(self.texts)[settings[self.setting]]


@dataclass(frozen=True)
class Counted:
    """A sentence about a count of the KPI's value, singular or plural ("1 customer", "2 customers"):
    `words(n, **values)` calls ngettext with both forms written out, so the catalogue extracts them as one."""

    words: Callable[..., str]


# Words in the registry: a message (marked with N_), one per setting, or a counted one.
Text = str | By | Counted


def say(text: Text, settings: Settings, count: float | None = None, **values: Any) -> str:
    """`text` in the reader's language, its placeholders filled from the settings and `values`."""
    if isinstance(text, By):
        text = text.pick(settings)
    if isinstance(text, Counted):
        n = 2 if count is None or count != int(count) else int(count)
        return text.words(n, **settings, **values)
    return _(text, **settings, **values)


def _term(term: Term, row: Row, settings: Settings) -> float:
    if callable(term):
        return term(row, settings)
    return float(row[term.format(**settings)] or 0)


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator x scale; undefined with `na` when the denominator is zero.

    `noise` is the kind of number for the delta's noise test: "proportion" (a share of the
    denominator), "rate" (events per unit of exposure), "per_count" (a known amount per a Poisson
    count: spend per new customer) or None (no model of its variation)."""

    numerator: Term
    denominator: Term
    na: Text
    scale: float = 1.0
    noise: str | None = None

    def value(self, row: Row, settings: Settings) -> Value:
        denominator = _term(self.denominator, row, settings)
        if not denominator:
            return None, say(self.na, settings)
        return _term(self.numerator, row, settings) / denominator * self.scale, None

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        if self.noise is None:
            return None
        denominator = _term(self.denominator, row, settings)
        return Sample(self.noise, _term(self.numerator, row, settings), denominator, scale=self.scale)


class _CommunityShare(Ratio):
    """A community ratio; n/a, not 0, on a channel where no community activity is recorded at all."""

    def value(self, row: Row, settings: Settings) -> Value:
        if settings["scoped"] and not row["interactions"]:
            return None, _(N_("no community activity is recorded {scope}"), **settings)
        return super().value(row, settings)


@dataclass(frozen=True)
class Count:
    """A count of things in the period (a column, or several summed by a function of the row).

    `noise`: "count" for events or people, each counted once (Poisson: noise.py compares two counts a and b
    by a - b against z * sqrt(a + b)); None for a sum that is not a count of independent things (reach, money)."""

    column: Term
    noise: str | None = "count"

    def value(self, row: Row, settings: Settings) -> Value:
        return _term(self.column, row, settings), None

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        if self.noise is None:
            return None
        count = _term(self.column, row, settings)
        return Sample(self.noise, count, count)


@dataclass(frozen=True)
class NetScore:
    """(positive - negative) / base x scale: the Net Promoter Score; noise from the multinomial."""

    positive: str
    negative: str
    base: str
    na: Text
    scale: float = 100.0

    def value(self, row: Row, settings: Settings) -> Value:
        if not row[self.base]:
            return None, say(self.na, settings)
        return (row[self.positive] - row[self.negative]) / row[self.base] * self.scale, None

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        return Sample("nps", row[self.positive], row[self.base], other=row[self.negative], scale=self.scale)


@dataclass(frozen=True)
class Modelled:
    """A value read from the fitted CLV model, with its 90% interval where the model gives one."""

    value_of: Callable[[Row], float | None]
    low_of: Callable[[Row], float | None] | None = None
    high_of: Callable[[Row], float | None] | None = None
    base: str | None = None  # the group size the interval rests on

    def value(self, row: Row, settings: Settings) -> Value:
        result = self.value_of(row)
        return (None, row.get("uplift_reason")) if result is None else (result, None)

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        if self.low_of is None or self.high_of is None:
            return None
        return estimate(self.value_of(row), self.low_of(row), self.high_of(row), row.get(self.base) or 0)


@dataclass(frozen=True)
class Formula:
    """Any other shape, written out once (payback, the funnel, CLV against cost)."""

    compute: Callable[[Row, Settings], Value]

    def value(self, row: Row, settings: Settings) -> Value:
        return self.compute(row, settings)

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        return None


Measure = Ratio | Count | NetScore | Modelled | Formula


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is; the engine fills in its numbers."""

    id: str
    label: Text  # the technical name
    plain_label: str  # what an executive calls it
    family: str  # the SQL file in queries/ that yields its inputs
    unit: str  # %, points, currency, x, count, per post, months
    direction: str  # higher or lower is better
    definition: Text  # the formula in words
    sentence: Text  # "{value}" is replaced by the formatted value
    measure: Measure
    inputs: tuple[str, ...] = ()  # the named quantities it is computed from ("{...}" resolved from settings)
    assumptions: tuple[Text, ...] = ()
    not_split: tuple[tuple[str, str], ...] = ()  # (dimension, why it cannot be measured by it)
    breakdown: Callable[[Row], dict[str, float]] | None = None  # the parts a chart shows (ladder rungs...)

    def compute(self, row: Row, settings: Settings) -> Value:
        return self.measure.value(row, settings)

    def sample(self, row: Row, settings: Settings) -> Sample | None:
        return self.measure.sample(row, settings)

    def unsplittable(self, dimension: str) -> str | None:
        """Why this KPI cannot be measured by `dimension` (channel, campaign), in the reader's language,
        or None when it can."""
        why = dict(self.not_split).get(dimension)
        return None if why is None else _(why)


# Reasons a KPI is n/a: {scope} is where ("in this period", "on this channel"), see engine.settings.
NO_POSTS = N_("no posts were published {scope}")
NO_SPEND = N_("no marketing spend {scope}")
NO_NEW = N_("no new customers {scope}")
NO_PAID_MEDIA = N_("no marketing spend {scope}: its new customers came without paid media")
NO_REVENUE_YET = N_("new customers brought no revenue yet")
MARGIN = N_("Gross margin {margin} of revenue (config.yaml).")
BLENDED = N_(
    "Over every channel, all sales count against all marketing spend (blended); by channel or campaign, the sales "
    "attributed to it against its own spend."
)
ARRIVALS = By(
    "conversion_denominator",
    (
        (
            "clicks",
            N_(
                "New customers are set against clicks (conversion_denominator in config.yaml). Clicks: ad clicks from "
                "spend plus link clicks on posts published in the period. Visits: web sessions from GA4 exports for "
                "the period, channel and campaign, each visit counted once."
            ),
        ),
        (
            "visits",
            N_(
                "New customers are set against visits (conversion_denominator in config.yaml). Clicks: ad clicks from "
                "spend plus link clicks on posts published in the period. Visits: web sessions from GA4 exports for "
                "the period, channel and campaign, each visit counted once."
            ),
        ),
    ),
)
FUNNEL_PEOPLE = N_(
    "Every step counts people, each within the one before: reach is each post's reach summed (a person reached by "
    "two posts counts twice); people who engaged count once, on the channel of their first interaction; known means "
    "in the CRM by the period's end; new customers made their first purchase in the period."
)
POSTS_NO_CAMPAIGN = (("campaign", N_("posts carry no campaign")),)
ACTS_NO_CAMPAIGN = (("campaign", N_("posts and community activity carry no campaign")),)
COMMUNITY_NO_CAMPAIGN = (("campaign", N_("community activity carries no campaign")),)
WHOLE_HISTORY = (
    ("channel", N_("customers are valued on their whole order history, which has no single channel")),
    ("campaign", N_("customers are valued on their whole order history, which has no single campaign")),
)


class _EngagementRate(Ratio):
    """The engagement ratio, n/a without posts before it looks at their reach."""

    def value(self, row: Row, settings: Settings) -> Value:
        return (None, _(NO_POSTS, **settings)) if not row["posts"] else super().value(row, settings)


def _romi_margin(row: Row, settings: Settings) -> float:
    return row["attributed_revenue"] * settings["margin_rate"] - row["spend"]


def _payback(row: Row, settings: Settings) -> Value:
    if not row["new_customers"]:
        return None, _(NO_NEW, **settings)
    if not row["spend"]:
        return None, _(NO_PAID_MEDIA, **settings)
    monthly_margin = row["new_customer_revenue"] * settings["margin_rate"] / row["new_customers"] / settings["months"]
    if not monthly_margin:
        return None, _(NO_REVENUE_YET)
    return row["spend"] / row["new_customers"] / monthly_margin, None


def _voices(row: Row, settings: Settings) -> float:
    return float(row["employee_posts"] + row["customer_posts"] + row["advocates"] + row["influencer_posts"])


def _clv_roi(row: Row, settings: Settings) -> Value:
    return Ratio(lambda r, s: r["acquired_clv"] - r["spend"], "spend", NO_SPEND, 100).value(row, settings)


def _clv_cac(row: Row, settings: Settings) -> Value:
    if not row["new_customers"]:
        return None, _(NO_NEW, **settings)
    if not row["spend"]:
        return None, _(NO_PAID_MEDIA, **settings)
    cac = row["spend"] / row["new_customers"]
    return row["acquired_clv"] / row["new_customers"] / cac, None


class _Cac(Ratio):
    """Spend per new customer; n/a (not zero) where new customers came with no spend at all."""

    def value(self, row: Row, settings: Settings) -> Value:
        if not row["spend"] and row["new_customers"]:
            return None, _(NO_PAID_MEDIA, **settings)
        return super().value(row, settings)


def _funnel(row: Row, settings: Settings) -> Value:
    if not row["reach"]:
        return None, _(N_("no reach recorded in this period"))
    return row["engaged_new_customers"] / row["reach"] * 100, None


def funnel_steps(row: Row) -> dict[str, Any]:
    """The funnel's people steps in order, then the money; steps the data cannot count as people left out.

    Returns {"steps": {label: people}, "money": {label: amount}, "left_out": {label: reason}}: the labels are
    keys (English, marked for the catalogue: a chart shows them with _()), the reasons in the reader's language.
    """
    steps: dict[str, float] = {}
    left_out: dict[str, str] = {}
    if not row["reach"]:
        left_out[N_("People reached")] = _(N_("the data hold no reach for these posts or channels"))
    elif row["reach"] < row["engaged_people"]:
        left_out[N_("People reached")] = _(
            N_(
                "people engaged where reach is not measured (community spaces, events), so the posts' reach "
                "would not contain them"
            )
        )
    else:
        steps[N_("People reached")] = row["reach"]
    steps[N_("People who engaged")] = row["engaged_people"]
    steps[N_("Known in the CRM")] = row["known_people"]
    steps[N_("New customers")] = row["engaged_new_customers"]
    return {
        "steps": steps,
        "money": {N_("Their sales in the period"): row["engaged_new_customer_revenue"]},
        "left_out": left_out,
    }


def _modelled_value(r: Row) -> float | None:
    return None if r.get("uplift") is None else r["uplift"] * r["members"]


def _times_members(key: str) -> Callable[[Row], float | None]:
    return lambda r: None if r.get(key) is None else r[key] * r["members"]


_RATES_AND_RESULTS = (
    KpiDef(
        "engagement_rate",
        By(
            "engagement_denominator",
            (("reach", N_("Engagement rate (by reach)")), ("impressions", N_("Engagement rate (by impressions)"))),
        ),
        N_("Post engagement"),
        "engagement",
        "%",
        "higher",
        By(
            "engagement_denominator",
            (
                (
                    "reach",
                    N_("(reactions + comments + shares + saves + clicks) / reach of posts published in the period."),
                ),
                (
                    "impressions",
                    N_(
                        "(reactions + comments + shares + saves + clicks) / impressions of posts published "
                        "in the period."
                    ),
                ),
            ),
        ),
        By(
            "engagement_denominator",
            (
                ("reach", N_("Posts drew interactions equal to {value} of their reach")),
                ("impressions", N_("Posts drew interactions equal to {value} of their impressions")),
            ),
        ),
        _EngagementRate(
            "acts",
            "{engagement_denominator}",
            By(
                "engagement_denominator",
                (
                    ("reach", N_("posts in this period have no reach recorded")),
                    ("impressions", N_("posts in this period have no impressions recorded")),
                ),
            ),
            scale=100,
            noise="rate",
        ),
        inputs=("posts", "acts", "{engagement_denominator}"),
        not_split=POSTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "conversation_rate",
        N_("Conversation rate"),
        N_("Comments per post"),
        "engagement",
        "per post",
        "higher",
        N_("Comments / posts published in the period (Kaushik)."),
        N_("Each post started {value} comments on average"),
        Ratio("comments", "posts", NO_POSTS, noise="rate"),
        inputs=("posts", "comments"),
        not_split=POSTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "amplification_rate",
        N_("Amplification rate"),
        N_("Shares per post"),
        "engagement",
        "per post",
        "higher",
        N_("Shares / posts published in the period (Kaushik)."),
        N_("Each post was passed on {value} times on average"),
        Ratio("shares", "posts", NO_POSTS, noise="rate"),
        inputs=("posts", "shares"),
        not_split=POSTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "applause_rate",
        N_("Applause rate"),
        N_("Likes per post"),
        "engagement",
        "per post",
        "higher",
        N_("Reactions / posts published in the period (Kaushik)."),
        N_("Each post earned {value} likes and reactions on average"),
        Ratio("reactions", "posts", NO_POSTS, noise="rate"),
        inputs=("posts", "reactions"),
        not_split=POSTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "active_community_ratio",
        N_("Active community ratio"),
        N_("Members taking part"),
        "community",
        "%",
        "higher",
        N_("Members with at least one interaction in the period / all members at the period's end."),
        N_("{value} of community members took part at least once"),
        _CommunityShare("active_members", "members", N_("there are no community members yet"), 100, noise="proportion"),
        inputs=("members", "active_members"),
        not_split=COMMUNITY_NO_CAMPAIGN,
    ),
    KpiDef(
        "interactions_per_active_member",
        N_("Interactions per active member"),
        N_("Depth of participation"),
        "community",
        "per member",
        "higher",
        N_("Interactions by members / members with at least one interaction in the period."),
        N_("Each active member took part {value} times"),
        _CommunityShare("member_interactions", "active_members", N_("no member took part {scope}"), noise="rate"),
        inputs=("active_members", "member_interactions"),
        not_split=COMMUNITY_NO_CAMPAIGN,
    ),
    KpiDef(
        "peer_answer_share",
        N_("Peer-to-peer answer share"),
        N_("Questions answered by members"),
        "community",
        "%",
        "higher",
        N_("Answers given by community members / all answers in the period."),
        N_("Members gave {value} of the answers to other customers' questions"),
        _CommunityShare("member_answers", "answers", N_("no answers were given {scope}"), 100, noise="proportion"),
        inputs=("answers", "member_answers"),
        not_split=COMMUNITY_NO_CAMPAIGN,
    ),
    KpiDef(
        "nps",
        N_("Net Promoter Score"),
        N_("Willingness to recommend"),
        "advocacy",
        "points",
        "higher",
        N_("% promoters (score 9-10) - % detractors (0-6) among survey answers in the period; -100 to 100."),
        N_("Net Promoter Score was {value}"),
        NetScore("promoters", "detractors", "answers", N_("no survey answers in this period")),
        inputs=("answers", "promoters", "passives", "detractors"),
        not_split=(("channel", N_("surveys carry no channel")), ("campaign", N_("surveys carry no campaign"))),
        breakdown=lambda r: {
            N_("Promoters"): r["promoters"],
            N_("Passives"): r["passives"],
            N_("Detractors"): r["detractors"],
        },
    ),
    KpiDef(
        "conversion_rate",
        By(
            "conversion_denominator",
            (("clicks", N_("Conversion rate (by clicks)")), ("visits", N_("Conversion rate (by visits)"))),
        ),
        N_("Traffic that became customers"),
        "conversion",
        "%",
        "higher",
        By(
            "conversion_denominator",
            (
                (
                    "clicks",
                    N_(
                        "New customers / clicks in the period (clicks: ad clicks + link clicks on posts; "
                        "visits: web sessions)."
                    ),
                ),
                (
                    "visits",
                    N_(
                        "New customers / visits in the period (clicks: ad clicks + link clicks on posts; "
                        "visits: web sessions)."
                    ),
                ),
            ),
        ),
        By(
            "conversion_denominator",
            (
                ("clicks", N_("{value} of clicks turned into a new customer")),
                ("visits", N_("{value} of visits turned into a new customer")),
            ),
        ),
        Ratio(
            "new_customers",
            "arrivals",
            By(
                "conversion_denominator",
                (
                    ("clicks", N_("no clicks were recorded {scope}")),
                    ("visits", N_("no visits were recorded {scope}")),
                ),
            ),
            100,
            noise="proportion",
        ),
        inputs=("new_customers", "arrivals"),
        assumptions=(ARRIVALS,),
    ),
    KpiDef(
        "cac",
        N_("Customer acquisition cost (CAC)"),
        N_("Cost of a new customer"),
        "conversion",
        "currency",
        "lower",
        N_("Marketing spend / new customers (first purchase in the period)."),
        N_("Each new customer cost {value} in marketing"),
        _Cac("spend", "new_customers", NO_NEW, noise="per_count"),
        inputs=("spend", "new_customers"),
        assumptions=(N_("Blended over every channel: all new customers, paid and organic, share the spend."),),
    ),
    KpiDef(
        "roas",
        N_("Return on ad spend (ROAS)"),
        N_("Sales per euro of ads"),
        "conversion",
        "x",
        "higher",
        N_("Attributed revenue / marketing spend in the period."),
        N_("Sales were {value} the marketing spend"),
        Ratio("attributed_revenue", "spend", NO_SPEND),
        inputs=("attributed_revenue", "orders", "spend"),
        assumptions=(BLENDED,),
    ),
    KpiDef(
        "romi",
        N_("Marketing ROI (ROMI)"),
        N_("Return on marketing"),
        "conversion",
        "%",
        "higher",
        N_("(Attributed revenue x margin - spend) / spend in the period."),
        N_("Marketing returned {value} on its cost, in margin from the sales it brought"),
        Ratio(_romi_margin, "spend", NO_SPEND, 100),
        inputs=("attributed_revenue", "orders", "spend"),
        assumptions=(BLENDED, MARGIN),
    ),
    KpiDef(
        "clv_historic",
        N_("Historic customer lifetime value"),
        N_("Value of a customer so far"),
        "value",
        "currency",
        "higher",
        N_("Net revenue x margin / customers, over customers' whole history up to the period's end."),
        N_("An average customer has brought {value} of margin so far"),
        Ratio(lambda r, s: r["net_revenue"] * s["margin_rate"], "customers", N_("no customers have ordered yet")),
        inputs=("customers", "net_revenue"),
        assumptions=(MARGIN, N_("Method: historic (what customers have already been worth), not a prediction.")),
        not_split=WHOLE_HISTORY,
    ),
    KpiDef(
        "known_share",
        N_("Known share of engaged people"),
        N_("Stickers in the album"),
        "conversion",
        "%",
        "higher",
        N_("People who engaged and are known in the CRM / people who engaged in the period."),
        N_("{value} of the people who engaged are known in the CRM, where their value can be followed"),
        Ratio("known_people", "engaged_people", N_("nobody engaged in this period"), 100, noise="proportion"),
        inputs=("engaged_people", "known_people"),
        assumptions=(FUNNEL_PEOPLE,),
        not_split=ACTS_NO_CAMPAIGN,
    ),
)


_ADVOCACY_AND_RETURN = (
    KpiDef(
        "advocates",
        N_("Advocates"),
        N_("Advocates"),
        "advocacy",
        "count",
        "higher",
        N_(
            "Customers with at least one advocacy act in the period: a referral, a review, a UGC post "
            "or a share of brand content."
        ),
        Counted(
            lambda n, **v: ngettext(
                "{value} customer recommended, reviewed or shared the brand",
                "{value} customers recommended, reviewed or shared the brand",
                n,
                **v,
            )
        ),
        Count("advocates"),
        inputs=("advocates",),
        assumptions=(
            N_("Referrals from the referral programme's export carry no channel: by channel they are unattributed."),
        ),
        not_split=ACTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "referral_rate",
        N_("Referral rate"),
        N_("Referred new customers"),
        "advocacy",
        "%",
        "higher",
        N_("New customers referred by an existing customer / all new customers in the period."),
        N_("{value} of new customers were referred by a customer"),
        Ratio("referred_new_customers", "new_customers", NO_NEW, 100, noise="proportion"),
        inputs=("new_customers", "referred_new_customers"),
    ),
    KpiDef(
        "ugc_volume",
        N_("UGC volume"),
        N_("Content made by customers"),
        "advocacy",
        "count",
        "higher",
        N_("User-generated posts about the brand in the period (posts flagged UGC plus community UGC acts)."),
        Counted(
            lambda n, **v: ngettext(
                "Customers created {value} piece of content about the brand",
                "Customers created {value} pieces of content about the brand",
                n,
                **v,
            )
        ),
        Count("ugc"),
        inputs=("ugc",),
        not_split=ACTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "earned_reach",
        N_("Earned reach"),
        N_("Audience reached for free"),
        "advocacy",
        "count",
        "higher",
        N_("Reach of posts by customers and influencers and of UGC posts in the period (not paid for)."),
        Counted(
            lambda n, **v: ngettext(
                "Customers and influencers reached {value} person without paid media",
                "Customers and influencers reached {value} people without paid media",
                n,
                **v,
            )
        ),
        Count("earned_reach", noise=None),
        inputs=("earned_reach",),
        assumptions=(N_("The exports hold no reach for individual shares, so shares are not counted."),),
        not_split=POSTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "advocacy_ladder",
        N_("Advocacy ladder"),
        N_("Voices for the brand"),
        "advocacy",
        "count",
        "higher",
        N_("Voices by credibility: employee posts < customer posts < advocates < influencer posts."),
        Counted(
            lambda n, **v: ngettext(
                "{value} voice spoke for the brand, from employees up to independent influencers",
                "{value} voices spoke for the brand, from employees up to independent influencers",
                n,
                **v,
            )
        ),
        Count(_voices),
        inputs=("employee_posts", "customer_posts", "advocates", "influencer_posts"),
        not_split=ACTS_NO_CAMPAIGN,
        breakdown=lambda r: {
            N_("Employees' posts"): r["employee_posts"],
            N_("Customers' posts"): r["customer_posts"],
            N_("Advocates"): r["advocates"],
            N_("Influencers' posts"): r["influencer_posts"],
        },
    ),
    KpiDef(
        "payback_months",
        N_("Payback months"),
        N_("Payback time"),
        "conversion",
        "months",
        "lower",
        N_("CAC / monthly margin per new customer (their revenue in the period x margin / months in the period)."),
        N_("A new customer's cost is earned back in {value}"),
        Formula(_payback),
        inputs=("spend", "new_customers", "new_customer_revenue"),
        assumptions=(MARGIN,),
    ),
    KpiDef(
        "funnel",
        N_("Funnel: people reached to new customers"),
        N_("Reach to customer"),
        "conversion",
        "%",
        "higher",
        N_(
            "People reached -> people who engaged -> known in the CRM -> new customers, each a subset of the one "
            "before; the value is new customers among them / people reached."
        ),
        N_("{value} of the people reached engaged, were known and became customers"),
        Formula(_funnel),
        inputs=("reach", "engaged_people", "known_people", "engaged_new_customers", "engaged_new_customer_revenue"),
        assumptions=(FUNNEL_PEOPLE, N_("Clicks and visits are events, not people: they are KPIs of their own.")),
        not_split=ACTS_NO_CAMPAIGN,
    ),
    KpiDef(
        "referred_value",
        N_("Referred value"),
        N_("Value of referrals"),
        "clv",
        "currency",
        "higher",
        N_("Sum of predicted CLV of new customers in the period who were referred by a customer."),
        N_("Customers who came by referral are expected to bring {value} of margin over the next {horizon}"),
        Count("referred_clv", noise=None),
        inputs=("referred_clv",),
        assumptions=(MARGIN,),
        not_split=(
            ("channel", N_("referred customers are valued together, whatever brought them")),
            ("campaign", N_("referred customers are valued together, whatever brought them")),
        ),
    ),
    KpiDef(
        "clv_roi",
        N_("CLV-based ROI"),
        N_("Lifetime return on marketing"),
        "clv",
        "%",
        "higher",
        N_("(Sum of predicted CLV of customers acquired in the period - spend) / spend."),
        N_("Customers acquired are expected to return {value} on marketing's cost over the next {horizon}"),
        Formula(_clv_roi),
        inputs=("new_customers", "acquired_clv", "spend"),
        assumptions=(MARGIN,),
    ),
    KpiDef(
        "clv_cac",
        N_("CLV : CAC"),
        N_("Lifetime value vs cost"),
        "clv",
        "x",
        "higher",
        N_("Mean predicted CLV of customers acquired in the period / CAC; 3 or more is healthy."),
        N_("A new customer is expected to be worth {value} what it cost to acquire, over the next {horizon}"),
        Formula(_clv_cac),
        inputs=("new_customers", "acquired_clv", "spend"),
        assumptions=(MARGIN,),
    ),
)


PREDICTED = N_("Predicted: BG/NBD + Gamma-Gamma, fitted on the orders to the period's end, {horizon} ahead.")
NOT_CAUSAL = N_("A difference between members and others, not proof the community caused it.")
_CUSTOMER_VALUE = (
    KpiDef(
        "community_value",
        N_("Value of the community (CLV uplift x members)"),
        N_("Value of the community"),
        "clv_model",
        "currency",
        "higher",
        N_(
            "(Mean predicted CLV of community members - mean predicted CLV of other customers) x members, "
            "over the next {horizon}, with a 90% bootstrap interval."
        ),
        N_(
            "Community members are worth {value} more in predicted margin over the next {horizon} than as "
            "many other customers"
        ),
        Modelled(_modelled_value, _times_members("uplift_low"), _times_members("uplift_high"), base="members"),
        inputs=("members", "others"),
        assumptions=(MARGIN, PREDICTED, NOT_CAUSAL),
        not_split=WHOLE_HISTORY,
        breakdown=lambda r: {
            "members": r.get("members"),
            "others": r.get("others"),
            "low": _times_members("uplift_low")(r),
            "high": _times_members("uplift_high")(r),
        },
    ),
    KpiDef(
        "community_uplift",
        N_("Community uplift (CLV of members - others)"),
        N_("Member premium"),
        "clv_model",
        "currency",
        "higher",
        N_(
            "Mean predicted CLV of community members - mean predicted CLV of other customers, over the next "
            "{horizon}, with a 90% bootstrap interval."
        ),
        N_(
            "A community member is worth {value} more than another customer in predicted margin over the next {horizon}"
        ),
        Modelled(lambda r: r["uplift"], lambda r: r.get("uplift_low"), lambda r: r.get("uplift_high"), base="members"),
        inputs=("members", "others"),
        assumptions=(MARGIN, PREDICTED, NOT_CAUSAL),
        not_split=WHOLE_HISTORY,
        breakdown=lambda r: {"low": r.get("uplift_low"), "high": r.get("uplift_high")},
    ),
    KpiDef(
        "clv_predicted",
        N_("Predicted customer lifetime value"),
        N_("Value of a customer"),
        "clv_model",
        "currency",
        "higher",
        N_(
            "Mean over customers of expected purchases x expected spend x margin, discounted monthly, "
            "over the next {horizon}."
        ),
        N_("An average customer is expected to bring {value} of margin over the next {horizon}"),
        Modelled(lambda r: r["clv_predicted"]),
        inputs=("customers",),
        assumptions=(MARGIN, PREDICTED),
        not_split=WHOLE_HISTORY,
    ),
)
KPIS: dict[str, KpiDef] = {k.id: k for k in (*_RATES_AND_RESULTS, *_ADVOCACY_AND_RETURN, *_CUSTOMER_VALUE)}
# The families read from the fitted CLV model: n/a in plain words when no model can be fitted.
MODEL_FAMILIES = frozenset({"clv", "clv_model"})
NO_MODEL = NOT_ENOUGH_HISTORY
# The inputs that add up across channels and campaigns (the tests hold them to it).
ADDITIVE_INPUTS = ("spend", "new_customers", "attributed_revenue", "orders", "reach", "engaged_people", "known_people")
# The canonical tables each family's inputs are read from: queries/<family>.sql and the relations it calls, an
# aggregate standing for the tables its own SQL reads (queries/aggregates/: interactions, orders and people; and
# referrals for agg_referrals and agg_referred_customers, which advocacy alone reads). The
# clv_model family reads the fitted CLV model alone: its tables are the fit's (queries/clv_summary.sql and
# value_people.sql); clv reads the fit and queries/clv_kpis.sql. Caches of a family's numbers are keyed on the
# loads of these tables (legame/ui/cache.py, legame/clv/cache.py): an upload of another table keeps them.
# tests/test_ui_cache_versions.py holds this against the tables in DuckDB's plans of the families' queries.
FAMILY_TABLES: dict[str, tuple[str, ...]] = {
    "engagement": ("posts",),
    "community": ("interactions", "orders", "people"),
    "value": ("interactions", "orders", "people"),
    "advocacy": ("interactions", "orders", "people", "posts", "referrals", "spend", "surveys"),
    "conversion": ("interactions", "orders", "people", "posts", "spend", "visits"),
    "clv": ("interactions", "orders", "people", "referrals", "surveys", "spend"),
    "clv_model": ("interactions", "orders", "people", "referrals", "surveys"),
}
