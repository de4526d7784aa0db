"""The East of England share (the national index's definition of local) beside the Greater Essex share: by the
same postcode district, its ONS region from the district list; nothing without a postcode counts in either."""

from decimal import Decimal

import pytest

from spend import exports
from spend.models import PostcodeDistrict

from .spend_builders import HYNDBURN, HYNDBURN_YEAR, import_payments, payments_csv
from .test_import_real_files import _trafford_csv

ROWS = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2024", "1000.00"],  # Greater Essex, East of England
    ["St Albans Surveys Ltd", "AL1 1AA", "16/05/2024", "400.00"],  # Hertfordshire: East of England only
    ["Manchester Metals Ltd", "M1 1AE", "17/05/2024", "300.00"],  # North West: neither
    ["Nowhere Known Ltd", "", "18/05/2024", "200.00"],  # no postcode: unknown, in neither
    ["HM Revenue & Customs", "", "19/05/2024", "100.00"],  # excluded: in neither
]


@pytest.mark.django_db
def test_every_district_has_its_region(reference_data):
    assert PostcodeDistrict.objects.count() == 3115
    assert PostcodeDistrict.objects.get(district="CM1").region == "East of England"
    assert PostcodeDistrict.objects.get(district="AL1").region == "East of England"
    assert PostcodeDistrict.objects.get(district="M1").region == "North West"


@pytest.mark.django_db
def test_the_east_of_england_share_sits_beside_the_greater_essex_one(organisation, member):
    baseline = import_payments(organisation, payments_csv(ROWS), user=member).baseline
    assert (baseline.local, baseline.east_of_england) == (Decimal("1000.00"), Decimal("1400.00"))
    assert baseline.local_unknown == Decimal("200.00")
    # 1,400 of 1,900 in scope.
    assert baseline.east_of_england_percent == Decimal("73.7")
    row = exports.baseline_values(baseline)
    assert (row["east_of_england_spend"], row["east_of_england_percent"]) == (Decimal("1400.00"), Decimal("73.7"))
    assert list(row) == [column.name for column in exports.BASELINE_COLUMNS]


@pytest.mark.django_db
def test_a_baseline_from_before_the_rule_says_it_was_not_counted(organisation, member, member_client):
    spend_file = import_payments(organisation, payments_csv(ROWS), user=member)
    spend_file.baseline.east_of_england = None
    spend_file.baseline.rules_version = "2026.1"
    spend_file.baseline.save()
    page = member_client.get(spend_file.get_absolute_url()).content.decode()
    assert "not counted by rules version 2026.1 (a recompute counts it)" in page
    assert exports.baseline_values(spend_file.baseline)["east_of_england_percent"] is None


@pytest.mark.django_db
def test_hyndburns_real_file_has_nothing_local_in_either_sense(organisation, member):
    """A Lancashire council's file with no postcodes: every pound in scope stays unknown."""
    baseline = import_payments(organisation, HYNDBURN.read_bytes(), year=HYNDBURN_YEAR, user=member).baseline
    assert (baseline.local, baseline.east_of_england) == (Decimal("0.00"), Decimal("0.00"))
    assert baseline.local_unknown == baseline.total - baseline.excluded


@pytest.mark.django_db
def test_traffords_real_file_has_nothing_local_in_either_sense(organisation, member):
    baseline = import_payments(organisation, _trafford_csv(), year=2026, user=member, name="trafford.csv").baseline
    assert baseline.lines > 30000
    assert (baseline.local, baseline.east_of_england) == (Decimal("0.00"), Decimal("0.00"))
    assert baseline.local_unknown == baseline.total - baseline.excluded
