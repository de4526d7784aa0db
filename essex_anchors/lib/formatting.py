"""Numbers written the British way for public pages: 12,345 · £1.2m · £950k · £12,345 · 34%.

GOV.UK style: a comma between thousands, "m" and "bn" after the pound sign for large sums,
no space before "%". Humanize's intword gives "1.2 million", which is not how a UK public body
writes money in a figure or a chart label.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)
THOUSAND = Decimal(1_000)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _rounded(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value, places: int = 0) -> str:
    """12345 -> "12,345"; number(1234.5, 1) -> "1,234.5". Empty for a missing value."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{_rounded(amount, places):,.{places}f}"


def number_smart(value) -> str:
    """Whole numbers without decimals, others with up to two: 12 -> "12", 2.5 -> "2.5", 1234.56 -> "1,234.56"."""
    amount = _decimal(value)
    if amount is None:
        return ""
    amount = _rounded(amount, 2)
    if amount == amount.to_integral_value():
        return number(amount)
    text = f"{amount:,.2f}"
    return text.rstrip("0")


def _trim(text: str) -> str:
    """Drop a trailing ".0": 1.0 -> 1, 1.2 -> 1.2."""
    return text[:-2] if text.endswith(".0") else text


def money_short(value) -> str:
    """A sum of money as a person says it: £1.2bn, £1.2m, £950k, £12,345 (pence dropped)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    # Each step up in scale happens once the figure would round to 1,000 of the smaller unit.
    if _rounded(amount / MILLION, 0) >= 1000:
        text = _trim(f"{_rounded(amount / BILLION, 1)}") + "bn"
    elif _rounded(amount / THOUSAND, 0) >= 1000:
        text = _trim(f"{_rounded(amount / MILLION, 1)}") + "m"
    elif _rounded(amount, 0) >= 100 * THOUSAND:
        text = f"{_rounded(amount / THOUSAND, 0)}k"
    else:
        text = number(amount)
    return f"{sign}£{text}"


def money(value) -> str:
    """A sum of money in full: £1,234 for whole pounds, £1,234.56 otherwise."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    amount = _rounded(abs(amount), 2)
    places = 0 if amount == amount.to_integral_value() else 2
    return f"{sign}£{number(amount, places)}"


def money_whole(value) -> str:
    """A sum of money to the nearest pound, for an estimate (pence would claim a precision it has not): £12,400."""
    amount = _decimal(value)
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}£{number(abs(amount))}"


def percent(value, places: int = 0) -> str:
    """34 -> "34%", 33.333 -> "33%"; percent(12.25, 1) -> "12.3%". Empty for a missing value."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{number(amount, places)}%"


def duration_words(seconds) -> str:
    """A length of time in words, rounded up to the minute: "15 minutes", "1 hour", "2 hours 30 minutes".

    Takes seconds or a timedelta (the lockout page gets axes' cool-off as a timedelta).
    """
    if hasattr(seconds, "total_seconds"):
        seconds = seconds.total_seconds()
    minutes = max(1, -(-int(seconds) // 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n)
