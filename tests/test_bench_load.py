"""bench/load.py cannot rot: two websocket sessions against the trivial app, no timing asserted."""

from __future__ import annotations

import subprocess
import sys

from legame.config import ROOT


def test_the_load_bench_runs_two_sessions_against_the_trivial_app():
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--sessions", "2", "--only-trivial", "--timeout", "60"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("app "))
    assert "board p50" in header and "page2 p50" in header and "ms/ses" in header
    # app, N, sessions ok, errors: both sessions loaded the board and the other page, no error.
    rows = [line.split() for line in lines if line.startswith("trivial ")]
    assert [row[:4] for row in rows] == [["trivial", "2", "2", "0"]]
