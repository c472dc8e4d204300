"""Dated marks on the trend charts: the admin's notes (added, listed, deleted, never by a viewer) and
the community events of the data, on the app's charts and in the board pack."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from legame import annotations, boardpack, charts, share, warehouse
from legame.board import build, trend_period
from legame.errors import LegameError
from legame.kpis import Period
from tests import test_share
from tests.test_export import pdf_text

# The app fixtures of tests/test_share.py: a copy of the demo database per test, a local server address.
app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
NOW = datetime(2026, 10, 2, 8, 15)


def test_add_list_and_delete_a_note(con):
    launch = annotations.add(con, date(2026, 9, 15), "  Autumn   campaign starts ", "Anna", now=NOW)
    annotations.add(con, date(2025, 1, 2), "Out of range", "Anna", now=NOW)
    assert annotations.notes(con, Q3.start, Q3.end) == [
        annotations.Mark("note", date(2026, 9, 15), "Autumn campaign starts", "Anna", id=launch.id, created_at=NOW)
    ]
    before = annotations.version(con)
    annotations.delete(con, launch.id)
    assert annotations.notes(con, Q3.start, Q3.end) == []
    assert annotations.version(con) != before
    with pytest.raises(LegameError, match="someone deleted it already"):
        annotations.delete(con, launch.id)


@pytest.mark.parametrize(
    ("note", "author", "message"),
    [
        ("   ", "Anna", "Write the note first"),
        ("x" * 141, "Anna", "Keep the note under 140 characters"),
        ("Launch", " ", "Say who writes the note"),
    ],
)
def test_a_note_says_what_is_wrong(con, note, author, message):
    with pytest.raises(LegameError, match=message):
        annotations.add(con, Q3.end, note, author)
    assert annotations.notes(con, date.min, date.max) == []


def test_community_events_come_from_the_event_acts(demo):
    events = annotations.events(demo, Q3.start, Q3.end)
    expected = demo.execute(
        "select occurred_at::date, count(distinct person_id) from interactions "
        "where kind = 'event' and occurred_at::date between $s and $e group by 1 order by 1",
        {"s": Q3.start, "e": Q3.end},
    ).fetchall()
    assert [(m.day, m.people) for m in events] == expected
    assert len(events) >= 3 and all(m.kind == "event" for m in events)


def test_the_trend_charts_mark_events_and_notes(demo, config):
    annotations.add(demo, date(2026, 9, 15), "Price <b>up</b> 5%", "Anna", now=NOW)
    board = build(demo, config, Q3, "previous", {})
    assert [m.text for m in board.marks if m.kind == "note"] == ["Price <b>up</b> 5%"]
    monthly = [{"month": date(2026, m, 1), "nps": 40.0} for m in range(1, 11)]
    for fig, first_day in (
        (charts.revenue_by_membership(board.trend, Q3, config.currency, marks=board.marks), trend_period(Q3).start),
        (
            charts.trend(monthly, "nps", "NPS", "points", None, marks=board.marks),
            date(2026, 1, 1),
        ),  # marks within its months
    ):
        traces = {t.name: t for t in fig.data}
        assert "Notes" in traces  # the flags' legend entry
        events = traces["Community events"]
        flags = [a for a in fig.layout.annotations if a.name == "note"]
        assert [(f.x, f.text) for f in flags] == [(date(2026, 9, 15), "<b>1</b>")]
        assert "Price &lt;b&gt;up&lt;/b&gt; 5%" in flags[0].hovertext and "Anna" in flags[0].hovertext
        assert "15 Sept 2026" in flags[0].hovertext
        assert len(events.x) == len(annotations.events(demo, first_day, Q3.end))
        assert "people took part" in events.hovertext[0]
        assert [s.x0 for s in fig.layout.shapes if s.type == "line"] == [date(2026, 9, 15)]


def test_a_chart_without_marks_is_unchanged(demo, config):
    board = build(demo, config, Q3, "previous", {})
    plain = charts.revenue_by_membership(board.trend, Q3, config.currency)
    assert [t.name for t in plain.data] == ["Other customers", "Community members"]


def test_the_board_pack_lists_the_notes_and_the_events(demo, config, tmp_path):
    annotations.add(demo, date(2026, 8, 3), "Summer meetup in <Verona> & more", "Marco Rossi", now=NOW)
    board = build(demo, config, Q3, "previous", {})
    pages = pdf_text(boardpack.board_pack_pdf(board, config, headline=board.headline), tmp_path)
    chart_page = next(page for page in pages if "Revenue: community members and other customers" in page)
    assert "1 3 Aug 2026 Summer meetup in <Verona> & more Marco Rossi" in chart_page  # as typed, not markup
    days = len(annotations.events(demo, trend_period(Q3).start, Q3.end))
    assert f"community events in the data, on {days} days" in chart_page


def test_a_viewer_cursor_cannot_add_or_delete_a_note(con):
    kept = annotations.add(con, Q3.end, "Launch", "Anna")
    reader = share.ReadOnlyCursor(con.cursor())
    with pytest.raises(share.WriteRefused):
        annotations.add(reader, Q3.end, "Sneaky", "Viewer")
    with pytest.raises(share.WriteRefused):
        annotations.delete(reader, kept.id)
    assert [m.id for m in annotations.notes(con, date.min, date.max)] == [kept.id]


def chart_specs(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_the_admin_adds_and_deletes_a_note_on_the_board(app, local_server):
    at = app.test().run()
    assert not at.exception
    note = next(t for t in at.text_input if t.label == "Note")
    note.input("Autumn campaign starts")
    next(t for t in at.text_input if t.label == "Your name").input("Anna")
    day = next(d for d in at.date_input if d.label == "Day")
    day.set_value(date(2026, 9, 15))
    next(b for b in at.button if b.label == "Add the note").click().run()
    assert not at.exception
    assert at.success[0].value == "Note added for 15 Sept 2026."
    table = next(d.value for d in at.dataframe if "Note" in d.value.columns)
    assert table["Note"].tolist() == ["Autumn campaign starts"] and table["Written by"].tolist() == ["Anna"]
    revenue = chart_specs(at)[0]
    flags = [a for a in revenue["layout"]["annotations"] if a.get("name") == "note"]
    assert "Autumn campaign starts" in flags[0]["hovertext"]

    # A viewer's link shows the note on the chart, and no form.
    _, token = app.link(view=share.View(("board",), Q3.start, Q3.end))
    viewer = app.test(token).run()
    assert not viewer.exception
    assert not [e for e in viewer.expander if e.label == "Notes on the charts"]
    assert not [t for t in viewer.text_input if t.label == "Note"]
    assert any(a.get("name") == "note" for a in chart_specs(viewer)[0]["layout"]["annotations"])

    next(b for b in at.button if b.label == "Delete this note").click().run()
    assert not at.exception
    assert at.success[0].value == "Note of 15 Sept 2026 deleted."
    assert "No notes yet." in [c.value for c in at.caption]
    with warehouse.connect(app.config) as con:
        assert annotations.notes(con, date.min, date.max) == []


def test_event_days_are_read_again_after_a_load(demo, config, tmp_path):
    from legame.ingest.pipeline import load_file
    from tests.conftest import write

    before = annotations.events(demo, Q3.start, Q3.end)
    assert date(2026, 7, 2) not in [m.day for m in before]  # a Thursday: the demo's events are on Saturdays
    acts = "event_id,email,occurred_at,kind\n" + "".join(
        f"NEW-{i},guest{i}@example.com,2026-07-02 18:00,event\n" for i in range(3)
    )
    assert load_file(demo, config, write(tmp_path, "meetup.csv", acts), "meetup.csv").rejected == 0
    after = annotations.events(demo, Q3.start, Q3.end)
    assert [(m.day, m.people) for m in after if m.day == date(2026, 7, 2)] == [(date(2026, 7, 2), 3)]
