"""The funnel's last step, engaged new customers, read per customer (agg_customer_acts: the acts around each
customer's first sale) equals its definition over the period's acts (queries/relations/raw/), whether the act
comes before the first sale, after it, or outside the period, and only for people known by the period's end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from legame import queries, warehouse
from legame.ingest import load_file
from legame.kpis import Period
from legame.kpis.params import channel_map, query_params
from tests.conftest import write

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
FILES = {
    "people.csv": """person_id,first_seen
a,2025-01-01
b,2025-01-01
c,2025-01-01
d,2025-01-01
f,2025-04-02
""",
    # First sales in March for a-d and f; e has no record in people.
    "orders.csv": """order_id,person_id,ordered_at,revenue,channel
o1,a,2025-03-10,100,web
o2,b,2025-03-10,80,web
o3,c,2025-03-10,40,web
o4,d,2025-03-10,30,web
o5,e,2025-03-10,20,web
o6,f,2025-03-10,10,web
o7,b,2025-03-20,5,web
""",
    # a: an act before the sale, in March; b: after it, in March; c: before March only; d: after March only;
    # e: in March, not in the CRM; f: in March, in the CRM only from April.
    "interactions.csv": """event_id,person_id,occurred_at,channel,kind
e1,a,2025-03-02,forum,comment
e2,b,2025-03-25,forum,comment
e3,c,2025-02-27,forum,comment
e4,d,2025-04-01,forum,comment
e5,e,2025-03-12,forum,comment
e6,f,2025-03-12,forum,comment
""",
}


def test_engaged_new_customers_are_those_with_an_act_in_the_period_and_known(con, config, tmp_path: Path):
    for name, text in FILES.items():
        report = load_file(con, config, write(tmp_path, name, text), name)
        assert report.rejected == 0, report.rejects
    for over in warehouse.RELATION_SETS:
        warehouse.install_relations(con, over)
        row = queries.run(con, "conversion", **query_params(config, MARCH, {}, channel_map(con, config)))[0]
        # a and b; their March sales: 100 + 80 + 5.
        assert (row["engaged_new_customers"], row["engaged_new_customer_revenue"]) == (2, 185), over
    warehouse.install_relations(con)
