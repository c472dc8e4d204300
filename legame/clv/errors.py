"""The CLV package's errors: one LegameError family, shown by the page and the CLI alike."""

from __future__ import annotations

from legame.errors import LegameError


class ClvError(LegameError):
    """The CLV models cannot be fitted or used on the data given."""


class NotFittedError(ClvError):
    """A model was asked for parameters or predictions before fit()."""
