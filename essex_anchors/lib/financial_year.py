"""UK financial years (1 April to 31 March), named by the year they start in: 2023 is 2023/24."""

import datetime


def financial_year_of(day: datetime.date) -> int:
    """The UK financial year (1 April to 31 March) a day falls in, named by its first year: 2027-03-31 -> 2026."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    """2026 -> "2026/27", as UK public bodies write financial years."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of financial year `year`: 2023 -> 1 April 2023 and 31 March 2024."""
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)
