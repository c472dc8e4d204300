"""One family of errors a user can act on: each names what went wrong and the fix.

The app shows them with one helper (`st.error`), the CLI prints them and exits 1.
"""

from __future__ import annotations


class LegameError(Exception):
    """An error whose message is written for the person who will read it."""


class DatabaseBusy(LegameError):
    """Another process holds the warehouse file."""


class UnreadableDatabase(LegameError):
    """The warehouse file cannot be opened by this DuckDB: written by a newer one, or damaged."""


class UnrecognisedExport(LegameError):
    """No profile recognises the file's header."""


class FatalFileError(LegameError):
    """A file that cannot be loaded at all; nothing from it is written."""


class ConfigError(LegameError):
    """config.yaml is missing a value or holds one that cannot be used."""


class ProfileNotSaved(LegameError):
    """A mapping cannot be saved under the name given (taken, or not a usable name)."""
