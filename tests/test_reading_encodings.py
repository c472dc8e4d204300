"""A file in an East Asian encoding is read as written and the report names the encoding (issue #13)."""

from __future__ import annotations

from legame.ingest import load_file
from tests.conftest import write

SPEND = "day,channel,campaign,amount\n2025-03-01,meta,東京店 春のセール,12.5\n2025-03-02,meta,大阪店 ポイント2倍,20\n"


def test_a_shift_jis_file_is_read_as_japanese_not_as_windows_1252(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", SPEND, encoding="shift_jis"))
    assert (report.encoding, report.inserted, report.rejected) == ("cp932", 2, 0)
    assert con.execute("select campaign from spend order by day").fetchall() == [
        ("東京店 春のセール",),
        ("大阪店 ポイント2倍",),
    ]
    assert report.notes[0] == (
        "The file is not in UTF-8: its bytes are Japanese (Shift-JIS) text (cp932) and were read as such. "
        "If names look wrong, export the file again as UTF-8."
    )


def test_gbk_and_euc_kr_files_are_read_as_written(con, config, tmp_path):
    for encoding, campaign in (("gbk", "北京市朝阳区 春季促销活动"), ("euc_kr", "서울 봄 세일 이벤트 할인")):
        text = f"day,channel,campaign,amount\n2025-03-01,meta,{campaign},12.5\n"
        report = load_file(con, config, write(tmp_path, f"{encoding}.csv", text, encoding=encoding))
        assert report.notes[0].startswith("The file is not in UTF-8: its bytes are ")
        assert con.execute("select campaign from spend where load_id = $id", {"id": report.load_id}).fetchone() == (
            campaign,
        )


def test_latin_1_text_is_still_read_as_windows_1252(con, config, tmp_path):
    text = "day,channel,campaign,amount\n2025-03-01,meta,Città più bella,12.5\n2025-03-02,meta,Zürich – Süd,1\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", text, encoding="cp1252"))
    assert report.encoding == "windows-1252"
    assert not any("UTF-8" in note for note in report.notes)
    assert con.execute("select campaign from spend order by day").fetchall() == [
        ("Città più bella",),
        ("Zürich – Süd",),
    ]
