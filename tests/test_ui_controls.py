"""The board's pickers (legame/ui/controls.py): pills and buttons for the period, comparison and view; the channel's
pills and the campaign's select box only once asked for or named by the URL, so a board on every channel and campaign
lays out neither before its cards (#15). Every choice lives in the URL, and a URL opens the same choices again.

The app under AppTest on the demo, as tests/test_share.py runs it.
"""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from legame.safe import for_markdown
from tests import test_share, test_ui_run_cost

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

PICKERS = ["Period", "Compared with", "View"]
FILTERS = "Filter by channel or campaign"


def group(at: AppTest, label: str):
    return next(g for g in at.main.button_group if g.label == label)


def filters_button(at: AppTest, label: str = FILTERS):
    return [b for b in at.button if b.label == label]


def url(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_the_board_on_everything_has_no_filter_picker_but_its_button(app, local_server):
    at = app.test().run()
    assert not at.exception
    assert [g.label for g in at.main.button_group] == PICKERS
    assert len(at.selectbox) == 0
    assert len(filters_button(at)) == 1
    assert group(at, "Period").value == "last_quarter"


def test_the_choices_go_to_the_url_and_the_url_opens_them_again(app, local_server):
    at = app.test().run()
    group(at, "Period").set_value("last_12_months").run()
    filters_button(at)[0].click().run()
    group(at, "Channel").set_value("organic_social").run()
    group(at, "Compared with").set_value("year").run()
    assert not at.exception
    assert [url(at, key) for key in ("period", "compare", "channel")] == ["last_12_months", "year", "organic_social"]
    assert at.subheader[0].value.endswith(" · channel Organic social")
    shown = at.subheader[0].value

    again = app.test()
    for key in ("period", "compare", "channel"):
        again.query_params[key] = url(at, key)
    again.run()
    assert not again.exception
    assert [group(again, label).value for label in ("Period", "Compared with", "Channel")] == [
        "last_12_months",
        "year",
        "organic_social",
    ]
    assert again.subheader[0].value == shown
    group(again, "Channel").set_value("all").run()
    assert url(again, "channel") is None and " · channel" not in again.subheader[0].value
    assert [g.label for g in again.main.button_group] == [*PICKERS, "Channel"]  # the pickers stay once shown


def test_a_custom_period_asks_for_its_days_right_under_the_period(app, local_server):
    at = app.test().run()
    group(at, "Period").set_value("custom").run()
    shown = [node for node in test_ui_run_cost.nodes(at.main) if node.type in ("button_group", "date_input")]
    assert [node.label for node in shown][:4] == ["Period", "From", "To", "Compared with"]
    at.date_input(key="widget_from").set_value(date(2025, 1, 1))
    at.date_input(key="widget_to").set_value(date(2025, 3, 31)).run()
    assert not at.exception
    assert [url(at, key) for key in ("period", "from", "to")] == ["custom", "2025-01-01", "2025-03-31"]
    assert at.subheader[0].value == "Q1 2025 compared with Q4 2024"
    group(at, "Period").set_value("last_month").run()
    assert "from" not in at.query_params and "to" not in at.query_params
    assert not [day for day in at.date_input if day.key in ("widget_from", "widget_to")]


def test_the_filters_are_one_click_away_and_stay(app, local_server):
    at = app.test().run()
    filters_button(at)[0].click().run()
    assert not at.exception
    assert group(at, "Channel").value == "all" and len(group(at, "Channel").options) > 2
    box = next(b for b in at.selectbox if b.label == "Campaign")
    assert box.value == "all" and len(box.options) > 2
    campaign = box.options[1]
    box.set_value(campaign).run()
    assert url(at, "campaign") == campaign
    assert at.subheader[0].value.endswith(" · campaign " + for_markdown(campaign))
    next(b for b in at.selectbox if b.label == "Campaign").set_value("all").run()
    assert url(at, "campaign") is None
    # Back on every campaign, the picker stays where the reader found it.
    assert [b.label for b in at.selectbox] == ["Campaign"] and not filters_button(at)
    assert [g.label for g in at.main.button_group] == [*PICKERS, "Channel"]


def test_a_link_naming_a_campaign_opens_with_the_pickers(app, local_server):
    first = app.test().run()
    filters_button(first)[0].click().run()
    campaign = next(b for b in first.selectbox if b.label == "Campaign").options[1]
    at = app.test()
    at.query_params["campaign"] = campaign
    at.run()
    assert not at.exception
    assert next(b for b in at.selectbox if b.label == "Campaign").value == campaign
    assert not filters_button(at)
    assert at.subheader[0].value.endswith(" · campaign " + for_markdown(campaign))


def test_the_pickers_speak_italian(app, local_server):
    at = app.test()
    at.query_params["lang"] = "it"
    at.run()
    assert not at.exception
    assert [g.label for g in at.main.button_group] == ["Periodo", "Confronto con", "Vista"]
    assert group(at, "Periodo").options[:2] == ["Questo mese", "Mese scorso"]
    filters_button(at, "Filtra per canale o campagna")[0].click().run()
    assert group(at, "Canale").options[0] == "Tutti i canali"
    box = next(b for b in at.selectbox if b.label == "Campagna")
    assert box.options[0] == "Tutte le campagne"
