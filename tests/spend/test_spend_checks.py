"""Pledges checked against measured spend: a target on a spend measure beside the organisation's published
baselines, and a plain verdict on the latest reported figure (spend.checks)."""

import datetime
from decimal import Decimal

import pytest

from spend import services
from spend.checks import spend_check
from spend.models import Flag, Supplier
from tests.pledges.pledge_builders import post_progress

from .spend_builders import import_payments, payments_csv

# 2026/27: £3,000 in scope; £1,000 with an SME once the register says so, £500 with a supplier nobody knows.
ROWS = [
    ["Small Firm Ltd", "CM1 1AA", "15/05/2026", "1000.00"],
    ["Big Firm PLC", "M1 1AE", "16/05/2026", "1500.00"],
    ["Unknown Firm Ltd", "", "17/05/2026", "500.00"],
]


@pytest.fixture
def measured(organisation, member, secretariat):
    """Essex County Council's published 2026/27 baseline: SMEs £1,000, not SMEs £1,500, unknown £500."""
    spend_file = import_payments(organisation, payments_csv(ROWS), year=2026, user=member)
    Supplier.objects.filter(name="Small Firm Ltd").update(sme=Flag.YES)
    Supplier.objects.filter(name="Big Firm PLC").update(sme=Flag.NO)
    [baseline] = services.baseline_recompute(baselines=[spend_file.baseline], user=secretariat)
    services.baseline_publish(baseline=baseline, user=secretariat)
    assert (baseline.sme, baseline.not_sme, baseline.sme_unknown) == (
        Decimal("1000.00"),
        Decimal("1500.00"),
        Decimal("500.00"),
    )
    return baseline


def _sme_target(pledge):
    return pledge.targets.select_related("measure", "pledge").get(measure__slug="spend-smes")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reported", "verdict", "sentence"),
    [
        ("1000", "bears_out", "The 2026/27 baseline measures £1,000: it bears out the £1,000 reported."),
        ("1020", "bears_out", "The 2026/27 baseline measures £1,000: it bears out the £1,020 reported."),
        (
            "1400",
            "cannot_tell",
            "£500 of spend is still unclassified: it can neither bear the report out nor rule it out.",
        ),
        (
            "5000",
            "below",
            "The 2026/27 baseline measures £1,000, 80% below the £5,000 reported: it does not bear the report out.",
        ),
    ],
)
def test_the_latest_report_is_checked_against_the_baseline_of_its_year(
    published_pledge, member, measured, reported, verdict, sentence
):
    post_progress(published_pledge, member, {"spend-smes": reported}, date=datetime.date(2026, 9, 30))
    check = spend_check(_sme_target(published_pledge))
    assert check.verdict == verdict
    assert sentence in check.sentence
    [year] = check.measured
    assert (year.year_label, year.amount, year.unknown_percent, year.rules_version) == (
        "2026/27",
        Decimal("1000.00"),
        Decimal("16.7"),
        "2026.2",
    )


@pytest.mark.django_db
def test_a_report_in_a_year_without_a_published_baseline_says_so(published_pledge, organisation, member, secretariat):
    rows = [[name, postcode, date.replace("2026", "2025"), amount] for name, postcode, date, amount in ROWS]
    earlier = import_payments(organisation, payments_csv(rows), year=2025, user=member)
    services.baseline_publish(baseline=earlier.baseline, user=secretariat)
    post_progress(published_pledge, member, {"spend-smes": "1000"}, date=datetime.date(2026, 9, 30))
    check = spend_check(_sme_target(published_pledge))
    assert check.verdict == ""
    assert check.sentence.startswith("No published baseline for 2026/27")
    assert [year.year_label for year in check.measured] == ["2025/26"]


@pytest.mark.django_db
def test_a_held_baseline_is_not_measured_and_other_measures_are_not_checked(
    published_pledge, member, measured, secretariat
):
    services.baseline_hold(baseline=measured, user=secretariat)
    post_progress(published_pledge, member, {"spend-smes": "1000"}, date=datetime.date(2026, 9, 30))
    assert spend_check(_sme_target(published_pledge)).measured == []
    events = published_pledge.targets.select_related("measure", "pledge").get(measure__slug="meet-the-buyer-events")
    assert spend_check(events) is None


@pytest.mark.django_db
def test_the_public_pledge_page_shows_the_check(client, published_pledge, member, measured):
    post_progress(published_pledge, member, {"spend-smes": "5000"}, date=datetime.date(2026, 9, 30))
    page = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Checked against measured spend" in page
    assert "Not borne out." in page
    assert "80% below the £5,000 reported" in page
    assert "16.7% of spend in scope" in page


@pytest.mark.django_db
def test_the_exports_carry_the_check(client, published_pledge, member, measured):
    import csv
    import io

    post_progress(published_pledge, member, {"spend-smes": "5000"}, date=datetime.date(2026, 9, 30))
    body = b"".join(client.get("/pledges/export.csv").streaming_content).decode("utf-8-sig")
    [row] = [row for row in csv.DictReader(io.StringIO(body)) if row["measure"] == "Spend with SMEs"]
    assert (row["measured_spend"], row["measured_unknown_percent"], row["measured_verdict"]) == (
        "1000",
        "16.7",
        "not_borne_out",
    )
    assert row["measured_rules_version"] == "2026.2"
    document = b"".join(client.get("/pledges/export.json").streaming_content)
    assert b'"measured_verdict": "not_borne_out"' in document or b'"measured_verdict":"not_borne_out"' in document


@pytest.mark.django_db
def test_the_dashboard_counts_the_checks(client, published_pledge, member, measured):
    post_progress(published_pledge, member, {"spend-smes": "5000"}, date=datetime.date(2026, 9, 30))
    page = client.get("/dashboard/")
    assert page.context["figures"]["spend_checks"] == {
        "checked": 1,
        "bears_out": 0,
        "cannot_tell": 0,
        "below": 1,
        "no_baseline": 0,
    }
    assert "Spend pledges checked against measured spend" in page.content.decode()
