"""The Italian catalogue is complete: every string the code marks has a translation, none fuzzy or
empty, none stale, and each translation keeps its {placeholders}."""

from __future__ import annotations

import string

import yaml
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from legame import i18n
from legame.config import ROOT

KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "pgettext": ((1, "c"), 2)}
METHODS = [("app.py", "python"), ("pages/**.py", "python"), ("legame/**.py", "python")]


def _yaml_messages() -> dict[tuple[str | None, str], tuple[str, int]]:
    """The user-facing words that are data: config.yaml's channel labels (shown with
    pgettext("channel", label)), each export format's label (pgettext("format", label)) and the
    reasons its `why` gives (_(why))."""
    found: dict[tuple[str | None, str], tuple[str, int]] = {}
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    for label in config["channels"]["groups"].values():
        found.setdefault(("channel", label), ("config.yaml", 0))

    def reasons(node: object, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "why" and isinstance(value, str):
                    found.setdefault((None, value), (where, 0))
                reasons(value, where)
        elif isinstance(node, list):
            for item in node:
                reasons(item, where)

    for path in sorted((ROOT / "legame" / "ingest" / "formats").glob("*.yaml")):
        where = str(path.relative_to(ROOT))
        for spec in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).values():
            if isinstance(spec, dict) and isinstance(spec.get("label"), str):
                found.setdefault(("format", spec["label"]), (where, 0))
            reasons(spec, where)
    return found


def _source_messages() -> dict[tuple[str | None, str], tuple[str, int]]:
    """(context, msgid) -> where it is first written, for every marked string in the code and the data."""
    found: dict[tuple[str | None, str], tuple[str, int]] = _yaml_messages()
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((context, msgid), (filename, lineno))
    return found


def _po_entries(lang: str) -> list[tuple[str, object]]:
    entries = []
    for path in sorted((i18n.LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            entries += [(path.name, m) for m in read_po(handle, locale=lang) if m.id]
    return entries


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_every_marked_string_is_translated_into_italian():
    catalogue = i18n.catalogue("it")
    missing = [
        f"{where[0]}:{where[1]}: {msgid!r}"
        for (context, msgid), where in _source_messages().items()
        if catalogue.get(msgid, context=context) is None
    ]
    assert not missing, f"{len(missing)} strings have no Italian translation:\n" + "\n".join(sorted(missing))


def test_no_italian_entry_is_fuzzy_empty_or_stale():
    source = _source_messages()
    problems = []
    for name, message in _po_entries("it"):
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{name}: fuzzy: {msgid!r}")
        if not all(strings):
            problems.append(f"{name}: empty: {msgid!r}")
        if (message.context, msgid) not in source:
            problems.append(f"{name}: no longer in the code: {msgid!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_their_placeholders_and_agree_across_files():
    problems, seen = [], {}
    for name, message in _po_entries("it"):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for text in strings:
            try:
                if _fields(text) - wanted or (len(ids) == 1 and _fields(text) != wanted):
                    problems.append(f"{name}: {ids[0]!r} -> {text!r}: placeholders differ")
            except ValueError as exc:
                problems.append(f"{name}: {text!r}: {exc}")
        key = (message.context, ids[0])
        if key in seen and seen[key][1] != strings:
            problems.append(f"{name} and {seen[key][0]} translate {ids[0]!r} differently")
        seen.setdefault(key, (name, strings))
    assert not problems, "\n".join(problems)


def test_plural_forms_are_italian():
    catalogue = i18n.catalogue("it")
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    plurals = [m for m in catalogue if isinstance(m.id, tuple)]
    assert plurals, "the catalogue has no plural entry"
    singular, plural = plurals[0].id
    with i18n.language("it"):
        one = i18n.ngettext(singular, plural, 1, value="1")
        two = i18n.ngettext(singular, plural, 2, value="2")
    assert (one, two) == tuple(
        s.format(n=1, value="1") if i == 0 else s.format(n=2, value="2") for i, s in enumerate(plurals[0].string)
    )
    assert one != two
