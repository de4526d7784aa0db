"""Numbers the British way: essex_anchors.lib.formatting and its template filters."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from essex_anchors.lib import formatting


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "£0"),
        (Decimal("12345"), "£12,345"),
        (Decimal("12345.67"), "£12,346"),
        (Decimal("99999.4"), "£99,999"),
        (Decimal("99999.6"), "£100k"),
        (Decimal("950000"), "£950k"),
        (Decimal("999499"), "£999k"),
        (Decimal("999500"), "£1m"),
        (Decimal("1234567"), "£1.2m"),
        (Decimal("2000000"), "£2m"),
        (Decimal("12500000"), "£12.5m"),
        (Decimal("999960000"), "£1bn"),
        (Decimal("1500000000"), "£1.5bn"),
        (Decimal("-1200000"), "-£1.2m"),
        (None, ""),
        ("not a number", ""),
    ],
)
def test_it_writes_money_short(value, expected):
    assert formatting.money_short(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("1234"), "£1,234"), (Decimal("1234.5"), "£1,234.50"), (Decimal("-0.5"), "-£0.50"), (None, "")],
)
def test_it_writes_money_in_full(value, expected):
    assert formatting.money(value) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(12345, 0, "12,345"), (1234567, 0, "1,234,567"), (Decimal("1234.5"), 1, "1,234.5"), (2.5, 0, "3"), ("", 0, "")],
)
def test_it_writes_numbers_with_thousands_commas(value, places, expected):
    assert formatting.number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("12"), "12"), (Decimal("2.50"), "2.5"), (Decimal("1234.56"), "1,234.56"), (None, "")],
)
def test_it_drops_needless_decimals(value, expected):
    assert formatting.number_smart(value) == expected


def test_it_writes_percentages_without_a_space():
    assert formatting.percent(34) == "34%"
    assert formatting.percent(Decimal("33.333")) == "33%"
    assert formatting.percent(Decimal("12.25"), 1) == "12.3%"
    assert formatting.percent(None) == ""


def test_it_offers_template_filters():
    template = Template("{% load british %}{{ a|number }} {{ b|money_short }} {{ c|percent }} {{ b|money }}")
    assert template.render(Context({"a": 12345, "b": Decimal("1234567"), "c": 34})) == "12,345 £1.2m 34% £1,234,567"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12400"), "£12,400"),
        (Decimal("10.2505"), "£10"),  # an estimate: to the pound, half up
        (Decimal("1234.5"), "£1,235"),
        (12050, "£12,050"),
        (0.02, "£0"),
        (Decimal("-3.5"), "-£4"),
        (None, ""),
        ("", ""),
    ],
)
def test_money_whole_gives_an_estimate_to_the_pound(value, expected):
    assert formatting.money_whole(value) == expected
