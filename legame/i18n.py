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


def _(message: str, /, **values: Any) -> str:
    """`message` in the current language, with `{name}` placeholders filled from `values`."""
    lang = _language.get()
    text = message
    if lang != SOURCE and message:
        text = translations(lang).gettext(message)
        if message not in catalogue(lang):
            _miss(lang, message)
    return text.format(**values) if values else text


def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
    """The singular or plural form for `n` in the current language ("1 cliente", "2 clienti"); `{n}` is n."""
    lang = _language.get()
    text = singular if n == 1 else plural
    if lang != SOURCE:
        text = translations(lang).ngettext(singular, plural, n)
        if singular not in catalogue(lang):
            _miss(lang, singular)
    return text.format(n=n, **values)


def pgettext(context: str, message: str, /, **values: Any) -> str:
    """`message` as meant in `context`, for the same English word with two Italian ones."""
    lang = _language.get()
    text = message
    if lang != SOURCE:
        text = translations(lang).pgettext(context, message)
        if catalogue(lang).get(message, context=context) is None:
            _miss(lang, message)
    return text.format(**values) if values else text


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
