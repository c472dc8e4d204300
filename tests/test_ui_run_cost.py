"""What a board run sends the browser: each element and each change of the URL is a message, and the server's
time per run follows their number (#15: the load test's p95 is the queue of runs on one GIL).

The app under AppTest on the demo: a KPI card is two elements in its bordered column (the metric, then its badges
and its sentence in one Markdown), and a run that changes nothing in the URL writes nothing to it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from streamlit.runtime.state.query_params import QueryParams
from streamlit.testing.v1.element_tree import Block

from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server


def nodes(block: Block) -> list:
    """Every element and block under `block`, depth first."""
    found = []
    for child in block.children.values():
        found.append(child)
        if isinstance(child, Block):
            found += nodes(child)
    return found


@pytest.fixture
def url_writes(counting) -> Counter:
    """The query parameters each write to the URL sent, counted."""
    return counting(QueryParams, "_send_query_param_msg", keys=lambda params: [str(dict(params._query_params))])


def test_a_card_is_two_elements_in_its_bordered_column(app, local_server):
    at = app.test().run()
    assert not at.exception and len(at.metric) == 8
    cards = [c for c in nodes(at.main) if c.type == "column" and any(n.type == "metric" for n in nodes(c))]
    assert len(cards) == 8
    for card in cards:
        assert card.proto.show_border, "a full row's columns are the cards' borders"
        inside = nodes(card)
        assert [n.type for n in inside] == ["metric", "markdown"]
        # The sentence ends the card, in small grey type (an st.caption of its own was one more message a card).
        assert inside[1].value.endswith("]]") and ":gray[:small[" in inside[1].value


def test_a_rerun_that_changes_nothing_writes_nothing_to_the_url(app, local_server, url_writes):
    at = app.test().run()
    assert not at.exception
    assert url_writes.total() <= 1, url_writes  # the view's period, comparison and view, in one message
    url_writes.clear()
    at.run()
    assert not at.exception
    assert url_writes == Counter()
    assert at.query_params["period"] in ("last_quarter", ["last_quarter"]) and "channel" not in at.query_params
