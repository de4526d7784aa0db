"""A pledge's spend target checked against the organisation's published baseline, on the public pledge page:
readable at 1280 and 320 px, with no axe violation."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from spend import services
from spend.models import Flag, Supplier
from tests.pledges.pledge_builders import post_progress

from .test_spend_pages import check, imported

pytestmark = pytest.mark.browser

PAYMENTS = b"Supplier Name,Supplier Postcode,Payment Date,Amount\r\nSmall Firm Ltd,CM1 1AA,15/05/2026,1000.00\r\nBig Firm PLC,M1 1AE,16/05/2026,1500.00\r\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_pledge_page_shows_the_measured_figure_beside_the_reported_one(
    page, published_pledge, organisation, member, secretariat, assert_accessible, screenshot_dir
):
    spend_file = imported(organisation, member, PAYMENTS, "payments-2026.csv", year=2026)
    Supplier.objects.filter(name="Small Firm Ltd").update(sme=Flag.YES)
    [baseline] = services.baseline_recompute(baselines=[spend_file.baseline], user=secretariat)
    services.baseline_publish(baseline=baseline, user=secretariat)
    post_progress(published_pledge, member, {"spend-smes": "5000"}, date=datetime.date(2026, 9, 30))
    page.goto(published_pledge.get_absolute_url())
    target = page.get_by_role("region", name="Spend with SMEs")
    expect(target.get_by_role("heading", name="Checked against measured spend")).to_be_visible()
    expect(target.get_by_text("Not borne out.")).to_be_visible()
    table = target.get_by_role(
        "table", name="Measured spend with SMEs, from the organisation's published spend baselines"
    )
    expect(table.get_by_role("row", name="2026/27")).to_contain_text("£1,000")
    check(page, assert_accessible, screenshot_dir, "pledge_spend_check")


def test_the_dashboard_compares_sectors_year_on_year(
    page, organisation, member, secretariat, assert_accessible, screenshot_dir
):
    from pledges.models import Organisation

    nhs = Organisation.objects.get(slug="mid-and-south-essex-nhs-foundation-trust")
    for who, year in ((organisation, 2025), (organisation, 2026), (nhs, 2026)):
        content = PAYMENTS.replace(b"2026", str(year).encode())
        spend_file = imported(who, member, content, f"payments-{year}.csv", year=year)
        services.baseline_publish(baseline=spend_file.baseline, user=secretariat)
    page.goto("/dashboard/")
    chart = page.get_by_role("region", name="Local (Greater Essex) spend by sector, year on year")
    expect(chart.get_by_role("img", name=re.compile("^Local"))).to_be_visible()
    table = page.get_by_role(
        "table", name="Local (Greater Essex) spend as a % of in-scope spend, by sector and financial year"
    )
    expect(table.get_by_role("row")).to_have_count(4)
    check(page, assert_accessible, screenshot_dir, "dashboard_sectors")
