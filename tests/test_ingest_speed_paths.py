"""The fast paths of a load give what the full merge gives: the unchanged reload and the straight first insert."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legame import warehouse
from legame.config import Config
from legame.ingest import load_file, normalise, pipeline
from legame.ingest.pipeline import load_demo_if_empty
from tests.conftest import write

A = "order_id,person_id,ordered_at,revenue\nX1,p1,2025-01-01,10\nX2,p2,2025-01-02,20\nX3,p3,2025-01-03,30\n"
B = "order_id,person_id,ordered_at,revenue\nX1,p1,2025-01-01,99\nX4,p4,2025-01-04,40\n"
SPEND = "day,channel,campaign,amount\n2025-01-01,ads,Spring,5\n"
PEOPLE_A = "email,first_seen,is_member,segment\nana@example.com,2025-02-01,true,Core\nbo@example.com,2025-02-02,,\n"
PEOPLE_B = (
    "email,first_seen,is_member,segment\nana@example.com,2025-01-15,false,\nbo@example.com,2025-02-02,true,Casual\n"
)
# Read only with decisions (day-first dates) or skips (an empty row): never a plain read, never skipped on reload.
DAY_FIRST = "order_id,person_id,ordered_at,revenue\nX1,p1,25/01/2025,10\nX2,p2,02/02/2025,20\n"
EMPTY_ROW = "order_id,person_id,ordered_at,revenue\nX1,p1,2025-01-01,10\n,,,\nX2,p2,2025-01-02,20\n"
WITH_REJECTS = "order_id,person_id,ordered_at,revenue\nX1,p1,2025-01-01,10\nX2,p2,2025-01-02,ten\nX3,,2025-01-03,30\n"


def _tables(con) -> dict[str, list]:
    return {t: con.execute(f"select * from {t} order by all").fetchall() for t in warehouse.TABLES}


def _counts(report) -> tuple:
    return (
        report.rows_read,
        report.inserted,
        report.replaced,
        report.unchanged,
        report.rejected,
        report.rejects,
        report.duplicates_in_file,
        (report.min_date, report.max_date),
        report.notes,
        report.preview_columns,
        sorted(report.preview_rows, key=repr),
        report.previously_loaded is not None,
    )


def _replay(config: Config, folder: Path, files: list[tuple[str, str]], **patches) -> tuple[list[tuple], dict]:
    """Load the files in order into a new warehouse under `folder`; the reports' counts and the tables."""
    data = copy.deepcopy(config.data)
    data["warehouse"].update(path=str(folder / "legame.duckdb"), raw_dir=str(folder / "raw"))
    other = Config(data=data, root=config.root)
    folder.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for name, value in patches.items():
            mp.setattr(pipeline, name, value)
        con = warehouse.connect(other)
        try:
            reports = [_counts(load_file(con, other, write(folder, name, text))) for name, text in files]
            assert _fingerprints_wrong(con) == []
            return reports, _tables(con)
        finally:
            con.close()


def _fingerprints_wrong(con) -> list[str]:
    """Tables whose fingerprint, kept load by load, differs from one taken of the whole table now (of those
    whose last change was a load: after an erasure or a demo removal the next load takes it whole)."""
    kept = {t: pipeline._kept_fingerprint(con, table) for t, table in warehouse.TABLES.items()}
    assert any(kept.values())
    return [t for t, f in kept.items() if f is not None and f != pipeline._fingerprint(con, warehouse.TABLES[t])]


def _no_shortcut(con, profile, sha) -> bool:
    return False


def _never_empty(con, table) -> bool:
    return False


def _never_unchanged(*args):
    return None, None


@pytest.mark.parametrize(
    "files",
    [
        [("a.csv", A), ("a.csv", A)],
        [("a.csv", A), ("b.csv", B), ("a.csv", A)],
        [("a.csv", A), ("b.csv", B), ("a.csv", A), ("a.csv", A)],
        [("a.csv", A), ("s.csv", SPEND), ("a.csv", A)],
        [("a.csv", WITH_REJECTS), ("a.csv", WITH_REJECTS)],
        [("d.csv", DAY_FIRST), ("d.csv", DAY_FIRST)],
        [("e.csv", EMPTY_ROW), ("e.csv", EMPTY_ROW), ("e.csv", EMPTY_ROW)],
        [("a.csv", A), ("a.csv", A), ("a.csv", A), ("b.csv", B), ("a.csv", A), ("a.csv", A)],
        [("p.csv", PEOPLE_A), ("p.csv", PEOPLE_A)],
        [("p.csv", PEOPLE_A), ("q.csv", PEOPLE_B), ("p.csv", PEOPLE_A), ("p.csv", PEOPLE_A)],
    ],
)
def test_fast_paths_report_and_store_what_the_full_merge_does(config, tmp_path, files):
    fast = _replay(config, tmp_path / "fast", files)
    full = _replay(
        config,
        tmp_path / "full",
        files,
        _loaded_before_untouched=_no_shortcut,
        _is_empty=_never_empty,
        _unchanged_reload=_never_unchanged,
    )
    assert fast == full


def test_reload_after_another_file_replaced_rows_restores_the_first_files_values(con, config, tmp_path):
    a, b = write(tmp_path, "a.csv", A), write(tmp_path, "b.csv", B)
    load_file(con, config, a)
    load_file(con, config, b)
    assert con.execute("select revenue from orders where order_id = 'X1'").fetchone() == (99.0,)
    again = load_file(con, config, a)
    assert (again.inserted, again.replaced, again.unchanged) == (0, 1, 2)
    assert con.execute("select order_id, revenue from orders order by 1").fetchall() == [
        ("X1", 10.0),
        ("X2", 20.0),
        ("X3", 30.0),
        ("X4", 40.0),
    ]


def test_an_unchanged_reload_skips_the_merge_and_is_recorded_honestly(con, config, tmp_path, monkeypatch):
    path = write(tmp_path, "a.csv", WITH_REJECTS)
    first = load_file(con, config, path)
    before = _tables(con)

    def no_merge(*args):
        raise AssertionError("an unchanged reload needs neither the diff nor the merge")

    monkeypatch.setattr(pipeline, "_diff_counts", no_merge)
    monkeypatch.setattr(pipeline, "_merge", no_merge)
    again = load_file(con, config, path)
    assert (again.rows_read, again.inserted, again.replaced, again.unchanged) == (3, 0, 0, 1)
    assert (again.rejected, again.rejects) == (first.rejected, first.rejects) == (2, first.rejects)
    assert again.previously_loaded.startswith("load #1")
    assert _tables(con) == before
    logged = con.execute(
        "select load_id, rows_read, rows_inserted, rows_replaced, rows_unchanged, rows_rejected from loads order by 1"
    ).fetchall()
    assert logged == [(1, 3, 1, 0, 0, 2), (2, 3, 0, 0, 1, 2)]
    rejects = con.execute("select load_id, row_number, column_name from rejects order by all").fetchall()
    assert rejects == [(1, 3, "revenue"), (1, 4, "person_id"), (2, 3, "revenue"), (2, 4, "person_id")]


def test_a_row_changed_by_anything_but_a_load_is_restored_by_a_reload(con, config, tmp_path):
    # The hash and the log of loads only say a reload may be unchanged; the stored rows decide.
    path = write(tmp_path, "a.csv", A)
    load_file(con, config, path)
    con.execute("update orders set revenue = 1 where order_id = 'X2'")
    con.execute("delete from orders where order_id = 'X3'")
    again = load_file(con, config, path)
    assert (again.inserted, again.replaced, again.unchanged) == (1, 1, 1)
    assert con.execute("select order_id, revenue from orders order by 1").fetchall() == [
        ("X1", 10.0),
        ("X2", 20.0),
        ("X3", 30.0),
    ]


def test_a_later_load_of_the_table_or_a_removal_closes_the_shortcut(con, config, tmp_path):
    a = write(tmp_path, "a.csv", A)
    load_file(con, config, a)
    profile = pipeline.detect(("order_id", "person_id", "ordered_at", "revenue"), config, "a.csv")[0]
    sha = pipeline.file_sha256(a)
    assert pipeline._loaded_before_untouched(con, profile, sha)
    load_file(con, config, write(tmp_path, "s.csv", SPEND))  # another table: still open
    assert pipeline._loaded_before_untouched(con, profile, sha)
    load_file(con, config, write(tmp_path, "b.csv", B))
    assert not pipeline._loaded_before_untouched(con, profile, sha)
    load_file(con, config, a)
    assert pipeline._loaded_before_untouched(con, profile, sha)
    con.execute(
        "insert into loads values (99, 'one person erased', '', 'forget', 'all', 0, 0, 0, 0, 0, 0, null, null, "
        "current_timestamp::timestamp, 'cli', false)"
    )
    assert not pipeline._loaded_before_untouched(con, profile, sha)


def test_a_first_load_with_a_repeated_key_or_a_bad_row_is_staged_and_explained(con, config, tmp_path):
    repeated = "order_id,person_id,ordered_at,revenue\nX1,p,2025-01-01,10\nX1,p,2025-01-01,12\nX2,p,2025-01-02,5\n"
    report = load_file(con, config, write(tmp_path, "r.csv", repeated))
    assert (report.inserted, report.duplicates_in_file) == (2, 1)
    assert con.execute("select order_id, revenue, load_id from orders order by 1").fetchall() == [
        ("X1", 12.0, 1),
        ("X2", 5.0, 1),
    ]
    con.execute("delete from orders")
    bad = load_file(con, config, write(tmp_path, "w.csv", WITH_REJECTS))
    assert (bad.inserted, bad.rejected, [r["row"] for r in bad.rejects]) == (1, 2, [3, 4])
    assert con.execute("select count(*) from orders").fetchone() == (1,)


def test_a_straight_first_insert_is_undone_when_the_load_fails_later(con, config, tmp_path, monkeypatch):
    def broken_archive(*args):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline, "archive", broken_archive)
    with pytest.raises(OSError, match="disk full"):
        load_file(con, config, write(tmp_path, "a.csv", A))
    assert warehouse.table_counts(con)["orders"] == 0
    assert con.execute("select count(*) from loads").fetchone() == (0,)
    monkeypatch.undo()
    report = load_file(con, config, write(tmp_path, "a.csv", A))
    assert (report.load_id, report.inserted) == (1, 3)


def test_a_preview_of_a_first_load_leaves_the_table_empty(con, config, tmp_path):
    report = load_file(con, config, write(tmp_path, "a.csv", A), commit=False)
    assert (report.inserted, len(report.preview_rows)) == (3, 3)
    assert warehouse.table_counts(con)["orders"] == 0


def test_an_unchanged_reload_of_the_tables_last_file_does_not_read_it_again(con, config, tmp_path, monkeypatch):
    path = write(tmp_path, "a.csv", A)
    first = load_file(con, config, path)
    before = _tables(con)

    def no_read(*args):
        raise AssertionError("the table is as this very file left it: nothing to read or compare")

    monkeypatch.setattr(pipeline, "_run", no_read)
    preview = load_file(con, config, path, commit=False)
    again = load_file(con, config, path)
    for report in (preview, again):
        assert (report.rows_read, report.inserted, report.replaced, report.unchanged, report.rejected) == (
            3,
            0,
            0,
            3,
            0,
        )
        assert sorted(report.preview_rows) == sorted(first.preview_rows)
        assert report.notes == first.notes
        assert report.previously_loaded.startswith("load #1")
    assert (preview.load_id, again.load_id) == (None, 2)
    assert _tables(con) == before
    logged = con.execute("select load_id, sha256, rows_read, rows_inserted, rows_unchanged from loads order by 1")
    assert logged.fetchall() == [(1, first.sha256, 3, 3, 0), (2, first.sha256, 3, 0, 3)]
    assert load_file(con, config, path).unchanged == 3  # and again, from the reload's own record


def test_a_reload_is_read_again_when_a_setting_of_the_reading_changed(con, config, tmp_path):
    path = write(tmp_path, "a.csv", A)
    load_file(con, config, path)
    data = copy.deepcopy(config.data)
    data["plausibility"] = {"earliest_date": "2025-01-02"}
    stricter = Config(data=data, root=config.root)
    again = load_file(con, stricter, path)
    assert (again.unchanged, again.rejected, [r["row"] for r in again.rejects]) == (2, 1, [2])


def test_a_reload_after_a_rolled_back_change_is_still_skipped_and_after_a_kept_one_is_not(
    con, config, tmp_path, monkeypatch
):
    path = write(tmp_path, "a.csv", A)
    load_file(con, config, path)
    con.execute("begin transaction")
    con.execute("delete from orders where order_id = 'X3'")
    con.execute("rollback")
    with monkeypatch.context() as patched:
        patched.setattr(pipeline, "_run", None)  # not called: the reload reads nothing
        assert load_file(con, config, path).unchanged == 3
    con.execute("update orders set person_id = 'p9' where order_id = 'X3'")  # by hand, not by a load
    again = load_file(con, config, path)
    assert (again.replaced, again.unchanged) == (1, 2)
    assert con.execute("select person_id from orders where order_id = 'X3'").fetchone() == ("p3",)


def test_the_kept_fingerprint_follows_erasures_removals_and_heals_after_a_change_by_hand(con, config, tmp_path):
    from legame.demo_data import remove_demo
    from legame.forget import forget

    load_demo_if_empty(con, config)
    assert remove_demo(con, config) is not None
    orders = write(tmp_path, "o.csv", "order_id,email,ordered_at,revenue\nX1,ana@example.com,2025-01-01,10\n")
    more = write(tmp_path, "m.csv", "order_id,email,ordered_at,revenue\nX2,bo@example.com,2025-01-02,20\n")
    load_file(con, config, orders)
    forget(con, config, "ana@example.com")
    load_file(con, config, more)
    assert _fingerprints_wrong(con) == []
    con.execute("update orders set revenue = 21 where order_id = 'X2'")  # by hand: the kept fingerprint is stale
    load_file(con, config, orders)
    assert "orders" in _fingerprints_wrong(con)
    again = load_file(con, config, orders)  # the last file again: its fingerprint taken whole, so healed
    assert (again.inserted, again.replaced, again.unchanged) == (0, 0, 1)
    assert _fingerprints_wrong(con) == []


# Unicode's space separators (DuckDB's trim() removes exactly these), a tab and a line break (kept), letters.
CELL_CHARS = " \u00a0\u1680\u2000\u2005\u200a\u202f\u205f\u3000\t\nxé'%_"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=CELL_CHARS, max_size=6) | st.none(), min_size=1, max_size=20))
def test_a_cell_is_read_as_trim_reads_it(values):
    """normalise.cell skips trim() for a plain-ASCII value with no space at either end: it must read every
    value as nullif(trim(value), '') does."""
    con = duckdb.connect()
    con.execute("create table t (v varchar)")
    con.executemany("insert into t values (?)", [(v,) for v in values])
    rows = con.execute(f"select {normalise.cell('v')}, nullif(trim(v), '') from t").fetchall()
    assert [a for a, _ in rows] == [b for _, b in rows]
