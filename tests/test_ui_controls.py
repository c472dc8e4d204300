"""The board's pickers (legame/ui/controls.py): buttons and pills for the period, comparison, view and channel; the
campaign's select box only once asked for or named by the URL, so a board opened on every campaign loads no select
box's script before its cards (#15). Every choice lives in the URL, and a URL opens the same choices again.

The app under AppTest on the demo, as tests/test_share.py runs it.
"""

from __future__ import annotations

from datetime import date

from streamlit.testing.v1 import AppTest

from legame.safe import for_markdown
from tests import test_share, test_ui_run_cost

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

PICKERS = ["Period", "Compared with", "View", "Channel"]


def group(at: AppTest, label: str):
    return next(g for g in at.main.button_group if g.label == label)


def campaign_button(at: AppTest, label: str = "Filter by campaign"):
    return [b for b in at.button if b.label == label]


def url(at: AppTest, key: str) -> str | None:
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_the_board_on_every_campaign_has_no_select_box(app, local_server):
    at = app.test().run()
    assert not at.exception
    assert [g.label for g in at.main.button_group] == PICKERS
    assert len(at.selectbox) == 0
    assert len(campaign_button(at)) == 1
    assert group(at, "Period").value == "last_quarter" and group(at, "Channel").value == "all"


def test_the_choices_go_to_the_url_and_the_url_opens_them_again(app, local_server):
    at = app.test().run()
    group(at, "Period").set_value("last_12_months").run()
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


def test_the_campaign_filter_is_one_click_away_and_stays(app, local_server):
    at = app.test().run()
    campaign_button(at)[0].click().run()
    assert not at.exception
    box = next(b for b in at.selectbox if b.label == "Campaign")
    assert box.value == "all" and len(box.options) > 2
    campaign = box.options[1]
    box.set_value(campaign).run()
    assert url(at, "campaign") == campaign
    assert at.subheader[0].value.endswith(" · campaign " + for_markdown(campaign))
    next(b for b in at.selectbox if b.label == "Campaign").set_value("all").run()
    assert url(at, "campaign") is None
    # Back on every campaign, the picker stays where the reader found it.
    assert [b.label for b in at.selectbox] == ["Campaign"] and not campaign_button(at)


def test_a_link_naming_a_campaign_opens_with_its_picker(app, local_server):
    first = app.test().run()
    campaign_button(first)[0].click().run()
    campaign = next(b for b in first.selectbox if b.label == "Campaign").options[1]
    at = app.test()
    at.query_params["campaign"] = campaign
    at.run()
    assert not at.exception
    assert next(b for b in at.selectbox if b.label == "Campaign").value == campaign
    assert not campaign_button(at)
    assert at.subheader[0].value.endswith(" · campaign " + for_markdown(campaign))


def test_the_pickers_speak_italian(app, local_server):
    at = app.test()
    at.query_params["lang"] = "it"
    at.run()
    assert not at.exception
    assert [g.label for g in at.main.button_group] == ["Periodo", "Confronto con", "Vista", "Canale"]
    assert group(at, "Periodo").options[:2] == ["Questo mese", "Mese scorso"]
    assert group(at, "Canale").options[0] == "Tutti i canali"
    campaign_button(at, "Filtra per campagna")[0].click().run()
    box = next(b for b in at.selectbox if b.label == "Campagna")
    assert box.options[0] == "Tutte le campagne"
