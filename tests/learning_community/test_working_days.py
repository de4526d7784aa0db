"""England and Wales bank holidays and the next working day (essex_anchors.lib.working_days)."""

import datetime

import pytest

from essex_anchors.lib.working_days import bank_holiday_name, next_working_day, non_working_reason


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (datetime.date(2026, 12, 25), "Christmas Day"),
        (datetime.date(2026, 12, 28), "Boxing Day (substitute day)"),
        (datetime.date(2027, 5, 3), "Early May bank holiday"),
        (datetime.date(2026, 5, 25), "Spring bank holiday"),
        (datetime.date(2026, 8, 31), "Summer bank holiday"),
        (datetime.date(2026, 4, 6), "Easter Monday"),
    ],
)
def test_it_names_england_and_wales_bank_holidays(day, name):
    assert bank_holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 9, 1),  # a normal Tuesday
        datetime.date(2026, 11, 30),  # St Andrew's Day (substitute): Scotland only
        datetime.date(2027, 1, 4),  # 2 January (substitute): Scotland only
        datetime.date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
    ],
)
def test_it_does_not_count_other_days_as_bank_holidays(day):
    assert bank_holiday_name(day) is None


@pytest.mark.parametrize(
    ("day", "working_day"),
    [
        (datetime.date(2026, 9, 1), datetime.date(2026, 9, 1)),  # a Tuesday is already one
        (datetime.date(2026, 8, 31), datetime.date(2026, 9, 1)),
        (datetime.date(2026, 9, 5), datetime.date(2026, 9, 7)),  # a Saturday
        # Christmas Day, Boxing Day on the Saturday, the weekend, then the substitute day.
        (datetime.date(2026, 12, 25), datetime.date(2026, 12, 29)),
    ],
)
def test_it_finds_the_next_working_day(day, working_day):
    assert next_working_day(day) == working_day


def test_it_gives_the_reason_a_day_is_not_a_working_day():
    assert non_working_reason(datetime.date(2026, 8, 31)) == "Monday 31 August 2026 is the Summer bank holiday"
    assert non_working_reason(datetime.date(2026, 12, 25)) == "Friday 25 December 2026 is Christmas Day"
    assert non_working_reason(datetime.date(2026, 9, 5)) == "Saturday 5 September 2026 is at the weekend"
    assert non_working_reason(datetime.date(2026, 9, 1)) is None
