"""The DuckDB warehouse: the file (or a team's DuckLake), its canonical tables, versioned migrations.

The canonical schema below is the one source of truth for table shapes: the
migrations create it, the canonical ingest profile is derived from it, and the
ingest pipeline casts every column to the type declared here.
"""

from __future__ import annotations

import glob
import hashlib
import importlib.util
import itertools
import os
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TypeVar

import duckdb

from legame import aggregates, load_log, queries
from legame.config import Config
from legame.errors import ConfigError, DatabaseBusy, UnreadableDatabase
from legame.i18n import _, pgettext

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    """One canonical column: its SQL type and how raw text is read into it."""

    name: str
    kind: str  # text | person | timestamp | date | number | integer | boolean | choice
    required: bool = False
    choices: tuple[str, ...] = ()
    money: bool = False  # an amount in config.yaml's currency
    bounds: tuple[int, int] | None = None  # the lowest and highest whole number allowed

    @property
    def sql_type(self) -> str:
        return {
            "timestamp": "timestamp",
            "date": "date",
            "number": "double",
            "integer": "bigint",
            "boolean": "boolean",
        }.get(self.kind, "varchar")


@dataclass(frozen=True)
class Table:
    """One canonical table: its columns, natural key and the date column that dates a row."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    date_column: str
    # How a loaded row meets the stored row of the same key: "replace" it whole (a corrected
    # re-export), or "combine" with it (several tools describe one person): a later value
    # replaces, a blank keeps the stored one, and `earliest` columns keep the earlier date.
    merge: str = "replace"
    earliest: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def person_columns(self) -> tuple[str, ...]:
        """Columns holding a person's id, which a profile may fill from an email."""
        return tuple(c.name for c in self.columns if c.kind == "person")


INTERACTION_KINDS = (
    "comment",
    "reply",
    "answer",
    "reaction",
    "share",
    "post",
    "event",
    "review",
    "referral",
    "ugc",
)
AUTHOR_TYPES = ("brand", "employee", "customer", "influencer")

C = Column
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "people",
            (
                C("person_id", "person", required=True),
                C("first_seen", "timestamp"),
                C("is_member", "boolean"),
                C("member_since", "date"),
                C("acquisition_channel", "text"),
                C("referred_by", "person"),
                C("segment", "text"),
            ),
            key=("person_id",),
            date_column="first_seen",
            merge="combine",
            earliest=("first_seen", "member_since"),
        ),
        Table(
            "posts",
            (
                C("channel", "text", required=True),
                C("post_id", "text", required=True),
                C("published_at", "timestamp", required=True),
                C("author_type", "choice", choices=AUTHOR_TYPES),
                C("is_ugc", "boolean"),
                C("reach", "integer"),
                C("impressions", "integer"),
                C("reactions", "integer"),
                C("comments", "integer"),
                C("shares", "integer"),
                C("saves", "integer"),
                C("clicks", "integer"),
            ),
            key=("channel", "post_id"),
            date_column="published_at",
        ),
        Table(
            "interactions",
            (
                C("event_id", "text", required=True),
                C("person_id", "person", required=True),
                C("occurred_at", "timestamp", required=True),
                C("channel", "text"),
                C("kind", "choice", required=True, choices=INTERACTION_KINDS),
                C("post_id", "text"),
            ),
            key=("event_id",),
            date_column="occurred_at",
        ),
        Table(
            "orders",
            (
                C("order_id", "text", required=True),
                C("person_id", "person", required=True),
                C("ordered_at", "timestamp", required=True),
                C("revenue", "number", required=True, money=True),
                C("channel", "text"),
                C("campaign", "text"),
                C("is_refund", "boolean"),
            ),
            key=("order_id",),
            date_column="ordered_at",
        ),
        Table(
            "spend",
            (
                C("day", "date", required=True),
                C("channel", "text", required=True),
                C("campaign", "text"),
                C("amount", "number", required=True, money=True),
                C("impressions", "integer"),
                C("clicks", "integer"),
            ),
            key=("day", "channel", "campaign"),
            date_column="day",
        ),
        Table(
            "surveys",
            (
                C("response_id", "text", required=True),
                C("person_id", "person"),
                C("answered_at", "timestamp", required=True),
                C("score", "integer", required=True, bounds=(0, 10)),
                C("comment", "text"),
            ),
            key=("response_id",),
            date_column="answered_at",
        ),
        Table(
            "referrals",
            (
                C("referrer_id", "person", required=True),
                C("referred_id", "person", required=True),
                C("referred_at", "timestamp", required=True),
            ),
            key=("referrer_id", "referred_id"),
            date_column="referred_at",
        ),
        Table(
            # Web analytics (GA4 Traffic acquisition): a day's sessions from one channel or campaign.
            "visits",
            (
                C("day", "date", required=True),
                C("channel", "text", required=True),
                C("campaign", "text"),
                C("sessions", "integer", required=True),
                C("engaged_sessions", "integer"),
                C("key_events", "integer"),
            ),
            key=("day", "channel", "campaign"),
            date_column="day",
        ),
    )
}


def _table_ddl(table: Table) -> str:
    # Key columns are not null: a key with a NULL in it could never be matched
    # again, so re-loading the file would duplicate the row.
    cols = [f"{c.name} {c.sql_type}{' not null' if c.name in table.key else ''}" for c in table.columns]
    cols.append("load_id integer not null")
    return f"create table {table.name} ({', '.join(cols)})"


def table_word(name: str) -> str:
    """A canonical table named as a word of the reader's language in prose ("orders": "ordini"); its id otherwise."""
    words = {
        "people": pgettext("table", "people"),
        "posts": pgettext("table", "posts"),
        "interactions": pgettext("table", "interactions"),
        "orders": pgettext("table", "orders"),
        "spend": pgettext("table", "spend"),
        "surveys": pgettext("table", "surveys"),
        "referrals": pgettext("table", "referrals"),
        "visits": pgettext("table", "visits"),
    }
    return words.get(name, name)


# The canonical tables of the first release. Migration 1 creates exactly these: a table
# added to TABLES later is created by its own migration, never by re-reading migration 1.
FIRST_RELEASE_TABLES = ("people", "posts", "interactions", "orders", "spend", "surveys", "referrals")

# Each migration moves the file from version n-1 to n. Never edit a released
# migration: add the next one, so an older file is brought forward in order.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        *(_table_ddl(TABLES[name]) for name in FIRST_RELEASE_TABLES),
        """create table loads (
            load_id integer primary key,
            file_name varchar not null,
            sha256 varchar not null,
            profile varchar not null,
            table_name varchar not null,
            rows_read bigint not null,
            rows_inserted bigint not null,
            rows_replaced bigint not null,
            rows_unchanged bigint not null,
            rows_rejected bigint not null,
            duplicates_in_file bigint not null,
            min_date date,
            max_date date,
            loaded_at timestamp not null,
            loaded_by varchar not null,
            is_demo boolean not null
        )""",
        """create table rejects (
            load_id integer not null,
            row_number bigint not null,
            column_name varchar,
            value varchar,
            reason varchar not null
        )""",
    ),
    (
        # Read-only links (legame/share.py): the pinned view is the JSON the link's token carries.
        """create table links (
            link_id varchar primary key,
            label varchar not null,
            pinned_view varchar not null,
            password_hash varchar,
            signed_with varchar not null,
            created_at timestamp not null,
            expires_at timestamp not null,
            revoked_at timestamp,
            last_opened_at timestamp,
            open_count bigint not null default 0
        )""",
    ),
    (
        # Web visits (GA4 exports): sessions per day, channel and campaign. Written out rather
        # than derived from TABLES, so that this migration never changes once released.
        """create table visits (
            day date not null,
            channel varchar not null,
            campaign varchar not null,
            sessions bigint,
            engaged_sessions bigint,
            key_events bigint,
            load_id integer not null
        )""",
    ),
    (
        # Fitted CLV models kept per data version (legame/clv/cache.py), so a new process reads a
        # fit instead of refitting: one row per fit (its parameters, or the error no fit could be
        # made for), and each customer's values from it.
        "create sequence clv_fit_ids start 1",
        """create table clv_fits (
            fit_id bigint not null,
            data_version integer not null,
            settings_digest varchar not null,
            as_of date not null,
            fitted_at timestamp not null,
            error varchar,
            first_order date,
            correlation double,
            r double,
            alpha double,
            a double,
            b double,
            r_se double,
            alpha_se double,
            a_se double,
            b_se double,
            bgnbd_loglik double,
            customers bigint,
            p double,
            q double,
            gamma double,
            p_se double,
            q_se double,
            gamma_se double,
            gamma_gamma_loglik double,
            repeat_customers bigint,
            community_members bigint,
            community_others bigint,
            community_mean_members double,
            community_mean_others double,
            community_difference double,
            community_low double,
            community_high double,
            community_reason varchar
        )""",
        """create table clv_fit_customers (
            fit_id bigint not null,
            person_id varchar not null,
            x bigint,
            t_x double,
            "T" double,
            p_alive double,
            expected_purchases double,
            expected_spend double,
            clv_predicted double,
            historic_revenue double,
            clv_historic double,
            recency_weeks double,
            is_member boolean,
            segment varchar,
            nps_group varchar,
            is_advocate boolean
        )""",
    ),
    (
        # Frozen links (legame/snapshot.py): what a link's pages showed when it was made, as JSON
        # (the numbers once, the words computed with them in each language listed).
        """create table link_snapshots (
            link_id varchar primary key,
            taken_at timestamp not null,
            data_version integer not null,
            languages varchar not null,
            body varchar not null
        )""",
    ),
    (
        # The admin's dated notes on the trend charts (legame/annotations.py): a campaign launch,
        # an event, a price change; who wrote each and when.
        """create table annotations (
            annotation_id varchar primary key,
            day date not null,
            note varchar not null,
            author varchar not null,
            created_at timestamp not null
        )""",
    ),
    (
        # Compact aggregates kept current at load time (legame/aggregates.py), so a board reads a
        # period's slice of these instead of scanning the raw rows. Each is keyed by person: a load,
        # an erasure or a demo removal recomputes the rows of the people it touched.
        """create table agg_first_sales (
            person_id varchar not null,
            first_ordered_at timestamp not null,
            first_order_id varchar not null,
            source_channel varchar,
            campaign varchar,
            first_revenue double,
            acquisition_channel varchar,
            referred_by varchar
        )""",
        """create table agg_sale_days (
            day date not null,
            person_id varchar not null,
            source_channel varchar,
            campaign varchar,
            acquisition_channel varchar,
            orders bigint not null,
            revenue double
        )""",
        """create table agg_interaction_days (
            day date not null,
            person_id varchar not null,
            source_channel varchar,
            interactions bigint not null,
            answers bigint not null,
            ugc bigint not null,
            advocacy_acts bigint not null,
            is_first_of_day boolean not null,
            prev_day date,
            in_people boolean not null,
            first_seen timestamp,
            is_member boolean,
            member_since date,
            customer_since timestamp
        )""",
        "create table agg_members (member_since date, members bigint not null)",
        "create table agg_channel_names (source_table varchar not null, name varchar)",
        "create table agg_order_days (day date not null, net_revenue double, latest_ordered_at timestamp not null)",
        "create table aggregates_version (sha256 varchar not null)",
    ),
    (
        # The fingerprint of a canonical table as its last load left it, and of how that load read its
        # file (legame/ingest/pipeline.py): a reload of the same bytes into a table still so can skip
        # reading the file again (#15). One row per table.
        """create table table_fingerprints (
            table_name varchar not null,
            load_id integer not null,
            fingerprint varchar not null,
            reading varchar not null
        )""",
    ),
    (
        # The buyer's first sale on each of their sale days (queries/aggregates/2_sale_days.sql): a new
        # customer's sales are a filter, not a join against the period's new customers (#15). Filled by the
        # rebuild the aggregates' changed SQL brings on connect.
        "alter table agg_sale_days add column customer_since timestamp",
    ),
    (
        # Each customer's acts around their first sale (queries/aggregates/7_customer_acts.sql): a period's
        # engaged new customers are read from one row per new customer, not from every act (#15). Filled by the
        # rebuild the aggregates' changed SQL brings on connect.
        """create table agg_customer_acts (
            person_id varchar not null,
            customer_since timestamp not null,
            act_before date,
            act_after date,
            in_people boolean not null,
            first_seen timestamp
        )""",
    ),
    (
        # The day of each person's previous act of advocacy (queries/aggregates/3_interaction_days.sql): a period's
        # advocates are counted from their first advocacy row in it, not deduplicated over their ids (#15). Filled by
        # the rebuild the aggregates' changed SQL brings on connect.
        "alter table agg_interaction_days add column prev_advocacy_day date",
    ),
    (
        # Whether the buyer was a member on the sale's day (queries/aggregates/2_sale_days.sql): the board's revenue
        # trend reads the day's sales, not every order joined to people (#15). Filled by the rebuild the
        # aggregates' changed SQL brings on connect.
        "alter table agg_sale_days add column is_member_sale boolean",
    ),
    (
        # Each referral with its referrer's first sale (queries/aggregates/8_referrals.sql): a period's referrers
        # who are customers are read from the referrals alone, not looked up among every customer (#15). Filled by
        # the rebuild the aggregates' changed SQL brings on connect.
        """create table agg_referrals (
            person_id varchar not null,
            referred_at timestamp not null,
            referrer_since timestamp
        )""",
    ),
    (
        # The customers referrals name as referred, with their first sale (queries/aggregates/9_referred_customers.sql):
        # a period's referred new customers are read by that date, not looked up among every referral (#15). Filled
        # by the rebuild the aggregates' changed SQL brings on connect.
        """create table agg_referred_customers (
            person_id varchar not null,
            first_ordered_at timestamp not null
        )""",
        # The acts of advocacy per day and person (queries/aggregates/9_advocacy_days.sql): a period's advocates are
        # read from those rows alone, not filtered out of every act (#15). Filled by the same rebuild.
        """create table agg_advocacy_days (
            day date not null,
            person_id varchar not null,
            source_channel varchar,
            ugc bigint not null,
            prev_advocacy_day date,
            customer_since timestamp
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the file to the current schema version; returns the version found."""
    lake = is_lake(con)
    con.execute("create table if not exists schema_version (version integer not null, applied_at timestamp not null)")
    found = con.execute("select coalesce(max(version), 0) from schema_version").fetchall()[0][0]
    for version in range(found + 1, SCHEMA_VERSION + 1):
        con.execute("begin transaction")
        try:
            for statement in MIGRATIONS[version - 1]:
                if lake:
                    statement = _for_lake(statement)
                if statement:
                    con.execute(statement)
            con.execute(
                "insert into schema_version values ($v, current_timestamp::timestamp)",
                {"v": version},
            )
            con.execute("commit")
        except Exception:
            rollback_quietly(con)
            raise
    return found


def _for_lake(statement: str) -> str:
    """A released migration as DuckLake takes it: no sequences, no primary keys.

    What a primary key protected, the code keeps: load ids are taken in turn (`take_turn`), link
    ids are random, and a CLV fit's id is the next one while holding the turn (clv/cache.py).
    """
    if statement.lstrip().lower().startswith("create sequence"):
        return ""
    return re.sub(r"\s+primary key", " not null", statement, flags=re.IGNORECASE)


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass  # a commit that failed has rolled back already


# -- Where the warehouse is: the embedded file, or DuckLake (catalogue in PostgreSQL) ---------

LAKE_PREFIX = "ducklake:"
# The extensions a DuckLake warehouse needs, each from its PyPI wheel (see requirements.txt).
EXTENSIONS = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres_scanner"}
REMOTE_EXTENSIONS = {"httpfs": "duckdb_extension_httpfs"}  # s3:// and other object stores
REMOTE = ("s3://", "s3a://", "gs://", "gcs://", "r2://", "az://", "abfss://", "https://")


@dataclass(frozen=True)
class Location:
    """Where the warehouse lives: `path` (the embedded file) or `catalog` + `data_path` (DuckLake)."""

    path: Path | None = None
    catalog: str | None = None  # e.g. "postgres:host=127.0.0.1 port=5432 dbname=legame user=legame"
    data_path: str | None = None  # a local or shared folder, or s3://bucket/prefix/

    @property
    def is_lake(self) -> bool:
        return self.catalog is not None

    @property
    def local_data_path(self) -> Path | None:
        """The data folder when it is on a filesystem (a local or mounted shared folder)."""
        if self.data_path is None or self.data_path.lower().startswith(REMOTE):
            return None
        return Path(self.data_path)

    def describe(self) -> str:
        """What the warehouse is, for messages (never the password of a connection string)."""
        if not self.is_lake:
            return str(self.path)
        catalog = re.sub(r"password=\S+", "password=***", self.catalog or "")
        return f"DuckLake {catalog} ({self.data_path})"


def location(config: Config) -> Location:
    """The warehouse: LEGAME_WAREHOUSE, else LEGAME_DB, else warehouse.url, else warehouse.path.

    `ducklake:postgres:<libpq connection string>` is a team's shared warehouse; its Parquet files
    go to LEGAME_DATA_PATH, else warehouse.data_path, else data/lake/ beside config.yaml.
    """
    url = str(
        os.environ.get("LEGAME_WAREHOUSE")
        or os.environ.get("LEGAME_DB")
        or config.get("warehouse", "url", default=None)
        or config.get("warehouse", "path")
    )
    if not url.startswith(LAKE_PREFIX):
        return Location(path=config.root / url)
    catalog = url[len(LAKE_PREFIX) :]
    if not catalog.startswith("postgres:"):
        raise ConfigError(
            _(
                "warehouse.url {url} is not a warehouse Legame can open: write "
                "ducklake:postgres:<connection string>, for example "
                "ducklake:postgres:host=127.0.0.1 port=5432 dbname=legame user=legame."
            ).format(url=url.split("password=")[0])
        )
    data_path = str(
        os.environ.get("LEGAME_DATA_PATH") or config.get("warehouse", "data_path", default=None) or "data/lake/"
    )
    if not data_path.lower().startswith(REMOTE):
        data_path = str(config.root / data_path)
    return Location(catalog=catalog, data_path=data_path.rstrip("/") + "/")


def database_path(config: Config) -> Path:
    """The warehouse file: LEGAME_DB if set, else the path in config.yaml."""
    found = location(config)
    if found.path is None:
        raise ConfigError(
            _("This needs the embedded warehouse file; {where} is a shared DuckLake warehouse.").format(
                where=found.describe()
            )
        )
    return found.path


def extension_file(package: str) -> str:
    """The extension file an installed wheel carries for this DuckDB version (never downloaded)."""
    spec = importlib.util.find_spec(package)
    found: list[str] = []
    if spec is not None and spec.origin:
        folder = Path(spec.origin).parent / "extensions" / f"v{duckdb.__version__}"
        found = glob.glob(str(folder / "*.duckdb_extension"))
    if not found:
        requirement = package.replace("_", "-") + "==" + duckdb.__version__
        raise ConfigError(
            _(
                "A shared DuckLake warehouse needs the {package} package for DuckDB {version}: "
                "pip install -r requirements.txt (it pins {requirement})."
            ).format(package=package, version=duckdb.__version__, requirement=requirement)
        )
    return found[0]


def is_lake(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the connection's warehouse is DuckLake."""
    found = con.execute("select type from duckdb_databases() where database_name = current_database()").fetchall()
    return bool(found) and found[0][0] == "ducklake"


_OPENED = itertools.count(1)


def _connect_lake(where: Location, read_only: bool) -> duckdb.DuckDBPyConnection:
    """DuckLake as the connection's own database, so that every cursor() of it reads the lake too.

    DuckDB can only open an extension's database as its own when the extension loads while
    opening: it is autoloaded from a folder of links to the installed wheels' files, with
    autoinstall off, so nothing is fetched at run time. A new catalogue is first made by an
    ATTACH (the only way to give it its data path); later opens read the path it stores.
    """
    folder = where.local_data_path
    if folder is not None and not read_only:
        folder.mkdir(parents=True, exist_ok=True)
    options = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
        "extension_directory": str(_extension_links(remote=folder is None)),
    }
    try:
        # Two processes opening a new catalogue at once both create its tables in PostgreSQL: the
        # second fails ("duplicate key", "already exists"), and on a retry opens what the first made.
        con = retrying(lambda: _open_lake(where, read_only, options), _racing)
    except duckdb.Error as exc:
        raise DatabaseBusy(
            _(
                "The shared warehouse {where} cannot be opened ({reason}). Is PostgreSQL running and reachable?"
            ).format(where=where.describe(), reason=str(exc).splitlines()[0])
        ) from None
    if folder is None:
        _object_store_secret(con)
    return con


def _open_lake(where: Location, read_only: bool, options: dict[str, object]) -> duckdb.DuckDBPyConnection:
    # Every open gets a DuckDB instance of its own. DuckDB keeps one instance per URL while any
    # connection to it lives, and on 1.5.5 reopening a URL whose instance saw a conflicting commit waits
    # in that cache for ever (the instance is never released). A name PostgreSQL shows for the session,
    # unique in this process, makes every URL new; the user's own application_name still wins over it.
    url = LAKE_PREFIX + (where.catalog or "") + f" fallback_application_name=legame-{os.getpid()}-{next(_OPENED)}"
    try:
        return duckdb.connect(url, read_only=read_only, config=options)
    except duckdb.Error as exc:
        if "data_path" not in str(exc).lower() or read_only:
            raise
    _create_catalogue(url, where.data_path or "", options)
    return duckdb.connect(url, config=options)


def _racing(exc: duckdb.Error) -> bool:
    """Whether opening failed because another process was creating the same catalogue."""
    text = str(exc).lower()
    return conflict(exc) or any(sign in text for sign in ("duplicate key", "already exists", "unique constraint"))


def _create_catalogue(url: str, data_path: str, options: dict[str, object]) -> None:
    with duckdb.connect(config=options) as con:
        con.execute(f"attach {literal(url)} as new_lake (data_path {literal(data_path)})")


def _extension_links(remote: bool) -> Path:
    """A folder laid out as DuckDB's extension directory, its files links to the installed wheels' ones."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    platform = duckdb.execute("pragma platform").fetchall()[0][0]
    root = cache / "legame" / "duckdb-extensions"
    folder = root / f"v{duckdb.__version__}" / platform
    folder.mkdir(parents=True, exist_ok=True)
    for package in (EXTENSIONS | (REMOTE_EXTENSIONS if remote else {})).values():
        source = Path(extension_file(package))
        link = folder / source.name
        if not link.is_symlink() or link.resolve() != source.resolve():
            spare = folder / f".{source.name}.{os.getpid()}"
            spare.unlink(missing_ok=True)
            spare.symlink_to(source)
            spare.replace(link)  # atomic: another process opening now sees the old link or the new
    return root


def literal(text: str) -> str:
    """`text` as an SQL string literal, where DuckDB binds no parameter (ATTACH) or binding one imports pandas."""
    return "'" + text.replace("'", "''") + "'"


def _object_store_secret(con: duckdb.DuckDBPyConnection) -> None:
    """S3 credentials from the environment (AWS_ACCESS_KEY_ID, ...): secrets stay out of config.yaml."""
    env = {
        "key_id": "AWS_ACCESS_KEY_ID",
        "secret": "AWS_SECRET_ACCESS_KEY",
        "session_token": "AWS_SESSION_TOKEN",
        "region": "AWS_REGION",
        "endpoint": "AWS_ENDPOINT_URL",
    }
    given = {name: os.environ[var] for name, var in env.items() if os.environ.get(var)}
    if not given:
        return
    if "endpoint" in given:
        given["endpoint"] = re.sub(r"^https?://", "", given["endpoint"])
    fields = ", ".join(f"{name} {literal(value)}" for name, value in given.items())
    con.execute(f"create or replace temp secret legame_s3 (type s3, {fields})")


# Conflicting commits to DuckLake (two processes) or to the file (two threads) fail; they are retried.
CONFLICT_RETRIES = 8


def conflict(exc: BaseException) -> bool:
    """Whether an error is a write-write conflict with another transaction, worth retrying."""
    return isinstance(exc, duckdb.TransactionException) or (
        isinstance(exc, duckdb.Error) and "conflict" in str(exc).lower()
    )


def retry_wait(attempt: int) -> None:
    """Back off before retrying a conflicting transaction (jittered, so two writers drift apart)."""
    time.sleep(random.uniform(0.05, 0.25) * (attempt + 1))


def retrying(
    once: Callable[[], T],
    retryable: Callable[[duckdb.Error], bool] = conflict,
    after_failure: Callable[[], None] | None = None,
) -> T:
    """`once()`, tried again after a `retryable` DuckDB error, CONFLICT_RETRIES tries in all, backing off
    between them (`retry_wait`); `after_failure` runs after every failed try (a rollback). Any other
    error, or the last try's, reaches the caller."""
    attempt = 0
    while True:
        try:
            return once()
        except duckdb.Error as exc:
            if after_failure is not None:
                after_failure()
            if attempt + 1 >= CONFLICT_RETRIES or not retryable(exc):
                raise
            retry_wait(attempt)
            attempt += 1


def take_turn(con: duckdb.DuckDBPyConnection) -> None:
    """Make this transaction conflict with any other that takes its turn before it commits.

    DuckLake has no primary keys, and two transactions that only append never conflict: two
    loads of one file from two processes would both land. Every transaction that logs a load
    (its id is max + 1) updates the one row of `write_turns`, so of two at once one commit
    fails, and its retry, on the newer snapshot, sees the other's rows and load id.
    """
    con.execute("update write_turns set turn = turn + 1")


def install_turns(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table if not exists write_turns (turn bigint not null)")
    if not con.execute("select count(*) from write_turns").fetchall()[0][0]:
        con.execute("insert into write_turns values (0)")


def connect(config: Config, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and migrate) the warehouse, with a plain error when another process holds its file."""
    where = location(config)
    con = _connect_lake(where, read_only) if where.is_lake else _connect_file(where.path, read_only)
    con.execute("set TimeZone = 'UTC'")
    limit_memory(con)
    if not read_only:
        # Two processes starting on a new warehouse may both migrate: one commit wins, the other retries.
        retrying(
            lambda: _install(con),
            lambda exc: conflict(exc) or "already exists" in str(exc),
            after_failure=lambda: rollback_quietly(con),
        )
        if not load_log.current(con, config):
            # A warehouse of a Legame that kept no list gets one now; a list a crash left behind is caught up.
            load_log.record(con, config)
    return con


def _install(con: duckdb.DuckDBPyConnection) -> None:
    migrate(con)
    install_relations(con)
    install_turns(con)
    aggregates.ensure(con)


def _connect_file(path: Path | None, read_only: bool) -> duckdb.DuckDBPyConnection:
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(
                _(
                    "The database {path} is in use by another process (probably the running app). "
                    "Stop the app, or load files through its Upload page.",
                    path=path,
                )
            ) from None
        newer = re.search(r"version number (\d+)", str(exc))
        if newer and "newer version of DuckDB" in str(exc):
            # Legame pins DuckDB (requirements.txt): a file written by a later DuckDB, such as an earlier
            # Legame on DuckDB 2.0.1, cannot be read by it; DuckDB's own words name neither the file nor a way out.
            raise UnreadableDatabase(
                _(
                    "The database {path} was written by a newer DuckDB (storage version {found}) than this "
                    "Legame's DuckDB {ours} can read, so it was not opened and nothing in it was changed. "
                    "Run the Legame release that wrote it, or rebuild it from the raw archive with "
                    "`python -m legame rebuild` (the file is kept beside the new one), or move the file aside: "
                    "Legame then starts on a new database, and you load your exports again.",
                    path=path,
                    found=newer.group(1),
                    ours=duckdb.__version__,
                )
            ) from None
        if any(damage in str(exc) for damage in DAMAGED):
            raise UnreadableDatabase(
                _(
                    "The database {path} is damaged and cannot be opened; nothing in it was changed. Rebuild it "
                    "from the raw archive with `python -m legame rebuild` (the damaged file is kept beside the new "
                    "one), or restore a backup.",
                    path=path,
                )
            ) from None
        raise
    if not read_only:
        drop_stale_spill(con)
    return con


def drop_stale_spill(con: duckdb.DuckDBPyConnection) -> None:
    """Delete what a killed process spilled into the warehouse's temporary folder, right after opening it to write.

    Under MEMORY_LIMIT, DuckDB spills big sorts, joins and reads into `<file>.tmp`; a process killed meanwhile
    leaves those files behind, and DuckDB 1.5.5 neither reuses nor deletes them when the file is opened again
    (duckdb#24576). They can hold a file's cells as read, email addresses included, against DESIGN.md's
    "personal data stays out of the database". Opened to write, the file is this process's alone (DuckDB's
    lock: no other process, reader or writer, has it open); in this process, another connection to the same
    file shares its database, whose live spill files DuckDB lists (listed after the folder is read, so a file
    a live spill makes meanwhile is not among those deleted): every other file there is a dead process's.
    A file opened read-only may share the folder with other processes reading it: kept.
    """
    folder = con.execute("select current_setting('temp_directory')").fetchone()[0]
    if not folder:
        return
    found = {file.resolve() for file in Path(folder).glob("duckdb_temp_*")}
    live = {Path(row[0]).resolve() for row in con.execute("select path from duckdb_temporary_files()").fetchall()}
    for stale in found - live:
        stale.unlink(missing_ok=True)


# DuckDB 1.5.5's words for a file it cannot read as a database: another kind of file, a checksum that does not
# match (a flipped bit), a file cut short (a full disk, a copy interrupted).
DAMAGED = ("not a valid DuckDB database file", "Corrupt database file", "Could not read enough bytes")


# DuckDB's own default is 80% of the machine's memory: past this it spills to disk instead, so that a
# load or a rebuild of the aggregates at 20 M rows keeps the process under DESIGN.md's 2 GB.
MEMORY_LIMIT = "1GB"


def limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Cap DuckDB's memory at MEMORY_LIMIT: big sorts and joins spill to the file's .tmp folder instead."""
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")


RELATIONS_DIR = Path(__file__).resolve().parent.parent / "queries" / "relations"
# The relations KPI queries read per period, in two sets with the same names and columns: over the raw
# rows (the definitions) or over the compact aggregates (what boards read; tests hold the two equal).
RELATION_SETS = ("aggregated", "raw")


def relation_files(over: str = "aggregated") -> list[Path]:
    """The files of the shared relations in the order they are created: the base (queries/relations/),
    the set `over` ("aggregated" or "raw"), then those built on either set (on_either/)."""
    if over not in RELATION_SETS:
        raise ValueError(f"relations are over one of {', '.join(RELATION_SETS)}, not {over!r}")
    return [
        *sorted(RELATIONS_DIR.glob("*.sql")),
        *sorted((RELATIONS_DIR / over).glob("*.sql")),
        *sorted((RELATIONS_DIR / "on_either").glob("*.sql")),
    ]


def install_relations(con: duckdb.DuckDBPyConnection, over: str = "aggregated") -> bool:
    """(Re)create the shared relations of queries/relations/ (table macros) when their text changed.

    They define once what every KPI family reads: paid orders, attributed orders, new customers,
    members as of a day, NPS answers, advocacy acts, channels, and the period's acts and sales per day.
    `over` picks the set those period relations read: the compact aggregates (kept current by every
    load) or the raw rows. Returns True when they were written.
    """
    files = relation_files(over)
    text = "\n".join(f.read_text(encoding="utf-8") for f in files)
    digest = hashlib.sha256((over + "\n" + text).encode()).hexdigest()
    con.execute("create table if not exists relations_version (sha256 varchar not null)")
    if con.execute("select count(*) from relations_version where sha256 = $d", {"d": digest}).fetchall()[0][0]:
        return False
    con.execute("begin transaction")
    try:
        for f in files:
            con.execute(f.read_text(encoding="utf-8"))
        con.execute("delete from relations_version")
        con.execute("insert into relations_version values ($d)", {"d": digest})
        con.execute("commit")
    except Exception:
        rollback_quietly(con)
        raise
    return True


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The latest load id: every cache keyed on it is invalidated by a new upload."""
    return versions(con).data


def tables_version(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> int:
    """The latest load id that changed any of `tables`: a load of another table leaves it as it was.
    A demo removal or an erasure (table 'all') changes every table."""
    return loaded_version(latest_loads(con), tables)


class Versions(NamedTuple):
    """What the app's caches are keyed on, read together (versions())."""

    data: int  # data_version: the latest load id
    notes: tuple[int, int]  # annotations.version: the count and digest of the notes


def versions(con: duckdb.DuckDBPyConnection) -> Versions:
    """The data version and the notes' version in one query (queries/versions.sql)."""
    row = queries.run(con, "versions")[0]
    return Versions(row["data_version"], (row["notes"], row["notes_digest"]))


def latest_loads(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The latest load id of each table ('all': a demo removal or an erasure), in one query: the version of any
    set of tables is then loaded_version(latest, tables)."""
    return dict(con.execute("select table_name, max(load_id) from loads group by table_name").fetchall())


def loaded_version(latest: dict[str, int], tables: tuple[str, ...]) -> int:
    """The latest load id that changed any of `tables` (tables_version), from latest_loads(con)."""
    return max((latest.get(table, 0) for table in (*tables, "all")), default=0)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every canonical table."""
    return {
        name: con.execute(f"select count(*) from {name}").fetchall()[0][0]  # names are ours
        for name in TABLES
    }


def freshness(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Latest date present in each canonical table (None when empty)."""
    return {
        name: con.execute(f"select max({t.date_column})::date from {name}").fetchall()[0][0]
        for name, t in TABLES.items()
    }


def demo_state(con: duckdb.DuckDBPyConnection) -> str:
    """Whose rows the warehouse holds: "empty", "demo" (the built-in demo only), "mixed" or "real".

    Demo rows are those whose load is a demo load (loads.is_demo); every other row is the user's.
    """
    demo_loads = con.execute("select count(*) from loads where is_demo").fetchall()[0][0]
    demo = "load_id in (select load_id from loads where is_demo)"
    has_demo = bool(demo_loads) and _any_row(con, demo)
    has_real = _any_row(con, f"not ({demo})" if demo_loads else "true")
    if has_demo:
        return "mixed" if has_real else "demo"
    return "real" if has_real else "empty"


def _any_row(con: duckdb.DuckDBPyConnection, where: str) -> bool:
    # One row found is enough: LIMIT stops each scan there. Names and conditions are ours.
    found = " union all ".join(f"(select 1 from {name} where {where} limit 1)" for name in TABLES)
    return bool(con.execute(f"select count(*) from ({found})").fetchall()[0][0])
