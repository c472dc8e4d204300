"""legame/ui/cache.py's FamilyKpis: each family's KPIs kept on its own tables' version, the families a view
misses computed together in one call, the KPIs handed back in the registry's order."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from legame.kpis.registry import FAMILY_TABLES, KPIS
from legame.ui.cache import FamilyKpis, View


def view(versions: dict[str, int]) -> View:
    return View(tuple(versions[f] for f in FAMILY_TABLES), "en", date(2026, 7, 1), date(2026, 9, 30), "previous", ())


def test_the_families_a_view_misses_are_computed_in_one_call_and_the_others_kept():
    calls: list[list[str]] = []

    def compute_families(families: list[str]) -> list[SimpleNamespace]:
        calls.append(families)
        made = len(calls)
        return [SimpleNamespace(id=k.id, family=k.family, made=made) for k in KPIS.values() if k.family in families]

    store = FamilyKpis()
    first = {family: 1 for family in FAMILY_TABLES}
    kpis = store.kpis(view(first), compute_families)
    assert calls == [list(FAMILY_TABLES)]
    assert [k.id for k in kpis] == list(KPIS)
    # A posts upload: the families reading posts are computed again, together; the others are the kept objects.
    reading_posts = [family for family, tables in FAMILY_TABLES.items() if "posts" in tables]
    after = {family: 2 if family in reading_posts else 1 for family in FAMILY_TABLES}
    again = store.kpis(view(after), compute_families)
    assert calls[1:] == [reading_posts]
    assert [k.id for k in again] == list(KPIS)
    assert all((k.made == 2) == (k.family in reading_posts) for k in again)
    assert all(a is b for a, b in zip(kpis, again, strict=True) if a.family not in reading_posts)
    assert store.kpis(view(after), compute_families) == again and len(calls) == 2  # nothing missing: no call


def test_the_least_recently_used_entries_go_first():
    calls: list[list[str]] = []

    def compute_families(families: list[str]) -> list[SimpleNamespace]:
        calls.append(families)
        return [SimpleNamespace(id=k.id, family=k.family) for k in KPIS.values() if k.family in families]

    store = FamilyKpis(max_entries=len(FAMILY_TABLES))
    one, two = ({family: n for family in FAMILY_TABLES} for n in (1, 2))
    store.kpis(view(one), compute_families)
    store.kpis(view(two), compute_families)  # every family of version 1 dropped for those of version 2
    store.kpis(view(one), compute_families)
    assert calls == [list(FAMILY_TABLES)] * 3
