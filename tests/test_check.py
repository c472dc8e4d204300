"""`python -m legame check`: the exit code cron reads, on the demo data with targets set to be met or missed."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import yaml

from legame import cli_check
from legame.config import ROOT
from legame.kpis import Period, compute
from tests.conftest import legame


def with_targets(tmp_path: Path, targets: dict) -> dict[str, str]:
    """A config.yaml like the shipped one with these targets, as the environment of a CLI run."""
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    data["targets"] = targets
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return {"LEGAME_CONFIG": str(path)}


def test_all_on_track_exits_0(demo_db, tmp_path):
    env = with_targets(tmp_path, {"nps": {"target": -100, "watch_within": 10}, "cac": {"target": 1e6}})
    result = legame(demo_db, "check", "--period", "last-quarter", **env)
    assert (result.returncode, result.stdout) == (0, "Q3 2026: all 2 KPIs with a target are on track.\n")


def test_watch_exits_1_and_off_track_exits_2(demo_db, tmp_path):
    # Q3 2026's NPS is +40 (39,7 shown as +40): a target of +45 within 10 is watch, +80 is off track.
    watch = legame(
        demo_db,
        "check",
        "--period",
        "last-quarter",
        **with_targets(tmp_path, {"nps": {"target": 45, "watch_within": 10}}),
    )
    assert watch.returncode == 1, watch.stderr
    assert "- Willingness to recommend is on watch: +40 against a target of +45" in watch.stdout
    off = with_targets(tmp_path, {"nps": {"target": 80, "watch_within": 10}, "cac": {"target": 1e6}})
    result = legame(demo_db, "check", "--period", "last-quarter", "--json", **off)
    assert result.returncode == 2, result.stderr
    found = json.loads(result.stdout)
    assert found["exit_code"] == 2 and found["judged"] == 2
    assert [(f["id"], f["status"], f["counts"]) for f in found["findings"]] == [("nps", "off track", True)]


def test_a_usage_error_exits_3_not_2(demo_db):
    result = legame(demo_db, "check", "--period", "last-fortnight")
    assert result.returncode == 3
    assert "invalid choice: 'last-fortnight'" in result.stderr


def test_a_slip_within_normal_variation_is_reported_and_not_counted(demo, config):
    config.data["targets"] = {"nps": {"target": 40, "watch_within": 10}}
    nps = next(k for k in compute(demo, config, Period(date(2026, 7, 1), date(2026, 9, 30))) if k.id == "nps")
    # The same KPI, had it slipped from +41 (on track) to +38 (watch) within normal variation...
    slipped = dataclasses.replace(
        nps, value=38.0, comparison_value=41.0, status="watch", noise="the 90% interval of the change includes zero"
    )
    slipped.display = {**nps.display, "value": "+38", "comparison_value": "+41", "target": "+40"}
    (finding,) = cli_check.findings([slipped], config)
    assert (finding.was, finding.counts, cli_check.exit_code([finding])) == ("on track", False, 0)
    assert finding.line.endswith(
        "it was on track in Q2 2026 (+41) and the change is within normal variation "
        "(the 90% interval of the change includes zero), so it is not counted."
    )
    # ...and had the same slip been a real change, it counts.
    real = dataclasses.replace(slipped, noise=None)
    (finding,) = cli_check.findings([real], config)
    assert (finding.counts, cli_check.exit_code([finding])) == (True, 1)


def test_a_slip_too_small_to_mention_is_reported_and_not_counted(demo, config):
    """A change every surface calls 'about the same' (narrative.verdict flat) does not raise the exit code."""
    config.data["targets"] = {"nps": {"target": 40, "watch_within": 10}}
    nps = next(k for k in compute(demo, config, Period(date(2026, 7, 1), date(2026, 9, 30))) if k.id == "nps")
    # On track at 40.1 (target 40), then on watch at 39.99: a change of 0.3 %, real by its noise.
    slipped = dataclasses.replace(
        nps, value=39.99, comparison_value=40.1, delta=-0.11, delta_pct=-0.27, status="watch", noise=None
    )
    slipped.display = {**nps.display, "value": "+40", "comparison_value": "+40", "target": "+40"}
    (finding,) = cli_check.findings([slipped], config)
    assert (finding.was, finding.counts, cli_check.exit_code([finding])) == ("on track", False, 0)
    assert finding.line.endswith("and the change is too small to mention, so it is not counted.")
