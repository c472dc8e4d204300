"""Addresses a viewer can type: extreme and malformed query parameters give a clear message or a clamped period.

Pages run under AppTest on a copy of the demo database (the `app` fixture of tests/test_share.py).
"""

from __future__ import annotations

import pytest

from legame.cli import main
from tests import test_share
from tests.test_share import App

# The app fixtures of tests/test_share.py: a copy of the demo database per test, a local server address.
app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

PAGES = ["board", "value", "community", "advocacy", "conversion"]
CLAMPED = [
    "The address's from date is outside the dates Legame works with; showing 1 Jan 1900.",
    "The address's to date is outside the dates Legame works with; showing 31 Dec 2199.",
]


def _opened(app: App, params: dict[str, str]):
    """A new session whose first address carries these parameters (the board, as app.py routes it)."""
    at = app.test()
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_the_widest_custom_period_is_clamped_not_a_crash(app, local_server):
    at = _opened(app, {"period": "custom", "from": "0001-01-01", "to": "9999-12-31"})
    assert not at.exception, at.exception
    assert [w.value for w in at.warning][-2:] == CLAMPED
    assert (at.query_params["from"], at.query_params["to"]) == ("1900-01-01", "2199-12-31")
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        if page != "value":
            assert at.subheader[0].value == "1 Jan 1900 – 31 Dec 2199 compared with 1 Jan 1600 – 31 Dec 1899", page


@pytest.mark.parametrize(
    ("params", "warning"),
    [
        ({"period": "custom", "from": "2025-13-45", "to": "x" * 5000}, "The address's from date is not a date"),
        ({"period": "custom", "from": "2025-09-30", "to": "2025-07-01"}, "The end date is before the start date"),
        ({"period": "custom", "from": "-1", "to": "+99999-01-01"}, "The address's from date is not a date"),
        ({"period": "'; drop table orders; --", "compare": "<script>", "view": "\x00"}, None),
        ({"channel": "<a href='https://evil.example/'>x</a>", "campaign": "%00%ff" * 100}, None),
        ({"share": ""}, None),
    ],
)
def test_malformed_query_parameters_never_raise(app, local_server, params, warning):
    at = _opened(app, params)
    assert not at.exception, at.exception
    if "share" in params:
        assert [t.value for t in at.title] == ["This link is not valid (expired / revoked)"]
        return
    assert len(at.metric) > 0
    if warning:
        assert any(w.value.startswith(warning) for w in at.warning), [w.value for w in at.warning]


def test_the_command_line_refuses_days_out_of_range_in_one_line(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["kpis", "--from", "0001-01-01", "--to", "9999-12-31"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "python -m legame kpis: error: argument --from: 0001-01-01 is outside the dates Legame works with: "
        "pick days between 1900-01-01 and 2199-12-31"
    )
    assert "Traceback" not in err


def test_a_period_whose_comparison_leaves_the_calendar_says_so():
    from datetime import date

    from legame.errors import LegameError
    from legame.kpis import Period

    with pytest.raises(LegameError) as refused:
        Period(date(1, 1, 1), date(9999, 12, 31)).comparison("previous")
    assert str(refused.value) == (
        "The period 0001-01-01 to 9999-12-31 has no previous period in the calendar: pick a shorter or later period."
    )
    with pytest.raises(LegameError, match=r"^0001-01-01 is outside the dates Legame works with"):
        Period.custom(date(1, 1, 1), date(2025, 1, 1))


def _swap_signature(token: str, other: str) -> str:
    return token.rsplit(".", 1)[0] + "." + other.rsplit(".", 1)[1]


@pytest.mark.parametrize(
    "make",
    [
        lambda token, other: "x" * 20_000,
        lambda token, other: "é✓🎉.☃",
        lambda token, other: "..",
        lambda token, other: token + "x",
        lambda token, other: token[:-1],
        lambda token, other: _swap_signature(token, other),
        lambda token, other: token.replace(".", ".."),
        lambda token, other: token + "&share=" + other,
    ],
    ids=["20k chars", "unicode", "dots", "one char more", "one char less", "swapped signature", "double dot", "two"],
)
def test_malformed_and_spliced_share_tokens_show_only_the_refusal(app, make):
    _, token = app.link()
    _, other = app.link(view=test_share.EVERY_PAGE)
    before = app.rows()
    at = app.test(make(token, other)).run()
    test_share.assert_only_the_refusal(at)
    assert app.rows() == before
