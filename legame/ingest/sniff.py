"""First look at a file: its encoding, delimiter and header, read from the first bytes."""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import tempfile
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from legame.errors import FatalFileError
from legame.i18n import N_, _
from legame.ingest.reasons import VALUES_NOT_COLUMNS

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
PREAMBLE_LINES = 10  # the most lines of title, date range etc. looked past for a header
MAX_LINE_BYTES = 2_000_000  # DuckDB's read_csv limit on one line (max_line_size), kept as it is


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
# UTF-16 with no byte-order mark (SQL Server's bcp -w, .NET writers without a preamble): read
# as 8-bit text, every other byte is a NUL and the header comes back as " o r d e r _ i d".
# Its ASCII characters (delimiters, digits, Latin letters) put a NUL on one side of each pair.
UTF16_NO_BOM = {"utf-16-le-nobom": "utf-16-le", "utf-16-be-nobom": "utf-16-be"}
TRANSCODED.update(UTF16_NO_BOM)
MIN_UTF16_NULS = 0.25  # of the sample's byte pairs, the share with a NUL on the one side
MAX_UTF16_OTHER_NULS = 0.02  # and on the other
# Multi-byte encodings of East Asian text: read in Windows-1252 they would be stored as mojibake.
# charset-normalizer tells them from Western text, and more than one Western file in a hundred
# from them: a guess counts only when the Windows-1252 reading is not plainly Western and the
# decoded characters stand in words. Which of them a file is, the script of the decoded text
# tells (Japanese has kana, Korean is mostly Hangul, Chinese only Han characters).
EAST_ASIAN = {
    "cp932": N_("Japanese (Shift-JIS)"),
    "euc_jp": N_("Japanese (EUC-JP)"),
    "cp949": N_("Korean (EUC-KR)"),
    "gb18030": N_("Chinese (GBK)"),
    "big5": N_("Chinese (Big5)"),
}
# Single-byte Cyrillic and Greek code pages: in Windows-1252 their letters would be accented Latin
# ones. charset-normalizer names the code page; the decoded text must then read as the script.
SINGLE_BYTE = {
    "cp1251": N_("Cyrillic (Windows-1251)"),
    "koi8_r": N_("Cyrillic (KOI8-R)"),
    "iso8859_5": N_("Cyrillic (ISO-8859-5)"),
    "cp1253": N_("Greek (Windows-1253)"),
    "iso8859_7": N_("Greek (ISO-8859-7)"),
}
# charset-normalizer's names for each (it also offers near twins of a code page), and the
# code pages of the same script a file of it may really be in.
_SINGLE_BYTE_GUESSES = {
    "cp1251": ("cp1251",),
    "kz1048": ("cp1251",),
    "ptcp154": ("cp1251",),
    "koi8_r": ("koi8_r",),
    "koi8_u": ("koi8_r",),
    "koi8_t": ("koi8_r",),
    "iso8859_5": ("iso8859_5",),
    # ISO-8859-7 and Windows-1253 differ in a few bytes (Ά among them): the letters tell.
    "cp1253": ("cp1253", "iso8859_7"),
    "iso8859_7": ("cp1253", "iso8859_7"),
}
_GREEK_GUESSES = {"cp1253", "iso8859_7"}
# charset-normalizer's names for the East Asian encodings, and the codec read for each.
_EAST_ASIAN_GUESSES = {
    **dict.fromkeys(("cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213"), "cp932"),
    **dict.fromkeys(("euc_jp", "euc_jis_2004", "euc_jisx0213"), "euc_jp"),
    **dict.fromkeys(("cp949", "euc_kr", "johab"), "cp949"),
    **dict.fromkeys(("gb18030", "gbk", "gb2312", "hz"), "gb18030"),
    **dict.fromkeys(("big5", "big5hkscs"), "big5"),
}
# A file in no encoding detected is read as Windows-1252. When its text does not read as Western
# European (Polish, Arabic, Hebrew, Thai... code pages), that reading goes by this name, so that
# the report says which encoding was assumed instead of storing mojibake without a word.
DOUBTFUL_WESTERN = "cp1252"
# Encodings read from a file's bytes, not declared by them: the report names them.
DETECTED = {
    **EAST_ASIAN,
    **SINGLE_BYTE,
    DOUBTFUL_WESTERN: N_("Western European (Windows-1252)"),
    "utf-16-le-nobom": N_("UTF-16 (little-endian, without a byte-order mark)"),
    "utf-16-be-nobom": N_("UTF-16 (big-endian, without a byte-order mark)"),
}
WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp850", "mac_roman"}
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SCRIPT = {
    "cp1251": re.compile(r"[\u0400-\u04ff]"),
    "koi8_r": re.compile(r"[\u0400-\u04ff]"),
    "iso8859_5": re.compile(r"[\u0400-\u04ff]"),
    "cp1253": re.compile(r"[\u0370-\u03ff]"),
    "iso8859_7": re.compile(r"[\u0370-\u03ff]"),
}
_WORD = re.compile(r"[^\W\d_]+")
MIN_COHERENCE = 0.2  # charset-normalizer's share of the text in a language it recognises
MIN_SCRIPT_LETTERS = 12  # fewer letters of the script are no clear signal
MIN_SCRIPT_SHARE = 0.9  # of the script's letters, the share in words of two or more of them alone
# East Asian characters (kana, Hangul, Han, CJK punctuation, full-width forms), and runs of them.
_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_CJK_RUN = re.compile(rf"{_CJK.pattern}(?:[0-9 ]*{_CJK.pattern})*")
MIN_CJK_IN_RUNS = 2  # a two-character word is the least East Asian text there is
MIN_CJK_RUN_SHARE = 0.6  # of the East Asian characters, the share in runs of two or more
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")
# Letters of Western languages in Windows-1252; the signs their texts carry, and those of the
# signs that may stand right after a letter (Marca™, l’, 1ª) or right before one («nuovo», ¿Qué, 20°C; col·lecció both).
_WESTERN_LETTERS = frozenset("ŠŒŽšœžŸÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ")
_WESTERN_SIGNS = frozenset("€„…†‡‰‹‘’“”•–—™›¡¢£¥§©ª«®°±²³´µ·¹º»¼½¾¿×÷\xa0")
_AFTER_A_LETTER = frozenset("…‰’”›™®©°ª²³´¹º»·")
_BEFORE_A_LETTER = frozenset("„†‡‹‘’“¡«´µ¿°·")


def _in_euc_kr(syllable: str) -> bool:
    # Python's EUC-KR writes a syllable outside its 2,350 as eight bytes of letters (KS X 1001 annex 3).
    try:
        return len(syllable.encode("euc_kr")) == 2
    except UnicodeEncodeError:
        return False


def _reads_as_its_script(text: str, encoding: str, guessed: bool = False) -> bool:
    """Whether decoded text is of the encoding's script; `guessed`: charset-normalizer named the encoding.

    Japanese names and places are often kanji alone: with no kana, only charset-normalizer's
    word tells Japanese from Chinese.
    """
    kana, hangul, han = (len(p.findall(text)) for p in (_KANA, _HANGUL, _HAN))
    if _PRIVATE_USE.search(text):
        return False  # bytes the encoding gives no character, only a vendor's private code point
    if encoding in ("cp932", "euc_jp"):
        return (kana > 0 or (guessed and han > 0)) and hangul == 0
    if encoding == "cp949":
        # Korean text is the 2,350 syllables of EUC-KR; other bytes read in Windows-949 (a Shift-JIS
        # file's) are the rare syllables it adds.
        common = sum(1 for ch in _HANGUL.findall(text) if _in_euc_kr(ch))
        return hangul > 0 and hangul >= 9 * han and kana == 0 and common >= 0.9 * hangul
    return han > 0 and kana == 0 and hangul == 0


def _in_runs(text: str) -> bool:
    """Whether the East Asian characters of a decoded text stand in runs, as words of the script do.

    Western accents read in a two-byte encoding each swallow the letter after them into one
    character between Latin letters (Anaïs -> Ana齭); East Asian text is runs of its characters
    (digits and spaces between them, as in 第3期 or 봄 세일, do not break a run).
    """
    runs = _CJK_RUN.findall(text)
    chars = [len(_CJK.findall(run)) for run in runs]
    in_runs = sum(n for n in chars if n >= 2)
    return in_runs >= MIN_CJK_IN_RUNS and in_runs >= MIN_CJK_RUN_SHARE * sum(chars)


def _plainly_western(sample: bytes) -> bool:
    """Whether the Windows-1252 reading of a sample is Western text.

    Each character above ASCII is a letter of a word with ASCII letters (Città), a one-letter
    word (à, è), or a sign where Western texts put it (a € by a digit or a space, « before a
    word, ™ after one). Two-byte East Asian text read so is runs of signs and of words with no
    ASCII letter (±±¾©ÊÐ, ²Ä3´Á, ¥x¥_).
    """
    text = sample.decode("cp1252", errors="replace")
    for match in _NON_ASCII.finditer(text):
        at, ch = match.start(), match.group()
        before, after = text[at - 1 : at] if at else "", text[at + 1 : at + 2]
        if ch in _WESTERN_LETTERS:
            start, end = at, at + 1
            while start > 0 and text[start - 1].isalpha():
                start -= 1
            while end < len(text) and text[end].isalpha():
                end += 1
            word = text[start:end]
            if len(word) > 1 and not any(c.isascii() for c in word):
                return False
            if len(word) == 1 and not (before.isascii() and after.isascii()):
                return False
        elif ch in _WESTERN_SIGNS:
            if (not before.isascii() and before not in _WESTERN_LETTERS) or (
                not after.isascii() and after not in _WESTERN_LETTERS
            ):
                return False
            if (before.isalpha() and ch not in _AFTER_A_LETTER) or (after.isalpha() and ch not in _BEFORE_A_LETTER):
                return False
        else:
            return False
    return True


def _script_letters(text: str, encoding: str) -> int:
    """The letters of the code page's script in whole words of it, or 0 when the text does not read as it.

    Western accents read in a Cyrillic or Greek code page become letters of that script too, but
    one or two inside a Latin word (Città -> Cittа), or a lone one (è -> и); Cyrillic or Greek text
    is words of its letters alone.
    """
    script = _SCRIPT[encoding]
    total = len(script.findall(text))
    in_words = sum(
        len(word) for word in _WORD.findall(text) if len(word) >= 2 and len(script.findall(word)) == len(word)
    )
    return in_words if in_words >= MIN_SCRIPT_LETTERS and in_words >= MIN_SCRIPT_SHARE * total else 0


def _single_byte(sample: bytes, guessed: str) -> str | None:
    """The Cyrillic or Greek code page of a sample charset-normalizer took for `guessed`, else None."""
    best, most = None, 0
    for encoding in _SINGLE_BYTE_GUESSES[guessed]:
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        # A byte a code page has no character for is a control character in it: not its text.
        if any((ch < " " and ch not in "\t\r\n") or "\x7f" <= ch < "\xa0" for ch in text):
            continue
        letters = _script_letters(text, encoding)
        if letters > most or (letters == most and letters and encoding == guessed):
            best, most = encoding, letters
    return best


def _east_asian(sample: bytes) -> str | None:
    """The East Asian, Cyrillic or Greek encoding of a sample that is not UTF-8, else None (Windows-1252)."""
    from charset_normalizer import from_bytes  # only files that are not UTF-8 need it

    matches = [m for m in from_bytes(sample) if not m.encoding.startswith("utf")]
    guess = matches[0] if matches else None
    if guess is None or {guess.encoding, *guess.could_be_from_charset} & WESTERN:
        return None
    if guess.encoding in _SINGLE_BYTE_GUESSES:
        # Short Cyrillic and Greek texts fit each other's code pages: only a language recognised,
        # and no code page of the other script reading as well, count.
        greek = _GREEK_GUESSES.__contains__
        rival = any(
            m.encoding in _SINGLE_BYTE_GUESSES and greek(m.encoding) != greek(guess.encoding) and m.chaos <= guess.chaos
            for m in matches[1:]
        )
        return _single_byte(sample, guess.encoding) if guess.coherence >= MIN_COHERENCE and not rival else None
    if _plainly_western(sample):
        return None
    # charset-normalizer's own guess first: a short Big5 or Shift-JIS text decodes as GBK or
    # EUC-KR too, and all Han, it would read as their script.
    first = _EAST_ASIAN_GUESSES.get(guess.encoding)
    for encoding in sorted(EAST_ASIAN, key=lambda e: e != first):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_as_its_script(text, encoding, encoding == first) and _in_runs(text):
            return encoding
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le-nobom' or 'utf-16-be-nobom' when the sample's NULs sit on one side of its byte pairs."""
    pairs = len(sample) // 2
    if pairs < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= MIN_UTF16_NULS * pairs and even <= MAX_UTF16_OTHER_NULS * pairs:
        return "utf-16-le-nobom"
    if even >= MIN_UTF16_NULS * pairs and odd <= MAX_UTF16_OTHER_NULS * pairs:
        return "utf-16-be-nobom"
    return None


def _encoding(sample: bytes, complete: bool) -> str:
    """The file's encoding from its byte-order mark or a UTF-8 trial of its first bytes (`complete`: all of it)."""
    if sample.startswith(b"\xff\xfe"):
        return "utf-16"
    if sample.startswith(b"\xfe\xff"):
        return "utf-16-be"
    if nobom := _utf16_without_bom(sample):
        return nobom
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A cut through a multi-byte character at the end of a partial sample is not an error.
        if complete or exc.start < len(sample) - 4:
            whole_lines = sample if complete else sample[: sample.rfind(b"\n") + 1] or sample
            # Read as Windows-1252 either way; named in the report when the text does not read as Western.
            return _east_asian(whole_lines) or ("windows-1252" if _plainly_western(whole_lines) else DOUBTFUL_WESTERN)
    return "utf-8"


def codec(encoding: str) -> str:
    """Python's codec for an encoding the sniffer names."""
    return {"utf-8": "utf-8-sig", "utf-16": "utf-16", **TRANSCODED}.get(encoding, encoding)


def _text(sample: bytes, encoding: str) -> str:
    return sample.decode(codec(encoding), errors="ignore")


@contextmanager
def readable(path: Path, sniffed: Sniffed) -> Iterator[tuple[Path, Sniffed]]:
    """The file as DuckDB can read it: as it is, or copied to UTF-8 for the block.

    DuckDB reads UTF-8 and UTF-16 (little-endian) itself; Windows-1252 (and so Latin-1),
    big-endian UTF-16 and East Asian encodings are transcoded first.
    """
    if sniffed.encoding in ("utf-8", "utf-16"):
        yield path, sniffed
        return
    with tempfile.TemporaryDirectory(prefix="legame-cp1252-") as folder:
        target = Path(folder) / "utf8.csv"
        # Bytes with no character (five in Windows-1252) become U+FFFD, visible in the data.
        with (
            open(path, encoding=codec(sniffed.encoding), errors="replace", newline="") as source,
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
        raise FatalFileError(_("{file_name} is empty.", file_name=file_name))
    encoding = _encoding(sample, complete=len(sample) < SAMPLE_BYTES)
    lines = re.split(r"\r\n|\n|\r", _text(sample, encoding))
    header_line = lines[skip] if skip < len(lines) else ""
    delimiter = _delimiter(header_line)
    header = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
    header = tuple(h.strip() for h in header)
    if not any(header):
        if skip == 0:
            raise FatalFileError(_("{file_name}: the first line is empty; expected a header row.", file_name=file_name))
        raise FatalFileError(
            _("{file_name}: line {line} is empty; expected a header row.", file_name=file_name, line=skip + 1)
        )
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


def line_count(path: Path, encoding: str, block_size: int = 1 << 22) -> int | None:
    """The lines of a UTF-8 or 8-bit file, not counting empty lines at its end (None for UTF-16)."""
    if encoding.startswith("utf-16"):
        return None
    newlines, tail = 0, b""
    with open(path, "rb") as fh:
        while block := fh.read(block_size):
            newlines += block.count(b"\n")
            tail = (tail + block)[-block_size:]
    trailing = tail[len(tail.rstrip(b"\r\n")) :].count(b"\n")
    return newlines - trailing + 1 if tail.strip() else 0


@dataclass(frozen=True)
class BrokenLine:
    """A line of a file that cannot be read as a row: its number (from 1), its start and why
    (a message of legame.ingest.reasons and its values)."""

    line: int
    text: str
    reason: str
    args: dict[str, object] | None = None


@contextmanager
def _lines(path: Path, encoding: str) -> Iterator[Iterator[str]]:
    """The file's lines as text, each with its line ending (\n, \r\n or \r), read as they are needed."""
    with open(path, encoding=codec(encoding), errors="replace", newline="") as fh:
        yield iter(fh)


def _fields(record: str, delimiter: str) -> int | None:
    """How many values a record holds, read strictly; None when its quotes are not well formed."""
    try:
        rows = list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return len(rows[0]) if len(rows) == 1 else None


def broken_lines(path: Path, sniffed: Sniffed, max_line_bytes: int = MAX_LINE_BYTES) -> list[BrokenLine]:
    """The lines below the header that cannot be read as a row, read line by line with care.

    DuckDB refuses a whole file for one line it cannot read at the start (an unmatched
    quote, a line beyond its size limit), and a quote that is never closed swallows every
    line below it into one value. Here a line whose quote is not closed on it starts a
    row only if the lines it joins make one row of the header's width; otherwise that
    line alone is broken and the next line starts afresh.
    """
    width = len(sniffed.header)
    broken: list[BrokenLine] = []
    waiting: deque[tuple[int, str]] = deque()  # lines read ahead for a row that did not close
    with _lines(path, sniffed.encoding) as lines:
        numbered = enumerate(lines, start=1)

        def take() -> tuple[int, str] | None:
            return waiting.popleft() if waiting else next(numbered, None)

        while (taken := take()) is not None:
            number, line = taken
            if number <= sniffed.skip + 1:
                continue
            size = len(line.encode("utf-8")) if len(line) * 4 > max_line_bytes else 0
            if size > max_line_bytes:
                reason = "is {size} bytes long, more than the {limit} a row may have"
                broken.append(BrokenLine(number, line.strip()[:200], reason, {"size": size, "limit": max_line_bytes}))
                continue
            record, quotes, length = [line], line.count('"'), len(line)
            # A value spanning lines ends where its quote closes; a row never spans more than a line's limit.
            while quotes % 2 and length <= max_line_bytes and (more := take()) is not None:
                record.append(more[1])
                quotes += more[1].count('"')
                length += len(more[1])
            if quotes % 2 == 0 and len(record) == 1:
                # A row with more values than the header: DuckDB's padded re-read (for rows lacking
                # trailing values) cannot tell its dialect, so such a row is rejected here.
                if line.count(sniffed.delimiter) >= width and (found := _fields(line, sniffed.delimiter) or 0) > width:
                    text = line.strip()[:200]
                    broken.append(BrokenLine(number, text, VALUES_NOT_COLUMNS, {"count": found, "columns": width}))
                continue
            if quotes % 2 == 0 and _fields("".join(record), sniffed.delimiter) == width:
                continue
            reason = (
                'has a quote (") that is not closed: the line is rejected and the lines below it are read on their own'
            )
            broken.append(BrokenLine(number, line.strip()[:200], reason))
            waiting.extendleft(reversed(list(enumerate(record[1:], start=number + 1))))
    return broken


@contextmanager
def without_lines(path: Path, sniffed: Sniffed, broken: list[BrokenLine]) -> Iterator[tuple[Path, Sniffed]]:
    """A UTF-8 copy of the file with the broken lines left empty, so every other line keeps its number."""
    numbers = {b.line for b in broken}
    with tempfile.TemporaryDirectory(prefix="legame-mended-") as folder:
        target = Path(folder) / "mended.csv"
        with _lines(path, sniffed.encoding) as lines, open(target, "w", encoding="utf-8", newline="") as copy:
            for number, line in enumerate(lines, start=1):
                copy.write((line[len(line.rstrip("\r\n")) :] or "\n") if number in numbers else line)
        yield target, replace(sniffed, encoding="utf-8")


# A file's rows sampled for `repeats`: one short chunk at a random place in each of as many equal parts of the
# file (~2 MB in all). Many short chunks at random places, not a few long ones evenly spaced: a file that
# names its people in a cycle (the benchmark's) put 32 evenly spaced chunks exactly between one another's people.
SPREAD_CHUNKS = 512
SPREAD_CHUNK_BYTES = 4 * 1024
# Above this many rows per distinct value on average, a person id is worth hashing once per distinct email:
# at 1 M rows every email distinct, the lookup cost 0.2-0.35 CPU-s more than hashing every row; at 5 M rows of
# 1 M people it saved 2.3-2.7 (normalise.Lookup). Break-even near 1.4. With the lookup's cells read twice rather
# than kept, the insert alone, per row vs lookup, CPU medians of 4 interleaved runs: 1.5 M rows of 1 M people 4.08
# vs 4.08 s, 2 M 5.12 vs 5.03, 3 M 8.13 vs 7.04: break-even still near 1.5.
REPEATS = 1.5
# A file smaller than this (4 MB, the size below which the spread chunks would cover it) is not read to decide:
# its person ids are hashed on every row. Reading it whole cost more than the lookup could save (CPU, medians of
# 12 interleaved runs of the insert alone; repeats' own read): the demo's community_activity.tsv (1.75 MB,
# 20 K rows) 90.8 ms per row, 89.1 with the lookup, 20.7 to read; 10 K rows of 2 K people (0.64 MB) 33.4 and
# 44.2, 7.1 to read; 60 K rows of 10 K people (3.94 MB) 117.9 and 124.0, 50.2 to read. From 200 K rows of 50 K
# people (13 MB; 500 and 317) the lookup pays, and the sample costs ~25 ms whatever the size.
SMALL_FILE_BYTES = 2 * SPREAD_CHUNKS * SPREAD_CHUNK_BYTES


def repeats(path: Path, sniffed: Sniffed, column: str) -> bool:
    """Whether the file's values of `column` (trimmed, in lower case) repeat: more than REPEATS rows a value
    on average, estimated from rows read in chunks spread over the whole file (a file's first rows may name
    each person once, its later rows the same people again). A small file (SMALL_FILE_BYTES) is not read: False.

    Only a choice between two ways to the same values rests on it. A UTF-16 file is not sampled (False).
    """
    codec = TRANSCODED.get(sniffed.encoding, sniffed.encoding)
    names = unique_names(sniffed.header)
    size = path.stat().st_size
    if "utf-16" in codec or column not in names or size < SMALL_FILE_BYTES:
        return False
    index, part = names.index(column), size // SPREAD_CHUNKS
    places = random.Random(size)  # the same file, the same sample
    # The first part from the file's start (its header); every other part at a random place, the chunks never
    # overlapping (a row read twice would look repeated).
    starts = [0] + [i * part + places.randrange(part - SPREAD_CHUNK_BYTES) for i in range(1, SPREAD_CHUNKS)]
    values: list[str] = []
    read = 0
    with open(path, "rb") as fh:
        for start in starts:
            fh.seek(start)
            chunk = fh.read(SPREAD_CHUNK_BYTES)
            lines = chunk.decode(codec, errors="replace").splitlines()
            # The chunk's first line is cut short (or the header and the lines above it), its last one too.
            lines = lines[sniffed.skip + 1 :] if start == 0 else lines[1:]
            if start + len(chunk) < size:
                lines = lines[:-1]
            read += sum(len(line) + 1 for line in lines)
            try:
                for row in csv.reader(lines, delimiter=sniffed.delimiter):
                    if len(row) > index and (value := row[index].strip().lower()):
                        values.append(value)
            except csv.Error:  # a quote left open (the pipeline says where): the chunk's rows read so far
                continue
    rows, distinct = len(values), len(set(values))
    if not distinct:
        return False
    # Values met twice in n rows drawn from N, each value on k rows: about n²(k - 1) / 2N pairs.
    file_rows = size * rows / max(read, 1)
    return 1 + 2 * file_rows * (rows - distinct) / rows**2 > REPEATS
