"""referral_rate counts each new customer once, referred when referrals name a referrer or the CRM does
(people.referred_by): a customer referred by two people is one referred customer (queries/advocacy.sql)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from legame.ingest import load_file
from legame.kpis import Period, compute
from tests.conftest import write

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
FILES = {
    "people.csv": """person_id,first_seen,referred_by
a,2024-12-01,
b,2025-01-05,
c,2025-01-07,a
d,2025-01-08,
e,2025-01-09,
""",
    "orders.csv": """order_id,person_id,ordered_at,revenue,channel
o1,a,2025-01-15,100,web
o2,b,2025-03-06,80,web
o3,c,2025-03-07,40,web
o4,d,2025-03-08,30,web
o5,e,2025-03-09,30,web
""",
    # b: referred twice (two referrers); c: named referred_by in the CRM only; d and e: not referred.
    "referrals.csv": """referrer_id,referred_id,referred_at
a,b,2025-03-01
e,b,2025-03-02
""",
}


def test_a_new_customer_referred_twice_counts_once(con, config, tmp_path: Path):
    for name, text in FILES.items():
        report = load_file(con, config, write(tmp_path, name, text), name)
        assert report.rejected == 0, report.rejects
    kpis = {k.id: k for k in compute(con, config, MARCH)}
    # New customers in March: b, c, d, e; referred: b (twice in referrals) and c (the CRM).
    assert kpis["referral_rate"].value == pytest.approx(2 / 4 * 100)
