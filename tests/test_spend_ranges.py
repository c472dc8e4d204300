"""A Meta Ads export without the day breakdown holds a range's spend in one row: Legame keeps spend by day, so
such a row is refused with its dates, never counted on its first day where it would meet that day's row of a
daily export (review #15, f10: 1-10 May spent 100, both files say so; Legame said 190).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from legame import i18n
from legame.errors import FatalFileError
from legame.ingest import load_file
from tests.conftest import write

EXPORTS = Path(__file__).parent / "fixtures" / "exports"
DAYS = [f"{d:02d}" for d in range(1, 11)]
DAILY = "Giorno;Nome della campagna;Importo speso (EUR);Impression;Clic sul link\n" + "".join(
    f"{d}/05/2026;Spring;10,00;100;1\n" for d in DAYS
)
RANGE = (
    "Inizio dei report;Fine dei report;Nome della campagna;Importo speso (EUR);Impression;Clic sul link\n"
    "2026-05-01;2026-05-10;Spring;100,00;1000;10\n"
)


def _spent(con) -> float:
    return float(con.execute("select coalesce(sum(amount), 0) from spend").fetchone()[0])


@pytest.mark.parametrize("daily_first", [True, False])
def test_a_range_export_and_a_daily_export_of_the_same_days_count_the_spend_once(con, config, tmp_path, daily_first):
    daily, ranged = write(tmp_path, "daily.csv", DAILY), write(tmp_path, "range.csv", RANGE)
    if daily_first:
        assert load_file(con, config, daily).inserted == 10
    with pytest.raises(FatalFileError) as refused:
        load_file(con, config, ranged)
    message = str(refused.value)
    assert message.startswith("range.csv:") and "1 May 2026 to 10 May 2026" in message and "by day" in message
    if not daily_first:
        assert load_file(con, config, daily).inserted == 10
    assert _spent(con) == 100.0
    assert con.execute("select count(*) from spend where day = '2026-05-01'").fetchone()[0] == 1


def test_a_range_row_is_refused_and_one_day_rows_of_the_same_file_load(con, config, tmp_path):
    text = (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (EUR),Impressions,Link clicks\n"
        "2026-05-01,2026-05-01,Spring,10.00,100,1\n"
        "2026-05-02,2026-05-08,Spring,70.00,700,7\n"
        "2026-05-09,2026-05-09,Spring,10.00,100,1\n"
    )
    report = load_file(con, config, write(tmp_path, "meta.csv", text))
    assert (report.profile, report.inserted, report.rejected) == ("meta_ads_manager_en", 2, 1)
    (reject,) = report.rejects
    assert (reject["row"], reject["column"], reject["value"]) == (3, "Reporting ends", "2026-05-08")
    assert reject["reason"].startswith("covers 2 May 2026 to 8 May 2026 in one row")
    assert _spent(con) == 20.0


@pytest.mark.parametrize(
    ("fixture", "column", "dates"),
    [
        ("meta_ads_manager_it_range.csv", "Fine dei report", "1 Mar 2025 to 31 Mar 2025"),
        ("meta_ads_manager_de_range.csv", "Ende der Berichterstattung", "1 Mar 2025 to 31 Mar 2025"),
        ("meta_ads_manager_pt.csv", "Encerramento dos relatórios", "1 Mar 2025 to 7 Mar 2025"),
    ],
)
def test_exports_without_the_day_breakdown_are_refused_with_their_dates(con, config, fixture, column, dates):
    with pytest.raises(FatalFileError) as refused:
        load_file(con, config, EXPORTS / fixture)
    assert f"column {column!r}" in str(refused.value) and dates in str(refused.value)
    assert _spent(con) == 0


def test_the_refusal_reads_in_italian(con, config, tmp_path):
    with i18n.language("it"), pytest.raises(FatalFileError) as refused:
        load_file(con, config, write(tmp_path, "range.csv", RANGE))
    # "1 mag" or "1° mag", as the locale writes the first of the month.
    assert "copre dal 1" in str(refused.value) and "mag 2026 al 10 mag 2026 in una sola riga" in str(refused.value)


def test_a_daily_export_whose_report_range_columns_span_the_export_still_loads_by_day(con, config):
    # Spanish daily export: Día on each row, Inicio/Fin del informe the whole export's range.
    report = load_file(con, config, EXPORTS / "meta_ads_manager_es.csv")
    assert (report.inserted, report.rejected) == (3, 0)


def test_a_one_day_export_without_the_day_breakdown_loads(con, config, tmp_path):
    text = RANGE.replace("2026-05-10", "2026-05-01")
    report = load_file(con, config, write(tmp_path, "one_day.csv", text))
    assert (report.inserted, report.rejected) == (1, 0)
    assert _spent(con) == 100.0
