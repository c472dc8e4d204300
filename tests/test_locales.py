"""Numbers and dates in any common locale, without a profile saying which (legame.ingest.locale).

Example tests load small files through load_file and read the report's notes;
property tests format random values the way each locale writes them and read
them back with the same SQL, decided per column as a load decides.
"""

from __future__ import annotations

import copy
from datetime import datetime

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legame import i18n
from legame.config import Config
from legame.ingest import load_file
from legame.ingest.locale import date_sql, decide, null_words, number_sql, thousands_for
from tests.conftest import write

SPEND = "day,channel,campaign,amount,impressions,clicks\n"


def spend_rows(con) -> list[tuple]:
    return con.execute(
        "select day::varchar, campaign, amount, impressions, clicks from spend order by day, campaign"
    ).fetchall()


# 1. Null words


def test_null_words_are_empty_in_number_and_date_columns_but_not_in_text(con, config, tmp_path):
    text = SPEND + (
        "2025-03-01,meta,N/A,10.5,--,-\n"
        "2025-03-02,meta,b,11,n/a,NA\n"
        "2025-03-03,meta,c,12,na,\n"
        "2025-03-04,meta,d,N/A,100,1\n"  # amount is required: a null word is a missing value
    )
    report = load_file(con, config, write(tmp_path, "spend.csv", text))
    assert (report.inserted, report.rejected) == (3, 1)
    assert report.rejects == [{"row": 5, "column": "amount", "value": None, "reason": "missing value"}]
    assert spend_rows(con) == [
        ("2025-03-01", "N/A", 10.5, None, None),  # a text column keeps the words as written
        ("2025-03-02", "b", 11.0, None, None),
        ("2025-03-03", "c", 12.0, None, None),
    ]


def test_null_words_in_a_date_column_are_a_missing_value(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + "2025-03-01,meta,a,1,,\n--,meta,b,2,,\n"))
    assert report.rejects == [{"row": 3, "column": "day", "value": None, "reason": "missing value"}]


# 2. Numbers


@pytest.mark.parametrize(
    ("amounts", "expected", "note"),
    [
        (["1.234,56", "-3,2", "1234,5"], [1234.56, -3.2, 1234.5], "Column amount: ',' read as decimal mark"),
        (["1,234.56", "12.50", "€1,234.00"], [1234.56, 12.5, 1234.0], "Column amount: ',' read as thousands separator"),
        (["1 234,56", "1\u202f234,5", "1\u00a0000,25"], [1234.56, 1234.5, 1000.25], "',' read as decimal mark"),
        (["€ 12,50", "12,50 EUR", "-€ 3,00"], [12.5, 12.5, -3.0], "',' read as decimal mark"),
        (["3,4 %", "12%", "0,5%"], [3.4, 12.0, 0.5], "',' read as decimal mark"),
        (["1'234.56", "EUR 2'000.5"], [1234.56, 2000.5], None),
        (["12.50 EUR", "€1234"], [12.5, 1234.0], None),
        # Negative amounts as accounting writes them: in brackets, or with a trailing minus (SAP).
        (
            ["(12,50)", "(1.234,56)", "(€ 12,50)", "1.234,56-"],
            [-12.5, -1234.56, -12.5, -1234.56],
            "',' read as decimal",
        ),
        (
            ["(12.50)", "€ (1,234.00)", "12.50-", "(3.5 %)", "12.50- EUR"],
            [-12.5, -1234.0, -12.5, -3.5, -12.5],
            "',' read as thousands",
        ),
        (["( 7 )", "+7", "- 7", "€ -7", "7,5"], [-7.0, 7.0, -7.0, -7.0, 7.5], "',' read as decimal"),
    ],
)
def test_numbers_in_any_locale_are_decided_per_column(con, config, tmp_path, amounts, expected, note):
    config.data["plausibility"] = {"negatives": True}  # negative amounts are read here, not judged
    rows = "".join(f'2025-03-0{i + 1},meta,c{i},"{a}",,\n' for i, a in enumerate(amounts))
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert report.rejected == 0, report.rejects
    assert [r[2] for r in spend_rows(con)] == pytest.approx(expected)
    notes = " ".join(report.notes)
    if note:
        assert note in notes
    else:
        assert "read as" not in notes


def test_a_column_of_numbers_that_read_either_way_uses_the_decimal_point_and_says_so(con, config, tmp_path):
    rows = '2025-03-01,meta,a,"1,234",,\n2025-03-02,meta,b,"2,500",,\n'
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert [r[2] for r in spend_rows(con)] == [1234.0, 2500.0]
    assert (
        "Column amount: every value could be read either way; '.' read as decimal mark, ',' as thousands "
        "separator: 1,234 is read as 1,234, not 1.234."
    ) in " ".join(report.notes)


def either_way(values: list[str], dates: list[str], **evidence: str) -> tuple[list, list[str]]:
    """`values` (reading either way) and `dates` decided together as one file's columns, with `evidence`
    (delimiter, locale) as the load passes it; the numbers read and the notes."""
    con = duckdb.connect()
    con.execute("create table t (i int, v varchar, d varchar)")
    con.executemany(
        "insert into t values (?, ?, ?)", [(i, v, d) for i, (v, d) in enumerate(zip(values, dates, strict=True))]
    )
    text, day = null_words("nullif(trim(v), '')"), null_words("nullif(trim(d), '')")
    decisions = decide(con, "t", [("n", "revenue", text, False)], [("d", "ordered_at", day)], "dmy", **evidence)
    mark = decisions.decimal["n"]
    numbers = con.execute(f"select {number_sql(text, mark, thousands_for(mark))} from t order by i").fetchall()
    con.close()
    return [n for (n,) in numbers], decisions.notes


@pytest.mark.parametrize(
    ("dates", "evidence", "expected", "why"),
    [
        # The reviewer's case: ';'-separated, day-first dates, locale it-IT: 1.500 is one thousand five hundred.
        (["01/05/2026", "02/05/2026"], {"delimiter": ";", "locale": "it-IT"}, [1500, 2250], "semicolons"),
        (["01/05/2026", "02/05/2026"], {"delimiter": ",", "locale": "it-IT"}, [1500, 2250], "locale (it-IT)"),
        (["13/05/2026", "14/05/2026"], {"delimiter": ","}, [1500, 2250], "day first"),
        # The mirror: a US file, month-first dates, 1.500 is one and a half, even read under it-IT.
        (["05/13/2026", "05/14/2026"], {"delimiter": ",", "locale": "it-IT"}, [1.5, 2.25], "month first"),
        (["05/01/2026", "05/02/2026"], {"delimiter": ",", "locale": "en-US"}, [1.5, 2.25], "locale (en-US)"),
        (["05/01/2026", "05/02/2026"], {"delimiter": ","}, [1.5, 2.25], "default"),
    ],
)
def test_numbers_that_read_either_way_follow_the_files_evidence_then_the_locale(dates, evidence, expected, why):
    numbers, notes = either_way(["1.500", "2.250"], dates, **evidence)
    assert numbers == pytest.approx(expected)
    note = next(n for n in notes if n.startswith("Column revenue:"))
    reading = "1.500 is read as 1,500, not 1.5." if expected[0] > 1000 else "1.500 is read as 1.5, not 1,500."
    assert reading in note and why in note


def test_the_files_other_number_columns_decide_a_column_that_reads_either_way():
    con = duckdb.connect()
    con.execute("create table t (a varchar, b varchar)")
    con.execute("insert into t values ('1.500', '12,50'), ('2.250', '3,5')")
    cols = [(c, c, f"nullif(trim({c}), '')", False) for c in ("a", "b")]
    decisions = decide(con, "t", cols, [], "dmy", delimiter=",", locale="en-GB")
    assert decisions.decimal == {"a": ",", "b": ","}
    assert "The file's other number columns are written that way." in decisions.notes[0]


def test_the_either_way_note_reads_in_italian():
    with i18n.language("it"):
        _numbers, notes = either_way(["1.500"], ["01/05/2026"], delimiter=";", locale="it-IT")
    assert "Colonna revenue: ogni valore si poteva leggere in entrambi i modi" in notes[0]
    assert "1.500 vale 1.500, non 1,5." in notes[0]
    assert "punto e virgola" in notes[0]


def test_whole_number_columns_read_a_lone_separator_as_thousands(con, config, tmp_path):
    rows = "2025-03-01,meta,a,1,10.034,1.200\n2025-03-02,meta,b,2,2.311,41\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert report.rejected == 0, report.rejects
    assert [(r[3], r[4]) for r in spend_rows(con)] == [(10034, 1200), (2311, 41)]
    assert any(n.startswith("Column impressions: ',' read as decimal mark, '.' as thousands") for n in report.notes)


def test_a_whole_number_column_of_round_thousands_is_not_read_as_units(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + "2025-03-01,meta,a,1.5,1.000,2\n"))
    assert [(r[2], r[3], r[4]) for r in spend_rows(con)] == [(1.5, 1000, 2)]
    assert any(n.startswith("Column impressions: ',' read as decimal mark, '.' as thousands") for n in report.notes)


def test_a_column_mixing_both_styles_keeps_the_majority_and_rejects_the_rest(con, config, tmp_path):
    rows = '2025-03-01,meta,a,"12,50",,\n2025-03-02,meta,b,"3,25",,\n2025-03-03,meta,c,"1,234.5",,\n'
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.rejects[0] == {"row": 4, "column": "amount", "value": "1,234.5", "reason": "not a number"}
    assert "1 value written the other way is rejected" in " ".join(report.notes)


@pytest.mark.parametrize(
    "value",
    [
        *["abc", "12abc", "1,23.4", "--5", "1.2.3,4,5", "€", "12 34"],
        # One sign at most, brackets closed, a minus only before or straight after the number.
        *["(12,50", "12,50)", "(-12)", "-(12)", "((12))", "(12)-", "12--", "-12-", "12-3", "()", "(€)", "-€-5", "+€-5"],
    ],
)
def test_what_is_not_a_number_is_still_rejected(con, config, tmp_path, value):
    rows = f'2025-03-01,meta,a,1,,\n2025-03-02,meta,b,"{value}",,\n'
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert [(r["value"], r["reason"]) for r in report.rejects] == [(value, "not a number")]


def with_profile(config: Config, **options) -> Config:
    data = copy.deepcopy(config.data)
    data["profiles"] = {
        "test_spend": {
            "table": "spend",
            "detect": ["Giorno", "Importo"],
            "columns": {"day": "Giorno", "channel": {"value": "meta"}, "amount": "Importo"},
            **options,
        }
    }
    return Config(data=data, root=config.root)


def test_a_profiles_decimal_mark_wins_over_the_values(con, config, tmp_path):
    path = write(tmp_path, "spese.csv", 'Giorno,Importo\n2025-03-01,"1,234"\n2025-03-02,"€ 2,5"\n')
    report = load_file(con, with_profile(config, decimal=","), path)
    assert report.rejected == 0, report.rejects
    assert con.execute("select amount from spend order by day").fetchall() == [(1.234,), (2.5,)]
    assert not any("read as" in n for n in report.notes)


# 3. Dates


@pytest.mark.parametrize(
    ("days", "expected", "note"),
    [
        (["31/12/2025", "01/02/2025"], ["2025-02-01", "2025-12-31"], "Column day: dates read day first (dd/mm/yyyy)."),
        (["12/31/2025", "01/02/2025"], ["2025-01-02", "2025-12-31"], "dates read month first (mm/dd/yyyy)."),
        (["31.12.2025", "1.2.2025 10:05"], ["2025-02-01", "2025-12-31"], "day first"),
        (["31-12-2025 10:05:07", "2025-03-04T09:30:00+02:00"], ["2025-03-04", "2025-12-31"], "day first"),
    ],
)
def test_dates_are_day_or_month_first_as_the_column_shows(con, config, tmp_path, days, expected, note):
    rows = "".join(f"{d},meta,c{i},1,,\n" for i, d in enumerate(days))
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    assert report.rejected == 0, report.rejects
    assert [r[0] for r in spend_rows(con)] == expected
    assert note in " ".join(report.notes)


def test_dates_that_read_either_way_are_day_first_and_the_report_says_so(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + "01/02/2025,meta,a,1,,\n"))
    assert [r[0] for r in spend_rows(con)] == ["2025-02-01"]
    assert (
        "Column day: every date could be day or month first (no day above 12); read day first (dd/mm/yyyy). "
        "Set `date_order: mdy` in config.yaml if that is wrong."
    ) in report.notes


def test_date_order_mdy_in_config_reads_ambiguous_dates_month_first(con, config, tmp_path):
    data = copy.deepcopy(config.data)
    data["date_order"] = "mdy"
    report = load_file(
        con, Config(data=data, root=config.root), write(tmp_path, "s.csv", SPEND + "01/02/2025,meta,a,1,,\n")
    )
    assert [r[0] for r in spend_rows(con)] == ["2025-01-02"]
    assert "read month first (mm/dd/yyyy)" in " ".join(report.notes)


def test_date_order_in_a_profile(con, config, tmp_path):
    path = write(tmp_path, "spese.csv", "Giorno,Importo\n03/04/2025,1\n")
    load_file(con, with_profile(config, date_order="mdy"), path)
    assert con.execute("select day::varchar from spend").fetchall() == [("2025-03-04",)]


def test_a_date_against_the_columns_order_is_rejected(con, config, tmp_path):
    rows = "31/12/2025,meta,a,1,,\n13/01/2025,meta,b,1,,\n01/13/2025,meta,c,1,,\n07/01/225,meta,d,1,,\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + rows))
    reason = "not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)"
    # 07/01/25 would be 7 January 2025 (two-digit year); a three-digit year is no year.
    assert [(r["value"], r["reason"]) for r in report.rejects] == [("01/13/2025", reason), ("07/01/225", reason)]


def test_a_clean_file_has_no_locale_notes(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND + "2025-03-01,meta,a,12.5,100,3\n"))
    # Only the currency assumption is stated: the file names none.
    assert report.notes == [
        "The file does not say which currency its amounts are in: they are taken to be in EUR, "
        "Legame's currency (config.yaml). Amounts marked with another currency are rejected."
    ]


# 4. Properties: what a locale writes reads back as the number or date it was


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def write_number(cents: int, style: str, decoration: str) -> str:
    """`cents / 100` as it-IT, en-US, fr-FR (U+202F or U+00A0 thousands) or de-CH writes it, decorated.

    The accounting decorations write a negative number in brackets (around or
    inside the currency) or with a trailing minus, and a positive one plain.
    """
    decimal, sep = {
        "it-IT": (",", "."),
        "en-US": (".", ","),
        "fr-FR": (",", "\u202f"),
        "fr-FR-nbsp": (",", "\u00a0"),
        "de-CH": (".", "'"),
    }[style]
    units, rest = divmod(abs(cents), 100)
    text = f"{_group(str(units), sep)}{decimal}{rest:02d}"
    sign = "-" if cents < 0 else ""
    negative = cents < 0
    return {
        "plain": sign + text,
        "before": f"{sign}€ {text}",
        "after": f"{sign}{text} EUR",
        "percent": f"{sign}{text} %",
        "brackets": f"({text})" if negative else text,
        "brackets-around-currency": f"(€ {text})" if negative else f"€ {text}",
        "currency-before-brackets": f"€ ({text})" if negative else f"€ {text}",
        "trailing-minus": f"{text}-" if negative else text,
        "trailing-minus-code": f"{text}- EUR" if negative else f"{text} EUR",
    }[decoration]


def read_column(values: list[str], whole: bool = False, order: str = "dmy") -> tuple[list, list[str]]:
    """Decide and parse one column as a load does, on an in-memory DuckDB."""
    con = duckdb.connect()
    con.execute("create table t (i int, v varchar)")
    con.executemany("insert into t values (?, ?)", list(enumerate(values)))
    text = null_words("nullif(trim(v), '')")
    decisions = decide(con, "t", [("n", "n", text, whole)], [("d", "d", text)], order)
    decimal = decisions.decimal["n"]
    numbers = con.execute(f"select {number_sql(text, decimal, thousands_for(decimal))} from t order by i").fetchall()
    dates = con.execute(f"select {date_sql(text, decisions.date_order['d'])} from t order by i").fetchall()
    con.close()
    return [n for (n,) in numbers], [d for (d,) in dates], decisions.notes


STYLES = st.sampled_from(["it-IT", "en-US", "fr-FR", "fr-FR-nbsp", "de-CH"])
DECORATIONS = st.sampled_from(
    [
        "plain",
        "before",
        "after",
        "percent",
        "brackets",
        "brackets-around-currency",
        "currency-before-brackets",
        "trailing-minus",
        "trailing-minus-code",
    ]
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-(10**11), 10**11), min_size=1, max_size=8), STYLES, DECORATIONS)
def test_any_locales_numbers_read_back(cents, style, decoration):
    numbers, _, _ = read_column([write_number(c, style, decoration) for c in cents])
    assert numbers == pytest.approx([c / 100 for c in cents], abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=8), STYLES)
def test_whole_numbers_with_thousands_separators_read_back(units, style):
    sep = write_number(123456700, style, "plain")[1]  # the style's thousands separator
    numbers, _, _ = read_column([_group(str(u), sep) for u in units], whole=True)
    assert numbers == [float(u) for u in units]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.datetimes(datetime(1990, 1, 1), datetime(2040, 12, 31)), min_size=1, max_size=8),
    st.sampled_from(["dmy", "mdy"]),
    st.sampled_from("/-."),
    st.sampled_from(["", " %H:%M", " %H:%M:%S"]),
)
def test_any_date_order_reads_back(stamps, order, sep, time):
    stamps = [s.replace(microsecond=0, second=s.second if time.endswith("%S") else 0) for s in stamps]
    stamps = [s.replace(hour=0, minute=0) if not time else s for s in stamps]
    # One date with a day above 12 tells the order, as in any real month of data.
    stamps.append(datetime(2024, 5, 20))
    day_month = f"%d{sep}%m" if order == "dmy" else f"%m{sep}%d"
    _, dates, notes = read_column([s.strftime(f"{day_month}{sep}%Y{time}") for s in stamps], order="dmy")
    assert dates == stamps
    assert any(n.startswith("Column d:") and ("day first" if order == "dmy" else "month first") in n for n in notes)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.datetimes(datetime(1990, 1, 1), datetime(2040, 12, 31)), min_size=1, max_size=8))
def test_iso_dates_read_back(stamps):
    stamps = [s.replace(microsecond=0) for s in stamps]
    _, dates, notes = read_column([s.isoformat(sep=" ") for s in stamps])
    assert dates == stamps
    assert not [n for n in notes if n.startswith("Column d:")]


ACCOUNTING = st.sampled_from(
    ["brackets", "brackets-around-currency", "currency-before-brackets", "trailing-minus", "trailing-minus-code"]
)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-(10**11), 10**11), min_size=1, max_size=8), STYLES, ACCOUNTING)
def test_accounting_negatives_read_back(cents, style, decoration):
    numbers, _, _ = read_column([write_number(c, style, decoration) for c in cents])
    assert numbers == pytest.approx([c / 100 for c in cents], abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=8), STYLES, st.sampled_from(["()", "-"]))
def test_whole_numbers_in_brackets_or_with_a_trailing_minus_read_back(units, style, negative):
    sep = write_number(123456700, style, "plain")[1]  # the style's thousands separator
    written = [_group(str(abs(u)), sep) for u in units]
    written = [
        w if u >= 0 else (f"({w})" if negative == "()" else f"{w}-") for u, w in zip(units, written, strict=True)
    ]
    numbers, _, _ = read_column(written, whole=True)
    assert numbers == [float(u) for u in units]
