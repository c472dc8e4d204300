"""Who may see what: signed read-only links, the admin password, and the read-only cursor viewers get.

A link is BASE_URL/?share=TOKEN. TOKEN is `payload.signature`, both base64url: the payload is
the JSON of the link id, its expiry and the pinned view (pages, period, comparison, filters);
the signature is HMAC-SHA256 of the payload under the link-signing secret (LEGAME_LINK_SECRET,
else share.link_secret_file). A token whose bytes changed, or that another secret signed, fails
the signature check before anything in it is read. The `links` table records each link (label,
expiry, revocation, usage), so a link can be revoked one by one; replacing the secret
invalidates them all.

A viewer's session gets a `ReadOnlyCursor`, which runs SELECT statements only: the upload and
ingest functions, and any other writer, fail on it at their first statement. The one write a
viewer causes is `record_open` (last opened, open count), which the session layer runs on the
admin connection on purpose.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from legame import queries
from legame.config import Config
from legame.errors import LegameError
from legame.i18n import LANGUAGES, N_, _, ngettext
from legame.kpis.period import COMPARISONS, Period

log = logging.getLogger(__name__)

# The pages a link may open, in navigation order; ids are the file names in pages/.
# Values are English, marked for the catalogue: show them with `_()` (or `page_names`).
PAGES = {
    "board": N_("Board"),
    "value": N_("Customer value"),
    "community": N_("Community"),
    "advocacy": N_("Advocacy"),
    "conversion": N_("Conversion & ROI"),
}
DEFAULT_BASE_URL = "http://localhost:8501"
DEFAULT_DAYS, MAX_DAYS = 30, 90
LABEL_MAX_CHARS = 80
TOKEN_MAX_CHARS = 2048  # far above a real token; longer input is refused before any decoding
REFUSED = N_("This link is not valid (expired / revoked)")  # show it with _(REFUSED)
PASSWORD_ITERATIONS = 600_000  # PBKDF2-HMAC-SHA256, OWASP's 2023 recommendation
LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})
FORWARDING_HEADERS = frozenset({"x-forwarded-for", "forwarded", "x-real-ip"})
_SIGNING_CONTEXT = b"legame-link-v1."  # a signature made for anything else never verifies as a link


class InvalidLink(LegameError):
    """A link that must not open. Every cause reads the same to the person holding it; `reason` is for the log."""

    def __init__(self, reason: str, link_id: str | None = None) -> None:
        super().__init__(_("This link is not valid (expired / revoked)."))
        self.reason = reason
        self.link_id = link_id


class WriteRefused(LegameError):
    """A statement that would change the database, run on a viewer's read-only cursor."""


# -- Settings ---------------------------------------------------------------------------------


def base_url(config: Config) -> str:
    """Where people open links: LEGAME_BASE_URL, else share.base_url."""
    url = os.environ.get("LEGAME_BASE_URL") or config.get("share", "base_url", default=DEFAULT_BASE_URL)
    return url.rstrip("/")


def default_days(config: Config) -> int:
    return int(config.get("share", "default_days", default=DEFAULT_DAYS))


def max_days(config: Config) -> int:
    return int(config.get("share", "max_days", default=MAX_DAYS))


def admin_idle_seconds(config: Config) -> float:
    return float(config.get("share", "admin_idle_hours", default=8)) * 3600


# -- The pinned view --------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """What a link shows: which pages, for which period, compared with what, filtered how."""

    pages: tuple[str, ...]
    start: date
    end: date
    compare: str = "previous"
    channel: str | None = None
    campaign: str | None = None
    lang: str | None = None  # the language the link was made in (the viewer may switch)
    snapshot: bool = False  # numbers frozen when the link was made (legame/snapshot.py), not live

    def __post_init__(self) -> None:
        unknown = [p for p in self.pages if p not in PAGES]
        if unknown:
            raise LegameError(
                ngettext(
                    "Pick the pages to share among {pages}; {unknown} is not one of them.",
                    "Pick the pages to share among {pages}; {unknown} are not among them.",
                    len(unknown),
                    pages=", ".join(PAGES),
                    unknown=", ".join(map(repr, unknown)),
                )
            )
        if not self.pages:
            raise LegameError(_("Pick the pages to share among {pages}.", pages=", ".join(PAGES)))
        if self.compare not in COMPARISONS:
            raise LegameError(
                _(
                    "Compare with one of {kinds}, not {kind}.",
                    kinds=", ".join(COMPARISONS),
                    kind=repr(self.compare),
                )
            )
        Period.custom(self.start, self.end)  # refuses an end before the start and days no calendar maths can take
        if self.snapshot:
            from legame.snapshot import check_pages

            check_pages(self.pages)

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def filters(self) -> dict[str, str]:
        """The filters in force, as the KPI functions take them."""
        return {k: v for k, v in (("channel", self.channel), ("campaign", self.campaign)) if v}

    def scope(self, channel_labels: dict[str, str] | None = None) -> str:
        """'Q3 2025 compared with the previous period · channel paid_social' (or its label, given the taxonomy's),
        in the reader's language."""
        if self.compare == "year":
            parts = [_("{period} compared with the same period last year", period=self.period.label)]
        else:
            parts = [_("{period} compared with the previous period", period=self.period.label)]
        if self.channel:
            parts.append(_("channel {name}", name=(channel_labels or {}).get(self.channel, self.channel)))
        if self.campaign:
            parts.append(_("campaign {name}", name=self.campaign))
        return " · ".join(parts)

    def describe(self, channel_labels: dict[str, str] | None = None) -> str:
        """The pages, then the scope: 'Board, Advocacy · Q3 2025 compared with the previous period'."""
        frozen = " · " + _("numbers frozen when the link was made") if self.snapshot else ""
        return f"{', '.join(_(PAGES[p]) for p in self.pages)} · {self.scope(channel_labels)}{frozen}"

    def as_dict(self) -> dict[str, Any]:
        """The view as the token and the `links` row carry it (filters only when set)."""
        return {
            "pages": list(self.pages),
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "compare": self.compare,
            **self.filters,
            **({"lang": self.lang} if self.lang else {}),
            **({"snapshot": True} if self.snapshot else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> View:
        return cls(
            pages=tuple(data["pages"]),
            start=date.fromisoformat(data["from"]),
            end=date.fromisoformat(data["to"]),
            compare=data["compare"],
            channel=data.get("channel"),
            campaign=data.get("campaign"),
            lang=data.get("lang") if data.get("lang") in LANGUAGES else None,
            snapshot=data.get("snapshot") is True,
        )


@dataclass(frozen=True)
class Link:
    """One row of the `links` table."""

    id: str
    label: str
    view: View
    signed_with: str  # secret_id() of the secret that signed it
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    last_opened_at: datetime | None = None
    open_count: int = 0
    password_hash: str | None = field(default=None, repr=False)

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def status(self, now: datetime | None = None, current_secret_id: str | None = None) -> str:  # an id
        """'revoked', 'expired', 'secret replaced' (signed with a secret since rotated) or 'active'."""
        if self.revoked_at is not None:
            return "revoked"
        if (now or _now()) >= self.expires_at:
            return "expired"
        if current_secret_id is not None and current_secret_id != self.signed_with:
            return "secret replaced"
        return "active"


# A link's status id (Link.status) in the reader's words: show it with status_words().
STATUS_WORDS = {
    "active": N_("active"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    "secret replaced": N_("secret replaced"),
}


def status_words(status: str) -> str:
    """'active', 'expired', 'revoked', 'secret replaced' in the reader's language (capitalise for a table)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _now() -> datetime:
    # Naive UTC, like every timestamp in the warehouse (the connection's TimeZone is UTC).
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _link(row: dict[str, Any]) -> Link:
    return Link(
        id=row["link_id"],
        label=row["label"],
        view=View.from_dict(json.loads(row["pinned_view"])),
        signed_with=row["signed_with"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        last_opened_at=row["last_opened_at"],
        open_count=row["open_count"],
        password_hash=row["password_hash"],
    )


# -- The signing secret -----------------------------------------------------------------------


def _secret_file(config: Config) -> Path:
    return config.root / config.get("share", "link_secret_file", default="data/.link_secret")


def _write_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(secrets.token_hex(32))
    path.chmod(0o600)


def link_secret(config: Config) -> bytes:
    """The key links are signed with: LEGAME_LINK_SECRET, else a local file created on first use.

    Separate from the email salt (Config.secret): replacing this one cancels links, while
    replacing the salt would stop new uploads matching the people already loaded. Read on
    every use, so a replaced file takes effect on the next request without a restart.
    """
    from_env = os.environ.get("LEGAME_LINK_SECRET")
    if from_env:
        return from_env.encode()
    path = _secret_file(config)
    if not path.exists():
        _write_secret(path)
    return path.read_text().strip().encode()


def secret_id(secret: bytes) -> str:
    """A short fingerprint of a secret, stored with each link: it tells which links a rotation cancelled."""
    return hmac.new(secret, b"legame-link-secret-id", hashlib.sha256).hexdigest()[:12]


def rotate_secret(config: Config) -> Path:
    """Write a new random link-signing secret: every link made so far stops opening."""
    if os.environ.get("LEGAME_LINK_SECRET"):
        raise LegameError(
            _("Links are signed with LEGAME_LINK_SECRET: change its value where it is set and restart the app.")
        )
    path = _secret_file(config)
    _write_secret(path)
    return path


# -- Tokens -----------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, _SIGNING_CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())


def token_for(link: Link, secret: bytes) -> str:
    """The token of a link: deterministic, so the Share page can show an existing link's URL again."""
    expires = int(link.expires_at.replace(tzinfo=UTC).timestamp())
    body = json.dumps({"v": 1, "id": link.id, "exp": expires, "view": link.view.as_dict()}, separators=(",", ":"))
    payload = _b64(body.encode())
    return f"{payload}.{_signature(payload, secret)}"


def read_token(token: str, secret: bytes) -> tuple[str, datetime, View]:
    """Check the signature, then read the link id, expiry and view; InvalidLink otherwise."""
    payload, dot, signature = token.partition(".")
    if len(token) > TOKEN_MAX_CHARS or not dot or not token.isascii():
        raise InvalidLink("malformed token")
    if not hmac.compare_digest(_signature(payload, secret), signature):
        raise InvalidLink("bad signature (tampered, forged, or signed with another secret)")
    try:
        data = json.loads(_unb64(payload))
        expires = datetime.fromtimestamp(data["exp"], UTC).replace(tzinfo=None)
        return str(data["id"]), expires, View.from_dict(data["view"])
    except (ValueError, KeyError, TypeError, binascii.Error, LegameError):
        # Only a holder of the secret can produce this: say so in the log, show the same refusal.
        raise InvalidLink("signed payload unreadable") from None


def link_url(config: Config, link: Link) -> str:
    return f"{base_url(config)}/?share={token_for(link, link_secret(config))}"


# -- Links in the warehouse -------------------------------------------------------------------


def create_link(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    *,
    label: str,
    view: View,
    days: int,
    password: str | None = None,
    now: datetime | None = None,
) -> tuple[Link, str]:
    """Store a new link and return it with its URL; a frozen view's numbers are computed now and stored with it."""
    label = label.strip()
    if not label:
        raise LegameError(_("Give the link a label (for example 'Q3 board') so you can tell your links apart."))
    if len(label) > LABEL_MAX_CHARS:
        raise LegameError(_("Keep the label under {n} characters.", n=LABEL_MAX_CHARS))
    longest = max_days(config)
    if not 1 <= days <= longest:
        raise LegameError(
            _(
                "A link can last 1 to {longest} days (share.max_days in config.yaml); {days} is outside that.",
                longest=longest,
                days=days,
            )
        )
    created = now or _now()
    link = Link(
        id=secrets.token_hex(6),
        label=label,
        view=view,
        signed_with=secret_id(link_secret(config)),
        created_at=created,
        expires_at=created + timedelta(days=days),
        password_hash=hash_password(password) if password else None,
    )
    frozen = None
    if view.snapshot:
        from legame import snapshot

        frozen = snapshot.take(con, config, view)
    con.execute("begin transaction")
    try:
        queries.run(
            con,
            "links_insert",
            link_id=link.id,
            label=link.label,
            pinned_view=json.dumps(view.as_dict()),
            password_hash=link.password_hash,
            signed_with=link.signed_with,
            created_at=link.created_at,
            expires_at=link.expires_at,
        )
        if frozen is not None:
            snapshot.store(con, link.id, frozen, taken_at=link.created_at)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return link, link_url(config, link)


def links(con: duckdb.DuckDBPyConnection) -> list[Link]:
    """Every link, newest first."""
    return [_link(row) for row in queries.run(con, "links_list")]


def get_link(con: duckdb.DuckDBPyConnection, link_id: str) -> Link | None:
    rows = queries.run(con, "links_get", link_id=link_id)
    return _link(rows[0]) if rows else None


def verify(con: duckdb.DuckDBPyConnection, config: Config, token: str, now: datetime | None = None) -> Link:
    """The link a token opens, checked against its signature, expiry and the `links` table.

    Raises InvalidLink (and logs why, without the token) when it must not open.
    """
    link_id = None
    try:
        link_id, expires, view = read_token(token, link_secret(config))
        now = now or _now()
        if now >= expires:
            raise InvalidLink("expired", link_id)
        link = get_link(con, link_id)
        if link is None:
            raise InvalidLink("no such link in this database", link_id)
        if link.status(now) != "active":
            raise InvalidLink(link.status(now), link_id)
    except InvalidLink as refused:
        log.warning("Refused a shared link: %s%s", refused.reason, f" (link {link_id})" if link_id else "")
        raise
    # The signed view is what the token's holder was given; the row carries the same one.
    return replace(link, view=view)


def record_open(con: duckdb.DuckDBPyConnection, link_id: str, now: datetime | None = None) -> None:
    """Count one opening of a link. The one write a viewer's visit causes: run it on the admin connection."""
    try:
        queries.run(con, "links_opened", link_id=link_id, opened_at=now or _now())
    except duckdb.TransactionException:
        # Two viewers opening the same link at the same instant conflict on its row: a usage
        # counter is not worth failing a page for.
        log.info("Open of link %s not counted (concurrent update)", link_id)


def revoke(con: duckdb.DuckDBPyConnection, link_id: str, now: datetime | None = None) -> Link:
    """Revoke a link: it stops opening on the next request. Revoking twice keeps the first date."""
    queries.run(con, "links_revoke", link_id=link_id, revoked_at=now or _now())
    link = get_link(con, link_id)
    if link is None:
        raise LegameError(_("There is no link {id}; `python -m legame share list` shows every link.", id=repr(link_id)))
    return link


# -- Passwords --------------------------------------------------------------------------------


def hash_password(password: str, iterations: int = PASSWORD_ITERATIONS) -> str:
    """'pbkdf2_sha256$ITERATIONS$SALT$HASH' (salt and hash base64url): what the local file stores."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def password_matches(given: str, stored: str) -> bool:
    """Constant-time check of a password against hash_password's output."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        computed = hashlib.pbkdf2_hmac("sha256", given.encode(), _unb64(salt), int(iterations))
        return hmac.compare_digest(computed, _unb64(digest))
    except (ValueError, binascii.Error):
        return False


def _admin_password_file(config: Config) -> Path:
    return config.root / config.get("share", "admin_password_file", default="data/.admin_password")


def _stored_admin_hash(config: Config) -> str | None:
    path = _admin_password_file(config)
    if not path.exists():
        return None
    return path.read_text().strip() or None


def admin_password_set(config: Config) -> bool:
    """True when LEGAME_ADMIN_PASSWORD or the hashed password file is set: admin pages then ask for it."""
    return bool(os.environ.get("LEGAME_ADMIN_PASSWORD")) or _stored_admin_hash(config) is not None


def is_local_request(server_address: str | None, header_names: Iterable[str]) -> bool:
    """True when the server listens on this computer only and no proxy relayed the request.

    With no admin password, only such requests get the admin role. A proxy on the same
    computer relays other people's requests from a local address: its headers give it away.
    """
    relayed = {name.lower() for name in header_names} & FORWARDING_HEADERS
    return server_address in LOCAL_ADDRESSES and not relayed


def admin_password_matches(config: Config, given: str) -> bool:
    """Constant time: digests are compared, so neither content nor length leaks through timing."""
    plain = os.environ.get("LEGAME_ADMIN_PASSWORD")
    if plain:
        return hmac.compare_digest(hashlib.sha256(given.encode()).digest(), hashlib.sha256(plain.encode()).digest())
    stored = _stored_admin_hash(config)
    return stored is not None and password_matches(given, stored)


def set_admin_password(config: Config, password: str) -> Path:
    """Store the admin password hashed in share.admin_password_file (never in git)."""
    if len(password) < 10:
        raise LegameError(_("Use an admin password of at least 10 characters."))
    path = _admin_password_file(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(hash_password(password) + "\n")
    path.chmod(0o600)
    return path


class SignInLimiter:
    """At most `max_failures` wrong passwords per key within `window` seconds, for one server process.

    Thread-safe: Streamlit runs each session in its own thread.
    """

    def __init__(self, max_failures: int = 5, window: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.window, self.clock = max_failures, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= self.clock() - self.window:
            failures.popleft()
        return failures

    def wait_seconds(self, key: str) -> float:
        """0 when a new attempt is allowed, else the seconds until it is."""
        with self._lock:
            failures = self._recent(key)
            if len(failures) < self.max_failures:
                return 0.0
            return failures[0] + self.window - self.clock()

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


# -- The read-only cursor ---------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _statement_types(sql: str) -> frozenset[duckdb.StatementType]:
    # The SQL comes from queries/ and the package, so the cache holds a few dozen entries.
    return frozenset(s.type for s in duckdb.extract_statements(sql))


class ReadOnlyCursor:
    """A cursor that runs SELECT statements only; what every non-admin session reads through.

    It wraps a DuckDB cursor and exposes only reading methods: `execute` checks each statement's
    type first, and anything that is not a SELECT (insert, update, delete, create, drop, copy,
    attach, set, transactions, ...) raises WriteRefused before DuckDB sees it. Writing helpers
    of the DuckDB API (`executemany`, `sql`, `read_csv`, relations ...) are simply absent.
    """

    # Reading results, and `register` (a DataFrame as a view of this cursor alone, never written to the file).
    _PASSED_THROUGH = frozenset(
        {
            "fetchone",
            "fetchall",
            "fetchmany",
            "fetchdf",
            "fetch_df",
            "df",
            "fetchnumpy",
            "to_arrow_table",
            "description",
            "register",
        }
    )

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor

    def execute(self, query: str, parameters: object = None) -> ReadOnlyCursor:
        refused = _statement_types(query) - {duckdb.StatementType.SELECT}
        if refused:
            kinds = ", ".join(sorted(t.name.lower() for t in refused))
            raise WriteRefused(
                _("This view is read-only and cannot change the data ({kinds} statement refused).", kinds=kinds)
            )
        self._cursor.execute(query, parameters)
        return self

    def cursor(self) -> ReadOnlyCursor:
        return ReadOnlyCursor(self._cursor.cursor())

    def close(self) -> None:
        self._cursor.close()

    def __getattr__(self, name: str) -> Any:
        if name in self._PASSED_THROUGH:
            return getattr(self._cursor, name)
        raise AttributeError(f"A read-only cursor has no {name!r}: it only runs SELECT statements.")
