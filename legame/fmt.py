"""Numbers and money written the way the configured locale writes them (it-IT, en-US, ...)."""

from __future__ import annotations

import math
from dataclasses import dataclass

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}


@dataclass(frozen=True)
class NumberFormat:
    """Separators and currency placement of one locale."""

    decimal: str
    thousands: str
    currency_before: bool
    currency_space: bool

    @classmethod
    def for_locale(cls, locale: str) -> NumberFormat:
        if locale.lower().startswith(("en", "ja", "zh")):
            return cls(".", ",", currency_before=True, currency_space=False)
        if locale.lower().startswith(("de", "fr", "es", "pt")):
            return cls(",", ".", currency_before=False, currency_space=True)
        # it-IT and the rest of continental Europe: € 1.234,56
        return cls(",", ".", currency_before=True, currency_space=True)

    @property
    def date_input(self) -> str:
        """The order a date picker shows day, month and year in for this locale."""
        return "MM/DD/YYYY" if self.currency_before and not self.currency_space else "DD/MM/YYYY"

    def number(self, value: float, decimals: int = 0, signed: bool = False) -> str:
        text = f"{abs(value):,.{decimals}f}"
        text = text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.thousands)
        if value < 0 and text.strip("0" + self.decimal + self.thousands):
            return "−" + text
        return ("+" if signed and value > 0 else "") + text

    def money(self, value: float, currency: str, decimals: int | None = None, signed: bool = False) -> str:
        if decimals is None:
            decimals = 0 if abs(value) >= 1000 else 2
        number = self.number(value, decimals, signed)
        sign = number[0] if number[0] in "+−" else ""
        digits = number[len(sign) :]
        symbol = SYMBOLS.get(currency, currency)
        space = " " if self.currency_space or len(symbol) > 1 else ""
        if self.currency_before:
            return f"{sign}{symbol}{space}{digits}"
        return f"{sign}{digits}{space}{symbol}"


def decimals(value: float, unit: str) -> int:
    """How many decimals a value of this unit is shown with (money: none from 1,000 up)."""
    if unit == "currency":
        return 0 if abs(value) >= 1000 else 2
    if unit in ("%", "pp"):
        # Small shares keep two significant digits, so 0.0082% does not read as 0.0% or 0.01%.
        if 0 < abs(value) < 0.01:
            return min(4, 1 - math.floor(math.log10(abs(value))))
        return 2 if 0 < abs(value) < 0.1 else 1
    return {"points": 0, "x": 2, "count": 0, "months": 1}.get(unit, 1)


def shown(value: float | None, unit: str) -> float | None:
    """The value as a card shows it: status, deltas and sentences are worked out on this, never on hidden decimals."""
    return None if value is None else round(value, decimals(value, unit))


def format_value(value: float | None, unit: str, fmt: NumberFormat, currency: str, signed: bool = False) -> str:
    """A KPI value with its unit: '4,1%', '€ 52,10', '+42', '3,20x', 'n/a'."""
    if value is None:
        return "n/a"
    digits = decimals(value, unit)
    if unit == "currency":
        return fmt.money(value, currency, digits, signed=signed)
    if unit in ("%", "pp"):
        return fmt.number(value, digits, signed) + ("%" if unit == "%" else " pp")
    if unit == "points":
        return fmt.number(value, digits, signed=True)
    if unit == "x":
        return fmt.number(value, digits, signed) + "x"
    if unit == "months":
        return fmt.number(value, digits, signed) + " months"
    return fmt.number(value, digits, signed)
