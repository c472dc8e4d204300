"""Deterministic demo exports for Ardesia Outdoor, a fictional Italian outdoor-gear brand with a community.

`write_demo` writes eight vendor-style exports (HubSpot, Shopify, Meta Business Suite, a Circle-like
community, Meta Ads, Google Ads, Delighted, a referral programme) for 2024-11-01..2026-10-31, plus a
README stating the true generating parameters. The same seed always gives byte-identical files.

Model time is a float number of days since 2024-11-01; each day's [0, 1) maps onto 07:00-23:00 Rome
wall-clock time, so every timestamp stays inside the span in both local time and UTC.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Calendar -------------------------------------------------------------------------------------------

START_DAY = np.datetime64("2024-11-01", "D")
N_DAYS = 730  # 2024-11-01 .. 2026-10-31 inclusive
CALENDAR = START_DAY + np.arange(N_DAYS)
OPENING_HOUR = 7
OPEN_HOURS = 16
SEASON_BY_MONTH = (0.80, 0.85, 1.10, 1.30, 1.30, 1.10, 0.95, 0.75, 0.95, 1.00, 1.25, 1.40)  # Jan..Dec
TREND_OVER_SPAN = 0.30  # sign-ups, posts and community activity grow 30% from the first day to the last
_MONTH_OF_DAY = CALENDAR.astype("datetime64[M]").astype(int) % 12
SEASON = np.take(SEASON_BY_MONTH, _MONTH_OF_DAY) / np.take(SEASON_BY_MONTH, _MONTH_OF_DAY).mean()
TREND = 1 + TREND_OVER_SPAN * np.arange(N_DAYS) / (N_DAYS - 1)

# People ---------------------------------------------------------------------------------------------

N_BASE_PEOPLE = 4_700  # plus referred friends and staff, about 5,000 in all
SEGMENTS = ("Trail runners", "Hikers", "Climbers", "Casual")
SEGMENT_SHARES = (0.25, 0.40, 0.15, 0.20)
MEMBER_PROBABILITY = (0.30, 0.21, 0.32, 0.08)  # by segment
FRIEND_MEMBER_PROBABILITY = 0.35
FRIEND_KEEPS_SEGMENT = 0.60
JOIN_AT_SIGN_UP = 0.30  # the rest join the community after an exponential lag
JOIN_LAG_DAYS = 45.0
BASE_SOURCES = (
    "Paid Social",
    "Paid Search",
    "Organic Social",
    "Organic Search",
    "Direct Traffic",
    "Email Marketing",
    "Offline Sources",
)
BASE_SOURCE_WEIGHTS = (0.30, 0.18, 0.15, 0.17, 0.12, 0.10, 0.10)  # paid ones scale with that day's spend
LEAD_SOURCES = ("Paid Social", "Paid Search", "Offline Sources")
DOMAINS = ("example.com", "example.it", "example.org")
DOMAIN_SHARES = (0.6, 0.3, 0.1)
FIRST_NAMES = (
    "Giulia", "Francesca", "Chiara", "Sara", "Martina", "Valentina", "Alessia", "Elisa", "Federica", "Silvia",
    "Laura", "Elena", "Anna", "Giorgia", "Alice", "Sofia", "Aurora", "Beatrice", "Camilla", "Noemi", "Ilaria",
    "Marta", "Serena", "Roberta", "Paola", "Lucia", "Irene", "Greta", "Nicole", "Bianca", "Marco", "Luca",
    "Andrea", "Matteo", "Alessandro", "Francesco", "Lorenzo", "Davide", "Simone", "Federico", "Riccardo",
    "Stefano", "Giovanni", "Paolo", "Tommaso", "Gabriele", "Nicolò", "Mattia", "Filippo", "Emanuele", "Pietro",
    "Daniele", "Michele", "Giacomo", "Edoardo", "Leonardo", "Niccolò", "Fabio", "Enrico", "Jacopo",
)  # fmt: skip
LAST_NAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
    "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
    "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
    "Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo",
    "Marchetti", "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso",
    "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina",
    "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Dell'Acqua",
    "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti", "Caputo", "Montanari", "Guerra",
    "Palmieri", "Bernardi", "Fiore", "Zanetti", "Brambilla", "Pedrazzini", "Dallapè", "Nicolò",
)  # fmt: skip
STAFF = (
    ("Chiara", "Bonetti"),
    ("Davide", "Sartori"),
    ("Elena", "Valsecchi"),
    ("Paolo", "Gervasoni"),
    ("Marta", "Cantoni"),
    ("Luca", "Invernizzi"),
)
STAFF_DOMAIN = "ardesia.example"
FIRST_RECORD_ID = 51_300_000_000

# Purchases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuyerModel:
    """The true purchase process of one group (BG/NBD + Gamma-Gamma), time unit one week."""

    buyer_share: float  # contacts who ever place a first order (if it falls inside the span)
    r: float  # purchase rate lambda ~ Gamma(shape r, rate alpha), per week
    alpha: float
    a: float  # dropout after each repeat purchase p ~ Beta(a, b)
    b: float
    p: float  # order value ~ Gamma(shape p, rate nu), nu ~ Gamma(shape q, rate gamma), euros
    q: float
    gamma: float


MEMBERS = BuyerModel(buyer_share=0.85, r=1.2, alpha=28.0, a=1.2, b=6.0, p=6.0, q=4.0, gamma=52.0)
NON_MEMBERS = BuyerModel(buyer_share=0.68, r=0.9, alpha=36.0, a=1.2, b=3.5, p=6.0, q=4.0, gamma=45.0)
FIRST_ORDER_MIN_LAG_DAYS = 0.2  # a first order comes at least ~3 hours after the CRM contact exists
FIRST_ORDER_MEAN_LAG_DAYS = 12.0
ORDER_STATUSES = ("paid", "refunded", "partially_refunded")
ORDER_STATUS_SHARES = (0.96, 0.03, 0.01)
VAT_RATE = 0.22
SHIPPING_CENTS = 690
FREE_SHIPPING_CENTS = 7_900
FIRST_TOUCH_BY_SOURCE = {
    "Paid Social": "meta",
    "Paid Search": "google",
    "Organic Social": "social",
    "Organic Search": "search",
    "Direct Traffic": "direct",
    "Email Marketing": "email",
    "Offline Sources": "store",
    "Referrals": "direct",
}
REPEAT_TOUCHES = ("meta", "google", "social", "search", "direct", "email", "store")
REPEAT_TOUCH_SHARES = (0.30, 0.18, 0.06, 0.08, 0.20, 0.11, 0.07)
REPEAT_CAMPAIGN = {"meta": "Always-on Retargeting", "google": "Brand Search"}
SOCIAL_PLATFORMS = ("instagram", "facebook")
SOCIAL_PLATFORM_SHARES = (0.6, 0.4)

# Paid media -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    """One paid campaign: its flight, its average daily budget and its media prices."""

    name: str
    network: str  # meta (split facebook / instagram) or google
    first_day: str
    last_day: str
    daily_budget: float  # euros on an average day; budgets grow with the trend
    cpm: float  # euros per 1,000 impressions
    ctr: float  # link clicks per impression


CAMPAIGNS = (
    Campaign("Always-on Retargeting", "meta", "2024-11-01", "2026-10-31", 28.8, 9.0, 0.016),
    Campaign("Prospecting Lookalike", "meta", "2024-11-01", "2026-10-31", 38.4, 6.5, 0.009),
    Campaign("Black Friday 2024", "meta", "2024-11-15", "2024-12-02", 132.0, 8.0, 0.012),
    Campaign("Natale 2024", "meta", "2024-12-03", "2024-12-22", 84.0, 8.0, 0.010),
    Campaign("Spring Trail 2025", "meta", "2025-03-01", "2025-05-31", 66.0, 7.0, 0.010),
    Campaign("Summer Peaks 2025", "meta", "2025-06-15", "2025-08-15", 48.0, 6.5, 0.009),
    Campaign("Black Friday 2025", "meta", "2025-11-14", "2025-12-01", 144.0, 8.0, 0.012),
    Campaign("Natale 2025", "meta", "2025-12-02", "2025-12-22", 90.0, 8.0, 0.010),
    Campaign("Spring Trail 2026", "meta", "2026-03-01", "2026-05-31", 72.0, 7.0, 0.010),
    Campaign("Summer Peaks 2026", "meta", "2026-06-15", "2026-08-15", 54.0, 6.5, 0.009),
    Campaign("Brand Search", "google", "2024-11-01", "2026-10-31", 14.4, 63.0, 0.18),
    Campaign("Generic Search - Outdoor Gear", "google", "2024-11-01", "2026-10-31", 26.4, 40.0, 0.045),
    Campaign("Shopping - Black Friday 2024", "google", "2024-11-15", "2024-12-02", 72.0, 6.0, 0.012),
    Campaign("Shopping - Spring Trail 2025", "google", "2025-03-01", "2025-05-31", 36.0, 6.0, 0.012),
    Campaign("Shopping - Black Friday 2025", "google", "2025-11-14", "2025-12-01", 78.0, 6.0, 0.012),
    Campaign("Shopping - Spring Trail 2026", "google", "2026-03-01", "2026-05-31", 36.0, 6.0, 0.012),
)
INSTAGRAM_SPEND_SHARE = 0.55

# Social posts ---------------------------------------------------------------------------------------

POSTS_PER_DAY = 2.2  # before the trend, so about 2.5 a day on average
POST_PLATFORMS = ("Facebook", "Instagram", "LinkedIn")
POST_PLATFORM_SHARES = (0.40, 0.45, 0.15)
AUTHOR_TYPES = ("brand", "employee", "customer", "influencer")
AUTHOR_SHARES = {
    "Facebook": (0.80, 0.03, 0.12, 0.05),
    "Instagram": (0.68, 0.02, 0.20, 0.10),
    "LinkedIn": (0.60, 0.40, 0.00, 0.00),
}
MEDIAN_REACH = {"Facebook": 1_500, "Instagram": 2_800, "LinkedIn": 700}
REACH_BY_AUTHOR = {"brand": 1.0, "employee": 0.45, "customer": 0.35, "influencer": 6.0}
ENGAGEMENT_BY_AUTHOR = {"brand": 1.0, "employee": 0.9, "customer": 1.3, "influencer": 1.1}
MEDIAN_ENGAGEMENT_RATE = 0.035  # engaged actions per person reached
ENGAGEMENT_SPLIT = {  # reactions, comments, shares, saves, link clicks
    "Facebook": (0.60, 0.09, 0.09, 0.00, 0.22),
    "Instagram": (0.62, 0.08, 0.05, 0.12, 0.13),
    "LinkedIn": (0.55, 0.07, 0.06, 0.00, 0.32),
}
POST_TYPES = {
    "Facebook": ("Photo", "Video", "Link", "Status"),
    "Instagram": ("IG image", "IG carousel", "IG reel"),
    "LinkedIn": ("Image", "Article", "Video"),
}
FIRST_POST_ID = 17_841_402_000_000_000
PAGE_NAME = "Ardesia Outdoor"
PRODUCTS = (
    "giacca Nembo",
    "scarponi Vetta GTX",
    "zaino Crinale 28",
    "scarpe Sentiero Trail",
    "imbrago Presa",
    "bastoncini Cresta",
    "maglia Brezza",
    "guanti Gelo",
)
TITLES = {
    "brand": (
        "Nuovi arrivi: {product}, ora disponibili",
        "Guida rapida: {product}",
        "Alba in quota con {product}",
        "Weekend in Dolomiti, chi viene?",
        "Giveaway! Vinci {product}",
        "Consigli per il primo trail, parte 2",
        "Meetup community a Lecco, iscrizioni aperte",
        "Manutenzione di {product}: 3 errori da evitare",
        "Saldi di stagione, fino al 30%",
        "Dietro le quinte: il test di {product}",
    ),
    "employee": (
        "Il nostro team in test sul Grignone",
        "Cerchiamo un community manager, candidati!",
        "Un anno in Ardesia: cosa ho imparato",
        "In magazzino per il Black Friday, che settimana",
        "Come nasce {product}",
    ),
    "customer": (
        "La mia prima ferrata con {product}",
        "300 km con {product}, ancora perfetti",
        "Vetta raggiunta! Grazie @ardesiaoutdoor",
        "Trail del Lago, finito in 4h12",
        "Bivacco sotto le stelle con {product}",
    ),
    "influencer": (
        "Review onesta: {product} dopo un mese",
        "Test sul campo, {product} contro la concorrenza",
        "Tour del Monte Rosa con {product}",
        "Collab Ardesia: codice sconto ARDESIA10",
    ),
}
SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SHORTCODE_SCRAMBLE = 0x9E3779B97F4A7C15  # odd, so scrambling ids modulo 64**11 keeps them unique

# Community activity ---------------------------------------------------------------------------------

ENGAGEMENT_MEDIAN = 0.55  # member's expected acts per month (before season and trend), lognormal
ENGAGEMENT_SIGMA = 1.3
ENGAGEMENT_RATE_CORRELATION = 0.5  # between log engagement and log purchase rate: active members buy more
SUPERUSER_QUANTILE = 0.9
MEMBER_KINDS = ("Reaction", "Comment", "Reply", "Answer", "Share", "Post", "UGC", "Review")
REGULAR_KIND_SHARES = (0.36, 0.20, 0.14, 0.06, 0.08, 0.06, 0.05, 0.05)
SUPERUSER_KIND_SHARES = (0.22, 0.20, 0.18, 0.16, 0.06, 0.10, 0.05, 0.03)
SOCIAL_SHARE_BY_KIND = {"Reaction": 0.6, "Comment": 0.5, "Share": 1.0, "UGC": 1.0}
SOCIAL_SPACES = ("Instagram", "Facebook")
SOCIAL_SPACE_SHARES = (0.6, 0.4)
POST_LINKED_KINDS = ("Reaction", "Comment", "Share")
POST_RECENCY = 0.45  # geometric: an act targets the latest post with this probability, else an older one
VISITOR_SHARE = 0.08  # non-members who interact on social media at all
VISITOR_KINDS = ("Reaction", "Comment", "Share")
VISITOR_KIND_SHARES = (0.65, 0.30, 0.05)
VISITOR_EXTRA_ACTS = 1.5
STAFF_ANSWER_RATIO = 0.30  # staff answers per member answer
STAFF_ANSWER_LAG_DAYS = 0.25
EVENTS_PER_MONTH = 2
EVENT_ATTENDEES = (20, 80)
REFERRALS_PER_MEMBER_YEAR = 0.35  # for a member of average engagement
LAST_REFERRAL_DAY = N_DAYS - 5

# NPS ------------------------------------------------------------------------------------------------

SURVEY_RESPONSE_RATE = 0.35  # answers per order, sent 7-14 days after it
SURVEY_COMMENT_RATE = 0.45
NPS_SCORE_SHARES = {  # P(score = 0..10)
    True: (0.005, 0.005, 0.005, 0.01, 0.01, 0.02, 0.025, 0.07, 0.17, 0.28, 0.40),
    False: (0.01, 0.01, 0.015, 0.02, 0.025, 0.05, 0.07, 0.14, 0.18, 0.22, 0.26),
}
SURVEY_COMMENTS = {
    "promoter": (
        "Ottima qualità, li consiglio a tutti!",
        "Great boots, super comfortable on long hikes.",
        "La giacca Nembo è perfetta, anche sotto la pioggia.",
        "Servizio clienti gentilissimo e veloce",
        'Love the "Crinale 28" backpack, it fits everything.',
        "Spedizione rapida, prodotto come da descrizione.",
        "La community è fantastica: ho trovato compagni di uscita!\nGrazie Ardesia.",
        "Best outdoor brand I've tried, and the events are great fun.",
    ),
    "passive": (
        "Buon prodotto, ma il prezzo è un po' alto.",
        "Good quality, delivery took a while.",
        "Taglie un po' piccole, ho dovuto fare il cambio.",
        "Fine, nothing special.",
        "Bene, però vorrei più colori.",
    ),
    "detractor": (
        "Reso complicato e lento.",
        "The zip broke after two weeks, disappointed.",
        'Mi avevano detto "consegna in 48 ore", ne ho aspettate 120.',
        "Customer service never answered my email.\nNot buying again.",
        "Suola consumata dopo pochi mesi, peccato.",
        "Prodotto arrivato danneggiato: rimborso ok, ma che fatica.",
    ),
}
FIRST_RESPONSE_ID = 41_200_000


# Public API -----------------------------------------------------------------------------------------


def write_demo(out_dir: Path, seed: int = 7) -> list[Path]:
    """Write the Ardesia Outdoor demo exports and their README into `out_dir`; return the paths written."""
    rng = np.random.default_rng(seed)
    spend = _daily_spend(rng)
    people, referrals = _population(rng, spend)
    orders = _orders(rng, people, spend)
    posts = _posts(rng)
    activity = _activity(rng, people, orders, posts, referrals)
    posts = _reconcile_post_counts(posts, activity)
    surveys = _surveys(rng, people, orders)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [
        _write_crm(out_dir / "crm_contacts.csv", people, orders),
        _write_orders(out_dir / "shopify_orders.csv", people, orders),
        _write_posts(out_dir / "meta_posts.csv", posts),
        _write_activity(out_dir / "community_activity.tsv", people, activity),
        _write_meta_ads(out_dir / "meta_ads_it.csv", spend),
        _write_google_ads(out_dir / "google_ads_campaigns.csv", spend),
        _write_surveys(out_dir / "nps_delighted.csv", people, surveys),
        _write_referrals(out_dir / "referrals.csv", people, referrals),
    ]
    facts = _facts(people, orders, spend, surveys)
    return [*paths, _write_readme(out_dir / "README.md", paths, facts, seed)]


# Time -----------------------------------------------------------------------------------------------


def _local_seconds(t: np.ndarray) -> np.ndarray:
    """Model days -> whole seconds of Rome wall-clock time since 2024-11-01 00:00."""
    day = np.floor(t)
    return (day * 86_400 + OPENING_HOUR * 3_600 + (t - day) * OPEN_HOURS * 3_600).astype(np.int64)


def _utc_offset_hours(local_seconds: np.ndarray) -> np.ndarray:
    """Rome's UTC offset: +2 between the last Sundays of March and October, else +1."""
    day = START_DAY + local_seconds // 86_400
    summer = np.zeros(day.shape, dtype=bool)
    for year in range(2024, 2027):
        begins = np.busday_offset(f"{year}-03-31", 0, roll="backward", weekmask="Sun")
        ends = np.busday_offset(f"{year}-10-31", 0, roll="backward", weekmask="Sun")
        summer |= (day >= begins) & (day < ends)
    return np.where(summer, 2, 1)


def _iso(seconds: np.ndarray) -> list[str]:
    """Seconds since 2024-11-01 00:00 -> 'YYYY-MM-DDTHH:MM:SS'."""
    stamps = START_DAY.astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.datetime_as_string(stamps, unit="s").tolist()


def _local_iso(t: np.ndarray) -> list[str]:
    return _iso(_local_seconds(t))


def _month_bounds() -> tuple[np.ndarray, np.ndarray]:
    """First day of each calendar month of the span and the day after its last, in model days."""
    months = np.arange("2024-11", "2026-11", dtype="datetime64[M]")
    starts = (months.astype("datetime64[D]") - START_DAY).astype(int)
    return starts, np.append(starts[1:], N_DAYS)


def _sample_times(rng: np.random.Generator, n: int, day_weights: np.ndarray) -> np.ndarray:
    """n moments in the span, days drawn in proportion to `day_weights`."""
    day = rng.choice(N_DAYS, size=n, p=day_weights / day_weights.sum())
    return day + rng.random(n)


def _choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """For each row of a weight matrix, the index of one column drawn in proportion to its weight."""
    cumulative = weights.cumsum(axis=1)
    target = rng.random(len(weights)) * cumulative[:, -1]
    return (cumulative <= target[:, None]).sum(axis=1)


# Paid media -----------------------------------------------------------------------------------------


def _day_index(iso_day: str) -> int:
    return int((np.datetime64(iso_day, "D") - START_DAY).astype(int))


def _daily_spend(rng: np.random.Generator) -> pd.DataFrame:
    """One row per day x campaign x platform: euros spent, impressions, link clicks."""
    frames = []
    for campaign in CAMPAIGNS:
        days = np.arange(_day_index(campaign.first_day), _day_index(campaign.last_day) + 1)
        amount = campaign.daily_budget * TREND[days] / TREND.mean() * rng.lognormal(0.0, 0.15, days.size)
        if campaign.network == "meta":
            instagram = np.clip(rng.normal(INSTAGRAM_SPEND_SHARE, 0.06, days.size), 0.3, 0.8)
            parts = {"facebook": amount * (1 - instagram), "instagram": amount * instagram}
        else:
            parts = {"google": amount}
        for platform, spent in parts.items():
            frames.append(_media_delivery(rng, campaign, days, platform, np.round(spent, 2)))
    return pd.concat(frames, ignore_index=True)


def _media_delivery(
    rng: np.random.Generator, campaign: Campaign, days: np.ndarray, platform: str, amount: np.ndarray
) -> pd.DataFrame:
    """Impressions and clicks bought by a campaign's daily amounts on one platform."""
    impressions = np.round(amount / campaign.cpm * 1_000 * rng.lognormal(0.0, 0.10, days.size)).astype(np.int64)
    click_rate = np.clip(campaign.ctr * rng.lognormal(0.0, 0.15, days.size), 0.0, 1.0)
    return pd.DataFrame(
        {
            "day": days,
            "campaign": campaign.name,
            "network": campaign.network,
            "platform": platform,
            "amount": amount,
            "impressions": impressions,
            "clicks": rng.binomial(impressions, click_rate),
        }
    )


def _network_intensity(spend: pd.DataFrame, network: str) -> np.ndarray:
    """A network's spend per day relative to its average day."""
    rows = spend[spend["network"] == network]
    daily = np.bincount(rows["day"], weights=rows["amount"], minlength=N_DAYS)
    return daily / daily.mean()


def _campaign_matrix(spend: pd.DataFrame, network: str) -> tuple[list[str], np.ndarray]:
    """A network's campaign names and its day x campaign spend matrix."""
    table = (
        spend[spend["network"] == network]
        .pivot_table(index="day", columns="campaign", values="amount", aggfunc="sum")
        .reindex(range(N_DAYS))
        .fillna(0.0)
    )
    return list(table.columns), table.to_numpy()


# People ---------------------------------------------------------------------------------------------


def _population(rng: np.random.Generator, spend: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Everyone in the CRM (sign-ups, referred friends, staff) and the referrals linking them."""
    base = _with_traits(rng, _sign_ups(rng, spend))
    referrals = _draw_referrals(rng, base)
    referrals["friend"] = len(base) + np.arange(len(referrals))
    friends = _with_traits(rng, _friends(rng, base, referrals))
    customers = pd.concat([base, friends], ignore_index=True)
    customers["first_name"], customers["last_name"], customers["email"] = _names_and_emails(rng, len(customers))
    people = pd.concat([customers, _staff()], ignore_index=True)
    people["is_member"] = people["member_since"].notna()
    people["record_id"] = _record_ids(rng, people["created"].to_numpy())
    return people, referrals


def _sign_ups(rng: np.random.Generator, spend: pd.DataFrame) -> pd.DataFrame:
    """Contacts who sign up by themselves, more of them in season and as the brand grows."""
    created = _sample_times(rng, N_BASE_PEOPLE, SEASON * TREND)
    segment = rng.choice(len(SEGMENTS), size=N_BASE_PEOPLE, p=SEGMENT_SHARES)
    joins = rng.random(N_BASE_PEOPLE) < np.take(MEMBER_PROBABILITY, segment)
    return pd.DataFrame(
        {
            "created": created,
            "source": _acquisition_sources(rng, created, spend),
            "segment": np.take(SEGMENTS, segment),
            "member_since": _member_since(rng, created, joins),
            "referrer": -1,
            "is_staff": False,
        }
    )


def _acquisition_sources(rng: np.random.Generator, created: np.ndarray, spend: pd.DataFrame) -> np.ndarray:
    """HubSpot Original Source; paid sources are likelier on days with more spend on their network."""
    day = created.astype(int)
    weights = np.tile(BASE_SOURCE_WEIGHTS, (created.size, 1))
    weights[:, 0] *= _network_intensity(spend, "meta")[day]
    weights[:, 1] *= _network_intensity(spend, "google")[day]
    return np.take(BASE_SOURCES, _choose_rows(rng, weights))


def _member_since(rng: np.random.Generator, created: np.ndarray, joins: np.ndarray) -> np.ndarray:
    """When each joiner entered the community (NaN for non-members or joins after the span)."""
    lag = np.where(rng.random(created.size) < JOIN_AT_SIGN_UP, 0.0, rng.exponential(JOIN_LAG_DAYS, created.size))
    since = created + lag
    return np.where(joins & (since < N_DAYS - 1), since, np.nan)


def _with_traits(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Add each person's latent purchase rate, dropout, spend rate and community engagement."""
    is_member = people["member_since"].notna().to_numpy()
    n = len(people)
    rate, dropout, spend_rate, will_buy = np.empty(n), np.empty(n), np.empty(n), np.empty(n, dtype=bool)
    for model, rows in ((MEMBERS, is_member), (NON_MEMBERS, ~is_member)):
        k = int(rows.sum())
        rate[rows] = rng.gamma(model.r, 1 / model.alpha, k)
        dropout[rows] = rng.beta(model.a, model.b, k)
        spend_rate[rows] = rng.gamma(model.q, 1 / model.gamma, k)
        will_buy[rows] = rng.random(k) < model.buyer_share
    return people.assign(
        weekly_rate=rate,
        dropout=dropout,
        spend_rate=spend_rate,
        will_buy=will_buy,
        engagement=_engagement(rng, rate, is_member),
    )


def _engagement(rng: np.random.Generator, rate: np.ndarray, is_member: np.ndarray) -> np.ndarray:
    """Members' expected community acts per month: skewed, and higher for those who buy more often."""
    log_rate = np.log(rate[is_member])
    z = (log_rate - log_rate.mean()) / log_rate.std()
    rho = ENGAGEMENT_RATE_CORRELATION
    mixed = rho * z + np.sqrt(1 - rho**2) * rng.standard_normal(z.size)
    engagement = np.zeros(rate.size)
    engagement[is_member] = ENGAGEMENT_MEDIAN * np.exp(ENGAGEMENT_SIGMA * mixed)
    return engagement


def _draw_referrals(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Members refer friends at a rate growing with their engagement, while they are members."""
    members = np.flatnonzero(people["member_since"].notna())
    since = people["member_since"].to_numpy()[members]
    engagement = people["engagement"].to_numpy()[members]
    window = np.maximum(LAST_REFERRAL_DAY - since, 0.0)
    counts = rng.poisson(REFERRALS_PER_MEMBER_YEAR * engagement / engagement.mean() * window / 365)
    referred_at = np.repeat(since, counts) + rng.random(counts.sum()) * np.repeat(window, counts)
    order = np.argsort(referred_at, kind="stable")
    return pd.DataFrame({"referrer": np.repeat(members, counts)[order], "referred_at": referred_at[order]})


def _friends(rng: np.random.Generator, people: pd.DataFrame, referrals: pd.DataFrame) -> pd.DataFrame:
    """The referred friends, created in the CRM within three days of their referral."""
    n = len(referrals)
    referrer = referrals["referrer"].to_numpy()
    created = referrals["referred_at"].to_numpy() + rng.uniform(0.05, 3.0, n)
    keeps = rng.random(n) < FRIEND_KEEPS_SEGMENT
    segment = np.where(keeps, people["segment"].to_numpy()[referrer], rng.choice(SEGMENTS, size=n, p=SEGMENT_SHARES))
    joins = rng.random(n) < FRIEND_MEMBER_PROBABILITY
    return pd.DataFrame(
        {
            "created": created,
            "source": "Referrals",
            "segment": segment,
            "member_since": _member_since(rng, created, joins),
            "referrer": referrer,
            "is_staff": False,
        }
    )


def _staff() -> pd.DataFrame:
    """Ardesia's community staff: in the CRM from day one, non-members, never buyers."""
    return pd.DataFrame(
        {
            "created": 0.0,
            "source": "Direct Traffic",
            "segment": "Casual",
            "member_since": np.nan,
            "referrer": -1,
            "is_staff": True,
            "will_buy": False,
            "engagement": 0.0,
            "first_name": [first for first, _ in STAFF],
            "last_name": [last for _, last in STAFF],
            "email": [f"{_ascii(first)}.{_ascii(last)}@{STAFF_DOMAIN}" for first, last in STAFF],
        }
    )


def _ascii(text: str) -> str:
    """'Dell'Acqua' -> 'dellacqua', 'Nicolò' -> 'nicolo'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _names_and_emails(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str]]:
    """Italian names and unique emails like giulia.rossi842@example.com."""
    first = rng.choice(FIRST_NAMES, size=n).tolist()
    last = rng.choice(LAST_NAMES, size=n).tolist()
    domains = rng.choice(DOMAINS, size=n, p=DOMAIN_SHARES).tolist()
    numbers = rng.integers(1, 1_000, size=n).tolist()
    taken: set[str] = set()
    emails = []
    for given, family, domain, number in zip(first, last, domains, numbers, strict=True):
        while (email := f"{_ascii(given)}.{_ascii(family)}{number}@{domain}") in taken:
            number = number % 999 + 1
        taken.add(email)
        emails.append(email)
    return first, last, emails


def _record_ids(rng: np.random.Generator, created: np.ndarray) -> np.ndarray:
    """HubSpot-like record ids, increasing with creation time, with gaps."""
    order = np.argsort(created, kind="stable")
    ids = np.empty(created.size, dtype=np.int64)
    ids[order] = FIRST_RECORD_ID + np.cumsum(rng.integers(1, 60, created.size))
    return ids


# Orders ---------------------------------------------------------------------------------------------


def _orders(rng: np.random.Generator, people: pd.DataFrame, spend: pd.DataFrame) -> pd.DataFrame:
    """Every order, following each buyer's buy-till-you-die process, sorted by time."""
    first = (
        people["created"].to_numpy()
        + FIRST_ORDER_MIN_LAG_DAYS
        + rng.exponential(FIRST_ORDER_MEAN_LAG_DAYS, len(people))
    )
    buyers = np.flatnonzero(people["will_buy"].to_numpy(dtype=bool) & (first < N_DAYS))
    slot, ordered_at = _purchase_times(
        rng,
        first[buyers],
        people["weekly_rate"].to_numpy()[buyers] / 7,
        people["dropout"].to_numpy()[buyers],
    )
    person = buyers[slot]
    is_first = np.arange(person.size) < buyers.size
    touch = _order_touch(rng, people["source"].to_numpy()[person], is_first)
    platform = rng.choice(SOCIAL_PLATFORMS, size=person.size, p=SOCIAL_PLATFORM_SHARES)
    orders = pd.DataFrame(
        {
            "person": person,
            "t": ordered_at,
            "is_first": is_first,
            "status": rng.choice(ORDER_STATUSES, size=person.size, p=ORDER_STATUS_SHARES),
            "source": np.select([touch == "store", touch == "social"], ["pos", platform], "web"),
            "referring_site": _referring_sites(touch, platform),
            "campaign": _order_campaigns(rng, touch, is_first, ordered_at.astype(int), spend),
            **_order_money(rng, people, person, touch),
        }
    )
    return orders.sort_values("t", kind="stable", ignore_index=True)


def _purchase_times(
    rng: np.random.Generator, first: np.ndarray, daily_rate: np.ndarray, dropout: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """BG/NBD: Poisson purchases at `daily_rate` (seasonal, by thinning) until dropout after a repeat purchase.

    Returns the buyer slot and the time of every purchase, first purchases first.
    """
    peak = SEASON.max()
    slots, times = [np.arange(first.size)], [first]
    clock = first.copy()
    alive = np.ones(first.size, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        clock[idx] += rng.exponential(1 / (daily_rate[idx] * peak))
        ended = clock[idx] >= N_DAYS
        day = np.minimum(clock[idx], N_DAYS - 1).astype(int)
        bought = ~ended & (rng.random(idx.size) * peak < SEASON[day])
        dies = bought & (rng.random(idx.size) < dropout[idx])
        slots.append(idx[bought])
        times.append(clock[idx][bought])
        alive[idx[ended | dies]] = False
    return np.concatenate(slots), np.concatenate(times)


def _order_touch(rng: np.random.Generator, source: np.ndarray, is_first: np.ndarray) -> np.ndarray:
    """How an order came in: first orders follow the contact's source, repeats a fixed mix."""
    first_touch = pd.Series(source).map(FIRST_TOUCH_BY_SOURCE).to_numpy(dtype=object)
    repeat_touch = rng.choice(REPEAT_TOUCHES, size=source.size, p=REPEAT_TOUCH_SHARES)
    return np.where(is_first, first_touch, repeat_touch)


def _referring_sites(touch: np.ndarray, platform: np.ndarray) -> np.ndarray:
    platform_site = np.char.add(np.char.add("https://www.", platform.astype(str)), ".com/")
    ad_site = np.char.add(np.char.add("https://l.", platform.astype(str)), ".com/")
    return np.select(
        [touch == "meta", touch == "social", np.isin(touch, ["google", "search"])],
        [ad_site, platform_site, "https://www.google.com/"],
        "",
    )


def _order_campaigns(
    rng: np.random.Generator, touch: np.ndarray, is_first: np.ndarray, day: np.ndarray, spend: pd.DataFrame
) -> np.ndarray:
    """UTM campaign: paid first orders pick a campaign live that day (by spend); paid repeats are retargeting."""
    campaign = np.full(touch.size, "", dtype=object)
    for network, repeat_name in REPEAT_CAMPAIGN.items():
        names, matrix = _campaign_matrix(spend, network)
        acquired = (touch == network) & is_first
        campaign[acquired] = np.take(names, _choose_rows(rng, matrix[day[acquired]]))
        campaign[(touch == network) & ~is_first] = repeat_name
    return campaign


def _order_money(
    rng: np.random.Generator, people: pd.DataFrame, person: np.ndarray, touch: np.ndarray
) -> dict[str, np.ndarray]:
    """Gamma-Gamma order totals in cents, split into net subtotal, shipping and included VAT."""
    shape = np.where(people["is_member"].to_numpy()[person], MEMBERS.p, NON_MEMBERS.p)
    total = np.round(rng.gamma(shape, 1 / people["spend_rate"].to_numpy()[person]) * 100).astype(np.int64)
    shipped = (touch != "store") & (total < FREE_SHIPPING_CENTS) & (total > 2 * SHIPPING_CENTS)
    shipping = np.where(shipped, SHIPPING_CENTS, 0)
    taxes = np.round((total - shipping) * VAT_RATE / (1 + VAT_RATE)).astype(np.int64)
    return {"subtotal": total - shipping - taxes, "shipping": shipping, "taxes": taxes, "total": total}


# Social posts ---------------------------------------------------------------------------------------


def _posts(rng: np.random.Generator) -> pd.DataFrame:
    """Brand, employee, customer and influencer posts with correlated reach and engagement."""
    day = np.repeat(np.arange(N_DAYS), rng.poisson(POSTS_PER_DAY * TREND))
    n = day.size
    t = np.sort(day + 0.06 + 0.8 * rng.random(n))  # published 08:00-20:00, ids increase with time
    platform = rng.choice(POST_PLATFORMS, size=n, p=POST_PLATFORM_SHARES)
    author = np.empty(n, dtype=object)
    post_type = np.empty(n, dtype=object)
    for name in POST_PLATFORMS:
        rows = platform == name
        author[rows] = rng.choice(AUTHOR_TYPES, size=rows.sum(), p=AUTHOR_SHARES[name])
        post_type[rows] = rng.choice(POST_TYPES[name], size=rows.sum())
    post_id = FIRST_POST_ID + np.cumsum(rng.integers(1_000_000, 9_000_000, n))
    reach = _post_reach(rng, platform, author, day)
    posts = pd.DataFrame(
        {
            "post_id": post_id.astype(str),
            "t": t,
            "platform": platform,
            "author": author,
            "post_type": post_type,
            "title": _post_titles(rng, author),
            "permalink": [_permalink(name, pid) for name, pid in zip(platform, post_id.tolist(), strict=True)],
            "reach": reach,
            "impressions": np.round(reach * (1.05 + rng.gamma(2.0, 0.12, n))).astype(np.int64),
        }
    )
    return pd.concat([posts, _post_engagement(rng, platform, author, reach)], axis=1)


def _post_reach(rng: np.random.Generator, platform: np.ndarray, author: np.ndarray, day: np.ndarray) -> np.ndarray:
    median = (
        pd.Series(platform).map(MEDIAN_REACH).to_numpy()
        * pd.Series(author).map(REACH_BY_AUTHOR).to_numpy()
        * SEASON[day]
        * TREND[day]
    )
    return np.maximum(np.round(median * rng.lognormal(0.0, 0.6, platform.size)), 20).astype(np.int64)


def _post_engagement(
    rng: np.random.Generator, platform: np.ndarray, author: np.ndarray, reach: np.ndarray
) -> pd.DataFrame:
    """Engaged actions are a few percent of reach, split by platform habits."""
    rate = MEDIAN_ENGAGEMENT_RATE * pd.Series(author).map(ENGAGEMENT_BY_AUTHOR).to_numpy()
    actions = rng.poisson(reach * rate * rng.lognormal(0.0, 0.35, reach.size))
    split = np.array([ENGAGEMENT_SPLIT[name] for name in platform])
    counts = rng.multinomial(actions, split)
    return pd.DataFrame(counts, columns=["reactions", "comments", "shares", "saves", "clicks"])


def _post_titles(rng: np.random.Generator, author: np.ndarray) -> list[str]:
    template_pick = rng.random(author.size)
    products = rng.choice(PRODUCTS, size=author.size).tolist()
    titles = []
    for kind, pick, product in zip(author, template_pick, products, strict=True):
        templates = TITLES[kind]
        titles.append(templates[int(pick * len(templates))].format(product=product))
    return titles


def _permalink(platform: str, post_id: int) -> str:
    if platform == "Facebook":
        return f"https://www.facebook.com/ardesiaoutdoor/posts/{post_id}"
    if platform == "Instagram":
        return f"https://www.instagram.com/p/{_shortcode(post_id)}/"
    return f"https://www.linkedin.com/feed/update/urn:li:activity:{post_id}/"


def _shortcode(number: int) -> str:
    """Instagram-style base-64 shortcode of a numeric id (scrambled so neighbours look unrelated)."""
    number = number * SHORTCODE_SCRAMBLE % 64**11
    digits = []
    while number:
        number, rest = divmod(number, 64)
        digits.append(SHORTCODE_ALPHABET[rest])
    return "".join(reversed(digits))


def _reconcile_post_counts(posts: pd.DataFrame, activity: pd.DataFrame) -> pd.DataFrame:
    """A post's counts include at least the known people's reactions, comments and shares on it."""
    linked = activity[activity["post_id"] != ""]
    known = linked.groupby(["post_id", "kind"]).size().unstack(fill_value=0)
    posts = posts.copy()
    for kind, column in (("Reaction", "reactions"), ("Comment", "comments"), ("Share", "shares")):
        if kind in known.columns:
            seen = posts["post_id"].map(known[kind]).fillna(0).astype(np.int64)
            posts[column] = np.maximum(posts[column], seen)
    return posts


# Community activity ---------------------------------------------------------------------------------


def _activity(
    rng: np.random.Generator,
    people: pd.DataFrame,
    orders: pd.DataFrame,
    posts: pd.DataFrame,
    referrals: pd.DataFrame,
) -> pd.DataFrame:
    """Every community act (person, t, kind, space, post_id), sorted by time."""
    acts = pd.concat(
        [
            _member_acts(rng, people),
            _event_acts(rng, people),
            _visitor_acts(rng, people),
            _referral_acts(referrals),
        ],
        ignore_index=True,
    )
    acts = pd.concat([acts, _staff_answers(rng, people, acts)], ignore_index=True)
    acts = _link_posts(rng, acts, posts)
    acts = _reviews_need_a_purchase(acts, orders, len(people))
    return acts.sort_values("t", kind="stable", ignore_index=True)


def _acts(person: np.ndarray, t: np.ndarray, kind: Iterable[str] | str, space: Iterable[str] | str) -> pd.DataFrame:
    return pd.DataFrame({"person": person, "t": t, "kind": kind, "space": space, "post_id": ""})


def _member_acts(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Members act month by month at their own (skewed) rate, more in season and over time."""
    members = np.flatnonzero(people["is_member"].to_numpy())
    since = people["member_since"].to_numpy()[members]
    engagement = people["engagement"].to_numpy()[members]
    persons, times = [], []
    for start, end in zip(*_month_bounds(), strict=True):
        opens = np.maximum(start, since)
        exposure = np.clip((end - opens) / (end - start), 0.0, 1.0)
        middle = (start + end) // 2
        counts = rng.poisson(engagement * exposure * SEASON[middle] * TREND[middle])
        opens = np.repeat(opens, counts)
        persons.append(np.repeat(members, counts))
        times.append(opens + rng.random(opens.size) * (end - opens))
    person, t = np.concatenate(persons), np.concatenate(times)
    superusers = members[engagement >= np.quantile(engagement, SUPERUSER_QUANTILE)]
    kind = np.where(
        np.isin(person, superusers),
        rng.choice(MEMBER_KINDS, size=person.size, p=SUPERUSER_KIND_SHARES),
        rng.choice(MEMBER_KINDS, size=person.size, p=REGULAR_KIND_SHARES),
    )
    return _acts(person, t, kind, _member_spaces(rng, kind))


def _member_spaces(rng: np.random.Generator, kind: np.ndarray) -> np.ndarray:
    """Reviews go to Reviews; reactions, comments, shares and UGC partly to social media; the rest to the Forum."""
    social = rng.random(kind.size) < pd.Series(kind).map(SOCIAL_SHARE_BY_KIND).fillna(0.0).to_numpy()
    network = rng.choice(SOCIAL_SPACES, size=kind.size, p=SOCIAL_SPACE_SHARES)
    return np.select([kind == "Review", social], ["Reviews", network], "Forum")


def _event_acts(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """Two Saturday meetups a month once the community is big enough; engaged members come more."""
    members = np.flatnonzero(people["is_member"].to_numpy())
    since = people["member_since"].to_numpy()[members]
    engagement = people["engagement"].to_numpy()[members]
    persons, times = [], []
    for day in _event_days(rng):
        eligible = since < day
        n = min(int(rng.integers(EVENT_ATTENDEES[0], EVENT_ATTENDEES[1] + 1)), int(eligible.sum()) // 2)
        if n < EVENT_ATTENDEES[0]:
            continue
        weights = engagement[eligible] / engagement[eligible].sum()
        persons.append(rng.choice(members[eligible], size=n, replace=False, p=weights))
        times.append(day + 0.15 + 0.1 * rng.random(n))  # check-in 09:24-11:00
    return _acts(np.concatenate(persons), np.concatenate(times), "Event attendance", "Events")


def _event_days(rng: np.random.Generator) -> list[int]:
    saturdays = np.flatnonzero((CALENDAR.astype(int) + 3) % 7 == 5)  # 1970-01-01 was a Thursday
    days = []
    for start, end in zip(*_month_bounds(), strict=True):
        in_month = saturdays[(saturdays >= start) & (saturdays < end)]
        days.extend(np.sort(rng.choice(in_month, size=EVENTS_PER_MONTH, replace=False)).tolist())
    return days


def _visitor_acts(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """A few non-members react, comment and share on social media after entering the CRM."""
    outsiders = ~people["is_member"].to_numpy() & ~people["is_staff"].to_numpy(dtype=bool)
    visitors = np.flatnonzero(outsiders & (rng.random(len(people)) < VISITOR_SHARE))
    person = np.repeat(visitors, 1 + rng.poisson(VISITOR_EXTRA_ACTS, visitors.size))
    created = people["created"].to_numpy()[person]
    t = created + rng.random(person.size) * (N_DAYS - created)
    kind = rng.choice(VISITOR_KINDS, size=person.size, p=VISITOR_KIND_SHARES)
    return _acts(person, t, kind, rng.choice(SOCIAL_SPACES, size=person.size, p=SOCIAL_SPACE_SHARES))


def _referral_acts(referrals: pd.DataFrame) -> pd.DataFrame:
    return _acts(referrals["referrer"].to_numpy(), referrals["referred_at"].to_numpy(), "Referral", "Forum")


def _staff_answers(rng: np.random.Generator, people: pd.DataFrame, acts: pd.DataFrame) -> pd.DataFrame:
    """Staff answer in the Forum a little after members' threads: about one answer in four."""
    staff = np.flatnonzero(people["is_staff"].to_numpy(dtype=bool))
    threads = acts.loc[acts["kind"].isin(["Post", "Reply", "Answer"]), "t"].to_numpy()
    n = round(STAFF_ANSWER_RATIO * int((acts["kind"] == "Answer").sum()))
    t = np.minimum(rng.choice(threads, size=n) + rng.exponential(STAFF_ANSWER_LAG_DAYS, n), N_DAYS - 0.001)
    return _acts(rng.choice(staff, size=n), t, "Answer", "Forum")


def _link_posts(rng: np.random.Generator, acts: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Point social reactions, comments and shares at a recent post of their platform, published before them."""
    acts = acts.copy()
    t = acts["t"].to_numpy().copy()
    post_id = acts["post_id"].to_numpy(dtype=object).copy()
    linked = acts["kind"].isin(POST_LINKED_KINDS).to_numpy()
    for platform in SOCIAL_SPACES:
        rows = np.flatnonzero(linked & (acts["space"] == platform).to_numpy())
        mine = posts[posts["platform"] == platform]
        published = mine["t"].to_numpy()
        pick = np.searchsorted(published, t[rows], side="right") - rng.geometric(POST_RECENCY, rows.size)
        pick = np.clip(pick, 0, published.size - 1)
        t[rows] = np.maximum(t[rows], published[pick] + 0.01)
        post_id[rows] = mine["post_id"].to_numpy()[pick]
    return acts.assign(t=t, post_id=post_id)


def _reviews_need_a_purchase(acts: pd.DataFrame, orders: pd.DataFrame, n_people: int) -> pd.DataFrame:
    """A review written before the member's first order becomes a Forum comment."""
    first_order = np.full(n_people, np.inf)
    np.minimum.at(first_order, orders["person"].to_numpy(), orders["t"].to_numpy())
    early = (acts["kind"] == "Review").to_numpy() & (acts["t"].to_numpy() < first_order[acts["person"].to_numpy()])
    acts = acts.copy()
    acts.loc[early, "kind"] = "Comment"
    acts.loc[early, "space"] = "Forum"
    return acts


# NPS ------------------------------------------------------------------------------------------------


def _surveys(rng: np.random.Generator, people: pd.DataFrame, orders: pd.DataFrame) -> pd.DataFrame:
    """Delighted answers 7-14 days after some orders; members score higher."""
    answered = orders["t"].to_numpy() + rng.uniform(7.0, 14.0, len(orders))
    responds = (rng.random(len(orders)) < SURVEY_RESPONSE_RATE) & (answered < N_DAYS)
    person = orders["person"].to_numpy()[responds]
    is_member = people["is_member"].to_numpy()[person]
    score = np.where(
        is_member,
        rng.choice(11, size=person.size, p=NPS_SCORE_SHARES[True]),
        rng.choice(11, size=person.size, p=NPS_SCORE_SHARES[False]),
    )
    surveys = pd.DataFrame(
        {"person": person, "t": answered[responds], "score": score, "comment": _survey_comments(rng, score)}
    )
    return surveys.sort_values("t", kind="stable", ignore_index=True)


def _survey_comments(rng: np.random.Generator, score: np.ndarray) -> list[str]:
    """Comments on some answers, matching the score's mood."""
    has_comment = (rng.random(score.size) < SURVEY_COMMENT_RATE).tolist()
    pick = rng.random(score.size).tolist()
    moods = np.select([score >= 9, score >= 7], ["promoter", "passive"], "detractor").tolist()
    return [
        SURVEY_COMMENTS[mood][int(p * len(SURVEY_COMMENTS[mood]))] if has else ""
        for mood, p, has in zip(moods, pick, has_comment, strict=True)
    ]


# Writers --------------------------------------------------------------------------------------------

CRM_HEADER = (
    "Record ID", "First Name", "Last Name", "Email", "Create Date", "Lifecycle Stage", "Original Source",
    "Community Member", "Member Since", "Referred By", "Segment",
)  # fmt: skip
ORDERS_HEADER = (
    "Name", "Email", "Financial Status", "Created at", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
    "Source", "Referring Site", "UTM Campaign",
)  # fmt: skip
POSTS_HEADER = (
    "Post ID", "Page name", "Title", "Publish time", "Post type", "Permalink", "Platform", "Author type",
    "Is UGC", "Reach", "Impressions", "Reactions", "Comments", "Shares", "Saves", "Link clicks",
)  # fmt: skip


def _write_table(
    path: Path,
    header: Sequence[str],
    columns: Sequence[Iterable[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(zip(*columns, strict=True))
    return path


def _euros(cents: np.ndarray) -> list[str]:
    return [f"{c / 100:.2f}" for c in cents.tolist()]


def _lifecycle_stage(people: pd.DataFrame, orders: pd.DataFrame) -> np.ndarray:
    """customer once any order exists; lead for members and paid or offline contacts; else subscriber."""
    is_customer = np.isin(np.arange(len(people)), orders["person"].to_numpy())
    is_lead = people["is_member"].to_numpy() | people["source"].isin(LEAD_SOURCES).to_numpy()
    return np.select([is_customer, is_lead], ["customer", "lead"], "subscriber")


def _write_crm(path: Path, people: pd.DataFrame, orders: pd.DataFrame) -> Path:
    stage = _lifecycle_stage(people, orders)
    emails = people["email"].to_numpy()
    referrer = people["referrer"].to_numpy()
    since = people["member_since"].to_numpy()
    order = np.argsort(people["record_id"].to_numpy(), kind="stable")
    rows = people.iloc[order]
    since_days = [s[:10] for s in _local_iso(np.nan_to_num(since[order]))]
    return _write_table(
        path,
        CRM_HEADER,
        [
            rows["record_id"].tolist(),
            rows["first_name"].tolist(),
            rows["last_name"].tolist(),
            rows["email"].tolist(),
            [f"{s[:10]} {s[11:16]}" for s in _local_iso(rows["created"].to_numpy())],
            stage[order].tolist(),
            rows["source"].tolist(),
            ["true" if m else "false" for m in rows["is_member"].tolist()],
            [day if member else "" for day, member in zip(since_days, rows["is_member"].tolist(), strict=True)],
            [emails[r] if r >= 0 else "" for r in referrer[order].tolist()],
            rows["segment"].tolist(),
        ],
    )


def _write_orders(path: Path, people: pd.DataFrame, orders: pd.DataFrame) -> Path:
    seconds = _local_seconds(orders["t"].to_numpy())
    offsets = _utc_offset_hours(seconds).tolist()
    return _write_table(
        path,
        ORDERS_HEADER,
        [
            [f"#{1001 + i}" for i in range(len(orders))],
            people["email"].to_numpy()[orders["person"].to_numpy()].tolist(),
            orders["status"].tolist(),
            [f"{s.replace('T', ' ')} +0{h}00" for s, h in zip(_iso(seconds), offsets, strict=True)],
            ["EUR"] * len(orders),
            _euros(orders["subtotal"].to_numpy()),
            _euros(orders["shipping"].to_numpy()),
            _euros(orders["taxes"].to_numpy()),
            _euros(orders["total"].to_numpy()),
            orders["source"].tolist(),
            orders["referring_site"].tolist(),
            orders["campaign"].tolist(),
        ],
    )


def _write_posts(path: Path, posts: pd.DataFrame) -> Path:
    return _write_table(
        path,
        POSTS_HEADER,
        [
            posts["post_id"].tolist(),
            [PAGE_NAME] * len(posts),
            posts["title"].tolist(),
            [f"{s[5:7]}/{s[8:10]}/{s[:4]} {s[11:16]}" for s in _local_iso(posts["t"].to_numpy())],
            posts["post_type"].tolist(),
            posts["permalink"].tolist(),
            posts["platform"].tolist(),
            posts["author"].tolist(),
            ["Yes" if a == "customer" else "No" for a in posts["author"].tolist()],
            *(
                posts[c].tolist()
                for c in ("reach", "impressions", "reactions", "comments", "shares", "saves", "clicks")
            ),
        ],
        encoding="utf-8-sig",
    )


def _write_activity(path: Path, people: pd.DataFrame, activity: pd.DataFrame) -> Path:
    local = _local_seconds(activity["t"].to_numpy())
    utc = local - _utc_offset_hours(local) * 3_600
    return _write_table(
        path,
        ("Activity ID", "Member email", "Timestamp", "Activity type", "Space", "Post ID"),
        [
            [f"act_{i:06d}" for i in range(1, len(activity) + 1)],
            people["email"].to_numpy()[activity["person"].to_numpy()].tolist(),
            [f"{s}Z" for s in _iso(utc)],
            activity["kind"].tolist(),
            activity["space"].tolist(),
            activity["post_id"].tolist(),
        ],
        delimiter="\t",
    )


def _italian_day(day: np.ndarray) -> list[str]:
    return [f"{s[8:10]}/{s[5:7]}/{s[:4]}" for s in np.datetime_as_string(START_DAY + day).tolist()]


def _write_meta_ads(path: Path, spend: pd.DataFrame) -> Path:
    rows = spend[spend["network"] == "meta"].sort_values(["day", "campaign", "platform"], kind="stable")
    return _write_table(
        path,
        ("Giorno", "Nome della campagna", "Piattaforma", "Importo speso (EUR)", "Impression", "Clic sul link"),
        [
            _italian_day(rows["day"].to_numpy()),
            rows["campaign"].tolist(),
            rows["platform"].tolist(),
            [f"{a:.2f}".replace(".", ",") for a in rows["amount"].tolist()],
            rows["impressions"].tolist(),
            rows["clicks"].tolist(),
        ],
        delimiter=";",
    )


def _write_google_ads(path: Path, spend: pd.DataFrame) -> Path:
    rows = spend[spend["network"] == "google"].sort_values(["day", "campaign"], kind="stable")
    return _write_table(
        path,
        ("Day", "Campaign", "Currency code", "Cost", "Impr.", "Clicks"),
        [
            np.datetime_as_string(START_DAY + rows["day"].to_numpy()).tolist(),
            rows["campaign"].tolist(),
            ["EUR"] * len(rows),
            [f"{a:,.2f}" for a in rows["amount"].tolist()],
            [f"{n:,}" for n in rows["impressions"].tolist()],
            rows["clicks"].tolist(),
        ],
    )


def _write_surveys(path: Path, people: pd.DataFrame, surveys: pd.DataFrame) -> Path:
    return _write_table(
        path,
        ("Response ID", "Email", "Score", "Comment", "Created At"),
        [
            (FIRST_RESPONSE_ID + np.arange(len(surveys)) * 7).tolist(),
            people["email"].to_numpy()[surveys["person"].to_numpy()].tolist(),
            surveys["score"].tolist(),
            surveys["comment"].tolist(),
            [s.replace("T", " ") for s in _local_iso(surveys["t"].to_numpy())],
        ],
    )


def _write_referrals(path: Path, people: pd.DataFrame, referrals: pd.DataFrame) -> Path:
    emails = people["email"].to_numpy()
    return _write_table(
        path,
        ("Referrer Email", "Friend Email", "Referral Date"),
        [
            emails[referrals["referrer"].to_numpy()].tolist(),
            emails[referrals["friend"].to_numpy()].tolist(),
            [s[:10] for s in _local_iso(referrals["referred_at"].to_numpy())],
        ],
    )


# README ---------------------------------------------------------------------------------------------


def _facts(people: pd.DataFrame, orders: pd.DataFrame, spend: pd.DataFrame, surveys: pd.DataFrame) -> dict[str, str]:
    """Headline figures of this generation, for the README."""
    is_member = people["is_member"].to_numpy()
    customers = ~people["is_staff"].to_numpy(dtype=bool)
    orders_by_person = np.bincount(orders["person"], minlength=len(people))
    buyers = orders_by_person > 0
    kept = orders["status"] != "refunded"
    attributed = orders.loc[kept & (orders["campaign"] != ""), "total"].sum() / 100
    paid_new = int((orders["is_first"] & (orders["campaign"] != "")).sum())
    total_spend = spend["amount"].sum()
    member_answer = is_member[surveys["person"].to_numpy()]
    return {
        "people": f"{int(customers.sum()):,} contacts + {len(STAFF)} staff",
        "members": f"{int(is_member.sum()):,} ({is_member[customers].mean():.1%} of contacts)",
        "buyers": f"{int(buyers.sum()):,} ({int((buyers & is_member).sum()):,} members)",
        "orders per buyer": (
            f"members {orders_by_person[buyers & is_member].mean():.2f}, "
            f"non-members {orders_by_person[buyers & ~is_member].mean():.2f}"
        ),
        "mean order total": f"{orders['total'].mean() / 100:.2f} EUR",
        "refunded orders": f"{(orders['status'] == 'refunded').mean():.1%}",
        "NPS": (
            f"all {_nps(surveys['score'].to_numpy()):+.0f}, members {_nps(surveys['score'][member_answer]):+.0f}, "
            f"non-members {_nps(surveys['score'][~member_answer]):+.0f}"
        ),
        "ad spend": f"{total_spend:,.2f} EUR",
        "blended CAC (spend / all new buyers)": f"{total_spend / buyers.sum():.2f} EUR",
        "paid CAC (spend / campaign-attributed new buyers)": f"{total_spend / paid_new:.2f} EUR",
        "ROAS (campaign-attributed non-refunded revenue / spend)": f"{attributed / total_spend:.2f}",
    }


def _nps(scores: np.ndarray | pd.Series) -> float:
    scores = np.asarray(scores)
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def _buyer_model_table() -> str:
    rows = [
        "| group | buyer share | r | alpha (weeks) | a | b | p | q | gamma "
        "| mean purchases / year | mean dropout | mean order |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in (("members", MEMBERS), ("non-members", NON_MEMBERS)):
        rows.append(
            f"| {name} | {m.buyer_share} | {m.r} | {m.alpha} | {m.a} | {m.b} | {m.p} | {m.q} | {m.gamma} "
            f"| {52 * m.r / m.alpha:.2f} | {m.a / (m.a + m.b):.3f} | {m.p * m.gamma / (m.q - 1):.2f} EUR |"
        )
    return "\n".join(rows)


def _campaign_table() -> str:
    rows = ["| campaign | network | flight | daily budget | CPM | CTR |", "|---|---|---|---|---|---|"]
    rows += [
        f"| {c.name} | {c.network} | {c.first_day}..{c.last_day} | {c.daily_budget:.0f} EUR "
        f"| {c.cpm:.2f} EUR | {c.ctr:.1%} |"
        for c in CAMPAIGNS
    ]
    return "\n".join(rows)


FILE_DESCRIPTIONS = {  # vendor imitated, Legame table, delimiter
    "crm_contacts.csv": ("HubSpot contacts export", "people", ","),
    "shopify_orders.csv": ("Shopify orders export", "orders", ","),
    "meta_posts.csv": ("Meta Business Suite content export (UTF-8 with BOM, US dates)", "posts", ","),
    "community_activity.tsv": ("Circle-like community export (tab separated, UTC)", "interactions", "\t"),
    "meta_ads_it.csv": ("Meta Ads Manager, Italian locale (`;`, decimal comma, dd/mm/yyyy)", "spend", ";"),
    "google_ads_campaigns.csv": ("Google Ads campaign report (thousands separators)", "spend", ","),
    "nps_delighted.csv": ("Delighted NPS responses", "surveys", ","),
    "referrals.csv": ("Referral programme export", "referrals", ","),
}


def _write_readme(path: Path, files: list[Path], facts: dict[str, str], seed: int) -> Path:
    table = ["| file | imitates | Legame table | data rows |", "|---|---|---|---|"]
    for file in files:
        vendor, canonical, delimiter = FILE_DESCRIPTIONS[file.name]
        table.append(f"| `{file.name}` | {vendor} | {canonical} | {_count_records(file, delimiter) - 1:,} |")
    seasons = ", ".join(f"{m}: {f:.2f}" for m, f in zip(range(1, 13), SEASON_BY_MONTH, strict=True))
    lines = [
        "# Ardesia Outdoor demo exports",
        "",
        "Generated by `legame.demo.write_demo(out_dir, seed=7)`, i.e. `python -m legame demo --out data/demo`.",
        "Do not edit by hand: a test checks these files equal a fresh generation with the default seed.",
        "",
        "Ardesia Outdoor is a fictional Italian outdoor-gear brand with a community of trail runners, hikers and",
        "climbers. The data cover 2024-11-01..2026-10-31. All emails are fake (`example.com`, `example.it`,",
        f"`example.org`; staff use `@{STAFF_DOMAIN}`).",
        "",
        "## Files",
        "",
        *table,
        "",
        "## Conventions",
        "",
        "- Naive timestamps (CRM, posts, NPS, ad days) are Rome wall-clock time; Shopify carries the offset",
        "  (`+0100` in winter, `+0200` from the last Sunday of March to the last Sunday of October);",
        "  the community export is UTC (`Z`). Every event happens between 07:00 and 23:00 Rome time.",
        "- Shopify `Total` is the order revenue (VAT included) and equals `Subtotal + Shipping + Taxes`, where",
        f"  `Taxes` is the {VAT_RATE:.0%} VAT contained in the goods and `Subtotal` is net of it. Shipping is",
        f"  {SHIPPING_CENTS / 100:.2f} EUR on orders from {2 * SHIPPING_CENTS / 100:.2f} to"
        f" {FREE_SHIPPING_CENTS / 100:.0f} EUR, free otherwise and in store (`pos`).",
        "  `refunded` and `partially_refunded` rows keep their original totals.",
        "- `UTM Campaign` is set on the first order of contacts whose Original Source is Paid Social or Paid",
        "  Search (a campaign of that network live on that day, picked in proportion to its spend), and on",
        f"  repeat orders that came through paid media ({REPEAT_CAMPAIGN['meta']} on Meta,",
        f"  {REPEAT_CAMPAIGN['google']} on Google). Organic orders have it empty.",
        "- Lifecycle Stage: `customer` once any order exists; otherwise `lead` for community members and",
        "  Paid Social, Paid Search or Offline Sources contacts; otherwise `subscriber`.",
        f"- Staff ({len(STAFF)} people, `@{STAFF_DOMAIN}`) are in the CRM as non-members, Segment Casual,",
        "  never buy, and give about a quarter of the Forum `Answer`s (the rest are peer-to-peer).",
        "- `Referral` activities are logged in the `Forum` space (the referral programme lives there).",
        "- `Post ID` is set only on Reaction, Comment and Share acts on Instagram/Facebook posts; every such",
        "  act comes after the post's publish time, and a post's Reactions/Comments/Shares are at least the",
        "  number of known people's acts on it. LinkedIn posts have no community acts.",
        "- Reviews are written only after the reviewer's first order.",
        "",
        "## True generating parameters",
        "",
        "Purchases: each buyer's first order comes "
        f"{FIRST_ORDER_MIN_LAG_DAYS * OPEN_HOURS:.1f} h + Exponential(mean {FIRST_ORDER_MEAN_LAG_DAYS:.0f} days)",
        "after their CRM creation (if that is inside the span; otherwise they stay prospects). After it, BG/NBD",
        "(Fader, Hardie & Lee 2005): purchases at Poisson rate lambda ~ Gamma(r, alpha) per week while alive,",
        "and after each repeat purchase the buyer drops out with probability p ~ Beta(a, b). The Poisson rate",
        "is modulated by the seasonal factor below (mean 1 over the span). Order totals follow Gamma-Gamma",
        "(Fader & Hardie 2013): total ~ Gamma(p, nu), nu ~ Gamma(q, gamma), so a buyer's mean is p/nu.",
        "Groups are by final community membership (`Community Member`).",
        "",
        _buyer_model_table(),
        "",
        f"- Community engagement (members): expected acts per month ~ LogNormal(median {ENGAGEMENT_MEDIAN},",
        f"  sigma {ENGAGEMENT_SIGMA}), correlated {ENGAGEMENT_RATE_CORRELATION} with log lambda (active members"
        " buy more);",
        f"  the top {1 - SUPERUSER_QUANTILE:.0%} (superusers) answer and post more. Acts scale with season and trend.",
        f"- Offline events: {EVENTS_PER_MONTH} Saturdays a month with {EVENT_ATTENDEES[0]}-{EVENT_ATTENDEES[1]}"
        " attendees",
        "  (at most half the members so far; months too early for 20 attendees have none).",
        f"- Referrals: {REFERRALS_PER_MEMBER_YEAR} per member-year, scaled by the member's relative engagement;",
        f"  {FRIEND_MEMBER_PROBABILITY:.0%} of referred friends join the community.",
        f"- Membership by segment: {dict(zip(SEGMENTS, MEMBER_PROBABILITY, strict=True))};"
        f" {JOIN_AT_SIGN_UP:.0%} join at sign-up,",
        f"  the rest after Exponential(mean {JOIN_LAG_DAYS:.0f} days).",
        f"- NPS answers: {SURVEY_RESPONSE_RATE:.0%} of orders, 7-14 days later; P(score 0..10) members",
        f"  {list(NPS_SCORE_SHARES[True])}, non-members {list(NPS_SCORE_SHARES[False])}.",
        f"- Seasonality (month: factor before normalising): {seasons}. Trend: +{TREND_OVER_SPAN:.0%} over the span.",
        f"- Refunds: {ORDER_STATUS_SHARES[1]:.0%} refunded, {ORDER_STATUS_SHARES[2]:.0%} partially refunded.",
        "- Paid Social / Paid Search contacts are likelier on days with more spend on that network.",
        "",
        _campaign_table(),
        "",
        f"## This generation (seed {seed})",
        "",
        *(f"- {name}: {value}" for name, value in facts.items()),
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _count_records(file: Path, delimiter: str) -> int:
    """CSV records in a file, header included (quoted fields may span lines)."""
    with file.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=delimiter))
