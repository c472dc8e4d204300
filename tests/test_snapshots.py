"""Frozen links: a link made with its numbers frozen keeps showing them after new data is loaded,
and is refused like any link once revoked, expired or altered. App sessions run through AppTest on
app.py (tests/test_share.py's App), the CLI in a subprocess."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta

import duckdb
import pytest

from legame import share, snapshot, warehouse
from legame.board import build
from legame.errors import LegameError
from legame.i18n import language
from legame.ingest.pipeline import load_file
from tests import test_share
from tests.conftest import write
from tests.test_share import App, _with_payload, assert_only_the_refusal, legame

# The app fixtures of tests/test_share.py: a copy of the demo database per test.
app, demo_database = test_share.app, test_share.demo_database

Q3_2026 = share.View(("board",), date(2026, 7, 1), date(2026, 9, 30), "previous")
FROZEN = share.View(("board", "community"), date(2026, 7, 1), date(2026, 9, 30), "previous", snapshot=True)
BIG_ORDERS = "order_id,email,ordered_at,revenue\n" + "".join(
    f"BIG-{i},big{i}@example.com,2026-08-{i + 1:02d},25000\n" for i in range(20)
)


def cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def load_big_orders(app: App, tmp_path) -> None:
    con = warehouse.connect(app.config)
    try:
        report = load_file(con, app.config, write(tmp_path, "orders.csv", BIG_ORDERS), "orders.csv")
        assert report.rejected == 0
    finally:
        con.close()


def test_a_snapshot_round_trips_through_json(demo, config):
    board = build(demo, config, Q3_2026.period, "previous", {})
    filtered = build(demo, config, Q3_2026.period, "previous", {"channel": "paid_social"})
    assert any(k.not_measurable for k in filtered.kpis)  # tuples survive the trip too
    text = snapshot.dumps({"boards": {"en": board, "filtered": filtered}, "anchor": date(2026, 10, 31)})
    back = snapshot.loads(text)
    assert back["boards"]["en"] == board
    assert back["boards"]["filtered"] == filtered
    assert back["anchor"] == date(2026, 10, 31)
    assert json.loads(text)["anchor"] == {"$date": "2026-10-31"}


def test_the_words_are_kept_in_every_language(demo, config):
    link, _url = share.create_link(demo, config, label="frozen", view=FROZEN, days=5)
    frozen = snapshot.load(demo, link.id)
    assert set(frozen.boards) == {"en", "it"}
    for lang, board in frozen.boards.items():
        with language(lang):
            fresh = build(demo, config, FROZEN.period, "previous", {})
        assert [k.sentence for k in board.kpis] == [k.sentence for k in fresh.kpis]
    assert frozen.monthly and frozen.channels  # the Community page's charts
    assert frozen.taken_at == link.created_at


def test_the_customer_value_page_cannot_be_frozen():
    with pytest.raises(LegameError, match="Customer value refits its models as you read it"):
        share.View(("board", "value"), date(2026, 7, 1), date(2026, 9, 30), snapshot=True)


def test_a_frozen_link_shows_the_old_numbers_after_a_new_load(app, tmp_path):
    _, frozen_token = app.link(view=FROZEN)
    before = app.test(frozen_token).run()
    assert not before.exception
    old = cards(before)
    assert old
    banner = before.info[1].value
    assert banner.startswith("**Numbers as of ") and "data loaded since does not change them" in banner

    load_big_orders(app, tmp_path)

    _, live_token = app.link(view=share.View(FROZEN.pages, FROZEN.start, FROZEN.end))
    live = app.test(live_token).run()
    assert not live.exception
    assert cards(live) != old, "the new orders change the live numbers"
    assert len(live.info) == 1  # no "numbers as of" on a live link

    after = app.test(frozen_token).run()
    assert not after.exception
    assert cards(after) == old
    assert after.info[1].value == banner
    # The drill-down page reads the frozen series and channel split too.
    after.switch_page("pages/community.py").run()
    assert not after.exception
    frozen_community = cards(after)
    live.switch_page("pages/community.py").run()
    assert frozen_community and not live.exception


def test_a_frozen_link_is_refused_once_revoked(app):
    link_id, token = app.link(view=FROZEN)
    at = app.test(token)
    at.query_params["lang"] = "it"
    at.run()
    assert cards(at)
    assert at.info[1].value.startswith("**Numeri aggiornati al ")  # the viewer's language, the moment in CLDR's Italian
    con = warehouse.connect(app.config)
    share.revoke(con, link_id)
    con.close()
    at.query_params["lang"] = "en"
    at.run()
    assert_only_the_refusal(at)


def test_an_expired_frozen_link_is_refused(app):
    _, token = app.link(
        view=share.View(("board",), FROZEN.start, FROZEN.end, snapshot=True), now=datetime.now() - timedelta(days=31)
    )
    assert_only_the_refusal(app.test(token).run())


@pytest.mark.parametrize(
    ("view", "change"),
    [
        (FROZEN, lambda data: data["view"].pop("snapshot")),  # thaw a frozen link into a live one
        (Q3_2026, lambda data: data["view"].update(snapshot=True)),  # freeze a live one
    ],
)
def test_a_tampered_frozen_token_is_refused(app, view, change):
    _, token = app.link(view=view)
    assert_only_the_refusal(app.test(_with_payload(token, change)).run())


def test_share_create_snapshot_from_the_command_line(tmp_path, demo_database):
    shutil.copyfile(demo_database, tmp_path / "cli.duckdb")
    created = legame(
        tmp_path, "share", "create", "--label", "Q3 frozen", "--pages", "board,advocacy",
        "--from", "2026-07-01", "--to", "2026-09-30", "--snapshot", "--json",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    made = json.loads(created.stdout)
    assert set(made) == {"id", "url", "expires", "numbers_as_of"}
    with duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True) as con:
        frozen = snapshot.load(con, made["id"])
    assert frozen.board("en").period.label == "Q3 2026"
    assert made["numbers_as_of"] == frozen.taken_at.isoformat() + "+00:00"

    text = legame(
        tmp_path, "share", "create", "--label", "Q3", "--from", "2026-07-01", "--to", "2026-09-30", "--snapshot"
    )
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines()[1].startswith("Numbers as of ")
    listed = legame(tmp_path, "share", "list").stdout
    assert "numbers frozen when the link was made" in listed

    refused = legame(tmp_path, "share", "create", "--label", "V", "--pages", "value", "--snapshot")
    assert refused.returncode == 1
    assert "Customer value refits its models as you read it" in refused.stderr


def test_a_frozen_board_makes_the_same_board_pack(demo, config, tmp_path):
    from legame.boardpack import board_pack_pdf
    from tests.test_export import pdf_text

    link, _url = share.create_link(demo, config, label="frozen", view=FROZEN, days=5)
    frozen = snapshot.load(demo, link.id).board("en")
    text = " ".join(pdf_text(board_pack_pdf(frozen, config, headline=frozen.headline), tmp_path))
    assert " ".join(frozen.headline.split()) in text
    for kpi in frozen.cards:
        assert kpi.display["value"] in text, kpi.id
