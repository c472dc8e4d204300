"""Dates with two-digit years, month names and the 12-hour clock (legame.ingest.locale).

Example tests load small files through load_file; property tests write random
moments the way each locale writes them and read them back with the SQL a load
runs, on a real DuckDB connection, the column's order decided as a load decides.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legame.ingest import load_file
from legame.ingest.locale import date_sql, decide, iso_sql, null_words
from tests.conftest import write

SPEND = "day,channel,campaign,amount,impressions,clicks\n"
EVENTS = "event_id,email,occurred_at,channel,kind,post_id\n"
REASON = "not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)"


def load_days(con, config, tmp_path, days: list[str]):
    rows = "".join(f'"{d}",meta,c{i},1,,\n' for i, d in enumerate(days))
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    loaded = [d for (d,) in con.execute("select day::varchar from spend order by campaign").fetchall()]
    return report, loaded


def load_moments(con, config, tmp_path, moments: list[str]):
    rows = "".join(f'e{i},p{i}@example.com,"{m}",forum,comment,\n' for i, m in enumerate(moments))
    report = load_file(con, config, write(tmp_path, "events.csv", EVENTS + rows))
    loaded = [t for (t,) in con.execute("select occurred_at::varchar from interactions order by event_id").fetchall()]
    return report, loaded


# 1. Two-digit years


@pytest.mark.parametrize(
    ("days", "expected", "note"),
    [
        (["31/12/25", "01/02/25"], ["2025-12-31", "2025-02-01"], "Column day: dates read day first (dd/mm/yyyy)."),
        (["12/31/25", "01/02/25"], ["2025-12-31", "2025-01-02"], "Column day: dates read month first (mm/dd/yyyy)."),
        (["31.12.25", "1.2.25"], ["2025-12-31", "2025-02-01"], "day first"),
        (["31-12-25", "1/2/25 10:05"], ["2025-12-31", "2025-02-01"], "day first"),
        # The century as Python's %y: 00-68 are 2000-2068, 69-99 are 1969-1999.
        (["31/12/68", "31/12/69", "1/1/00", "13/3/99"], ["2068-12-31", "1969-12-31", "2000-01-01", "1999-03-13"], None),
        # Two- and four-digit years in one column.
        (["31/12/2024", "1/2/25"], ["2024-12-31", "2025-02-01"], "day first"),
    ],
)
def test_two_digit_years_are_read_with_the_columns_order(con, config, tmp_path, days, expected, note):
    config.data["plausibility"] = {"earliest_date": "1900-01-01", "latest_days_ahead": 36500}  # read, not judged
    report, loaded = load_days(con, config, tmp_path, days)
    assert report.rejected == 0, report.rejects
    assert loaded == expected
    assert (note or "Column day: dates read day first") in " ".join(report.notes)


# 2. Month names


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (
            ["Mar 1, 2025", "March 2, 2025", "3 Mar 2025", "04-Mar-2025", "Sept. 5, 2025", "6 MAR 25", "07DEC2025"],
            ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-09-05", "2025-03-06", "2025-12-07"],
        ),
        (
            ["1 marzo 2025", "2 mar 2025", "3 dic 2025", "4 Gen. 2026", "5 SETTEMBRE 2025"],
            ["2025-03-01", "2025-03-02", "2025-12-03", "2026-01-04", "2025-09-05"],
        ),
        (
            ["1er mars 2025", "2 févr. 2025", "3 août 2025", "4 DÉC. 2025", "5 fevrier 2025"],
            ["2025-03-01", "2025-02-02", "2025-08-03", "2025-12-04", "2025-02-05"],
        ),
        (
            ["1. März 2025", "2. Okt. 2025", "3. Dez 2025", "4. Jänner 2026", "5. MÄRZ 2025"],
            ["2025-03-01", "2025-10-02", "2025-12-03", "2026-01-04", "2025-03-05"],
        ),
        (
            ["1 de marzo de 2025", "2 ene 2025", "3 sept 2025", "4 Dic. 2025", "5 de Agosto de 2025"],
            ["2025-03-01", "2025-01-02", "2025-09-03", "2025-12-04", "2025-08-05"],
        ),
    ],
    ids=["en", "it", "fr", "de", "es"],
)
def test_month_names_in_five_languages_are_read(con, config, tmp_path, days, expected):
    report, loaded = load_days(con, config, tmp_path, days)
    assert report.rejected == 0, report.rejects
    assert loaded == expected
    assert not [n for n in report.notes if n.startswith("Column day")]  # never ambiguous: nothing to decide


def test_a_weekday_may_open_a_written_out_date(con, config, tmp_path):
    days = ["Sat, Mar 1, 2025", "Sunday, March 2, 2025 10:15 AM", "lunedì 3 marzo 2025", "Di., 4. März 2025"]
    report, loaded = load_days(con, config, tmp_path, days)
    assert report.rejected == 0, report.rejects
    assert loaded == ["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]


def test_a_word_that_is_no_weekday_before_a_date_is_rejected(con, config, tmp_path):
    report, _ = load_days(con, config, tmp_path, ["Mar 1, 2025", "Soon, Mar 2, 2025"])
    assert [r["value"] for r in report.rejects] == ["Soon, Mar 2, 2025"]


def test_month_names_do_not_decide_the_order_of_numeric_dates(con, config, tmp_path):
    # Mar 13 and Dec 31 have a day above 12 but are not numeric: 03/04/2025 still reads either way, day first.
    report, loaded = load_days(con, config, tmp_path, ["Mar 13, 2025", "Dec 31, 2025", "03/04/2025"])
    assert loaded == ["2025-03-13", "2025-12-31", "2025-04-03"]
    assert "Column day: every date could be day or month first (no day above 12)" in " ".join(report.notes)


# 3. Times, on the 24-hour clock or with AM/PM


def test_times_with_am_pm_and_joining_words_are_read(con, config, tmp_path):
    moments = [
        "Mar 1, 2025, 10:15 AM",
        "Mar 1, 2025, 12:05 AM",  # 12 AM is just after midnight
        "Mar 1, 2025, 12:05 PM",  # 12 PM is just after noon
        "13/02/2025 9:30 pm",
        "1/2/25 10:05 p.m.",
        "March 1, 2025 at 11:59:58 PM",
        "1 mars 2025 à 10:15",
        "1. März 2025 um 23:59:59",
        "1 marzo 2025, 08:00",
        "01-Mar-2025 10:15:07.25",
    ]
    report, loaded = load_moments(con, config, tmp_path, moments)
    assert report.rejected == 0, report.rejects
    assert loaded == [
        "2025-03-01 10:15:00",
        "2025-03-01 00:05:00",
        "2025-03-01 12:05:00",
        "2025-02-13 21:30:00",  # 9 PM is 21
        "2025-02-01 22:05:00",  # day first, as 13/02 shows; 10 PM is 22
        "2025-03-01 23:59:58",
        "2025-03-01 10:15:00",
        "2025-03-01 23:59:59",
        "2025-03-01 08:00:00",
        "2025-03-01 10:15:07.25",
    ]


# 4. What is not a date is still rejected


@pytest.mark.parametrize(
    "value",
    [
        "31/13/25",  # no month 13
        "29/02/25",  # 2025 is no leap year
        "1/2/025",  # a three-digit year
        "Foo 1, 2025",  # no month called Foo
        "Marc 1, 2025",
        "Mar 32, 2025",
        "1 Mar",  # no year
        "March 2025",  # no day
        "Mar 12025",
        "1/2/2025 13:05 PM",  # the 12-hour clock stops at 12
        "1/2/2025 0:05 AM",
        "1/2/2025 24:00",
        "1/2/2025 10:60",
        "1/2/2025 at 10:15",  # a joining word only after a written-out date
        "Mar 1, 2025 10:15 at",
    ],
)
def test_what_is_not_a_date_is_still_rejected(con, config, tmp_path, value):
    report, _ = load_days(con, config, tmp_path, ["31/12/2025", value])
    assert [(r["value"], r["reason"]) for r in report.rejects] == [(value, REASON)]


# 5. Properties: any moment, written as a locale writes it, reads back as itself


def read_dates(values: list[str], order: str) -> tuple[list[datetime | None], list[str]]:
    """Decide and parse one date column as a load does, on an in-memory DuckDB."""
    con = duckdb.connect()
    con.execute("create table t (i int, v varchar)")
    con.executemany("insert into t values (?, ?)", list(enumerate(values)))
    text = null_words("nullif(trim(v), '')")
    decisions = decide(con, "t", [], [("d", "d", text)], order)
    dates = con.execute(f"select {date_sql(text, decisions.date_order['d'])} from t order by i").fetchall()
    con.close()
    return [d for (d,) in dates], decisions.notes


def write_clock(moment: datetime, clock: str, am_pm: str) -> str:
    """The time of `moment` on the 24-hour clock, or on the 12-hour one with `am_pm` as AM/PM is written."""
    if clock == "24":
        return f"{moment:%H:%M}"
    if clock == "24s":
        return f"{moment:%H:%M:%S}"
    hour = moment.hour % 12 or 12  # 0:xx is 12:xx AM, 12:xx is 12:xx PM
    half = "am" if moment.hour < 12 else "pm"
    half = {"AM": half.upper(), "am": half, "a.m.": f"{half[0]}.m.", "A.M.": f"{half[0]}.M.".upper()}[am_pm]
    seconds = f":{moment:%S}" if clock == "12s" else ""
    return f"{hour}:{moment:%M}{seconds} {half}"


def written_moment(moment: datetime, clock: str) -> datetime:
    """`moment` as far as its written form tells it: no seconds unless written, midnight without a time."""
    if clock == "none":
        return moment.replace(hour=0, minute=0, second=0)
    return moment.replace(second=moment.second if clock.endswith("s") else 0)


CLOCKS = st.sampled_from(["none", "24", "24s", "12", "12s"])
AM_PM = st.sampled_from(["AM", "am", "a.m.", "A.M."])
MOMENTS_TWO_DIGIT = st.datetimes(datetime(1969, 1, 1), datetime(2068, 12, 31, 23, 59, 59)).map(
    lambda m: m.replace(microsecond=0)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(MOMENTS_TWO_DIGIT, min_size=1, max_size=8),
    st.sampled_from(["dmy", "mdy"]),
    st.sampled_from("/-."),
    CLOCKS,
    AM_PM,
)
def test_two_digit_years_read_back(moments, order, sep, clock, am_pm):
    # One date with a day above 12 tells the order, as in any real month of data.
    moments = [*moments, datetime(2024, 5, 20)]
    day_month = f"%d{sep}%m" if order == "dmy" else f"%m{sep}%d"
    written = [m.strftime(f"{day_month}{sep}%y") for m in moments]
    if clock != "none":
        written = [f"{w} {write_clock(m, clock, am_pm)}" for w, m in zip(written, moments, strict=True)]
    dates, notes = read_dates(written, order="dmy")
    assert dates == [written_moment(m, clock) for m in moments]
    assert any(n.startswith("Column d:") and ("day first" if order == "dmy" else "month first") in n for n in notes)


# Month names as CLDR writes them (wide and abbreviated, format context) for each language.
MONTHS = {
    "en": (
        "January February March April May June July August September October November December".split(),
        "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    ),
    "it": (
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre".split(),
        "gen feb mar apr mag giu lug ago set ott nov dic".split(),
    ),
    "fr": (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
        "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.".split(),
    ),
    "de": (
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember".split(),
        "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.".split(),
    ),
    "es": (
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
        "ene feb mar abr may jun jul ago sept oct nov dic".split(),
    ),
}
# How each language lays out day, month and year ({d} day, {dd} two-digit day, {m} month name, {y} year),
# and the word some write between the date and its time.
LAYOUTS = {
    "en": ["{m} {d}, {y}", "{d} {m} {y}", "{dd}-{m}-{y}", "{dd}{m}{y}"],
    "it": ["{d} {m} {y}", "{dd}-{m}-{y}"],
    "fr": ["{d} {m} {y}", "{d1} {m} {y}"],
    "de": ["{d}. {m} {y}", "{dd}. {m} {y}"],
    "es": ["{d} {m} {y}", "{d} de {m} de {y}"],
}
JOINS = {
    "en": ["", ",", " at"],
    "it": ["", ",", " alle"],
    "fr": ["", ",", " à"],
    "de": ["", ",", " um"],
    "es": ["", ","],
}


@st.composite
def written_out(draw) -> tuple[str, datetime]:
    """A moment written with its month's name, as one of the five languages writes it; and what it tells."""
    language = draw(st.sampled_from(sorted(MONTHS)))
    short_year = draw(st.booleans())
    low, high = (
        (datetime(1969, 1, 1), datetime(2068, 12, 31)) if short_year else (datetime(1900, 1, 1), datetime(2099, 12, 31))
    )
    moment = draw(st.datetimes(low, high.replace(hour=23, minute=59, second=59))).replace(microsecond=0)
    name = MONTHS[language][draw(st.integers(0, 1))][moment.month - 1]
    name = draw(st.sampled_from([name, name.lower(), name.upper(), name.rstrip(".")]))
    layout = draw(st.sampled_from(LAYOUTS[language]))
    day = "1er" if moment.day == 1 else str(moment.day)  # French writes the first of the month 1er
    text = layout.format(
        d=moment.day, dd=f"{moment.day:02d}", d1=day, m=name, y=f"{moment:%y}" if short_year else moment.year
    )
    clock = draw(CLOCKS)
    if clock != "none":
        text += f"{draw(st.sampled_from(JOINS[language]))} {write_clock(moment, clock, draw(AM_PM))}"
    return text, written_moment(moment, clock)


@settings(max_examples=100, deadline=None)
@given(st.lists(written_out(), min_size=1, max_size=8), st.sampled_from(["dmy", "mdy"]))
def test_month_names_read_back(written, order):
    dates, notes = read_dates([text for text, _ in written], order)
    assert dates == [moment for _, moment in written], [text for text, _ in written]
    assert not [n for n in notes if n.startswith("Column d:")]  # nothing was ambiguous


# 4. ISO times read plain when they carry no offset, zoned otherwise: the same instant either way

ISO_DATES = ["2024-01-01", "2024-1-1", "2024-02-29", "2023-02-29", "2024-13-01", "-123-01-01", "2024-01-01-05"]
ISO_TIMES = ["", " 10:00", " 10:00:00", "T10:00:00", " 24:00:00", " 25:00:00", " 10:00:00.5", " 10:00:00.1234567"]
ISO_ZONES = [
    *("", "Z", " Z", " UTC", " utc", "GMT", " gmt", "+00", "+02", "+02:00", "-0530", "-05:30", " +02:00"),
    *("+14", "+99", " Europe/Rome", " America/New_York", " CET", " PST", " EST5EDT", " BC", " AD", "x", " "),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ISO_DATES), st.sampled_from(ISO_TIMES), st.sampled_from(ISO_ZONES))
def test_iso_times_read_plain_as_the_zoned_cast_reads_them(date, time, zone):
    text = date + time + zone
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")  # as every warehouse connection
    plain, zoned = con.execute(
        f"select {iso_sql('$t')}, try_cast($t as timestamptz)::timestamp", {"t": text}
    ).fetchone()
    assert plain == zoned, text
    # On another clock (config.yaml's time_zone), a time read plain is one that carries no zone: as written.
    plain, zoned, unzoned = con.execute(
        f"select {iso_sql('$t', '$z')}, timezone($z, try_cast($t as timestamptz)), "
        "case when try_cast($t as timestamptz) is not null then try_cast($t as timestamp) end",
        {"t": text, "z": "Europe/Rome"},
    ).fetchone()
    assert plain in (zoned, unzoned), text
    assert (plain == zoned) or not zone.strip(), text
