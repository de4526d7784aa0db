"""Cells of the CSV files the portal writes: plain for machines, and never run as a formula by a spreadsheet."""

import re
from decimal import Decimal

# A spreadsheet runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_decimal(value: Decimal | None) -> str:
    """A quantity as plain digits for machines: 1500000, 2.5 (no thousands separator, no trailing zeros)."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def csv_cell(value) -> str:
    """A value as a CSV cell: numbers plain, dates ISO, yes/no, and text that looks like a formula shown as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Text people typed is shown, never run: a leading apostrophe makes Excel treat it as text.
        return "'" + value
    return str(value)


# A plain number ("-20", "1,250.5") is no formula, whatever its sign.
_PLAIN_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(\.[0-9]+)?")


def formula_safe(value):
    """A cell of a file a person opens in a spreadsheet (CSV or XLSX): text that a spreadsheet would run as
    a formula gets a leading apostrophe, so it shows as the text it is; anything else is left as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def formula_restored(value):
    """A cell read back from such a file: the apostrophe formula_safe() added is taken off again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
