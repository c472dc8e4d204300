"""Ad exports broken down below the campaign (Meta ad sets and ads, Google Ads ad groups): the rows of one day
and campaign are added up, never the last one kept (review #15, f7).

Each fixture is shaped like its tool's export (see the comments in legame/ingest/formats/meta_ads_manager.yaml
and google_ads.yaml); the expected spend is worked out from the file's own cells, row by row, in Python.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from legame import i18n
from legame.errors import ConfigError
from legame.ingest import load_file
from legame.ingest.profiles import _builtin_specs, vendor_profile
from legame.kpis import Period, compute

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def _number(text: str, decimal: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    thousands = "," if decimal == "." else "."
    return Decimal(text.replace(thousands, "").replace(decimal, "."))


def _by_day_and_campaign(name: str, day: str, campaign: str, amount: str, impressions: str, clicks: str, decimal: str):
    """{(day, campaign): [amount, impressions, clicks]} added up from the file's rows (report totals left out)."""
    lines = (EXPORTS / name).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(day + ","))
    sums: dict[tuple[str, str], list] = defaultdict(lambda: [Decimal(0), 0, None])
    rows = 0
    for row in csv.DictReader(lines[start:]):
        if row[day].startswith("Total"):
            continue
        rows += 1
        total = sums[(row[day], row[campaign])]
        total[0] += _number(row[amount], decimal)
        total[1] += int(_number(row[impressions], decimal))
        got = _number(row[clicks], decimal)
        if got is not None:
            total[2] = (total[2] or 0) + int(got)
    return rows, dict(sums)


FIXTURES = [
    # Meta Ads Manager, English, ad set level by day: three ad sets of one campaign on 2 March (one spent nothing).
    (
        "meta_ads_manager_en_adsets.csv",
        "meta_ads_manager_en",
        ("Reporting starts", "Campaign name", "Amount spent (EUR)", "Impressions", "Link clicks", "."),
    ),
    # Meta Ads Manager, Italian, ad level by day: two ads of one ad set and a second ad set of one campaign.
    (
        "meta_ads_manager_it_ads.csv",
        "meta_ads_manager_it",
        ("Giorno", "Nome della campagna", "Importo speso (EUR)", "Impression", "Clic sul link", ","),
    ),
    # Google Ads ad group report, below its title and date range, above its total rows.
    (
        "google_ads_ad_groups.csv",
        "google_ads_campaigns",
        ("Day", "Campaign", "Cost", "Impr.", "Clicks", "."),
    ),
]


@pytest.mark.parametrize(("fixture", "profile", "columns"), FIXTURES)
def test_rows_of_one_day_and_campaign_are_added_up(con, config, fixture, profile, columns):
    rows, expected = _by_day_and_campaign(fixture, *columns)
    report = load_file(con, config, EXPORTS / fixture)
    assert (report.profile, report.table) == (profile, "spend")
    assert report.rejected == 0
    assert report.inserted == len(expected) < rows
    assert report.duplicates_in_file == rows - len(expected)
    stored = {
        (day, campaign): [amount, impressions, clicks]
        for day, campaign, amount, impressions, clicks in con.execute(
            "select strftime(day, '%Y-%m-%d'), campaign, amount, impressions, clicks from spend"
        ).fetchall()
    }
    assert {k: [Decimal(str(v[0])).quantize(Decimal("0.01")), *v[1:]] for k, v in stored.items()} == {
        k: [v[0].quantize(Decimal("0.01")), *v[1:]] for k, v in expected.items()
    }
    note = next(n for n in report.notes if "same day and campaign" in n)
    assert "added up" in note and "the last one counts" not in " ".join(report.notes)


def test_the_report_says_in_italian_that_the_rows_were_added_up(con, config):
    with i18n.language("it"):
        report = load_file(con, config, EXPORTS / "meta_ads_manager_it_ads.csv")
    # 5 rows, 3 of them of Lancio primavera on 1 March: 2 rows join an earlier one.
    said = "2 righe hanno lo stesso giorno e la stessa campagna"
    assert any(n.startswith(said) and "sommate" in n for n in report.notes)


def test_loading_the_export_again_changes_nothing_and_a_corrected_one_replaces_the_sums(con, config, tmp_path):
    first = load_file(con, config, EXPORTS / "google_ads_ad_groups.csv")
    again = load_file(con, config, EXPORTS / "google_ads_ad_groups.csv")
    assert (first.inserted, again.inserted, again.replaced, again.unchanged) == (4, 0, 0, 4)
    assert float(con.execute("select sum(amount) from spend").fetchone()[0]) == pytest.approx(1087.16)
    # Google revises a day's cost later: the re-export's sums replace the stored ones, never add to them.
    text = (EXPORTS / "google_ads_ad_groups.csv").read_text(encoding="utf-8").replace("20.40,901", "25.40,901")
    corrected = tmp_path / "google_ads_ad_groups.csv"
    corrected.write_text(text, encoding="utf-8")
    report = load_file(con, config, corrected)
    assert (report.inserted, report.replaced, report.unchanged) == (0, 1, 3)
    generic = con.execute(
        "select amount, impressions, clicks from spend where campaign = 'Search - Generic' and day = '2025-03-02'"
    ).fetchone()
    assert (round(float(generic[0]), 2), *generic[1:]) == (35.25, 1303, 25)  # 25,40 + 9,85; 901 + 402; 17 + 8
    assert float(con.execute("select sum(amount) from spend").fetchone()[0]) == pytest.approx(1092.16)


def test_a_table_with_a_column_that_cannot_be_added_refuses_repeated_keys_add():
    spec = {
        "table": "orders",
        "repeated_keys": "add",
        "columns": {"order_id": "Id", "person_id": "Email", "ordered_at": "Date", "revenue": "Total"},
    }
    with pytest.raises(ConfigError, match="repeated_keys"):
        vendor_profile("shop", spec)
    spend = {"table": "spend", "columns": {"day": "Day", "channel": {"value": "x"}, "amount": "Cost"}}
    assert vendor_profile("ads", spend | {"repeated_keys": "add"}).add_repeats
    assert not vendor_profile("ads", spend).add_repeats


def test_every_built_in_spend_format_adds_up_the_rows_of_one_day_and_campaign():
    specs = [(name, spec) for name, spec in _builtin_specs() if spec.get("table") == "spend"]
    assert len(specs) == 16  # Meta 7, Google Ads 6, LinkedIn 3
    assert [name for name, spec in specs if not vendor_profile(name, spec).add_repeats] == []


def test_every_kpi_that_reads_spend_reads_the_files_whole_spend(con, config):
    expected = Decimal(0)
    for fixture, _profile, columns in FIXTURES:
        load_file(con, config, EXPORTS / fixture)
        expected += sum(v[0] for v in _by_day_and_campaign(fixture, *columns)[1].values())
    kpis = [k.as_dict() for k in compute(con, config, Period(date(2025, 3, 1), date(2025, 3, 31)))]
    spend = {k["id"]: k["inputs"]["spend"] for k in kpis if "spend" in (k["inputs"] or {})}
    assert {"roas", "cac", "romi"} <= set(spend)
    assert {kpi: round(value, 2) for kpi, value in spend.items()} == {kpi: float(expected) for kpi in spend}
