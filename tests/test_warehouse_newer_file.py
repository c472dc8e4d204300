"""A database file written by a newer DuckDB than the pinned one (an earlier Legame on DuckDB 2.0.1 wrote
version 999) is refused with words that name the file and a way out, in English and Italian."""

from __future__ import annotations

import duckdb
import pytest

from legame import i18n, warehouse
from legame.errors import LegameError

# DuckDB 1.5.5's own words for a file of DuckDB 2.0.1 (seen on this project's data/legame.duckdb).
NEWER = (
    "IO Error: Trying to read a database file with version number 999, but we can only read versions between 64 "
    "and 68.\nThe database file was created with an newer version of DuckDB."
)


@pytest.fixture
def newer_file(monkeypatch, tmp_path):
    path = tmp_path / "legame.duckdb"
    path.write_bytes(b"written by a newer DuckDB")
    real = duckdb.connect

    def connect(database=":memory:", *args, **kwargs):
        if str(database) == str(path):
            raise duckdb.IOException(NEWER)
        return real(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", connect)
    return path


def test_a_file_of_a_newer_duckdb_is_refused_in_plain_words(newer_file):
    with pytest.raises(LegameError) as refused:
        warehouse._connect_file(newer_file, read_only=False)
    said = str(refused.value)
    assert str(newer_file) in said and "storage version 999" in said and duckdb.__version__ in said
    assert "move the file aside" in said
    assert newer_file.read_bytes() == b"written by a newer DuckDB"  # left as it was


def test_the_refusal_reads_in_italian(newer_file):
    with i18n.language("it"), pytest.raises(LegameError) as refused:
        warehouse._connect_file(newer_file, read_only=True)
    assert "è stato scritto da una versione di DuckDB più recente" in str(refused.value)
    assert "storage version" not in str(refused.value)


def test_other_io_errors_are_not_taken_for_it(monkeypatch, tmp_path):
    def connect(*args, **kwargs):
        raise duckdb.IOException("IO Error: Cannot open file: No space left on device")

    monkeypatch.setattr(duckdb, "connect", connect)
    with pytest.raises(duckdb.IOException):
        warehouse._connect_file(tmp_path / "x.duckdb", read_only=False)
