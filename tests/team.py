"""A throw-away PostgreSQL for the team tests: a real server holding a DuckLake catalogue.

Debian's `postgresql` is installed when no server binaries are found (needs root, as in CI).
initdb refuses to run as root, so as root the cluster belongs to an unprivileged system user
(`legame-pg`, made when missing) and is started through `runuser`. The cluster listens on a
free port of 127.0.0.1 only, trusts local connections, and is deleted at the end of the session.
"""

from __future__ import annotations

import faulthandler
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PG_USER = "legame-pg"  # the system user that owns the cluster when the tests run as root
DB_USER = "legame"  # the database superuser initdb makes


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


class CannotInstall(RuntimeError):
    """No PostgreSQL server here, and no root to install Debian's (never the case in CI, which is root)."""


def install_postgres() -> Path:
    """The folder of initdb, pg_ctl and createdb, installing Debian's postgresql when missing.

    `make test` installs it first (the Makefile's postgresql target); this is for a bare `pytest`.
    """
    folder = _bin_dir()
    if folder is None:
        if os.geteuid() != 0:
            raise CannotInstall("PostgreSQL is not installed and this is not root: apt-get install -y postgresql")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env, timeout=600)
        folder = _bin_dir()
        assert folder is not None, "apt-get installed postgresql but no initdb was found"
    return folder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Postgres:
    """A running throw-away cluster: `dsn(dbname)` is a libpq connection string for it."""

    bin_dir: Path
    folder: Path
    port: int
    as_user: list[str]  # the command prefix that runs a server binary as the cluster's owner

    def dsn(self, dbname: str) -> str:
        return f"host=127.0.0.1 port={self.port} dbname={dbname} user={DB_USER}"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin_dir / tool), *args], check=True, capture_output=True)

    def create_database(self, name: str) -> str:
        """A new empty database; returns its connection string."""
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", DB_USER, name)
        return self.dsn(name)

    def stop(self) -> None:
        """Stop the server at once and delete the cluster (safe to call twice)."""
        data = str(self.folder / "data")
        stop = [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]
        subprocess.run(stop, capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def _owner() -> list[str]:
    if os.geteuid() != 0:
        return []
    exists = subprocess.run(["id", "-u", PG_USER], capture_output=True).returncode == 0
    if not exists:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
            check=True,
            capture_output=True,
        )
    return ["runuser", "-u", PG_USER, "--"]


@contextmanager
def postgres() -> Iterator[Postgres]:
    """Start a cluster for the duration of the block; stop and delete it afterwards."""
    bin_dir = install_postgres()
    as_user = _owner()
    folder = Path(tempfile.mkdtemp(prefix="legame-pg-"))
    if as_user:
        shutil.chown(folder, user=PG_USER)
    cluster = Postgres(bin_dir, folder, _free_port(), as_user)
    data = folder / "data"
    cluster.run("initdb", "-D", str(data), "-A", "trust", "-U", DB_USER, "-E", "UTF8", "--no-sync")
    options = f"-p {cluster.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    cluster.run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-o", options, "-w", "start")
    try:
        yield cluster
    finally:
        cluster.stop()


# No team test takes a minute even on a loaded machine; past this one is stuck (a DuckLake wait that
# never ends, an app process that never answers), and the run must fail, not hang CI.
DEADLINE_SECONDS = 240


@contextmanager
def deadline(seconds: float, cluster: Postgres, uncapture: Callable[[], object] | None = None) -> Iterator[None]:
    """Fail the whole run, loudly, if the block has not ended after `seconds`.

    A thread stuck inside DuckDB cannot be interrupted: past the deadline every thread's stack is
    printed (after `uncapture`, pytest's, so that it reaches the log), the cluster is stopped (so
    no server outlives the run) and the process exits with 1.
    """

    def expire() -> None:
        if uncapture is not None:
            uncapture()
        print(f"\nA team test ran past {seconds:.0f} s: stacks, then exit 1.", file=sys.stderr, flush=True)
        try:
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
            cluster.stop()
        finally:
            os._exit(1)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


# An app server as far as the warehouse sees it: one process holding one read-write connection
# for its life (the app's st.cache_resource connection), reading a command per line on stdin:
# "kpis START END" prints the KPIs as `kpis --json` does (one line), "upload PATH" loads a file
# as the Upload page does (legame.ingest.load_file), "version" prints the data version.
APP_PROCESS = """
import json, sys
from datetime import date
from legame import warehouse
from legame.config import load_config
from legame.ingest import load_file
from legame.kpis import Period, compute

config = load_config()
con = warehouse.connect(config)
print("ready", flush=True)
for line in sys.stdin:
    command, *args = line.split()
    if command == "kpis":
        period = Period.custom(date.fromisoformat(args[0]), date.fromisoformat(args[1]))
        found = compute(con, config, period, "previous", {"channel": None, "campaign": None})
        print(json.dumps([k.as_dict() for k in found], default=str), flush=True)
    elif command == "upload":
        report = load_file(con, config, args[0], loaded_by="app")
        print(json.dumps({"load_id": report.load_id, "inserted": report.inserted}), flush=True)
    elif command == "version":
        print(warehouse.data_version(con), flush=True)
"""
