"""bench/run.py --size smoke runs from start to end and prints every figure, so the benchmarks cannot rot.

No timing is asserted: a smoke warehouse is tiny and CI machines are shared.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from legame.config import ROOT


def bench_run_figures() -> tuple[str, ...]:
    """The figures bench/run.py declares it prints (its FIGURES), read from the script itself."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FIGURES


def test_the_smoke_run_prints_every_figure():
    env = {k: v for k, v in os.environ.items() if k not in ("LEGAME_DB", "LEGAME_SECRET")}
    argv = [sys.executable, "bench/run.py", "--size", "smoke"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    names = [line.split(":")[0].strip() for line in done.stdout.splitlines() if ":" in line]
    for figure in bench_run_figures():
        assert figure in names, f"{figure!r} missing from:\n{done.stdout}"
    assert "ratio" in done.stdout
