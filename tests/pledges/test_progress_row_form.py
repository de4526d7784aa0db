"""The row form the web form and the CSV upload share: it reads what people type, and leaves the rules to the service."""

import datetime
from decimal import Decimal

import pytest

from pledges.forms import ProgressRowForm


def _read(**data):
    form = ProgressRowForm(data, target_ids=[7])
    return form


@pytest.mark.parametrize(
    "text, value",
    [
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("£1,234", "1234"),
        (" 12 ", "12"),
        ("-3", "-3"),  # read as typed: the service refuses a negative value, in the same words everywhere
        ("1.234", "1.234"),
    ],
)
def test_it_reads_values_as_people_type_them(text, value):
    form = _read(value_7=text)
    assert form.is_valid(), form.errors
    assert form.post_values()["values"] == {7: Decimal(value)}


@pytest.mark.parametrize("text", ["1.2.3", "inf", "NaN", "five", "£x"])
def test_it_refuses_what_is_not_a_number(text):
    form = _read(value_7=text)
    assert not form.is_valid()
    assert form.errors["value_7"] == ["Enter a number."]


@pytest.mark.parametrize("text", ["٣", "١٢٣", "5²", "５"])
def test_it_refuses_digits_other_than_0_to_9(text):
    form = _read(value_7=text)
    assert not form.is_valid()
    assert form.errors["value_7"] == ["Enter a number using the digits 0 to 9."]


def test_it_leaves_an_empty_value_out():
    form = _read(value_7="  ")
    assert form.is_valid()
    assert form.post_values()["values"] == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("31/03/2026", datetime.date(2026, 3, 31)),
        ("2026-03-31", datetime.date(2026, 3, 31)),
        ("1/4/2026", datetime.date(2026, 4, 1)),
        ("", None),
        ("   ", None),
    ],
)
def test_it_reads_british_and_iso_dates(text, expected):
    form = _read(date=text)
    assert form.is_valid()
    assert form.post_values()["date"] == expected


@pytest.mark.parametrize("text", ["03/31/2026", "31/02/2026", "yesterday", "٣١/٠٣/٢٠٢٦"])
def test_it_refuses_what_is_not_a_date(text):
    form = _read(date=text)
    assert not form.is_valid()
    assert form.errors["date"] == ["Enter a real date, written as 31/03/2026 or 2026-03-31."]


@pytest.mark.parametrize(
    "text, rag", [("Red", "red"), ("a", "amber"), (" G ", "green"), ("", ""), ("purple", "purple")]
)
def test_it_reads_rag_words_and_passes_others_on_to_the_service(text, rag):
    form = _read(rag=text)
    assert form.is_valid()
    assert form.post_values()["rag"] == rag


@pytest.mark.parametrize(
    "text, link",
    [
        ("example.org/report", "https://example.org/report"),
        ("http://example.org", "http://example.org"),
        ("javascript:alert(1)", "javascript:alert(1)"),
    ],
)
def test_it_reads_a_link_as_a_browser_would(text, link):
    form = _read(evidence_link=text)
    assert form.is_valid()
    assert form.post_values()["evidence_link"] == link
