"""The raw archive (data/raw/): every accepted upload by content hash, encrypted, so the warehouse can be rebuilt.

Uploads hold personal data (a CRM export's names and e-mail addresses) that never enters the
database, so the archive keeps them encrypted, never in plain text: AES-256-GCM in 1 MiB chunks
(each authenticated with the file's header and whether it is the last, so a truncated, reordered
or altered copy is detected), with a key derived from the server secret that salts the person
ids (config.secret: LEGAME_SECRET or data/.secret). Lose the secret and the archive, like the
ids, cannot be read back.

A copy is written under a temporary name, checked by decrypting it against the upload's hash and
only then renamed into place, so a copy cut short never takes the real name; a copy found
damaged is written again. `forget` takes a person's lines out of every archived file.
A load archives its upload while it runs (`hold`, `store`, `release`): a load that fails takes back
the copy it wrote, unless a logged load or another load in flight needs it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import tempfile
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from legame.config import Config
from legame.errors import FatalFileError, LegameError
from legame.i18n import _

CHUNK = 1 << 20
MAGIC = b"LEGAME-RAW-1\n"
SUFFIX = ".enc"
# Header: magic, nonce prefix (8 bytes), sha256 of the plain bytes (32), flags (1: 1 = people erased).
_HEADER = struct.Struct(f"{len(MAGIC)}s8s32sB")
_LENGTH = struct.Struct(">I")
ERASED = 1


class ArchiveDamaged(LegameError):
    """An archived copy that does not decrypt to the bytes it was stored as."""


def folder(config: Config) -> Path:
    """warehouse.raw_dir; on a team's DuckLake with a shared data folder, raw/ in that folder,
    so every server archives where any of them can rebuild from (s3://: raw_dir, shared by hand)."""
    from legame import warehouse

    where = warehouse.location(config)
    if where.is_lake and where.local_data_path is not None:
        return where.local_data_path / "raw"
    return config.path("warehouse", "raw_dir")


def target(config: Config, sha: str) -> Path:
    return folder(config) / f"{sha}{SUFFIX}"


def derive_key(config: Config, info: bytes) -> bytes:
    """A 256-bit key for `info`'s use, derived from the server secret (the archive's, its list of loads')."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(config.secret.encode())


def _key(config: Config) -> bytes:
    return derive_key(config, b"legame raw archive v1")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _encrypt(source: io.BufferedIOBase, out: io.BufferedIOBase, key: bytes, sha: str, flags: int = 0) -> str:
    """Write `source` encrypted to `out`, stated as hashed `sha`; returns the sha256 of the bytes it read."""
    digest = hashlib.sha256()
    prefix = os.urandom(8)
    header = _HEADER.pack(MAGIC, prefix, bytes.fromhex(sha), flags)
    out.write(header)
    cipher = AESGCM(key)
    block, counter = source.read(CHUNK), 0
    while True:
        digest.update(block)
        following = source.read(CHUNK) if block else b""
        last = not following
        sealed = cipher.encrypt(prefix + struct.pack(">I", counter), block, header + bytes([last]))
        out.write(_LENGTH.pack(len(sealed)) + sealed)
        if last:
            return digest.hexdigest()
        block, counter = following, counter + 1


def _decrypt(path: Path, key: bytes) -> Iterator[bytes]:
    """The plain bytes of an archived copy, chunk by chunk; ArchiveDamaged unless every chunk checks out."""
    cipher = AESGCM(key)
    with open(path, "rb") as fh:
        header = fh.read(_HEADER.size)
        if len(header) < _HEADER.size or not header.startswith(MAGIC):
            raise ArchiveDamaged(_("{name} is not an archived upload.", name=path.name))
        _magic, prefix, _sha, _flags = _HEADER.unpack(header)
        counter = 0
        while True:
            length = fh.read(_LENGTH.size)
            if len(length) < _LENGTH.size:
                raise ArchiveDamaged(_("{name} is cut short.", name=path.name))
            stated = _LENGTH.unpack(length)[0]
            sealed = fh.read(stated)
            if len(sealed) < stated:  # a last chunk cut short, or a length that says more than was written
                raise ArchiveDamaged(_("{name} is cut short.", name=path.name))
            nonce = prefix + struct.pack(">I", counter)
            for last in (False, True):
                try:
                    block = cipher.decrypt(nonce, sealed, header + bytes([last]))
                except InvalidTag:
                    continue
                break
            else:
                raise ArchiveDamaged(_("{name} is damaged, or was written with another secret.", name=path.name))
            yield block
            if last:
                if fh.read(1):
                    raise ArchiveDamaged(_("{name} has bytes past its end.", name=path.name))
                return
            counter += 1


def _header(path: Path) -> tuple[str, int]:
    with open(path, "rb") as fh:
        _, _, sha, flags = _HEADER.unpack(fh.read(_HEADER.size))
    return sha.hex(), flags


def check(path: Path, key: bytes) -> bool:
    """True when the copy decrypts whole to bytes with the hash its header states."""
    try:
        digest = hashlib.sha256()
        for block in _decrypt(path, key):
            digest.update(block)
        return digest.hexdigest() == _header(path)[0]
    except (ArchiveDamaged, OSError, struct.error):
        return False


def _authentic(path: Path, key: bytes) -> bool:
    """True when every chunk of the copy decrypts under `key`, in order, up to a last one and no further.

    What `_write` checks: each chunk's tag binds it to the header (the hash stated), its place and
    whether it is the last, so an authentic copy is exactly what `_encrypt` wrote, from bytes it
    hashed as stated. Hashing the plain bytes again (`check`) would add nothing but a pass over them.
    """
    try:
        for _block in _decrypt(path, key):
            pass
    except (ArchiveDamaged, OSError, struct.error):
        return False
    return True


def intact(config: Config, sha: str) -> bool:
    """True when the upload hashed as `sha` has an intact copy (people since erased from it included)."""
    path = target(config, sha)
    return path.is_file() and check(path, _key(config)) and (_header(path)[0] == sha or _header(path)[1] & ERASED)


class _SourceChanged(FatalFileError):
    """The bytes read to archive do not hash as the upload did: it changed in between."""


def _write(config: Config, final: Path, source: io.BufferedIOBase, sha: str, flags: int = 0) -> None:
    """Encrypt `source` to `final` through a temporary name, checked before the rename.

    Raises _SourceChanged when `source` does not hash as `sha`; the check decrypts the written
    copy (`_authentic`), so what is renamed into place is the upload, whole."""
    key = _key(config)
    temporary = _partial(final)
    try:
        with open(temporary, "wb") as out:
            read = _encrypt(source, out, key, sha, flags)
            if read != sha:
                raise _SourceChanged(
                    _("{name}: the archived copy did not check out; upload the file again.", name=final.name)
                )
            out.flush()
            os.fsync(out.fileno())
        if not _authentic(temporary, key):
            raise FatalFileError(
                _("{name}: the archived copy did not check out; upload the file again.", name=final.name)
            )
        os.replace(temporary, final)
        sync_folder(final.parent)
    finally:
        temporary.unlink(missing_ok=True)


def store(path: Path, sha: str, file_name: str, config: Config) -> Path:
    """Archive the upload at `path` (hashed as `sha`): keep an intact copy, write a missing or damaged one."""
    raw_dir = folder(config)
    raw_dir.mkdir(parents=True, exist_ok=True)
    encrypt_plain_copies(config)
    final = target(config, sha)
    if intact(config, sha):
        return final
    with _held_lock:
        if sha in _held:  # what a failed load may take back: a copy no one had before it (`release`)
            _written.add(sha)
    try:
        with open(path, "rb") as source:
            _write(config, final, source, sha)
    except _SourceChanged:
        raise FatalFileError(
            _("{file_name}: the file changed while it was being archived; upload it again.", file_name=file_name)
        ) from None
    return final


# The uploads that loads in flight in this process archive and will commit with (`hold`, `release`), and
# those of them whose copy one of these loads wrote (none was intact): a failed load takes back only such a
# copy, never one that was there before it (a rebuild from the archive replays loads into a new file, where
# no load is logged yet, from copies that are the only ones), nor one another load here relies on.
_held: Counter[str] = Counter()
_written: set[str] = set()
_held_lock = threading.Lock()


def hold(sha: str) -> None:
    """Note that a load in flight relies on the copy of `sha`, before archiving it (`store`)."""
    with _held_lock:
        _held[sha] += 1


def release(config: Config, sha: str, failed: bool, logged: Callable[[], bool]) -> None:
    """A load that `hold`s `sha` has ended. When it `failed` and was the last load here holding it, a copy
    written by these loads goes, unless a logged load (`logged()`) has it: an archived copy always belongs
    to a load."""
    with _held_lock:
        _held[sha] -= 1
        if _held[sha] > 0:
            return
        del _held[sha]
        written = sha in _written
        _written.discard(sha)
        if failed and written and not logged():
            target(config, sha).unlink(missing_ok=True)


def encrypt_plain_copies(config: Config) -> int:
    """Encrypt the copies an older Legame kept in plain text (<sha>.csv), then delete them; returns how many."""
    done = 0
    raw_dir = folder(config)
    if not raw_dir.is_dir():
        return 0
    for plain in raw_dir.iterdir():
        if plain.name.startswith(".") or plain.suffix == SUFFIX or not re.fullmatch(r"[0-9a-f]{64}", plain.stem):
            continue
        sha = file_sha256(plain)
        if sha == plain.stem and not intact(config, sha):
            with open(plain, "rb") as source:
                _write(config, target(config, sha), source, sha)
        plain.unlink()  # a plain copy whose hash is wrong was cut short: nothing to keep
        done += 1
    return done


@contextmanager
def restored(config: Config, sha: str, suffix: str = "") -> Iterator[Path]:
    """The plain bytes of an archived upload in a private temporary file, deleted on leaving."""
    path = target(config, sha)
    if not path.is_file():
        raise ArchiveDamaged(_("The archive has no copy of the upload {sha}.", sha=sha[:12]))
    with tempfile.TemporaryDirectory(prefix="legame-restore-") as folder_:
        plain = Path(folder_) / f"upload{suffix}"
        with open(plain, "wb") as out:
            for block in _decrypt(path, _key(config)):
                out.write(block)
        yield plain


def archived(config: Config) -> list[str]:
    """The hashes of every upload in the archive."""
    raw_dir = folder(config)
    return sorted(p.stem for p in raw_dir.glob(f"*{SUFFIX}")) if raw_dir.is_dir() else []


# -- Erasure -------------------------------------------------------------------------------

_EMAIL = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _encoding(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not merely a character cut at the sample's end
            return "latin-1"
    return "utf-8"


def _erase_text(plain: bytes, email: str) -> bytes | None:
    """The file without the person: their own lines gone, their address blanked in other people's lines."""
    encoding = _encoding(plain[:65536])
    text = plain.decode(encoding, errors="surrogateescape")
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    if not pattern.search(text):
        return None
    kept = []
    for line in text.splitlines(keepends=True):
        if not pattern.search(line):
            kept.append(line)
            continue
        others = {m.lower() for m in re.findall(_EMAIL.pattern.decode(), line)} - {email}
        if others:  # a referrer named in a friend's row: the row is the friend's, the address goes
            kept.append(pattern.sub("", line))
    encoded = "".join(kept).encode(encoding.replace("-sig", ""), errors="surrogateescape")
    return (b"\xef\xbb\xbf" + encoded) if encoding == "utf-8-sig" else encoded


def _erase_workbook(plain: bytes, email: str) -> bytes | None:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(plain))
    changed = False
    for sheet in book.worksheets:
        for row in reversed(list(sheet.iter_rows())):
            cells = [c for c in row if isinstance(c.value, str) and email in c.value.lower()]
            if not cells:
                continue
            others = [c for c in row if isinstance(c.value, str) and "@" in c.value and email not in c.value.lower()]
            if others:
                for cell in cells:
                    cell.value = re.sub(re.escape(email), "", cell.value, flags=re.IGNORECASE)
            else:
                sheet.delete_rows(row[0].row)
            changed = True
    if not changed:
        return None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def erase(config: Config, email: str) -> int:
    """Take a person (by e-mail address) out of every archived upload; returns how many files changed."""
    email = email.strip().lower()
    changed = 0
    for sha in archived(config):
        with restored(config, sha) as plain_path:
            plain = plain_path.read_bytes()
        erased = _erase_workbook(plain, email) if zipfile.is_zipfile(io.BytesIO(plain)) else _erase_text(plain, email)
        if erased is None:
            continue
        _write(config, target(config, sha), io.BytesIO(erased), hashlib.sha256(erased).hexdigest(), ERASED)
        changed += 1
    return changed


def _partial(final: Path) -> Path:
    """The temporary name `final` is written under before its rename: per process and thread, as two sessions of
    one server (threads) may write the same file at once."""
    return final.with_name(f".{final.name}.{os.getpid()}.{threading.get_ident()}.partial")


def write_atomically(final: Path, data: bytes) -> None:
    """Write `data` to `final` through a temporary name of this process and thread, on disk before the rename:
    `final` holds the old bytes or the new, whole."""
    temporary = _partial(final)
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, final)
        sync_folder(final.parent)
    finally:
        temporary.unlink(missing_ok=True)


def sync_folder(path: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
