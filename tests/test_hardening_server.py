"""The server takes the warehouse's lock as it starts: the CLI sees it before any browser has asked for a page."""

from __future__ import annotations

import subprocess
import sys

from legame.config import ROOT
from tests.browser import Server


def test_the_cli_finds_the_lock_of_a_server_no_browser_has_visited(tmp_path):
    server = Server(tmp_path)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "legame", "kpis", "--from", "2025-07-01", "--to", "2025-09-30", "--json"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "LEGAME_DB": str(tmp_path / "e2e.duckdb"), "LEGAME_SECRET": "e2e"},
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
