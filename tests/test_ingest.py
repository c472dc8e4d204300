"""Ingest against a real DuckDB file: idempotence, atomicity, rejects, locales, privacy, migrations."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time

import duckdb
import pytest

from legame import warehouse
from legame.config import ROOT
from legame.errors import FatalFileError, UnrecognisedExport
from legame.ingest import load_file
from tests.conftest import write

ORDERS = """order_id,email,ordered_at,revenue,channel,campaign,is_refund
A1,Ann@Example.com ,2025-01-03,100.50,web,Spring,false
A2,bob@example.com,2025-01-04 10:00,abc,web,,false
A3,,2025-01-05,20,web,,0
A4,ann@example.com,2025-01-06T09:30:00Z,20,web,,0
A5,bob@example.com,2025-01-07,30,web,,1
A6,bob@example.com,2025-01-07,30,web
A7,carl@example.com,31/02/2025,12,web,,false
"""


def content(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every row of every table: equal digests mean equal content."""
    digest = hashlib.sha256()
    for table in [*warehouse.TABLES, "loads", "rejects", "schema_version"]:
        digest.update(repr(con.execute(f"select * from {table} order by all").fetchall()).encode())
    return digest.hexdigest()


def test_rejects_name_row_column_value_and_reason(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    assert (report.table, report.rows_read, report.inserted, report.rejected) == ("orders", 7, 3, 4)
    assert report.rejects == [
        {"row": 3, "column": "revenue", "value": "abc", "reason": "not a number"},
        {"row": 4, "column": "email", "value": None, "reason": "missing value"},
        {
            "row": 7,
            "column": "campaign",
            "value": "A6,bob@example.com,2025-01-07,30,web",
            "reason": "has 5 values but the header has 7 columns",
        },
        {
            "row": 8,
            "column": "ordered_at",
            "value": "31/02/2025",
            "reason": "not a date in the form yyyy-mm-dd, dd/mm/yyyy, dd/mm/yy or 1 Mar 2025 (optionally with a time)",
        },
    ]
    stored = con.execute("select row_number, column_name, reason from rejects order by row_number").fetchall()
    assert [r[0] for r in stored] == [3, 4, 7, 8]
    # Zoned times are stored in UTC; the same person's emails, however written, are one person.
    rows = dict(con.execute("select order_id, person_id from orders").fetchall())
    assert rows["A1"] == rows["A4"] != rows["A5"]


def test_loading_twice_changes_nothing(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    first = load_file(con, config, path)
    counts = warehouse.table_counts(con)
    tables = hashlib.sha256(
        repr(con.execute("select * exclude (load_id) from orders order by all").fetchall()).encode()
    )
    second = load_file(con, config, path)
    assert (second.inserted, second.replaced, second.unchanged) == (0, 0, first.inserted)
    assert warehouse.table_counts(con) == counts
    again = con.execute("select * exclude (load_id) from orders order by all").fetchall()
    assert hashlib.sha256(repr(again).encode()).digest() == tables.digest()
    assert second.previously_loaded.startswith("load #1")
    assert con.execute("select count(*) from loads").fetchone()[0] == 2


def test_corrected_export_replaces_rows_and_last_row_in_file_wins(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "a.csv", "order_id,person_id,ordered_at,revenue\nX1,p,2025-01-01,10\n"))
    corrected = "order_id,person_id,ordered_at,revenue\nX1,p,2025-01-01,12\nX2,p,2025-01-02,5\nX2,p,2025-01-02,6\n"
    report = load_file(con, config, write(tmp_path, "b.csv", corrected))
    assert (report.inserted, report.replaced, report.unchanged, report.duplicates_in_file) == (1, 1, 0, 1)
    assert con.execute("select order_id, revenue from orders order by 1").fetchall() == [("X1", 12.0), ("X2", 6.0)]


@pytest.mark.parametrize(
    ("name", "text", "error", "message"),
    [
        ("mystery.csv", "foo,bar\n1,2\n", UnrecognisedExport, "no known export format has the columns foo, bar"),
        ("orders.csv", "order_id,person_id,ordered_at\nX1,p,2025-01-01\n", UnrecognisedExport, "revenue"),
        ("empty.csv", "order_id,person_id,ordered_at,revenue\n", FatalFileError, "has a header but no data rows"),
        (
            "bad.csv",
            "order_id,person_id,ordered_at,revenue\nX1,p,2025-01-01,ten\n",
            FatalFileError,
            "bad.csv: its only row cannot be loaded. The problem: row 2, column 'revenue', value 'ten'",
        ),
    ],
)
def test_a_file_that_cannot_load_leaves_the_database_unchanged(con, config, tmp_path, name, text, error, message):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    before = content(con)
    with pytest.raises(error, match=message):
        load_file(con, config, write(tmp_path, name, text), name)
    assert content(con) == before


def test_preview_loads_nothing(con, config, tmp_path):
    before = content(con)
    report = load_file(con, config, write(tmp_path, "orders.csv", ORDERS), commit=False)
    assert report.inserted == 3 and report.load_id is None
    assert content(con) == before


def test_italian_ads_export_semicolons_decimal_comma_and_day_first_dates(con, config, tmp_path):
    text = (
        "Giorno;Nome della campagna;Piattaforma;Importo speso (EUR);Impression;Clic sul link\n"
        "03/02/2025;Primavera;Instagram;1.234,56;10.000;87\n"
        "13/02/2025;Primavera;facebook;0,5;12;0\n"
    )
    report = load_file(con, config, write(tmp_path, "ads.csv", text))
    assert report.profile == "meta_ads_manager_it"
    rows = con.execute("select day::varchar, channel, amount, impressions from spend order by day").fetchall()
    assert rows == [("2025-02-03", "instagram", 1234.56, 10000), ("2025-02-13", "facebook", 0.5, 12)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_encodings_load_the_same_text(con, config, tmp_path, encoding):
    text = "response_id,answered_at,score,comment\nr1,2025-01-01,9,Perché sì: très bien\n"
    if encoding in ("utf-16-le", "utf-16-be"):
        text = "\ufeff" + text  # the byte-order mark every tool writes in front of UTF-16
    load_file(con, config, write(tmp_path, "nps.csv", text, encoding=encoding))
    assert con.execute("select comment from surveys").fetchone()[0] == "Perché sì: très bien"


def test_windows_1252_euro_signs_and_curly_quotes_are_read_as_written(con, config, tmp_path):
    # Excel on Windows writes € as byte 0x80 and ’ as 0x92, which Latin-1 reads as control characters.
    text = (
        "Giorno;Nome della campagna;Importo speso (EUR)\n"
        "01/03/2025;L’estate;€ 12,50\n"
        "02/03/2025;Saldi – fine;€ 1.000,00\n"
    )
    path = write(tmp_path, "spese.csv", text, encoding="cp1252")
    report = load_file(con, config, path)
    assert (report.encoding, report.inserted, report.rejected) == ("windows-1252", 2, 0)
    # No Piattaforma column (no platform breakdown): the profile's channel is meta.
    rows = con.execute("select campaign, amount, channel from spend order by day").fetchall()
    assert rows == [("L’estate", 12.5, "meta"), ("Saldi – fine", 1000.0, "meta")]


def test_no_email_reaches_the_database(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "orders.csv", ORDERS))
    for table in warehouse.TABLES:
        assert con.execute(f"select count(*) from {table} where {table}::varchar like '%@%'").fetchone()[0] == 0
    assert con.execute("select count(*) from orders").fetchone()[0] == 3


def test_raw_upload_archived_by_hash(con, config, tmp_path):
    path = write(tmp_path, "orders.csv", ORDERS)
    report = load_file(con, config, path)
    # Encrypted at rest (legame/raw_archive.py); it restores byte for byte.
    from legame import raw_archive

    with raw_archive.restored(config, report.sha256) as archived:
        assert archived.read_bytes() == path.read_bytes()


def test_migrations_bring_an_older_file_forward(config, tmp_path):
    path = tmp_path / "old.duckdb"
    old = duckdb.connect(str(path))
    old.execute("create table schema_version (version integer not null, applied_at timestamp not null)")
    old.close()
    config.data["warehouse"]["path"] = str(path)
    con = warehouse.connect(config)
    assert con.execute("select max(version) from schema_version").fetchone()[0] == warehouse.SCHEMA_VERSION
    assert set(warehouse.table_counts(con)) == set(warehouse.TABLES)
    con.close()
    con = warehouse.connect(config)  # opening again applies nothing twice
    assert con.execute("select count(*) from schema_version").fetchone()[0] == warehouse.SCHEMA_VERSION


def test_cli_says_plainly_when_the_app_holds_the_file(config, tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        env = {"LEGAME_DB": str(db), "LEGAME_SECRET": "x", "PATH": "/usr/bin:/bin"}
        orders = write(tmp_path, "orders.csv", ORDERS)
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "legame", "ingest", str(orders)], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
    assert result.returncode == 1
    assert "is in use by another process (probably the running app)" in result.stderr
    assert "Traceback" not in result.stderr


# Found in review: files a user would drop that must load, or be rejected row by row.

SPEND_HEADER = "day,channel,campaign,amount\n"


def test_blank_lines_keep_reject_row_numbers_the_files_own(con, config, tmp_path):
    # Line 1 header, line 2 good, lines 3-4 blank, line 5 bad amount, line 6 too many values, line 7 bad.
    text = (
        SPEND_HEADER + "2025-04-01,meta,c1,10\n\n\n2025-04-02,meta,c2,x\n2025-04-03,meta,c3,1,9\n2025-04-04,meta,c4,y\n"
    )
    report = load_file(con, config, write(tmp_path, "spend.csv", text))
    assert [r["row"] for r in report.rejects] == [5, 6, 7]


def test_header_names_differing_only_in_case_load(con, config, tmp_path):
    text = "day,channel,campaign,amount,Amount,amount_2\n2025-04-01,meta,c1,10,11,12\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", text))
    assert report.inserted == 1
    assert con.execute("select amount from spend").fetchone()[0] == 10.0  # the first amount column


def test_a_blank_first_line_above_the_header_is_looked_past(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "spend.csv", "\n" + SPEND_HEADER + "2025-04-01,meta,c1,10\n"))
    assert (report.inserted, report.reason.endswith("(its header is on line 2, below a preamble)")) == (1, True)


def test_a_whole_number_too_large_is_rejected_not_a_crash(con, config, tmp_path):
    text = "day,channel,campaign,amount,impressions\n2025-01-01,meta,c,1,99999999999999999999\n2025-01-02,meta,c,1,5\n"
    report = load_file(con, config, write(tmp_path, "spend.csv", text))
    assert (report.inserted, report.rejected) == (1, 1)
    assert report.rejects[0]["reason"] == "not a whole number"


def test_a_short_windows_1252_file_is_not_taken_for_utf8(con, config, tmp_path):
    path = tmp_path / "spend.csv"
    path.write_bytes(b"day,channel,amount,campaign\r\n2025-01-01,meta,1,Caff\xe8\r\n")
    report = load_file(con, config, path)
    assert con.execute("select campaign from spend").fetchone()[0] == "Caffè"
    assert report.encoding == "windows-1252"


def test_a_euro_sign_after_the_first_64_kb_of_latin_1_text_is_read(con, config, tmp_path):
    rows = "".join(f"2025-01-01,meta,caffè {i},1\n" for i in range(4000))
    path = tmp_path / "spend.csv"
    path.write_bytes((SPEND_HEADER + rows + "2025-01-02,meta,saldi,€ 3\n").encode("cp1252"))
    report = load_file(con, config, path)
    assert (report.inserted, report.rejected) == (4001, 0)


@pytest.mark.parametrize("block_size", [1, 2, 3, 5, 64])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_lines_are_found_across_read_blocks(tmp_path, block_size, newline):
    from legame.ingest.sniff import blank_lines

    lines = ["h,x", "a,1", "", "", "b,2", "", "c,3", "d,4", "", "e,5"]
    path = tmp_path / "f.csv"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    expected = [i + 1 for i, line in enumerate(lines) if line == ""]  # lines 3, 4, 6, 9
    assert blank_lines(path, "utf-8", after=1, block_size=block_size) == expected


def test_a_second_column_of_the_same_name_is_listed_as_not_used(con, config, tmp_path):
    report = load_file(
        con, config, write(tmp_path, "spend.csv", "day,channel,campaign,amount,amount,\n2025-01-01,m,c,1,2,\n")
    )
    assert report.ignored_columns == ["amount (column 5)", "(no name, column 6)"]
