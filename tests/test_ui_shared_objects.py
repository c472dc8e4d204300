"""What the pages read from the caches kept as objects (cache_resource: the board and its KPIs, Customer value's
report, the charts, the pickers' lists) is one object shared by every session: a page that changed one would
change it for every session, in every language. Every such object must read the same (pickled) after the pages
have run, in both languages and both views, as when its cache entry was written.
"""

from __future__ import annotations

import hashlib
import pickle

import pytest
from streamlit.runtime.caching.cache_resource_api import ResourceCache

from tests import test_share

app, demo_database, local_server = test_share.app, test_share.demo_database, test_share.local_server

PAGES = ["pages/board.py", "pages/value.py", "pages/community.py", "pages/advocacy.py", "pages/conversion.py"]
# Shared by design and changed by design: the connection, the sign-in attempts' limiter and the store of each
# family's KPIs (its entries change; its KPIs are the _kpis entries', checked there).
NOT_DATA = ("legame.ui.session._connection", "legame.ui.session._limiter", "legame.ui.cache._family_kpis")


def reads_as(value: object) -> str:
    return hashlib.sha256(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, str]]:
    """Every object a Legame cache_resource entry is written with: (function, the object, how it read then)."""
    made: list[tuple[str, object, str]] = []
    write = ResourceCache.write_result

    def recording(self: ResourceCache, value_key: str, value: object, messages: list) -> None:
        if self.display_name.startswith("legame.") and self.display_name not in NOT_DATA:
            made.append((self.display_name, value, reads_as(value)))
        write(self, value_key, value, messages)

    monkeypatch.setattr(ResourceCache, "write_result", recording)
    return made


def test_no_page_changes_an_object_every_session_shares(app, local_server, written):
    for lang, view in (("en", "cards"), ("it", "facts")):
        for page in PAGES:
            at = app.test()
            at.query_params.update(lang=lang, view=view)
            at.run()
            at.switch_page(page).run()
            assert not at.exception, (lang, view, page, at.exception)
    made = {name for name, _, _ in written}
    for expected in ("legame.ui.cache._board", "legame.ui.cache._kpis", "legame.ui.value_cache._report"):
        assert expected in made, sorted(made)
    changed = sorted({name for name, value, before in written if reads_as(value) != before})
    assert changed == [], f"a page changed a shared object of {changed}"
