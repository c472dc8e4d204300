"""The Customer value page is cached per version of the tables it reads: the fit's (the registry's
FAMILY_TABLES["clv_model"], legame/ui/value_cache.py).

They are held against DuckDB's own plans of the queries the page's numbers come from. Then the app under
AppTest on the demo: a posts upload (a table the page does not read) keeps the page's report, and a surveys
upload (one it reads: who the promoters are) makes it again.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date

import pytest

from legame import queries, value
from legame.clv import cache as fit_cache
from legame.kpis.registry import FAMILY_TABLES
from tests import test_share
from tests.test_ui_cache_versions import _scanned, posts_with_more_comments, upload

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server
FIT_TABLES = FAMILY_TABLES["clv_model"]

# The queries the page's numbers are made of, with a value for each of their parameters.
PAGE_QUERIES = {
    "value_people": {"as_of": date(2026, 9, 30)},
    "clv_summary": {"calibration_end": date(2026, 9, 30), "unit_days": 7},
}


def test_the_page_declares_every_table_its_queries_read(demo):
    for name, params in PAGE_QUERIES.items():
        plan = json.loads(demo.execute("explain (format json) " + queries.sql(name), params).fetchall()[0][1])
        read = _scanned(plan, set())
        assert read and read <= set(FIT_TABLES), (name, read - set(FIT_TABLES))
    # The fit the board's KPIs read is the page's: both move with the same tables.
    assert fit_cache.fit_tables() == FIT_TABLES


@pytest.fixture
def reports(counting) -> Counter:
    return counting(value, "report")


def surveys_all_promoters() -> bytes:
    """The demo's survey export again as new answers (new ids), each a 10: more promoters."""
    text = (test_share.ROOT / "data" / "demo" / "nps_delighted.csv").read_text(encoding="utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header] + [[f"9{r[0]}", r[1], "10", "", r[4]] for r in rows])
    return out.getvalue().encode()


def test_a_posts_upload_keeps_the_page_and_a_surveys_upload_makes_it_again(app, local_server, reports, tmp_path):
    assert "posts" not in FIT_TABLES and "surveys" in FIT_TABLES
    at = app.test().run()
    at.switch_page("pages/value.py").run()
    assert not at.exception and reports["report"] == 1
    shown = [m.value for m in at.metric]

    upload(app, tmp_path, "meta_posts_more_comments.csv", posts_with_more_comments("2"))
    reports.clear()
    at.run()
    assert not at.exception
    assert reports["report"] == 0, "a posts upload made the Customer value page's report again"
    assert [m.value for m in at.metric] == shown

    upload(app, tmp_path, "nps_delighted_promoters.csv", surveys_all_promoters())
    at.run()
    assert not at.exception
    assert reports["report"] == 1, "a surveys upload kept the Customer value page's old report"
    assert [m.value for m in at.metric] != shown  # more promoters: the promoters' comparison moved
