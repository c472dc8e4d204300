"""Numbers that hold together, on the demo data: channels and campaigns add up to the total, the funnel
never grows, no channel shows a ratio its own inputs contradict, and one KPI has one value on every surface.

The splits are read from the command users' scripts run, `python -m legame kpis --by channel --json`.
"""

from __future__ import annotations

import copy
import csv
import json
import math
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from legame import board, boardpack, warehouse
from legame.config import ROOT, Config, load_config
from legame.fmt import NumberFormat
from legame.kpis import Period, compute
from legame.kpis.facts import shown_facts
from legame.kpis.registry import ADDITIVE_INPUTS
from tests.conftest import legame
from tests.test_export import pdf_text

Q3 = ("--from", "2026-07-01", "--to", "2026-09-30")
Q3_PERIOD = Period(date(2026, 7, 1), date(2026, 9, 30))


def split(db: Path, by: str, *extra: str) -> dict:
    result = legame(db, "kpis", *Q3, "--by", by, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def by_channel(demo_db) -> dict:
    return split(demo_db, "channel")


def kpi(kpis: list[dict], kpi_id: str) -> dict:
    return next(k for k in kpis if k["id"] == kpi_id)


def test_the_split_has_the_documented_shape(by_channel):
    assert set(by_channel) == {"by", "rows", "total"} and by_channel["by"] == "channel"
    channels = [row["channel"] for row in by_channel["rows"]]
    assert channels[-1] == "unattributed"
    # The demo's exports name facebook, instagram, google, web, pos, forum...: none of those is a channel.
    assert {"paid_social", "organic_social", "paid_search", "community", "offline"} <= set(channels)
    assert not {"facebook", "instagram", "google", "web", "pos", "meta"} & set(channels)
    assert [k["id"] for k in by_channel["total"]] == [k["id"] for k in by_channel["rows"][0]["kpis"]]


@pytest.mark.parametrize("by", ["channel", "campaign"])
def test_additive_inputs_of_the_rows_sum_to_the_total(demo_db, by_channel, by):
    found = by_channel if by == "channel" else split(demo_db, "campaign")
    checked = set()
    for total in found["total"]:
        for name in ADDITIVE_INPUTS:
            rows = [kpi(row["kpis"], total["id"])["inputs"] for row in found["rows"]]
            if name not in total["inputs"] or not all(name in r for r in rows):
                continue  # not measurable by this dimension: n/a in every row, no inputs
            assert sum(r[name] for r in rows) == pytest.approx(total["inputs"][name], abs=1e-6), (total["id"], name)
            checked.add(name)
    expected = set(ADDITIVE_INPUTS) if by == "channel" else {"spend", "new_customers", "attributed_revenue", "orders"}
    assert checked == expected
    # And the money is really there: spend, sales and new customers of a quarter are not zero.
    cac = kpi(found["total"], "cac")["inputs"]
    assert cac["spend"] > 0 and cac["new_customers"] > 0


def test_the_funnel_counts_people_and_never_grows(by_channel):
    views = [("total", by_channel["total"])] + [(row["channel"], row["kpis"]) for row in by_channel["rows"]]
    for name, kpis in views:
        parts = kpi(kpis, "funnel")["breakdown"]
        assert list(parts) == ["steps", "money", "left_out"], name
        counts = list(parts["steps"].values())
        assert counts == sorted(counts, reverse=True), (name, parts["steps"])
        assert list(parts["steps"])[-3:] == ["People who engaged", "Known in the CRM", "New customers"]
        assert not {"Clicks", "Visits", "Leads"} & set(parts["steps"])
        # A step is left out only with its reason, and then it is not drawn.
        assert not set(parts["left_out"]) & set(parts["steps"])
    community = kpi(next(r["kpis"] for r in by_channel["rows"] if r["channel"] == "community"), "funnel")
    # Forum members engage where no reach is recorded: reach is left out, saying why, rather than shown smaller.
    assert "People reached" in community["breakdown"]["left_out"]
    known = kpi(by_channel["total"], "known_share")
    assert known["value"] == pytest.approx(known["inputs"]["known_people"] / known["inputs"]["engaged_people"] * 100)


def test_no_channel_shows_a_return_its_inputs_contradict(by_channel, demo_db):
    margin = load_config().margin_rate
    seen_paid = seen_unpaid = 0
    for row in by_channel["rows"]:
        kpis = row["kpis"]
        roas, romi, cac, clv_cac = (kpi(kpis, i) for i in ("roas", "romi", "cac", "clv_cac"))
        spend, revenue = roas["inputs"]["spend"], roas["inputs"]["attributed_revenue"]
        if spend:
            seen_paid += 1
            assert math.isfinite(roas["value"]) and roas["value"] == pytest.approx(revenue / spend), row["channel"]
            assert romi["value"] == pytest.approx((revenue * margin - spend) / spend * 100), row["channel"]
            if cac["inputs"]["new_customers"]:
                assert cac["value"] == pytest.approx(spend / cac["inputs"]["new_customers"])
            # Revenue attributed to a channel with spend: no -100% return, no 0.00x sales per euro.
            assert revenue > 0 and romi["value"] > -100 and roas["value"] > 0, row["channel"]
        else:
            seen_unpaid += 1
            for k in (roas, romi):
                assert k["value"] is None and k["na_reason"] == "no marketing spend on this channel", row["channel"]
            assert clv_cac["value"] is None
            assert clv_cac["na_reason"].startswith(("no marketing spend on this channel", "no new customers")), row
            if cac["inputs"]["new_customers"]:
                assert cac["value"] is None
                assert cac["na_reason"] == (
                    "no marketing spend on this channel: its new customers came without paid media"
                )
    assert seen_paid >= 2 and seen_unpaid >= 5
    nps = kpi(by_channel["rows"][0]["kpis"], "nps")
    assert nps["value"] is None and nps["na_reason"] == "not measurable by channel: surveys carry no channel"
    assert nps["inputs"] == {} and "breakdown" not in nps
    # The total states the attribution rule it used, as an assumption.
    assert any(a.startswith("Attribution: an order belongs") for a in kpi(by_channel["total"], "roas")["assumptions"])


def test_one_kpi_has_one_value_on_every_surface(demo_db, tmp_path):
    """The CLI's JSON, the facts table on screen, the CSV and XLSX, and the board pack PDF, for one view."""
    view = ("--channel", "paid_social")
    result = legame(demo_db, "kpis", *Q3, *view, "--json")
    assert result.returncode == 0, result.stderr
    by_id = {k["id"]: k for k in json.loads(result.stdout)}

    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"facts.{fmt}"
        assert legame(demo_db, "kpis", *Q3, *view, "--format", fmt, "--out", str(out)).returncode == 0
    with open(tmp_path / "facts.csv", encoding="utf-8-sig", newline="") as f:
        csv_rows = {r["KPI id"]: r for r in csv.DictReader(f)}
    sheet = openpyxl.load_workbook(tmp_path / "facts.xlsx")["KPIs"]
    header = [c.value for c in sheet[1]]
    xlsx_rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}

    data = copy.deepcopy(load_config(ROOT / "config.yaml").data)
    data["warehouse"]["path"] = str(demo_db)
    config = Config(data=data, root=ROOT)
    con = warehouse.connect(config)
    try:
        built = board.build(con, config, Q3_PERIOD, "previous", {"channel": "paid_social"})
        screen = {
            k.id: row
            for k, row in zip(built.kpis, shown_facts(built.kpis, NumberFormat.for_reader(config)), strict=True)
        }
        pdf = boardpack.board_pack_pdf(built, config, headline=built.headline, filters={"channel": "paid_social"})
        in_process = {k.id: k for k in compute(con, config, Q3_PERIOD, "previous", {"channel": "paid_social"})}
    finally:
        con.close()
    text = " ".join(pdf_text(pdf, tmp_path))

    for kpi_id, shown in by_id.items():
        value, display = shown["value"], shown["display"]["value"]
        assert in_process[kpi_id].display["value"] == display, kpi_id
        assert screen[kpi_id]["KPI"] == shown["plain_label"]
        assert screen[kpi_id]["Value"] == ("—" if value is None else display), kpi_id
        assert csv_rows[kpi_id]["Shown as"] == xlsx_rows[kpi_id]["Shown as"] == display, kpi_id
        if value is None:
            assert csv_rows[kpi_id]["Value"] == "" and xlsx_rows[kpi_id]["Value"] is None
        else:
            assert float(csv_rows[kpi_id]["Value"]) == pytest.approx(value, abs=1e-4), kpi_id
            assert xlsx_rows[kpi_id]["Value"] == pytest.approx(value, abs=1e-4), kpi_id
    for card in built.cards:
        assert by_id[card.id]["display"]["value"] in text, card.id
    # The view is one channel: money KPIs have numbers, and customer value says why it has none.
    assert by_id["roas"]["value"] is not None
    assert by_id["clv_predicted"]["na_reason"].startswith("not measurable by channel")
