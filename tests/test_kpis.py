"""Every KPI on a tiny dataset whose expected values are worked out by hand below."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from legame.errors import ConfigError
from legame.ingest import load_file
from legame.kpis import Period, compute
from tests.conftest import write

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))

POSTS = """channel,post_id,published_at,author_type,is_ugc,reach,impressions,reactions,comments,shares,saves,clicks
instagram,p1,2025-03-02,brand,false,1000,1500,40,10,5,3,2
instagram,p2,2025-03-10 18:30,customer,true,500,600,20,4,1,0,5
facebook,p3,2025-02-15,brand,false,800,900,10,2,2,0,1
"""
PEOPLE = """person_id,first_seen,is_member,member_since
a,2024-12-01,true,2025-01-10
b,2025-01-05,true,
c,2025-01-07,false,
d,2025-03-20,true,2025-04-02
"""
INTERACTIONS = """event_id,person_id,occurred_at,channel,kind
e1,a,2025-03-03,forum,comment
e2,a,2025-03-04,forum,answer
e3,c,2025-03-05,forum,answer
e4,b,2025-02-10,forum,reaction
e5,d,2025-03-25,forum,answer
e6,b,2025-03-12,instagram,share
e7,c,2025-03-13,reviews,review
"""
REFERRALS = """referrer_id,referred_id,referred_at
a,b,2025-03-01
"""
SURVEYS = """response_id,person_id,answered_at,score
s1,a,2025-03-01,10
s2,b,2025-03-02,9
s3,c,2025-03-03,7
s4,d,2025-03-31 23:59:00,3
s5,a,2025-04-01,0
"""
ORDERS = """order_id,person_id,ordered_at,revenue,channel,campaign,is_refund
o1,a,2025-01-15,100,web,,false
o2,a,2025-03-05,50,web,Spring,false
o3,b,2025-03-06,80,web,Spring,false
o4,c,2025-03-07,40,web,,false
o5,c,2025-03-08,30,web,,true
o6,d,2025-04-02,60,web,,false
"""
SPEND = """day,channel,campaign,amount,impressions,clicks
2025-03-01,instagram,Spring,100,10000,60
2025-03-15,google,Brand,160,5000,38
"""


@pytest.fixture
def kpis(con, config, tmp_path: Path):
    config.data["margin_rate"] = 0.4
    for name, text in [
        ("posts.csv", POSTS),
        ("people.csv", PEOPLE),
        ("interactions.csv", INTERACTIONS),
        ("surveys.csv", SURVEYS),
        ("orders.csv", ORDERS),
        ("spend.csv", SPEND),
        ("referrals.csv", REFERRALS),
    ]:
        report = load_file(con, config, write(tmp_path, name, text), name)
        assert report.rejected == 0, report.rejects
    return {k.id: k for k in compute(con, config, MARCH)}


def test_engagement_family(kpis):
    # March posts p1 + p2: interactions (40+10+5+3+2) + (20+4+1+0+5) = 90 over reach 1000 + 500.
    assert kpis["engagement_rate"].value == pytest.approx(90 / 1500 * 100)
    # February: p3 alone, (10+2+2+0+1) / 800.
    assert kpis["engagement_rate"].comparison_value == pytest.approx(15 / 800 * 100)
    assert kpis["conversation_rate"].value == pytest.approx((10 + 4) / 2)
    assert kpis["amplification_rate"].value == pytest.approx((5 + 1) / 2)
    assert kpis["applause_rate"].value == pytest.approx((40 + 20) / 2)


def test_community_family(kpis):
    # Members at 31 March: a (joined Jan) and b (member, date unknown); d joins in April.
    # Active in March: a (e1, e2) and b (e6).
    assert kpis["active_community_ratio"].value == pytest.approx(100.0)
    assert kpis["interactions_per_active_member"].value == pytest.approx(3 / 2)
    # Answers in March: e2 by a (member), e3 by c and e5 by d (not members then).
    assert kpis["peer_answer_share"].value == pytest.approx(100 / 3)
    # February: b active out of a and b.
    assert kpis["active_community_ratio"].comparison_value == pytest.approx(50.0)


def test_nps(kpis):
    # March answers: 10, 9 (promoters), 7 (passive), 3 (detractor, 23:59 on the last day counts).
    assert kpis["nps"].value == pytest.approx((2 - 1) / 4 * 100)
    assert kpis["nps"].comparison_value is None


def test_conversion_family(kpis):
    # New customers in March: b (first order 6 Mar) and c (7 Mar); a first bought in January.
    # Clicks: ad clicks 60 + 38, link clicks on March posts 2 + 5.
    assert kpis["conversion_rate"].value == pytest.approx(2 / 105 * 100)
    assert kpis["cac"].value == pytest.approx(260 / 2)
    # Over every channel, every sale counts (blended): o2 + o3 + o4; o5 is refunded.
    assert kpis["roas"].value == pytest.approx(170 / 260)
    assert kpis["romi"].value == pytest.approx((170 * 0.4 - 260) / 260 * 100)


def test_historic_clv(kpis):
    # Up to 31 March: a 100 + 50, b 80, c 40 (o5 refunded counts nothing); margin 0.4.
    assert kpis["clv_historic"].value == pytest.approx((150 + 80 + 40) * 0.4 / 3)
    # Up to 28 February only a had bought: 100 * 0.4.
    assert kpis["clv_historic"].comparison_value == pytest.approx(40.0)
    assert kpis["clv_historic"].delta == pytest.approx(36.0 - 40.0)


COUNTS = {"advocates", "ugc_volume", "earned_reach", "advocacy_ladder"}


def test_zero_denominators_are_na_with_reason(con, config):
    empty = {k.id: k for k in compute(con, config, MARCH)}
    for kpi_id in COUNTS:  # a count of nothing is a real zero, not undefined
        assert empty[kpi_id].value == 0.0
    for kpi in (k for k in empty.values() if k.id not in COUNTS):
        assert kpi.value is None, kpi.id
        assert kpi.na_reason, kpi.id
        assert kpi.display["value"] == "n/a"
        assert "cannot be worked out" in kpi.sentence
    assert empty["cac"].na_reason == "no new customers in this period"
    assert empty["nps"].na_reason == "no survey answers in this period"


def test_february_without_spend_gives_na_not_zero(kpis, con, config):
    february = {k.id: k for k in compute(con, config, Period(date(2025, 2, 1), date(2025, 2, 28)))}
    assert february["roas"].value is None
    assert february["roas"].na_reason == "no marketing spend in this period"
    assert february["cac"].value is None


def test_status_and_sentence_from_config_targets(kpis):
    cac = kpis["cac"]  # 130 against a target of 60 (lower is better), watch within 15: off track
    assert cac.target == 60
    assert cac.status == "off track"
    assert cac.sentence.startswith("Each new customer cost €130.00 in marketing (target €60.00)")
    assert "no figure for the previous period (February 2025)" in cac.sentence
    clv = kpis["clv_historic"]
    assert "down from €40.00 in the previous period (February 2025)" in clv.sentence


def test_json_shape(kpis):
    data = kpis["nps"].as_dict()
    for key in ("id", "label", "value", "unit", "comparison_value", "delta", "target", "status", "sentence"):
        assert key in data
    assert data["period"] == {"start": "2025-03-01", "end": "2025-03-31", "label": "March 2025"}


def test_advocacy_family(kpis):
    # Acts in March: b shares (e6), c reviews (e7), a refers b; a, b and c are customers by 31 March.
    assert kpis["advocates"].value == 3
    # New customers in March: b (referred by a) and c.
    assert kpis["referral_rate"].value == pytest.approx(50.0)
    # UGC: p2 is flagged UGC; no community UGC acts.
    assert kpis["ugc_volume"].value == 1
    # Earned reach: p2, by a customer, reached 500.
    assert kpis["earned_reach"].value == 500
    # Ladder: no employee posts, one customer post, three advocates, no influencer posts.
    assert kpis["advocacy_ladder"].value == 4


def test_payback_and_funnel(kpis):
    # CAC 260 / 2; new customers' March revenue 80 (b) + 40 (c), margin 0.4, over 31 days of months.
    monthly_margin = (80 + 40) * 0.4 / 2 / (31 / 30.4375)
    assert kpis["payback_months"].value == pytest.approx(130 / monthly_margin)
    assert kpis["payback_months"].direction == "lower"
    # 2 new customers out of 1,500 people reached.
    assert kpis["funnel"].value == pytest.approx(2 / 1500 * 100)


def test_clv_kpis_wait_for_a_model_in_plain_words(kpis):
    for kpi_id in ("referred_value", "clv_roi", "clv_cac", "clv_predicted", "community_value"):
        assert kpis[kpi_id].value is None
        assert kpis[kpi_id].na_reason == (
            "not enough purchase history yet to predict value (needs repeat buyers over several months)"
        )
        # The model's own words stay for whoever wants them: in the JSON, and in the card's tooltip.
        assert kpis[kpi_id].na_detail
        assert "pin down" not in kpis[kpi_id].na_reason
        assert kpis[kpi_id].as_dict()["na_detail"] == kpis[kpi_id].na_detail


def test_campaign_filter(kpis, con, config):
    spring = {k.id: k for k in compute(con, config, MARCH, filters={"campaign": "Spring"})}
    # Spring spend 100; first orders carrying Spring: b only (a first bought in January).
    assert spring["cac"].value == pytest.approx(100.0)
    # Orders in March carrying Spring: o2 50 + o3 80.
    assert spring["roas"].value == pytest.approx(130 / 100)
    assert spring["cac"].filters == {"campaign": "Spring"}
    # NPS cannot be measured by campaign, and says so instead of a number.
    assert spring["nps"].value is None
    assert spring["nps"].na_reason == "not measurable by campaign: surveys carry no campaign"


def test_channel_filter_speaks_the_taxonomy(kpis, con, config):
    social = {k.id: k for k in compute(con, config, MARCH, filters={"channel": "organic_social"})}
    # Instagram posts p1, p2 in March and the Facebook post p3 in February are all organic social.
    assert social["engagement_rate"].value == pytest.approx(90 / 1500 * 100)
    assert social["engagement_rate"].comparison_value == pytest.approx(15 / 800 * 100)
    # Spend on instagram is paid social, not organic: no spend here, and it says so.
    assert social["roas"].value is None
    assert social["roas"].na_reason == "no marketing spend on this channel"
    paid = {k.id: k for k in compute(con, config, MARCH, filters={"channel": "paid_social"})}
    # The Spring campaign ran on instagram (paid social): its orders o2 + o3 belong there.
    assert paid["roas"].value == pytest.approx(130 / 100)
    with pytest.raises(ConfigError, match=r"'facebook' is not a channel of config\.yaml's taxonomy"):
        compute(con, config, MARCH, filters={"channel": "facebook"})


def test_engagement_by_impressions_says_so(kpis, con, config):
    config.data["engagement_denominator"] = "impressions"
    by_impressions = {k.id: k for k in compute(con, config, MARCH)}["engagement_rate"]
    assert by_impressions.value == pytest.approx(90 / (1500 + 600) * 100)
    assert by_impressions.label == "Engagement rate (by impressions)"
    # The noise verdict is computed on the same ratio: interactions over impressions, March against February.
    from legame.kpis.noise import Sample, signal

    expected = signal(Sample("rate", 90, 2100, scale=100), Sample("rate", 15, 900, scale=100))
    by_reach = signal(Sample("rate", 90, 1500, scale=100), Sample("rate", 15, 800, scale=100))
    assert by_impressions.signal == pytest.approx(expected)
    assert by_impressions.signal != pytest.approx(by_reach)
    config.data["engagement_denominator"] = "followers"
    with pytest.raises(ConfigError, match="must be one of reach, impressions"):
        compute(con, config, MARCH)


def test_by_channel_the_hand_worked_quantities_add_up(kpis, con, config):
    from legame.kpis.engine import split

    found = split(con, config, MARCH, "channel")
    inputs = {
        name: {i: v for k in kpis_ if k.id in ("roas", "funnel", "cac") for i, v in k.inputs.items()}
        for name, kpis_ in found.rows
    }
    # Spring ran on instagram: paid social, with o2 + o3 and b's first order; Brand on google: paid search.
    paid = inputs["paid_social"]
    assert (paid["spend"], paid["attributed_revenue"], paid["orders"], paid["new_customers"]) == (100, 130, 2, 1)
    assert (inputs["paid_search"]["spend"], inputs["paid_search"]["orders"]) == (160, 0)
    # o4 (c) has no campaign, web names no channel and c has no acquisition channel: unattributed.
    assert (inputs["unattributed"]["attributed_revenue"], inputs["unattributed"]["new_customers"]) == (40, 1)
    # People who engaged count once, on their first interaction's channel: b on instagram, a, c, d in the forum.
    assert (inputs["organic_social"]["engaged_people"], inputs["organic_social"]["reach"]) == (1, 1500)
    assert (inputs["community"]["engaged_people"], inputs["community"]["known_people"]) == (3, 3)
    total = {i: v for k in found.total if k.id in ("roas", "funnel", "cac") for i, v in k.inputs.items()}
    for name in ("spend", "attributed_revenue", "orders", "new_customers", "reach", "engaged_people", "known_people"):
        assert sum(row.get(name, 0) for row in inputs.values()) == total[name], name
    # The funnel: 1,500 reached, 4 engaged, 4 known, 2 of them (b, c) new customers in March.
    assert kpis["funnel"].extras["breakdown"]["steps"] == {
        "People reached": 1500,
        "People who engaged": 4,
        "Known in the CRM": 4,
        "New customers": 2,
    }
    assert kpis["known_share"].value == 100
