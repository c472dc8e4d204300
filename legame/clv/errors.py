"""The CLV package's errors: one LegameError family, shown by the page and the CLI alike."""

from __future__ import annotations

from legame.errors import LegameError
from legame.i18n import N_


class ClvError(LegameError):
    """The CLV models cannot be fitted or used on the data given."""


class NotFittedError(ClvError):
    """A model was asked for parameters or predictions before fit()."""


# What a reader is told when the orders cannot support the models, in plain words (the board's n/a
# reason and the Customer value page's message), shown with _(); the model's own words follow as the detail.
NOT_ENOUGH_HISTORY = N_("not enough purchase history yet to predict value (needs repeat buyers over several months)")
