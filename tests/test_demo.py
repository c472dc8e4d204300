"""The seeded demo exports: reproducible, committed as generated, in the promised formats, and telling the
story Legame's models look for (members buy more, money and dates add up, every reference resolves)."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from legame.demo import write_demo

COMMITTED = Path(__file__).resolve().parents[1] / "data" / "demo"
SPAN_START = pd.Timestamp("2024-11-01 00:00:00")
SPAN_END = pd.Timestamp("2026-10-31 23:59:59")
ROME = "Europe/Rome"

# The export formats as specified for the ingest profiles: delimiter, byte-order mark, header.
FORMATS = {
    "crm_contacts.csv": (
        ",",
        False,
        "Record ID,First Name,Last Name,Email,Create Date,Lifecycle Stage,Original Source,Community Member,"
        "Member Since,Referred By,Segment",
    ),
    "shopify_orders.csv": (
        ",",
        False,
        "Name,Email,Financial Status,Created at,Currency,Subtotal,Shipping,Taxes,Total,Source,Referring Site,"
        "UTM Campaign",
    ),
    "meta_posts.csv": (
        ",",
        True,
        "Post ID,Page name,Title,Publish time,Post type,Permalink,Platform,Author type,Is UGC,Reach,Impressions,"
        "Reactions,Comments,Shares,Saves,Link clicks",
    ),
    "community_activity.tsv": ("\t", False, "Activity ID\tMember email\tTimestamp\tActivity type\tSpace\tPost ID"),
    "meta_ads_it.csv": (
        ";",
        False,
        "Giorno;Nome della campagna;Piattaforma;Importo speso (EUR);Impression;Clic sul link",
    ),
    "google_ads_campaigns.csv": (",", False, "Day,Campaign,Currency code,Cost,Impr.,Clicks"),
    "nps_delighted.csv": (",", False, "Response ID,Email,Score,Comment,Created At"),
    "referrals.csv": (",", False, "Referrer Email,Friend Email,Referral Date"),
}
EXPECTED_FILES = {*FORMATS, "README.md"}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A fresh generation with the default seed, and how long it took."""
    out = tmp_path_factory.mktemp("demo")
    started = time.perf_counter()
    write_demo(out)
    return out, time.perf_counter() - started


@pytest.fixture(scope="module")
def t(fresh: tuple[Path, float]) -> dict[str, pd.DataFrame]:
    """Every export of the fresh generation as text columns, keyed by a short name."""
    out = fresh[0]

    def read(name: str) -> pd.DataFrame:
        delimiter, bom, _ = FORMATS[name]
        encoding = "utf-8-sig" if bom else "utf-8"
        return pd.read_csv(out / name, sep=delimiter, dtype=str, keep_default_na=False, encoding=encoding)

    return {
        "crm": read("crm_contacts.csv"),
        "orders": read("shopify_orders.csv"),
        "posts": read("meta_posts.csv"),
        "activity": read("community_activity.tsv"),
        "meta_ads": read("meta_ads_it.csv"),
        "google_ads": read("google_ads_campaigns.csv"),
        "nps": read("nps_delighted.csv"),
        "referrals": read("referrals.csv"),
    }


def _created_utc(crm: pd.DataFrame) -> pd.Series:
    local = pd.to_datetime(crm["Create Date"], format="%Y-%m-%d %H:%M")
    return pd.Series(local.dt.tz_localize(ROME).dt.tz_convert("UTC").to_numpy(), index=crm["Email"])


def _ordered_utc(orders: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(orders["Created at"], format="%Y-%m-%d %H:%M:%S %z", utc=True)


def _is_member(crm: pd.DataFrame) -> pd.Series:
    return pd.Series((crm["Community Member"] == "true").to_numpy(), index=crm["Email"])


def _euros(column: pd.Series, *, decimal: str = ".", thousands: str = "") -> pd.Series:
    digits = column.str.replace(thousands, "", regex=False) if thousands else column
    return digits.str.replace(decimal, ".", regex=False).astype(float)


def _spend(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    meta = pd.DataFrame(
        {
            "day": pd.to_datetime(t["meta_ads"]["Giorno"], format="%d/%m/%Y"),
            "amount": _euros(t["meta_ads"]["Importo speso (EUR)"], decimal=","),
        }
    )
    google = pd.DataFrame(
        {
            "day": pd.to_datetime(t["google_ads"]["Day"], format="%Y-%m-%d"),
            "amount": _euros(t["google_ads"]["Cost"], thousands=","),
        }
    )
    return pd.concat([meta, google], ignore_index=True)


# Reproducibility ------------------------------------------------------------------------------------


def test_same_seed_writes_identical_bytes(fresh: tuple[Path, float], tmp_path: Path) -> None:
    paths = write_demo(tmp_path)
    assert {p.name for p in paths} == EXPECTED_FILES
    for path in paths:
        assert path.read_bytes() == (fresh[0] / path.name).read_bytes(), path.name


def test_another_seed_writes_other_data(fresh: tuple[Path, float], tmp_path: Path) -> None:
    write_demo(tmp_path, seed=8)
    assert (tmp_path / "shopify_orders.csv").read_bytes() != (fresh[0] / "shopify_orders.csv").read_bytes()


def test_committed_demo_equals_a_fresh_generation(fresh: tuple[Path, float]) -> None:
    assert {p.name for p in COMMITTED.iterdir()} == EXPECTED_FILES
    for name in sorted(EXPECTED_FILES):
        assert (COMMITTED / name).read_bytes() == (fresh[0] / name).read_bytes(), (
            f"data/demo/{name} is stale: run `python -m legame demo --out data/demo`"
        )


def test_generation_is_fast(fresh: tuple[Path, float]) -> None:
    assert fresh[1] < 10


def test_committed_demo_stays_small() -> None:
    assert sum(p.stat().st_size for p in COMMITTED.iterdir()) < 8_000_000


# Formats --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_header_and_encoding_as_specified(fresh: tuple[Path, float], name: str) -> None:
    _, bom, header = FORMATS[name]
    raw = (fresh[0] / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == bom
    first_line = raw.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].decode("utf-8")
    assert first_line == header


def test_values_use_the_vendor_formats(t: dict[str, pd.DataFrame]) -> None:
    crm, orders, activity = t["crm"], t["orders"], t["activity"]
    assert crm["Record ID"].str.fullmatch(r"\d+").all()
    assert set(crm["Lifecycle Stage"]) <= {"subscriber", "lead", "customer"}
    assert set(crm["Original Source"]) <= {
        "Paid Social", "Paid Search", "Organic Social", "Organic Search", "Referrals", "Direct Traffic",
        "Email Marketing", "Offline Sources",
    }  # fmt: skip
    assert set(crm["Community Member"]) == {"true", "false"}
    assert set(crm["Segment"]) == {"Trail runners", "Hikers", "Climbers", "Casual"}
    assert orders["Name"].str.fullmatch(r"#\d+").all() and orders["Name"].is_unique
    assert set(orders["Financial Status"]) == {"paid", "refunded", "partially_refunded"}
    assert set(orders["Currency"]) == {"EUR"}
    assert set(orders["Source"]) <= {"web", "pos", "instagram", "facebook"}
    assert orders["Total"].str.fullmatch(r"\d+\.\d\d").all()
    assert activity["Activity ID"].str.fullmatch(r"act_\d{6}").all() and activity["Activity ID"].is_unique
    assert activity["Timestamp"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    assert set(activity["Activity type"]) == {
        "Comment", "Reply", "Answer", "Reaction", "Share", "Post", "Event attendance", "Review", "Referral", "UGC",
    }  # fmt: skip
    assert set(activity["Space"]) <= {"Forum", "Events", "Instagram", "Facebook", "Reviews"}
    assert t["posts"]["Post ID"].str.fullmatch(r"\d+").all() and t["posts"]["Post ID"].is_unique
    assert t["posts"]["Publish time"].str.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d").all()
    assert set(t["posts"]["Platform"]) == {"Facebook", "Instagram", "LinkedIn"}
    assert set(t["posts"]["Author type"]) == {"brand", "employee", "customer", "influencer"}
    assert t["meta_ads"]["Importo speso (EUR)"].str.fullmatch(r"\d+,\d\d").all()
    assert set(t["meta_ads"]["Piattaforma"]) == {"facebook", "instagram"}
    assert t["google_ads"]["Cost"].str.fullmatch(r"\d{1,3}(,\d{3})*\.\d\d").all()
    assert t["google_ads"]["Impr."].str.fullmatch(r"\d{1,3}(,\d{3})*").all()
    assert t["google_ads"]["Impr."].str.contains(",").any(), "some Impr. should show a thousands separator"
    assert t["nps"]["Score"].astype(int).between(0, 10).all()
    assert t["nps"]["Comment"].str.contains("\n").any() and t["nps"]["Comment"].str.contains('"').any()


def test_shopify_offsets_follow_rome_summer_time(t: dict[str, pd.DataFrame]) -> None:
    stamps = t["orders"]["Created at"]
    rome_wall_clock = _ordered_utc(t["orders"]).dt.tz_convert(ROME).dt.strftime("%Y-%m-%d %H:%M:%S")
    assert (rome_wall_clock == stamps.str[:19]).all()
    assert set(stamps.str[-5:]) == {"+0100", "+0200"}


def test_emails_are_fake_and_unique(t: dict[str, pd.DataFrame]) -> None:
    emails = t["crm"]["Email"]
    assert emails.is_unique
    domains = set(emails.str.split("@").str[1])
    assert domains == {"example.com", "example.org", "example.it", "ardesia.example"}


# Consistency ----------------------------------------------------------------------------------------


def test_every_email_is_in_the_crm(t: dict[str, pd.DataFrame]) -> None:
    known = set(t["crm"]["Email"])
    referred_by = t["crm"]["Referred By"]
    for name, column in [
        ("orders", t["orders"]["Email"]),
        ("activity", t["activity"]["Member email"]),
        ("nps", t["nps"]["Email"]),
        ("referrer", t["referrals"]["Referrer Email"]),
        ("friend", t["referrals"]["Friend Email"]),
        ("referred by", referred_by[referred_by != ""]),
    ]:
        assert set(column) <= known, name


def test_activity_post_ids_exist_and_come_after_the_post(t: dict[str, pd.DataFrame]) -> None:
    activity, posts = t["activity"], t["posts"]
    linked = activity[activity["Post ID"] != ""]
    assert len(linked) > 1_000
    assert set(linked["Activity type"]) == {"Reaction", "Comment", "Share"}
    assert set(linked["Space"]) == {"Instagram", "Facebook"}
    post = posts.set_index("Post ID").loc[linked["Post ID"]]
    assert (post["Platform"].to_numpy() == linked["Space"].to_numpy()).all()
    published = pd.to_datetime(post["Publish time"], format="%m/%d/%Y %H:%M").dt.tz_localize(ROME)
    acted = pd.to_datetime(linked["Timestamp"], utc=True)
    assert (acted.to_numpy() >= published.dt.tz_convert("UTC").to_numpy()).all()
    counts = linked.groupby(["Post ID", "Activity type"]).size().unstack(fill_value=0)
    for kind, column in (("Reaction", "Reactions"), ("Comment", "Comments"), ("Share", "Shares")):
        recorded = posts.set_index("Post ID").loc[counts.index, column].astype(int)
        assert (recorded >= counts[kind]).all(), column


def test_nobody_acts_before_entering_the_crm(t: dict[str, pd.DataFrame]) -> None:
    crm, orders, activity = t["crm"], t["orders"], t["activity"]
    created = _created_utc(crm)
    assert (_ordered_utc(orders).to_numpy() > created.loc[orders["Email"]].to_numpy()).all()
    acted = pd.to_datetime(activity["Timestamp"], utc=True)
    assert (acted.to_numpy() >= created.loc[activity["Member email"]].to_numpy()).all()
    answered = pd.to_datetime(t["nps"]["Created At"], format="%Y-%m-%d %H:%M:%S").dt.tz_localize(ROME)
    first_order = _ordered_utc(orders).groupby(orders["Email"]).min()
    assert (answered.dt.tz_convert("UTC").to_numpy() > first_order.loc[t["nps"]["Email"]].to_numpy()).all()


def test_membership_dates_are_consistent(t: dict[str, pd.DataFrame]) -> None:
    crm, activity = t["crm"], t["activity"]
    members = crm[crm["Community Member"] == "true"]
    assert (crm.loc[crm["Community Member"] == "false", "Member Since"] == "").all()
    assert (members["Member Since"] >= members["Create Date"].str[:10]).all()
    since = members.set_index("Email")["Member Since"]
    member_acts = activity[activity["Member email"].isin(since.index)]
    assert (member_acts["Timestamp"].str[:10].to_numpy() >= since.loc[member_acts["Member email"]].to_numpy()).all()
    by_outsiders = activity[~activity["Member email"].isin(since.index)]
    assert set(by_outsiders["Activity type"]) <= {"Reaction", "Comment", "Share", "Answer"}


def test_referrals_match_the_crm(t: dict[str, pd.DataFrame]) -> None:
    crm, referrals = t["crm"], t["referrals"]
    referred = crm[crm["Referred By"] != ""]
    assert set(zip(referred["Referred By"], referred["Email"], strict=True)) == set(
        zip(referrals["Referrer Email"], referrals["Friend Email"], strict=True)
    )
    assert (referred["Original Source"] == "Referrals").all()
    crm_by_email = crm.set_index("Email")
    friend_created = crm_by_email.loc[referrals["Friend Email"], "Create Date"].str[:10].to_numpy()
    assert (friend_created >= referrals["Referral Date"].to_numpy()).all()
    referrer_since = crm_by_email.loc[referrals["Referrer Email"], "Member Since"].to_numpy()
    assert (referrer_since != "").all() and (referrer_since <= referrals["Referral Date"].to_numpy()).all()
    logged = t["activity"][t["activity"]["Activity type"] == "Referral"]
    assert len(logged) == len(referrals)


def test_lifecycle_stage_matches_orders(t: dict[str, pd.DataFrame]) -> None:
    crm = t["crm"]
    buyers = set(t["orders"]["Email"])
    assert ((crm["Lifecycle Stage"] == "customer") == crm["Email"].isin(buyers)).all()


def test_dates_stay_inside_the_span(t: dict[str, pd.DataFrame]) -> None:
    local_times = [
        pd.to_datetime(t["crm"]["Create Date"], format="%Y-%m-%d %H:%M"),
        pd.to_datetime(t["crm"]["Member Since"].replace("", None), format="%Y-%m-%d").dropna(),
        _ordered_utc(t["orders"]).dt.tz_convert(ROME).dt.tz_localize(None),
        pd.to_datetime(t["posts"]["Publish time"], format="%m/%d/%Y %H:%M"),
        pd.to_datetime(t["activity"]["Timestamp"], utc=True).dt.tz_localize(None),
        pd.to_datetime(t["nps"]["Created At"], format="%Y-%m-%d %H:%M:%S"),
        pd.to_datetime(t["referrals"]["Referral Date"], format="%Y-%m-%d"),
        _spend(t)["day"],
    ]
    for stamps in local_times:
        assert stamps.min() >= SPAN_START and stamps.max() <= SPAN_END


# The story ------------------------------------------------------------------------------------------


def test_about_five_thousand_people_a_fifth_of_them_members(t: dict[str, pd.DataFrame]) -> None:
    crm = t["crm"]
    assert 4_500 <= len(crm) <= 5_500
    assert 0.15 <= (crm["Community Member"] == "true").mean() <= 0.25
    prospects = ~crm["Email"].isin(set(t["orders"]["Email"]))
    assert 0.2 <= prospects.mean() <= 0.4


def test_members_order_more_often_than_non_members(t: dict[str, pd.DataFrame]) -> None:
    per_buyer = t["orders"].groupby("Email").size()
    is_member = _is_member(t["crm"]).loc[per_buyer.index]
    assert per_buyer[is_member.to_numpy()].mean() >= 1.2 * per_buyer[~is_member.to_numpy()].mean()


def test_order_money_adds_up(t: dict[str, pd.DataFrame]) -> None:
    orders = t["orders"]
    cents = {c: (orders[c].astype(float) * 100).round().astype(int) for c in ("Subtotal", "Shipping", "Taxes", "Total")}
    assert (cents["Subtotal"] + cents["Shipping"] + cents["Taxes"] == cents["Total"]).all()
    assert 70 <= orders["Total"].astype(float).mean() <= 110
    assert 0.015 <= (orders["Financial Status"] == "refunded").mean() <= 0.05
    numbers = orders["Name"].str[1:].astype(int)
    assert numbers.is_monotonic_increasing and _ordered_utc(orders).is_monotonic_increasing


def test_spend_gives_plausible_cac_and_roas(t: dict[str, pd.DataFrame]) -> None:
    orders = t["orders"][t["orders"]["Financial Status"] != "refunded"]
    spend = _spend(t)["amount"].sum()
    new_customers = orders["Email"].nunique()
    attributed = orders.loc[orders["UTM Campaign"] != "", "Total"].astype(float).sum()
    assert 30 <= spend / new_customers <= 80
    assert 2 <= attributed / spend <= 5
    campaigns = set(t["meta_ads"]["Nome della campagna"]) | set(t["google_ads"]["Campaign"])
    assert set(orders["UTM Campaign"]) - {""} <= campaigns


def test_members_score_higher_nps(t: dict[str, pd.DataFrame]) -> None:
    nps = t["nps"]
    score = nps["Score"].astype(int)
    is_member = _is_member(t["crm"]).loc[nps["Email"]].to_numpy()

    def net_promoter(s: pd.Series) -> float:
        return 100 * ((s >= 9).mean() - (s <= 6).mean())

    assert 2_000 <= len(nps) <= 3_000
    assert 25 <= net_promoter(score) <= 50
    assert net_promoter(score[is_member]) >= net_promoter(score[~is_member]) + 10


def test_posts_metrics_are_plausible(t: dict[str, pd.DataFrame]) -> None:
    posts = t["posts"]
    numbers = posts[["Reach", "Impressions", "Reactions", "Comments", "Shares", "Saves", "Link clicks"]].astype(int)
    assert 2 <= len(posts) / 730 <= 3
    assert (numbers["Impressions"] >= numbers["Reach"]).all()
    engagement = numbers.drop(columns=["Reach", "Impressions"]).sum(axis=1) / numbers["Reach"]
    assert 0.01 <= engagement.median() <= 0.10
    assert ((posts["Is UGC"] == "Yes") == (posts["Author type"] == "customer")).all()
    median_reach = numbers["Reach"].groupby(posts["Author type"]).median()
    assert median_reach["influencer"] > 2 * median_reach["brand"]


def test_community_activity_is_skewed_and_peer_to_peer(t: dict[str, pd.DataFrame]) -> None:
    activity, crm = t["activity"], t["crm"]
    is_member = _is_member(crm)
    acts_per_member = activity[is_member.loc[activity["Member email"]].to_numpy()].groupby("Member email").size()
    assert acts_per_member.max() > 10 * acts_per_member.median()
    answers = activity[activity["Activity type"] == "Answer"]
    by_member = is_member.loc[answers["Member email"]].to_numpy()
    assert 0.5 <= by_member.mean() < 1
    assert answers.loc[~by_member, "Member email"].str.endswith("@ardesia.example").all()
    outsiders = activity.loc[~is_member.loc[activity["Member email"]].to_numpy(), "Member email"]
    assert outsiders.str.endswith("@example.com").any()


def test_about_half_the_members_are_active_each_month(t: dict[str, pd.DataFrame]) -> None:
    activity, crm = t["activity"], t["crm"]
    members = crm[crm["Community Member"] == "true"]
    month = activity["Timestamp"].str[:7]
    shares = []
    for period in pd.period_range("2025-02", "2026-10", freq="M"):
        joined = members["Member Since"].str[:7] <= str(period)
        active = activity.loc[month == str(period), "Member email"]
        shares.append(members.loc[joined, "Email"].isin(set(active)).mean())
    assert 0.4 <= pd.Series(shares).median() <= 0.6


def test_orders_and_activity_peak_before_christmas(t: dict[str, pd.DataFrame]) -> None:
    ordered = _ordered_utc(t["orders"]).dt.tz_convert(ROME).dt.strftime("%Y-%m")
    acted = t["activity"]["Timestamp"].str[:7]
    for months in (ordered, acted):
        christmas = months.isin(["2025-11", "2025-12"]).sum()
        winter = months.isin(["2026-01", "2026-02"]).sum()
        assert christmas > 1.1 * winter  # despite the growth, which favours the later months


def test_active_members_buy_more(t: dict[str, pd.DataFrame]) -> None:
    """Acts per month of membership go with repeat purchases per week, among members buying for 26+ weeks."""
    end = pd.Timestamp("2026-11-01", tz="UTC")
    members = t["crm"][t["crm"]["Community Member"] == "true"].set_index("Email")
    months_in = (end - pd.to_datetime(members["Member Since"]).dt.tz_localize("UTC")).dt.days / 30.4
    acts_per_month = t["activity"]["Member email"].value_counts().reindex(members.index, fill_value=0) / months_in
    ordered = _ordered_utc(t["orders"]).groupby(t["orders"]["Email"])
    weeks_buying = ((end - ordered.min()).dt.days / 7).reindex(members.index)
    repeat_rate = (ordered.size() - 1).reindex(members.index) / weeks_buying
    long_buyers = weeks_buying >= 26
    assert long_buyers.sum() > 300
    assert acts_per_month[long_buyers].corr(repeat_rate[long_buyers], method="spearman") > 0.15


def test_reviews_come_after_a_purchase(t: dict[str, pd.DataFrame]) -> None:
    reviews = t["activity"][t["activity"]["Activity type"] == "Review"]
    assert set(reviews["Space"]) == {"Reviews"}
    first_order = _ordered_utc(t["orders"]).groupby(t["orders"]["Email"]).min()
    assert reviews["Member email"].isin(first_order.index).all()
    reviewed = pd.to_datetime(reviews["Timestamp"], utc=True).to_numpy()
    assert (reviewed > first_order.loc[reviews["Member email"]].to_numpy()).all()


def test_offline_events_have_twenty_to_eighty_attendees(t: dict[str, pd.DataFrame]) -> None:
    events = t["activity"][t["activity"]["Activity type"] == "Event attendance"]
    assert set(events["Space"]) == {"Events"}
    attendees = events.groupby(events["Timestamp"].str[:10]).size()
    assert attendees.between(20, 80).all()
    assert 30 <= len(attendees) <= 50
