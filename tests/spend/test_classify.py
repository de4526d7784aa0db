"""Classify: names compared, postcode districts, payees set apart, VCSEs known by their name or charity number."""

import polars as pl
import pytest

from spend import classify


def _vcse(name: str, charity_number: str = "") -> str:
    return pl.select(
        classify.vcse_expr(pl.lit(classify.normalise_name(name)), pl.lit(charity_number, dtype=pl.String))
    ).item()


# Names


def test_it_gives_two_spellings_of_one_supplier_the_same_name():
    assert classify.normalise_name("The Widget Co. Ltd") == classify.normalise_name("WIDGET CO LIMITED")
    assert classify.normalise_name("The Widget Co. Ltd") == "widget co"


def test_it_treats_an_ampersand_as_and():
    assert classify.normalise_name("Smith & Jones") == classify.normalise_name("Smith and Jones")
    assert classify.normalise_name("Smith&Jones Ltd") == "smith and jones"


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("  Acme   Supplies  PLC ", "acme supplies"),
        ("Acme Supplies LLP", "acme supplies"),
        ("Acme (UK) Ltd.", "acme uk"),
        ("Theatre Royal Ltd", "theatre royal"),  # a leading "The" only as a word
        ("", ""),
    ],
)
def test_it_drops_case_punctuation_spacing_a_leading_the_and_legal_words(name, normalised):
    assert classify.normalise_name(name) == normalised


def test_it_keeps_different_suppliers_apart():
    assert classify.normalise_name("Widget Co Ltd") != classify.normalise_name("Widgets Co Ltd")


# Postcode districts


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("cm1 1aa", "CM1"),
        ("E1 6AN", "E1"),
        ("CM23 2AA", "CM23"),
        ("CM11AA", "CM1"),
        (" ss0 7aa ", "SS0"),
        ("SW1A 1AA", "SW1A"),
        ("E1W 1AA", "E1W"),
        ("CM1", "CM1"),
    ],
)
def test_it_finds_the_district_of_a_postcode(postcode, district):
    assert classify.postcode_district(postcode) == district


@pytest.mark.parametrize("junk", ["", "not known", "N/A", "12345", "Chelmsford", "CM1 1AAA", "-"])
def test_it_finds_no_district_in_what_is_not_a_postcode(junk):
    assert classify.postcode_district(junk) == ""


# Payees set apart from the market


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Redacted", "personal"),
        ("REDACTED PERSONAL DATA", "personal"),
        ("Name withheld", "personal"),
        ("Foster care payments", "pooled"),
        ("Direct Payments", "pooled"),
        ("Employee expenses", "pooled"),
        ("HM Revenue & Customs", "public_body"),
        ("Essex County Council", "public_body"),
        ("Chelmsford City Council", "public_body"),
        ("Thurrock Council", "public_body"),
        ("Mid and South Essex NHS Foundation Trust", "public_body"),
        ("Essex Police", "public_body"),
    ],
)
def test_it_sets_apart_payees_who_are_not_suppliers_in_the_market(name, code):
    assert classify.exclusion(name) == code
    assert code in classify.EXCLUSION_LABELS


@pytest.mark.parametrize(
    "name",
    [
        "Trafford Council for Voluntary Service",
        "Council for Voluntary Service Tendring",
        "Essex Council for Voluntary Youth Services",
        "Chelmsford CVS",
        "Acme Ltd",
        "The Fostering Network",
        "Individual Solutions Ltd",
    ],
)
def test_it_keeps_suppliers_in_the_market(name):
    assert classify.exclusion(name) == ""


@pytest.mark.parametrize(
    "name", ["Sale and District Scout Council", "St Mary's Parochial Church Council", "Essex Youth Council"]
)
def test_it_keeps_a_voluntary_body_named_council_in_the_market(name):
    assert classify.exclusion(name) == ""


@pytest.mark.parametrize("name", ["Thrive Foster Care Ltd", "Tutis Foster Care"])
def test_it_keeps_a_fostering_agency_company_in_the_market(name):
    assert classify.exclusion(name) == ""


def test_it_names_the_first_rule_a_payee_matches():
    # Both personal ("redacted") and public body ("county council"): the first rule wins.
    assert classify.exclusion("Redacted - Essex County Council tenant") == "personal"


# VCSEs


@pytest.mark.parametrize(
    "name",
    [
        "Harlow Food Bank CIC",
        "Harlow Food Bank Community Interest Company",
        "Colchester Arts Charitable Incorporated Organisation",
        "Maldon Arts CIO",
        "Essex Community Benefit Society Ltd",
        "Tendring Co-operative Ltd",
    ],
)
def test_it_knows_a_vcse_by_its_legal_form_in_its_name(name):
    assert _vcse(name) == "yes"


def test_it_knows_a_cic_written_with_full_stops():
    assert _vcse("Harlow Food Bank C.I.C.") == "yes"


def test_it_knows_a_vcse_by_its_charity_number():
    assert _vcse("Sunrise Housing Ltd", "1123456") == "yes"


def test_it_never_says_a_supplier_is_not_a_vcse_from_its_name():
    assert _vcse("Sunrise Housing Ltd") == "unknown"
    assert _vcse("Sunrise Housing Ltd", "   ") == "unknown"


def test_it_cleans_a_company_charity_or_vat_number():
    assert classify.clean_number("GB 123 4567 89") == "GB123456789"
    assert classify.clean_number("sc-012345") == "SC012345"
    assert classify.clean_number(None) == ""
