"""The reader's language: every user-facing string goes through `_()` (or `ngettext`), per session.

Strings are written in English in the code and translated through gettext catalogues kept as
`.po` files under legame/locale/<lang>/LC_MESSAGES/ (read with Babel; every `.po` there is part
of the one `legame` catalogue). The language is a context variable, set once per Streamlit
script run (each session's run has its own thread and context) or per CLI run, never a
process-global `gettext.install`: two sessions on one server can read two languages at once.

Strings defined at import time (KPI labels, reasons, formats' names) are marked with `N_()`,
which only marks them for extraction, and translated where they are shown, with `_()`.
Ids (KPI ids, URL parameters, JSON keys, format ids) never go through here.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# The languages Legame speaks, by code, each in its own words (for the language switch).
LANGUAGES = {"en": "English", "it": "Italiano"}
SOURCE = "en"  # the language of the strings in the code
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The CLDR locale numbers and dates follow when the configured `locale` is in another language.
DEFAULT_LOCALE = {"en": "en_GB", "it": "it_IT"}
PARAM = "lang"  # ?lang=it in the URL

_language: ContextVar[str] = ContextVar("legame_language", default=SOURCE)
# Messages asked for in a language whose catalogue lacks them (the test of untranslated text reads this).
_misses: dict[str, set[str]] = {}
_misses_lock = threading.Lock()


def N_(message: str) -> str:
    """Marks a string for the catalogue without translating it (translate it where it is shown)."""
    return message


@cache
def catalogue(lang: str) -> Catalog:
    """Every `.po` file of a language merged into one Babel catalogue (English has none: it is the source)."""
    merged = Catalog(locale=Locale.parse(lang), domain="legame")
    for path in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=lang):
                if message.id and message.string and not message.fuzzy:
                    merged[message.id] = message
    return merged


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == SOURCE:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalogue(lang))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def known(lang: str) -> str:
    """`lang` if Legame speaks it, else the source language."""
    return lang if lang in LANGUAGES else SOURCE


def current() -> str:
    return _language.get()


def use(lang: str) -> None:
    """Set the language for the rest of this context (a script run, a CLI run)."""
    _language.set(known(lang))


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Speak `lang` inside the block, then go back (a PDF or an email in the recipient's language)."""
    token = _language.set(known(lang))
    try:
        yield
    finally:
        _language.reset(token)


def _miss(lang: str, message: str) -> None:
    with _misses_lock:
        _misses.setdefault(lang, set()).add(message)


def misses(lang: str) -> set[str]:
    """The messages asked for in `lang` that its catalogue does not translate."""
    with _misses_lock:
        return set(_misses.get(lang, ()))


# Italian before a date: the article and the prepositions joined with it elide before a day read with a vowel
# (8 is "otto", 11 "undici": "dall'8 ago", "all'11 set", "l'8 dic"), and the first of a month is written 1°
# ("primo": "dal 1° ago", "il 1° set"), as Italian business writing does. Dates are written by NumberFormat, so a
# date in a sentence is a placeholder's value: "{day}" after one of these words, the value a day then its month.
_ITALIAN_ARTICLES = re.compile(r"\b((?i:il|al|dal|del|nel|sul|col))[ \u00a0]\{(\w+)\}")
_ELIDED = {"il": "l'", "al": "all'", "dal": "dall'", "del": "dell'", "nel": "nell'", "sul": "sull'", "col": "coll'"}
_DAY_THEN_MONTH = re.compile(r"(\d{1,2})([ \u00a0]+)(\w+)")


@cache
def _month_words(lang: str) -> frozenset[str]:
    """The month names and abbreviations a date in `lang` is written with (CLDR), in lower case."""
    months = Locale.parse(lang).months
    return frozenset(
        name.lower().rstrip(".") for context in months.values() for width in context.values() for name in width.values()
    )


def _italian_dates(text: str, values: dict[str, Any]) -> str:
    """`text` (a template) with each article or preposition before a date placeholder agreeing with its day, and
    the date's value written in (braces doubled) where it changed: 'Dal {start}' with 8 ago 2026 -> "Dall'8 ago
    2026"; with 1 ago 2026 -> 'Dal 1° ago 2026'."""

    def agree(match: re.Match[str]) -> str:
        word, name = match.group(1), match.group(2)
        value = values.get(name)
        day = _DAY_THEN_MONTH.match(value) if isinstance(value, str) else None
        if day is None or day.group(3).lower() not in _month_words("it"):
            return match.group(0)
        literal = str(value).replace("{", "{{").replace("}", "}}")
        if day.group(1) in ("8", "08", "11"):
            elided = _ELIDED[word.lower()]
            return (elided[0].upper() + elided[1:] if word[0].isupper() else elided) + literal.lstrip("0")
        if day.group(1) in ("1", "01"):
            return f"{word} 1°{literal[day.end(1) :]}"
        return match.group(0)

    return _ITALIAN_ARTICLES.sub(agree, text) if "l {" in text or "l\u00a0{" in text else text


def _fill(lang: str, text: str, values: dict[str, Any]) -> str:
    """`text` with its `{placeholders}` filled, in the grammar of `lang` (Italian dates: `_italian_dates`)."""
    if lang == "it":
        text = _italian_dates(text, values)
    return text.format(**values)


def _(message: str, /, **values: Any) -> str:
    """`message` in the current language, with `{name}` placeholders filled from `values`."""
    lang = _language.get()
    text = message
    if lang != SOURCE and message:
        text = translations(lang).gettext(message)
        if message not in catalogue(lang):
            _miss(lang, message)
    return _fill(lang, text, values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The singular or plural form for `n` in the current language ("1 cliente", "2 clienti"); `{n}` is n."""
    lang = _language.get()
    text = singular if n == 1 else plural
    if lang != SOURCE:
        text = translations(lang).ngettext(singular, plural, n)
        if singular not in catalogue(lang):
            _miss(lang, singular)
    return _fill(lang, text, {"n": n, **values})


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """`message` as meant in `context`, for the same English word with two Italian ones."""
    lang = _language.get()
    text = message
    if lang != SOURCE:
        text = translations(lang).pgettext(context, message)
        if catalogue(lang).get(message, context=context) is None:
            _miss(lang, message)
    return _fill(lang, text, values) if values else text


def resolve(config_language: str | None, config_locale: str | None, requested: str | None = None) -> str:
    """The language to speak: the one asked for (`?lang=`, `--lang`), else LEGAME_LANG, else config.yaml's
    `language`, else the language of its `locale`, else English."""
    from_locale = (config_locale or "").replace("-", "_").split("_")[0]
    for choice in (requested, os.environ.get("LEGAME_LANG"), config_language, from_locale):
        if choice and choice.lower() in LANGUAGES:
            return choice.lower()
    return SOURCE


def for_config(config: Any, requested: str | None = None) -> str:
    """`resolve` with config.yaml's settings."""
    return resolve(config.get("language", default=None), config.get("locale", default=None), requested)


def locale_for(lang: str, config_locale: str | None) -> str:
    """The CLDR locale numbers, money and dates are written in: config.yaml's `locale` when it is in
    the reader's language (it-IT for Italian), else that language's default (English: en_GB)."""
    configured = (config_locale or "").replace("-", "_")
    if configured.split("_")[0].lower() == lang:
        try:
            return str(Locale.parse(configured))
        except (ValueError, TypeError):
            pass
    return DEFAULT_LOCALE[known(lang)]
