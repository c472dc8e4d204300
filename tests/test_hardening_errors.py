"""One error boundary (session.route): a LegameError reads as written, anything else is logged, never shown."""

from __future__ import annotations

import logging

import pytest

from legame.errors import LegameError
from legame.ui import cache, session
from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server


def _fails(exc: BaseException):
    def raising(*args, **kwargs):
        raise exc

    return raising


@pytest.mark.parametrize("page", ["board", "community"])
def test_an_unexpected_error_is_logged_and_shown_as_one_plain_sentence(app, local_server, monkeypatch, caplog, page):
    at = app.test().run()
    monkeypatch.setattr(cache, "board_for", _fails(RuntimeError("/srv/legame/secret.duckdb: table x missing")))
    monkeypatch.setattr(cache, "kpis_for", _fails(RuntimeError("/srv/legame/secret.duckdb: table x missing")))
    with caplog.at_level(logging.ERROR, logger="legame.ui.session"):
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception[0].stack_trace if at.exception else None
    assert [e.value for e in at.error] == [session.INTERNAL_ERROR]
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.error, *at.title])
    assert "secret.duckdb" not in shown and "RuntimeError" not in shown
    (record,) = [r for r in caplog.records if r.name == "legame.ui.session"]
    assert record.getMessage() == f"Page {page!r} failed"
    assert "secret.duckdb: table x missing" in str(record.exc_info[1])


def test_a_legame_error_is_shown_as_written(app, local_server, monkeypatch):
    at = app.test().run()
    monkeypatch.setattr(cache, "kpis_for", _fails(LegameError("The warehouse has no orders yet: load an export.")))
    at.switch_page("pages/advocacy.py").run()
    assert not at.exception, at.exception[0].stack_trace if at.exception else None
    assert [e.value for e in at.error] == ["The warehouse has no orders yet: load an export."]


def test_every_page_names_itself_to_its_guard():
    from legame.config import ROOT

    for path in sorted((ROOT / "pages").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert f'session.guard(session.VIEWER, "{path.stem}")' in text or (
            f'session.guard(session.ADMIN, "{path.stem}")' in text
        ), path.name
        assert "show_error" not in text or path.stem == "upload", path.name  # upload: its per-file loop
