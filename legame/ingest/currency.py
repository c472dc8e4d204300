"""Which currency an export's amounts are in, so none is loaded as another.

Legame counts every amount in config.yaml's `currency` and converts nothing: an
amount marked with another currency (`$12.50`, `12.50 USD`), a row whose currency
column says another one, or a money column whose name names another (`Amount
spent (USD)`) is refused with the reason, never read as if it were in ours.
"""

from __future__ import annotations

import re

# Symbols that stand for a currency code; `$` and `kr` stand for several.
SYMBOLS: dict[str, tuple[str, ...]] = {
    "EUR": ("€",),
    "USD": ("$", "US$"),
    "CAD": ("$", "C$", "CA$"),
    "AUD": ("$", "A$", "AU$"),
    "NZD": ("$", "NZ$"),
    "MXN": ("$", "MX$"),
    "GBP": ("£",),
    "JPY": ("¥",),
    "CNY": ("¥",),
    "INR": ("₹",),
    "BRL": ("R$",),
    "CHF": ("Fr.",),
    "SEK": ("kr",),
    "NOK": ("kr",),
    "DKK": ("kr",),
    "PLN": ("zł",),
    "KRW": ("₩",),
    "TRY": ("₺",),
}
# ISO 4217 codes a column name may carry (so `(CTR)` or `(UTC)` are not taken for one).
CODES = frozenset(
    """EUR USD GBP JPY CNY CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN RSD TRY RUB UAH INR BRL MXN ARS
    CLP COP PEN ZAR KRW SGD HKD TWD THB MYR IDR PHP VND ILS AED SAR QAR KWD EGP NGN KES MAD""".split()
)
# The first currency symbol or three-capital-letter code in a value (DuckDB regex).
MARK_REGEX = r"(\p{Sc}|\b[A-Z]{3}\b)"
_HEADER_CODE = re.compile(r"(?:^|[\s(\[])([A-Z]{3})(?:$|[\s)\]])")
_HEADER_SYMBOL = re.compile(r"[(\[]\s*(\S{1,3})\s*[)\]]")


def marks(currency: str) -> tuple[str, ...]:
    """Everything an amount in `currency` may carry: its code and its symbols."""
    code = currency.upper()
    return (code, *SYMBOLS.get(code, ()))


def named_in_header(column: str) -> str | None:
    """The currency a column's name states (`Amount spent (USD)` → USD, `Spend (€)` → EUR), else None."""
    for found in _HEADER_CODE.finditer(column):
        if found.group(1) in CODES:
            return found.group(1)
    symbol = _HEADER_SYMBOL.search(column)
    if symbol:
        codes = [code for code, symbols in SYMBOLS.items() if symbol.group(1) in symbols]
        if len(codes) == 1:
            return codes[0]
    return None
