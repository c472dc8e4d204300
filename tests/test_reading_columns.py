"""A repeated column is named with the one read; a refused canonical file says which rule failed (issue #13)."""

from __future__ import annotations

import pytest

from legame.errors import UnrecognisedExport
from legame.ingest import load_file
from tests.conftest import write


def test_two_order_id_columns_load_the_first_and_say_so(con, config, tmp_path):
    text = "order_id,email,ordered_at,revenue,order_id\nA1,ann@example.com,2025-01-03,10,B1\n"
    report = load_file(con, config, write(tmp_path, "orders.csv", text))
    assert con.execute("select order_id from orders").fetchall() == [("A1",)]
    assert report.notes[0] == (
        "The file has 2 columns named 'order_id' (columns 1 and 5): column 1 was read and column 5 ignored. "
        "If the other holds the right values, rename or remove the first and load the file again."
    )
    assert report.ignored_columns == ["order_id (column 5)"]


def test_a_canonical_orders_file_with_eight_extra_columns_is_refused_naming_the_rule(con, config, tmp_path):
    extra = [f"note_{i}" for i in range(1, 9)]
    header = ["order_id", "person_id", "ordered_at", "revenue", "channel", "campaign", "is_refund", *extra]
    text = ",".join(header) + "\nA1,p1,2025-01-03,10,web,,false," + ",".join("x" * 8) + "\n"
    with pytest.raises(UnrecognisedExport) as refused:
        load_file(con, config, write(tmp_path, "orders.csv", text))
    assert str(refused.value) == (
        "orders.csv has every column Legame's orders format needs (order_id, person_id, ordered_at, revenue), "
        "but 8 of its 15 columns are not orders columns (note_1, note_2, note_3, note_4, note_5, note_6, note_7, "
        "note_8), and a file is read in Legame's own format only when at least half of its columns are. "
        "Remove the other columns, or map the file on the upload page."
    )
    assert con.execute("select count(*) from loads").fetchone() == (0,)
