"""A line that cannot be read is rejected by its own number, and every other line loads (issue #13)."""

from __future__ import annotations

from legame.ingest import load_file
from tests.conftest import write

HEADER = "order_id,email,ordered_at,revenue,channel,campaign,is_refund\n"
QUOTE_REASON = 'has a quote (") that is not closed: the line is rejected and the lines below it are read on their own'


def order(n: int, campaign: str = "") -> str:
    return f"A{n},p{n}@example.com,2025-01-{n % 28 + 1:02d},{n},web,{campaign},false\n"


def test_an_unterminated_quote_on_row_3_rejects_that_row_alone(con, config, tmp_path):
    text = HEADER + order(1) + '"A2,p2@example.com,2025-01-04,20,web,,false\n' + order(3) + order(4)
    report = load_file(con, config, write(tmp_path, "orders.csv", text))
    assert (report.rows_read, report.inserted, report.rejected) == (4, 3, 1)
    assert report.rejects == [
        {"row": 3, "column": None, "value": '"A2,p2@example.com,2025-01-04,20,web,,false', "reason": QUOTE_REASON}
    ]
    assert con.execute("select order_id from orders order by order_id").fetchall() == [("A1",), ("A3",), ("A4",)]
    assert con.execute("select row_number, reason from rejects").fetchall() == [(3, QUOTE_REASON)]


def test_a_quote_opened_inside_a_value_far_down_the_file_does_not_swallow_the_rows_below(con, config, tmp_path):
    # Past the first rows DuckDB samples, such a quote silently made every later line one value.
    rows = [order(n) for n in range(1, 30_001)]
    rows[24_999] = 'A25000,p@example.com,2025-01-02,5,web,"Spring sale,false\n'
    report = load_file(con, config, write(tmp_path, "orders.csv", HEADER + "".join(rows)))
    assert (report.rows_read, report.inserted, report.rejected) == (30_000, 29_999, 1)
    assert report.rejects[0]["row"] == 25_001
    assert report.rejects[0]["reason"] == QUOTE_REASON
    assert con.execute("select count(*), max(order_id::varchar) from orders where order_id = 'A30000'").fetchone() == (
        1,
        "A30000",
    )


def test_a_5_mb_cell_on_row_3_rejects_that_row_alone(con, config, tmp_path):
    long_line = order(2, campaign="x" * 5_000_000)
    report = load_file(con, config, write(tmp_path, "orders.csv", HEADER + order(1) + long_line + order(3)))
    assert (report.rows_read, report.inserted, report.rejected) == (3, 2, 1)
    assert report.rejects[0]["row"] == 3
    assert len(long_line) == 5_000_042
    assert report.rejects[0]["reason"] == "is 5,000,042 bytes long, more than the 2,000,000 a row may have"
    assert len(report.rejects[0]["value"]) == 200


def test_values_spanning_lines_are_still_one_row(con, config, tmp_path):
    text = HEADER + order(1) + 'A2,p2@example.com,2025-01-04,20,web,"Spring\nsale, ""big"" one",false\n' + order(3)
    report = load_file(con, config, write(tmp_path, "orders.csv", text))
    assert (report.rows_read, report.inserted, report.rejected) == (3, 3, 0)
    assert con.execute("select campaign from orders where order_id = 'A2'").fetchone() == ('Spring\nsale, "big" one',)


def test_a_windows_1252_file_with_a_broken_line_keeps_its_text(con, config, tmp_path):
    text = HEADER + order(1, "Caffè") + '"A2,p2@example.com,2025-01-04,20,web,,false\n' + order(3, "Più")
    report = load_file(con, config, write(tmp_path, "orders.csv", text, encoding="cp1252"))
    assert (report.encoding, report.inserted, report.rejected) == ("windows-1252", 2, 1)
    assert con.execute("select campaign from orders order by order_id").fetchall() == [("Caffè",), ("Più",)]
