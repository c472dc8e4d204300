"""The server takes the warehouse's lock as it starts: the CLI sees it before any browser has asked for a page."""

from __future__ import annotations

import subprocess
import sys

import duckdb

from legame.config import ROOT
from tests.browser import Server


def test_the_cli_finds_the_lock_of_a_server_no_browser_has_visited(tmp_path):
    server = Server(tmp_path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "legame", "kpis", "--from", "2025-07-01", "--to", "2025-09-30", "--json"],
            cwd=ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "LEGAME_DB": str(tmp_path / "e2e.duckdb"),
                "LEGAME_SECRET": "e2e",
                "LEGAME_LANG": "en",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.stop()
    assert result.returncode == 1
    assert result.stderr == (
        f"error: The database {tmp_path / 'e2e.duckdb'} is in use by another process (probably the running app). "
        "Stop the app, or load files through its Upload page.\n"
    )


def test_the_admin_backs_up_through_the_running_app_and_the_cli_is_told_why_not(browser, tmp_path):
    from tests.browser import open_page, settled

    server = Server(tmp_path)
    try:
        page = open_page(browser, f"{server.url}/share")
        page.get_by_text("Back up the data").click()
        page.get_by_role("button", name="Back up now").click()
        page.wait_for_selector("text=Backed up", timeout=60_000)
        settled(page)
        (copy,) = (tmp_path / "backups").glob("legame-*.duckdb")
        assert page.get_by_text(f"rows to {copy}.").count() == 1
        refused = subprocess.run(
            [sys.executable, "-m", "legame", "backup", "--out", str(tmp_path / "cli.duckdb")],
            cwd=ROOT,
            env={
                "PATH": "/usr/bin:/bin",
                "LEGAME_DB": str(tmp_path / "e2e.duckdb"),
                "LEGAME_SECRET": "e2e",
                "LEGAME_LANG": "en",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.stop()
    assert refused.returncode == 1 and "is in use by another process" in refused.stderr
    with duckdb.connect(str(copy), read_only=True) as backup, duckdb.connect(str(tmp_path / "e2e.duckdb")) as live:
        for table in ("people", "orders", "interactions", "loads"):
            count = f"select count(*) from {table}"
            assert backup.execute(count).fetchone() == live.execute(count).fetchone(), table
