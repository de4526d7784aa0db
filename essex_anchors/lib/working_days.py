"""Working days in England and Wales: not a weekend and not a bank holiday.

Essex follows the England and Wales bank holidays (the `holidays` package's UK list for "ENG";
Wales shares it), not Scotland's or Northern Ireland's.
"""

import datetime

import holidays
from django.utils.dateformat import format as date_format

# The package's names, as GOV.UK's bank holiday list writes them (and the secretariat knows them).
GOV_UK_NAMES = {
    "May Day": "Early May bank holiday",
    "Spring Bank Holiday": "Spring bank holiday",
    "Late Summer Bank Holiday": "Summer bank holiday",
}


def bank_holiday_name(day: datetime.date) -> str | None:
    """The England and Wales bank holiday on `day` ("Summer bank holiday"), or None on any other day."""
    name = holidays.UK(subdiv="ENG", years=day.year).get(day)
    if name is None:
        return None
    name = GOV_UK_NAMES.get(name, name)
    return name.replace(" (observed)", " (substitute day)")


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a bank holiday."""
    return day.weekday() < 5 and bank_holiday_name(day) is None


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def non_working_reason(day: datetime.date) -> str | None:
    """Why `day` is not a working day ("Monday 31 August 2026 is the Summer bank holiday"), or None."""
    name = bank_holiday_name(day)
    when = date_format(day, "l j F Y")
    if name:
        # "the Summer bank holiday", but "Christmas Day": a proper name takes no article.
        return f"{when} is the {name}" if "bank holiday" in name else f"{when} is {name}"
    if day.weekday() >= 5:
        return f"{when} is at the weekend"
    return None
