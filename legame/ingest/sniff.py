"""First look at a file: its encoding, delimiter and header, read from the first bytes."""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from legame.errors import FatalFileError

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
PREAMBLE_LINES = 10  # the most lines of title, date range etc. looked past for a header


@dataclass(frozen=True)
class Sniffed:
    """What the ingest pipeline needs to read the file with DuckDB."""

    encoding: str  # a name DuckDB's read_csv accepts
    delimiter: str
    header: tuple[str, ...]
    skip: int = 0  # lines before the header (a report's title, date range...)


# Encodings DuckDB does not read itself, and Python's codec for each: copied to UTF-8 first.
# A file that is not UTF-8 is read as Windows-1252 (Excel's CSV on Windows), which is Latin-1
# plus €, curly quotes and dashes where Latin-1 has control characters: from a sample alone,
# a later € could not be told from Latin-1.
TRANSCODED = {"windows-1252": "cp1252", "utf-16-be": "utf-16"}


def _encoding(sample: bytes, complete: bool) -> str:
    """The file's encoding from its byte-order mark or a UTF-8 trial of its first bytes (`complete`: all of it)."""
    if sample.startswith(b"\xff\xfe"):
        return "utf-16"
    if sample.startswith(b"\xfe\xff"):
        return "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut through a multi-byte character at the end of a partial sample is not an error.
        if complete or exc.start < len(sample) - 4:
            return "windows-1252"
    return "utf-8"


def _text(sample: bytes, encoding: str) -> str:
    codec = {"utf-8": "utf-8-sig", "utf-16": "utf-16", **TRANSCODED}.get(encoding, "latin-1")
    return sample.decode(codec, errors="ignore")


@contextmanager
def readable(path: Path, sniffed: Sniffed) -> Iterator[tuple[Path, Sniffed]]:
    """The file as DuckDB can read it: as it is, or copied to UTF-8 for the block.

    DuckDB reads UTF-8 and UTF-16 (little-endian) itself; Windows-1252 (and so Latin-1) and
    big-endian UTF-16 are transcoded first.
    """
    if sniffed.encoding not in TRANSCODED:
        yield path, sniffed
        return
    with tempfile.TemporaryDirectory(prefix="legame-cp1252-") as folder:
        target = Path(folder) / "utf8.csv"
        # Bytes with no character (five in Windows-1252) become U+FFFD, visible in the data.
        with (
            open(path, encoding=TRANSCODED[sniffed.encoding], errors="replace", newline="") as source,
            open(target, "w", encoding="utf-8", newline="") as copy,
        ):
            shutil.copyfileobj(source, copy, 1 << 20)
        yield target, replace(sniffed, encoding="utf-8")


def _delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def sniff(path: Path, file_name: str, skip: int = 0) -> Sniffed:
    """Encoding from the byte-order mark or a UTF-8 trial; delimiter and header from line `skip` + 1."""
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip():
        raise FatalFileError(f"{file_name} is empty.")
    encoding = _encoding(sample, complete=len(sample) < SAMPLE_BYTES)
    lines = re.split(r"\r\n|\n|\r", _text(sample, encoding))
    header_line = lines[skip] if skip < len(lines) else ""
    delimiter = _delimiter(header_line)
    header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
    header = tuple(h.strip() for h in header)
    if not any(header):
        where = "first line" if skip == 0 else f"line {skip + 1}"
        raise FatalFileError(f"{file_name}: the {where} is empty; expected a header row.")
    return Sniffed(encoding=encoding, delimiter=delimiter, header=header, skip=skip)


def unique_names(header: tuple[str, ...]) -> list[str]:
    """The header's names as the pipeline reads them: a blank one is columnN, a repeated one name_2.

    Names are told apart as SQL tells them, in any case (Amount and amount are one name), and a
    made-up name never takes one the header already has.
    """
    taken = {h.lower() for h in header if h}
    used: set[str] = set()
    names = []
    for i, name in enumerate(header):
        candidate = name or f"column{i + 1}"
        n = 1
        while candidate.lower() in used or (candidate != name and candidate.lower() in taken):
            n += 1
            candidate = f"{name or 'column'}_{n}" if name else f"column{i + 1}_{n}"
        used.add(candidate.lower())
        names.append(candidate)
    return names


def header_line(path: Path, file_name: str) -> int:
    """The line (counted from 0) most likely to be the header of a file no profile knows.

    Above a header may stand a report's title, a date range, `#` comments or blank
    lines, each with at most a value or two; the header is the first of the first
    lines to hold as many values as any of them.
    """
    with open(path, "rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    encoding = _encoding(sample, complete=len(sample) < SAMPLE_BYTES)
    lines = re.split(r"\r\n|\n|\r", _text(sample, encoding))[: PREAMBLE_LINES + 1]
    delimiter = _delimiter(max(lines, key=lambda line: max(line.count(d) for d in DELIMITERS)))
    cells = [next(csv.reader(io.StringIO(line), delimiter=delimiter), []) for line in lines]

    def width(row: list[str]) -> int:
        # A header and the rows below it have as many fields (a header may leave one blank, as
        # pandas does for its index); a title or date line has one value at most.
        filled = sum(1 for v in row if v.strip())
        return 0 if row and is_comment(row[0]) else len(row) if filled >= 2 else filled

    counts = [width(row) for row in cells]
    return counts.index(max(counts)) if counts else 0


def is_comment(first_cell: str) -> bool:
    """A `# ...` comment line (GA4's preamble), not a column named `#` (Typeform's response token)."""
    return first_cell.startswith("#") and first_cell.strip() != "#"


_BLANK_LINE = re.compile(rb"\n(?=\r?\n)")  # the end of a line that an empty line follows


def blank_lines(path: Path, encoding: str, after: int, block_size: int = 1 << 22) -> list[int]:
    """The numbers (from 1) of the empty lines after line `after` of a UTF-8 or 8-bit file.

    DuckDB skips empty lines, a spreadsheet shows them as rows: knowing where they are keeps
    reject row numbers the file's own. Read in blocks; UTF-16 files are not searched. Empty
    lines at the very end of the file follow every row and are not reported.
    """
    if encoding.startswith("utf-16"):
        return []
    found: list[int] = []
    newlines_before = 0  # newlines in the file before `data`
    data = b""
    with open(path, "rb") as fh:
        while block := fh.read(block_size):
            # The last two bytes wait for the next block, where what follows them is known.
            data = data[-2:] + block
            done, counted = len(data) - 2, 0
            for match in _BLANK_LINE.finditer(data):
                if match.start() >= done:
                    break
                newlines_before += data.count(b"\n", counted, match.start())
                counted = match.start()
                if newlines_before + 2 > after:
                    found.append(newlines_before + 2)
            newlines_before += data.count(b"\n", counted, done)
    return found
