"""Adversarial review of the five ingest speed-ups of #15 (49cbb27, 89e2483, e8bd641, c8e6b86, 2f9f1f7).

Each shortcut must give what the slow path gave, through real files and the real pipeline:
ISO times read by the plain cast, trimming skipped for plain cells, the day's first act kept as two
columns, the archive checked by its chunks' tags, and the rebuild's raised memory cap set back.
"""

from __future__ import annotations

import copy
import hashlib
import io
import struct
from datetime import date, datetime

import duckdb
import pytest

from legame import aggregates, raw_archive, warehouse
from legame.config import Config
from legame.errors import FatalFileError
from legame.ingest import load_file, locale
from legame.ingest.normalise import cell
from legame.kpis import Period
from legame.kpis.params import channel_map, query_params
from tests.conftest import write
from tests.test_aggregates import differences, rebuilt_equal


@pytest.fixture
def config(config):
    """These tests read times as the zoned cast reads them in UTC: on UTC's clock (test_ingest_time_zone.py
    holds the configured clock)."""
    data = copy.deepcopy(config.data)
    data["time_zone"] = "UTC"
    return Config(data=data, root=config.root)


# -- 1. ISO times: the plain cast for a text with no offset ---------------------------------------------

# (text in the file, the UTC wall time expected) – None: not a date, the row is rejected.
TIMES = [
    ("2026-05-17T09:00:00", datetime(2026, 5, 17, 9, 0)),
    ("2026-05-17 09:00:00", datetime(2026, 5, 17, 9, 0)),
    ("2026-05-17 09:00", datetime(2026, 5, 17, 9, 0)),
    ("2026-05-17T09:00:00.5", datetime(2026, 5, 17, 9, 0, 0, 500000)),
    ("2026-05-17 09:00:00.123456", datetime(2026, 5, 17, 9, 0, 0, 123456)),
    ("2026-05-17 09:00:00.1234567", datetime(2026, 5, 17, 9, 0, 0, 123456)),
    ("2026-05-17 09:00:00.123456789", datetime(2026, 5, 17, 9, 0, 0, 123456)),
    ("2026-05-17T09:00:00Z", datetime(2026, 5, 17, 9, 0)),
    ("2026-05-17T09:00:00.25Z", datetime(2026, 5, 17, 9, 0, 0, 250000)),
    ("2026-05-17 09:00:00 UTC", datetime(2026, 5, 17, 9, 0)),
    ("2026-05-17 09:00:00+02:00", datetime(2026, 5, 17, 7, 0)),
    ("2026-05-17T09:00:00+0200", datetime(2026, 5, 17, 7, 0)),
    ("2026-05-17T09:00:00.75+02:00", datetime(2026, 5, 17, 7, 0, 0, 750000)),
    ("2026-05-17T09:00:00-05:00", datetime(2026, 5, 17, 14, 0)),
    ("2026-05-17 09:00:00-0530", datetime(2026, 5, 17, 14, 30)),
    ("2026-05-17 09:00:00 Europe/Rome", datetime(2026, 5, 17, 7, 0)),
    ("2026-05-17 09:00:00 Asia/Kolkata", datetime(2026, 5, 17, 3, 30)),
    ("2026-05-17 09:00:00 America/Port-au-Prince", datetime(2026, 5, 17, 13, 0)),
    ("2026-05-17 09:00:00 Etc/GMT+2", datetime(2026, 5, 17, 11, 0)),
    # A time no one lived in Rome (DST gap of 29 March 2026) is still that wall time in UTC...
    ("2026-03-29 02:30:00", datetime(2026, 3, 29, 2, 30)),
    ("2026-10-25 02:30:00", datetime(2026, 10, 25, 2, 30)),
    # ...but read in Rome it is moved on by ICU, as the zoned cast always did.
    ("2026-03-29 02:30:00 Europe/Rome", datetime(2026, 3, 29, 1, 30)),
    ("2026-05-17", datetime(2026, 5, 17)),
    ("2024-02-29", datetime(2024, 2, 29)),
    ("2026-05-17 24:00:00", datetime(2026, 5, 18)),
    ("2025-02-29", None),
    ("2026-02-30", None),
    ("2026-13-01", None),
    ("2026-05-17 25:00:00", None),
    ("2026-05-17 09:00:00 Mars/Olympus", None),
    ("2026-05-17T09", None),
]


def _zoned(con: duckdb.DuckDBPyConnection, text: str):
    """The definition before 49cbb27: the zoned cast, in a query of its own (UTC, as every connection)."""
    return con.execute(
        "select case when substr(v, 5, 1) = '-' then try_cast(v as timestamptz)::timestamp end "
        "from (select ?::varchar v)",
        [text],
    ).fetchone()[0]


def test_iso_sql_reads_each_text_as_the_zoned_cast_does():
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    texts = [t for t, _ in TIMES]
    for sep in ("T", " "):
        for digits in range(0, 10):
            frac = "" if not digits else "." + "123456789"[:digits]
            for tail in ("", "Z", "+02:00", "+0200", "-03:30", " UTC", " Europe/Rome", " America/New_York"):
                texts.append(f"2026-03-29{sep}02:30:00{frac}{tail}")
    for text in texts:
        got = con.execute(f"select {locale.date_sql('v', None)} from (select ?::varchar v)", [text]).fetchone()[0]
        assert got == _zoned(con, text), text


def test_times_through_a_real_load(con, config, tmp_path):
    lines = ["event_id,person_id,occurred_at,channel,kind,post_id"]
    lines += [f"t{i},p{i},{text},forum,comment," for i, (text, _) in enumerate(TIMES)]
    report = load_file(con, config, write(tmp_path, "interactions.csv", "\n".join(lines) + "\n"))
    got = dict(con.execute("select event_id, occurred_at from interactions").fetchall())
    for i, (text, expected) in enumerate(TIMES):
        assert got.get(f"t{i}") == expected, text
    assert report.rejected == sum(e is None for _, e in TIMES)


def test_a_zone_name_on_one_row_does_not_move_the_plain_times_of_the_next(con, config, tmp_path):
    # In one vector the zoned cast (ICU) carried a zone name over to the next rows with none: the plain
    # cast must read every row on its own, whatever rows precede it.
    rows = []
    for i in range(40):
        rows.append((f"z{i}", "2026-05-17 09:00:00 Asia/Kolkata", datetime(2026, 5, 17, 3, 30)))
        rows.append((f"n{i}", "2026-05-17 09:00:00", datetime(2026, 5, 17, 9, 0)))
        rows.append((f"d{i}", "2026-05-17", datetime(2026, 5, 17)))
        rows.append((f"o{i}", "2026-05-17 09:00:00+02:00", datetime(2026, 5, 17, 7, 0)))
    text = "event_id,person_id,occurred_at,channel,kind,post_id\n"
    text += "".join(f"{e},p1,{t},forum,comment,\n" for e, t, _ in rows)
    assert load_file(con, config, write(tmp_path, "interactions.csv", text)).rejected == 0
    got = dict(con.execute("select event_id, occurred_at from interactions").fetchall())
    assert {e: got[e] for e, _, _ in rows} == {e: x for e, _, x in rows}


# -- 3. Cells: trim() skipped for plain-ASCII values with no space at either end -----------------------

CELLS = [
    "forum",
    " forum",
    "forum ",
    "  forum  ",
    "\u00a0forum",
    "forum\u00a0",
    "\u3000forum\u2003",
    "\u1680forum",
    "forum\t",
    "\tforum",
    "forum\u200b",
    "\ufeffforum",
    "café",
    " café ",
    "café\u00a0",
    "ß",
    "\u00a0",
    "   ",
    "\u2003 \u00a0",
    "",
    "\t",
]


def test_cell_reads_every_value_as_nullif_trim_does():
    con = duckdb.connect()
    con.execute("create table t (v varchar)")
    con.executemany("insert into t values (?)", [[c] for c in CELLS] + [[None], ["a\r"], ["\ra"], ["a\n"], ["é\u2028"]])
    rows = con.execute(f"select v, nullif(trim(v), '') as slow, {cell('v')} as fast from t").fetchall()
    assert [r for r in rows if r[1] != r[2]] == []


def test_cells_through_a_real_load(con, config, tmp_path):
    # channel and post_id are kept as the file writes them, trimmed; a cell of spaces only is empty.
    reference = duckdb.connect()
    lines = ["event_id,person_id,occurred_at,channel,kind,post_id"]
    for i, value in enumerate(CELLS):
        quoted = '"' + value.replace('"', '""') + '"'
        lines.append(f"e{i},p{i},2026-05-17 09:00:00,{quoted},comment,{quoted}")
    lines.append('e_cr,p_cr,2026-05-17 09:00:00,"forum\r",comment,"\rpost"')
    text = "\n".join(lines) + "\n"
    assert load_file(con, config, write(tmp_path, "interactions.csv", text)).rejected == 0
    got = {e: (c, p) for e, c, p in con.execute("select event_id, channel, post_id from interactions").fetchall()}
    expected = {}
    for i, value in enumerate(CELLS):
        trimmed = reference.execute("select nullif(trim(?::varchar), '')", [value]).fetchone()[0]
        expected[f"e{i}"] = (trimmed, trimmed)
    expected["e_cr"] = ("forum\r", "\rpost")
    assert got == expected


def test_a_key_padded_with_unicode_spaces_replaces_the_same_row(con, config, tmp_path):
    # The same key, once plain and once padded with NBSP and an ideographic space: one row, replaced.
    first = "event_id,person_id,occurred_at,channel,kind,post_id\nk1,p1,2026-05-17 09:00:00,forum,comment,\n"
    second = "event_id,person_id,occurred_at,channel,kind,post_id\n\u00a0k1\u3000,p1,2026-05-18 09:00:00,web,comment,\n"
    load_file(con, config, write(tmp_path, "interactions.csv", first))
    (tmp_path / "b").mkdir()
    load_file(con, config, write(tmp_path / "b", "interactions.csv", second))
    assert con.execute("select event_id, channel from interactions").fetchall() == [("k1", "web")]


# -- 2. The day's first act: (occurred_at, event_id), ties broken by the id ---------------------------

TIES = """event_id,person_id,occurred_at,channel,kind,post_id
e2,p1,2026-05-17 09:00:00,facebook,comment,
e10,p1,2026-05-17 09:00:00,instagram,comment,
e3,p1,2026-05-17 11:00:00,forum,comment,
b,p2,2026-05-17 08:00:00Z,facebook,comment,
a,p2,2026-05-17T10:00:00+02:00,instagram,comment,
c,p2,2026-05-17 08:00:00.000000,forum,comment,
x9,p3,2026-05-17 09:00:00.5,forum,comment,
x1,p3,2026-05-17 09:00:00.25,web,comment,
x0,p3,2026-05-17 09:00:00.250001,facebook,comment,
y2,p4,2026-05-16 23:59:59,web,comment,
y1,p4,2026-05-17 00:00:00,facebook,comment,
y0,p4,2026-05-17 00:00:00,instagram,comment,
e9,p5,2026-05-17 09:00:00,facebook,comment,
e7,p5,2026-05-17 09:00:00,instagram,comment,
e5,p5,2026-05-17 09:00:00,facebook,comment,
f9,p6,2026-05-17 09:00:00,facebook,comment,
f1,p6,2026-05-17 10:00:00,facebook,comment,
f5,p6,2026-05-17 09:00:00,instagram,comment,
"""
# The channel of each person's first act on 2026-05-17 (by occurred_at, then event_id).
# p5 and p6: several acts in one (day, channel), tied with another channel's act; the id decides.
FIRST_ON_17 = {
    "p1": "instagram",
    "p2": "instagram",
    "p3": "web",
    "p4": "instagram",
    "p5": "facebook",
    "p6": "instagram",
}


def _firsts(con, config, fast: bool, period: Period) -> dict[str, list[str]]:
    warehouse.install_relations(con, "aggregated" if fast else "raw")
    try:
        params = query_params(config, period, {}, channels=channel_map(con, config))
        rows = con.execute(
            "select person_id, source_channel from interaction_days($channels, $start, $end) "
            "where is_first_in_period order by all",
            {k: params[k] for k in ("channels", "start", "end")},
        ).fetchall()
    finally:
        warehouse.install_relations(con)
    found: dict[str, list[str]] = {}
    for person, channel in rows:
        found.setdefault(person, []).append(channel)
    return found


def _person_ids(con) -> dict[str, str]:
    return {e: p for e, p in con.execute("select event_id, person_id from interactions").fetchall()}


def test_ties_in_the_first_act_pick_what_the_raw_definition_picks(con, config, tmp_path):
    assert load_file(con, config, write(tmp_path, "interactions.csv", TIES)).rejected == 0
    ids = _person_ids(con)
    person = {"p1": ids["e2"], "p2": ids["a"], "p3": ids["x1"], "p4": ids["y1"], "p5": ids["e5"], "p6": ids["f1"]}
    day = Period(date(2026, 5, 17), date(2026, 5, 17))
    raw, fast = _firsts(con, config, False, day), _firsts(con, config, True, day)
    assert raw == fast
    assert raw == {person[p]: [c] for p, c in FIRST_ON_17.items()}
    # Over two days p4's first act is the day before.
    both = Period(date(2026, 5, 16), date(2026, 5, 17))
    assert _firsts(con, config, False, both) == _firsts(con, config, True, both)
    assert _firsts(con, config, True, both)[person["p4"]] == ["web"]
    first = dict(
        con.execute(
            "select person_id, source_channel from agg_interaction_days where is_first_of_day and day = '2026-05-17'"
        ).fetchall()
    )
    assert first == {person[p]: c for p, c in FIRST_ON_17.items()}
    assert differences(con, config, (day, both, Period(date(2026, 1, 1), date(2026, 12, 31)))) == []
    assert rebuilt_equal(con) == []


def test_ties_kept_incrementally_then_rebuilt(con, config, tmp_path):
    # A first load rebuilds; a second with one person's acts refreshes that person only: same rows either way.
    assert load_file(con, config, write(tmp_path, "interactions.csv", TIES)).rejected == 0
    more = "event_id,person_id,occurred_at,channel,kind,post_id\ne1,p1,2026-05-17 09:00:00,web,comment,\n"
    (tmp_path / "b").mkdir()
    assert load_file(con, config, write(tmp_path / "b", "interactions.csv", more)).rejected == 0
    p1 = _person_ids(con)["e1"]
    day = Period(date(2026, 5, 17), date(2026, 5, 17))
    assert _firsts(con, config, True, day)[p1] == ["web"]
    assert _firsts(con, config, False, day) == _firsts(con, config, True, day)
    assert rebuilt_equal(con) == []


# -- 5. The rebuild's memory cap ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _raised_cap(monkeypatch):
    """A rebuild cap other than the connection's (aggregates.REBUILD_MEMORY_LIMIT is now the same 1 GB), so
    that a cap left behind by a rebuild shows."""
    monkeypatch.setattr(aggregates, "REBUILD_MEMORY_LIMIT", "1.5GB")


def _cap(con) -> str:
    return con.execute("select current_setting('memory_limit')").fetchone()[0]


def _usual() -> str:
    """The connection's own cap (warehouse.MEMORY_LIMIT) as DuckDB shows it: opening the warehouse rebuilds its
    aggregates too, so a cap left raised would already be there before a test's first look."""
    with duckdb.connect() as other:
        warehouse.limit_memory(other)
        return _cap(other)


def _aggregate_rows(con) -> dict[str, list]:
    tables = (*aggregates.PERSON_TABLES, *aggregates.WHOLE_TABLES, "aggregates_version")
    return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}


def _failing_on_the_second_file(monkeypatch, failure):
    real, seen = aggregates._insert, []

    def insert(con, file, everyone):
        seen.append(file)
        if len(seen) == 2:
            failure(con)
        real(con, file, everyone)

    monkeypatch.setattr(aggregates, "_insert", insert)
    return seen


def _duckdb_error(con):
    con.execute("select 'not a number'::integer")  # a DuckDB error: the transaction is aborted


def _python_error(con):
    raise RuntimeError("interrupted")


def test_the_cap_is_set_back_after_a_rebuild(con, config, tmp_path):
    load_file(con, config, write(tmp_path, "interactions.csv", TIES))
    before = _cap(con)
    aggregates.rebuild(con)
    assert _cap(con) == before
    assert _cap(con) == _usual()


@pytest.mark.parametrize(
    "failure, error",
    [(_duckdb_error, duckdb.ConversionException), (_python_error, RuntimeError)],
    ids=["duckdb-error", "python-error"],
)
def test_a_rebuild_failing_midway_sets_the_cap_back_and_raises_its_own_error(
    con, config, tmp_path, monkeypatch, failure, error
):
    load_file(con, config, write(tmp_path, "interactions.csv", TIES))
    before, kept = _cap(con), _aggregate_rows(con)
    seen = _failing_on_the_second_file(monkeypatch, failure)
    with pytest.raises(error):
        aggregates.rebuild(con)
    assert len(seen) == 2  # it did fail midway, after one table was rebuilt
    assert _cap(con) == before, "the rebuild's 1.5 GB cap outlived it"
    assert _cap(con) == _usual()
    assert _aggregate_rows(con) == kept


@pytest.mark.parametrize(
    "failure, error",
    [(_duckdb_error, duckdb.ConversionException), (_python_error, RuntimeError)],
    ids=["duckdb-error", "python-error"],
)
def test_a_first_load_whose_rebuild_fails_leaves_no_rows_and_the_cap_as_it_was(
    con, config, tmp_path, monkeypatch, failure, error
):
    before = _cap(con)
    _failing_on_the_second_file(monkeypatch, failure)
    with pytest.raises(error):
        load_file(con, config, write(tmp_path, "interactions.csv", TIES))
    assert _cap(con) == before
    assert _cap(con) == _usual()
    assert con.execute("select count(*) from interactions").fetchone()[0] == 0
    assert con.execute("select count(*) from agg_interaction_days").fetchone()[0] == 0


# -- 4. The archive: a damaged copy is never taken for the upload ------------------------------------


def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """The header and the framed chunks (length + sealed bytes) of an archived copy."""
    header, rest, chunks = data[: raw_archive._HEADER.size], data[raw_archive._HEADER.size :], []
    while rest:
        (n,) = struct.unpack(">I", rest[:4])
        chunks.append(rest[: 4 + n])
        rest = rest[4 + n :]
    return header, chunks


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _damaged(whole: bytes, other: bytes) -> dict[str, bytes]:
    header, chunks = _chunks(whole)
    _, foreign = _chunks(other)
    cases = {
        "header only": header,
        "cut in the header": whole[: len(header) - 3],
        "cut mid-chunk": whole[:-7],
        "one byte more": whole + b"\0",
        "the last chunk twice": whole + chunks[-1],
        "bit flipped in the header's hash": _flip(whole, len(raw_archive.MAGIC) + 8 + 5),
        "bit flipped in the nonce prefix": _flip(whole, len(raw_archive.MAGIC) + 2),
        "flags changed": _flip(whole, len(header) - 1),
        "magic changed": _flip(whole, 0),
    }
    offset = len(header)
    for i, chunk in enumerate(chunks):
        cases[f"bit flipped in chunk {i}'s length"] = _flip(whole, offset + 3)
        cases[f"bit flipped in chunk {i}'s body"] = _flip(whole, offset + 4 + len(chunk) // 2)
        cases[f"bit flipped in chunk {i}'s tag"] = _flip(whole, offset + len(chunk) - 1)
        offset += len(chunk)
        if i < len(chunks) - 1:
            cases[f"cut after chunk {i}"] = header + b"".join(chunks[: i + 1])
            cases[f"chunk {i} dropped"] = header + b"".join(chunks[:i] + chunks[i + 1 :])
            cases[f"chunks {i} and {i + 1} swapped"] = header + b"".join(
                [*chunks[:i], chunks[i + 1], chunks[i], *chunks[i + 2 :]]
            )
            cases[f"chunk {i} twice"] = header + b"".join(chunks[: i + 1] + chunks[i:])
        cases[f"chunk {i} from another copy of the same bytes"] = header + b"".join(
            [*chunks[:i], foreign[i], *chunks[i + 1 :]]
        )
    cases["another copy's header"] = other[: len(header)] + b"".join(chunks)
    return cases


@pytest.mark.parametrize("size", [0, 1, raw_archive.CHUNK, raw_archive.CHUNK + 1, 2 * raw_archive.CHUNK + 12345])
def test_a_truncated_reordered_or_flipped_copy_does_not_authenticate(config, tmp_path, size):
    plain = (b"order_id,email\n" + bytes(range(256)) * (size // 256 + 1))[:size]
    sha = hashlib.sha256(plain).hexdigest()
    key = raw_archive._key(config)
    copies = []
    for _ in range(2):
        out = io.BytesIO()
        assert raw_archive._encrypt(io.BytesIO(plain), out, key, sha) == sha
        copies.append(out.getvalue())
    whole, other = copies
    path = tmp_path / "copy.enc"
    path.write_bytes(whole)
    assert raw_archive._authentic(path, key) and raw_archive.check(path, key)
    for name, damaged in _damaged(whole, other).items():
        assert damaged != whole, name
        path.write_bytes(damaged)
        assert not raw_archive._authentic(path, key), name
        assert not raw_archive.check(path, key), name


def test_an_upload_of_several_chunks_whose_copy_comes_out_damaged_is_not_archived(config, tmp_path, monkeypatch):
    # _write must refuse what _encrypt wrote if it does not authenticate: here the chunks come out swapped.
    body = "".join(f"A-{i},x{i}@example.com,2025-08-01,{i}\n" for i in range(80_000))
    path = write(tmp_path, "orders.csv", "order_id,email,ordered_at,revenue\n" + body)
    assert path.stat().st_size > 2 * raw_archive.CHUNK
    sha = raw_archive.file_sha256(path)
    real = raw_archive._encrypt

    def swapping(source, out, key, sha_, flags=0):
        buffer = io.BytesIO()
        read = real(source, buffer, key, sha_, flags)
        header, chunks = _chunks(buffer.getvalue())
        out.write(header + b"".join([chunks[1], chunks[0], *chunks[2:]]))
        return read

    monkeypatch.setattr(raw_archive, "_encrypt", swapping)
    with pytest.raises(FatalFileError, match="did not check out"):
        raw_archive.store(path, sha, "orders.csv", config)
    assert list(raw_archive.folder(config).iterdir()) == []
    monkeypatch.setattr(raw_archive, "_encrypt", real)
    raw_archive.store(path, sha, "orders.csv", config)
    assert raw_archive.intact(config, sha)


def _everything(con) -> dict[str, list]:
    tables = [
        t for (t,) in con.execute("select table_name from duckdb_tables() where not temporary order by 1").fetchall()
    ]
    return {t: sorted(map(repr, con.execute(f"select * from {t}").fetchall())) for t in tables}


@pytest.mark.parametrize("how", ["copy damaged", "disk full", "rename fails"])
def test_a_load_whose_archive_write_fails_leaves_the_database_unchanged(con, config, tmp_path, monkeypatch, how):
    first = write(tmp_path, "interactions.csv", TIES)
    (tmp_path / "b").mkdir()
    second = write(
        tmp_path / "b",
        "interactions.csv",
        TIES.replace("forum", "web") + "new1,p9,2026-05-18 09:00:00,web,comment,\n",
    )
    for path, loaded_before in ((first, False), (second, True)):
        if loaded_before:
            load_file(con, config, first)
        before, cap = _everything(con), _cap(con)
        with monkeypatch.context() as m:
            if how == "copy damaged":
                m.setattr(raw_archive, "_authentic", lambda *a: False)
            elif how == "disk full":

                def full(source, out, key, sha, flags=0):
                    out.write(b"LEGAME")
                    raise OSError(28, "No space left on device")

                m.setattr(raw_archive, "_encrypt", full)
            else:

                def refuse(*a):
                    raise PermissionError("read-only folder")

                m.setattr(raw_archive.os, "replace", refuse)
            with pytest.raises((FatalFileError, OSError)):
                load_file(con, config, path)
        assert _everything(con) == before, (how, path.parent.name)
        assert _cap(con) == cap
        assert _cap(con) == _usual()
        assert not raw_archive.intact(config, raw_archive.file_sha256(path))
        assert [p for p in raw_archive.folder(config).iterdir() if p.name.startswith(".")] == []
