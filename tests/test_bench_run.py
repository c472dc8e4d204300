"""bench/run.py --size smoke runs from start to end and prints every figure, so the benchmarks cannot rot.

No timing is asserted: a smoke warehouse is tiny and CI machines are shared.
"""

from __future__ import annotations

import os
import subprocess
import sys

from legame.config import ROOT

FIGURES = (
    "ingest load",
    "ingest reload",
    "board KPIs first run",
    "board KPIs warm",
    "board KPIs warm, raw rows",
    "kpis CLI process",
    "CLV fit",
    "browser first card warm, demo",
    "browser first card first visit, demo",
    "peak RSS",
)


def test_the_smoke_run_prints_every_figure():
    env = {k: v for k, v in os.environ.items() if k not in ("LEGAME_DB", "LEGAME_SECRET")}
    argv = [sys.executable, "bench/run.py", "--size", "smoke"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    names = [line.split(":")[0].strip() for line in done.stdout.splitlines() if ":" in line]
    for figure in FIGURES:
        assert figure in names, f"{figure!r} missing from:\n{done.stdout}"
    assert "ratio" in done.stdout
