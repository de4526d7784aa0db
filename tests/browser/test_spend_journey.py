"""The spend baseline journey in Chromium: an anchor uploads a payments file from /my/, matches the
column the portal did not recognise, follows the import on the file's page while the task worker runs
it, and sees the held baseline; the secretariat publishes it; the public sees it on the organisation's
page and the dashboard. And a file with a bad amount is refused, every problem listed by row and column."""

import re

import pytest
from playwright.sync_api import expect

from spend import services
from spend.models import BaselineStatus, SpendFile, SpendFileStatus, Stage

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

# Three payments of 2024/25, £4,000.50 in all. "Trading Partner" is no header the portal knows for the
# supplier's name, so the uploader is asked to match it.
JOURNEY_CSV = (
    b"Trading Partner,Amount,Payment Date,Postcode\r\n"
    b"Acme Widgets Ltd,1200.00,15/05/2024,CM1 1AA\r\n"
    b"Colchester Community Interest Company,800.50,01/06/2024,CO1 1AA\r\n"
    b"London Supplies PLC,2000.00,10/10/2024,EC1A 1BB\r\n"
)
TOTAL = "£4,000.50"

# The second row's amount is not one.
REFUSED_CSV = (
    b"Supplier Name,Amount,Payment Date\r\n"
    b"Acme Widgets Ltd,1200.00,15/05/2024\r\n"
    b"Beta Services,twelve pounds,02/06/2024\r\n"
    b"Gamma Care CIC,300.00,03/07/2024\r\n"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go under the test's own directory, not the checkout's private-media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queued_imports(settings):
    """Imports wait in the queue, as they do for the task worker, instead of running inside the request.

    Overriding TASKS sends setting_changed, on which django_tasks drops the backends it has made;
    the live server's threads make theirs afresh from the new setting.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my/$"))


def check(page, assert_accessible, screenshot_dir, name):
    """Every page of the journey: one h1 and no axe violations; a screenshot when asked for."""
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/spend_journey_{name}_1280.png", full_page=True)


def figure(page, region_name, label):
    """A row of a baseline table by its label, e.g. figure(page, "Spend of …", "Total spend")."""
    return page.get_by_role("region", name=region_name).get_by_role("row", name=re.compile("^" + re.escape(label)))


def test_it_takes_a_payments_file_from_upload_to_a_public_baseline(
    page, browser, live_server, member, secretariat, queued_imports, assert_accessible, screenshot_dir
):
    # The anchor signs in and follows the link on /my/ to the upload form.
    sign_in(page, "alice")
    spend_section = page.get_by_role("region", name="Spend files")
    expect(spend_section).to_contain_text("No spend file uploaded yet.")
    spend_section.get_by_role("link", name="Upload a payments file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a payments file")
    check(page, assert_accessible, screenshot_dir, "1_upload")

    page.get_by_label("Financial year").select_option(label="2024/25")
    page.get_by_label("Payments file").set_input_files(
        {"name": "payments-2024-25.csv", "mimeType": "text/csv", "buffer": JOURNEY_CSV}
    )
    page.get_by_role("button", name="Upload and import").click()

    # "Trading Partner" is not recognised: the portal asks which column holds the supplier's name.
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns")
    expect(page.get_by_text("The portal did not recognise the column for: Supplier name.")).to_be_visible()
    expect(page.get_by_label("Amount")).to_have_value("Amount")
    expect(page.get_by_label("Payment date")).to_have_value("Payment Date")
    check(page, assert_accessible, screenshot_dir, "2_columns")
    page.get_by_label("Supplier name").select_option(label="Trading Partner")
    page.get_by_role("button", name="Import with these columns").click()

    # The file's page: the import is queued, and the page says so while it waits for the worker.
    expect(page.get_by_role("heading", level=1)).to_have_text("payments-2024-25.csv")
    spend_file = SpendFile.objects.get(original_name="payments-2024-25.csv")
    assert spend_file.status == SpendFileStatus.QUEUED
    assert spend_file.mapping["supplier"] == "Trading Partner"
    progress = page.locator("#import-progress").get_by_role("status")
    expect(progress).to_have_text("Waiting for the import to start: 0 rows read.")
    expect(page.locator("#import-status")).to_have_text("Waiting to start")
    check(page, assert_accessible, screenshot_dir, "3_waiting")

    # The worker runs the import. While it checks the rows, the page (never reloaded by the test)
    # shows the stage and the rows read; when it has finished, the page shows the baseline.
    seen = []

    def on_stage(stage, rows_read):
        seen.append(stage)
        if stage == Stage.CHECKING:
            expect(progress).to_have_text("Checking every row: 3 rows read.", timeout=10_000)
            expect(page.locator("#import-status")).to_have_text("Importing")

    services.spend_file_import(spend_file=SpendFile.objects.get(pk=spend_file.pk), progress=on_stage)
    assert Stage.CHECKING in seen
    region = "Spend of Essex County Council, 2024/25"
    expect(page.get_by_role("region", name=region)).to_be_visible(timeout=10_000)
    expect(page.locator("#import-progress")).to_have_count(0)
    expect(page.locator("#import-status")).to_have_text("Imported")

    # The figures are the file's, and the baseline is held until the secretariat publishes it.
    expect(figure(page, region, "Total spend")).to_contain_text(TOTAL)
    expect(figure(page, region, "Local (Greater Essex)")).to_contain_text("£2,000.50 50.0%")  # CM1 and CO1
    expect(figure(page, region, "VCSEs")).to_contain_text("£800.50 20.0%")  # the Community Interest Company
    expect(page.get_by_text("3 payments to 3 suppliers")).to_be_visible()
    expect(page.get_by_text("Status: Held (not public).")).to_be_visible()
    expect(page.get_by_text("The secretariat reviews and publishes the baseline")).to_be_visible()
    expect(page.get_by_role("button", name="Publish this baseline")).to_have_count(0)
    expect(page.get_by_role("region", name="Columns used")).to_contain_text("Trading Partner")
    check(page, assert_accessible, screenshot_dir, "4_imported")
    file_url = page.url

    page.goto("/my/")
    expect(page.get_by_role("region", name="Spend files")).to_contain_text(
        "payments-2024-25.csv (2024/25): Imported, baseline held (not public)"
    )

    # The public does not see a held baseline.
    public = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    public_page = public.new_page()
    public_page.goto("/organisations/essex-county-council/")
    expect(public_page.get_by_text("Essex County Council has no published spend baseline yet.")).to_be_visible()

    # The secretariat, in a browser of its own, publishes it from the file's page.
    staff = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    staff_page = staff.new_page()
    sign_in(staff_page, "charlie")
    staff_page.goto(file_url)
    staff_page.get_by_role("button", name="Publish this baseline").click()
    expect(staff_page.get_by_role("status")).to_contain_text("The Essex County Council 2024/25 baseline is now public.")
    expect(staff_page.get_by_text(re.compile(r"Status: Published, published \d+ \w+ \d{4}\."))).to_be_visible()
    expect(staff_page.get_by_role("button", name="Hold this baseline (take it off the public pages)")).to_be_visible()
    check(staff_page, assert_accessible, screenshot_dir, "5_published")
    staff.close()
    assert spend_file.baseline.status == BaselineStatus.PUBLISHED

    # The public sees the figures on the organisation's page and the network's on the dashboard.
    public_page.goto("/organisations/essex-county-council/")
    expect(figure(public_page, region, "Total spend")).to_contain_text(TOTAL)
    check(public_page, assert_accessible, screenshot_dir, "6_organisation")
    public_page.goto("/dashboard/")
    network = public_page.get_by_role("region", name="Network spend baselines by financial year")
    row = network.get_by_role("row", name=re.compile(r"^2024\/25"))
    expect(row).to_contain_text("£4,001")
    check(public_page, assert_accessible, screenshot_dir, "7_dashboard")
    public.close()


def test_it_refuses_a_file_with_a_bad_amount_and_lists_the_problem(page, member, assert_accessible, screenshot_dir):
    sign_in(page, "alice")
    page.goto("/spend/upload/")
    page.get_by_label("Financial year").select_option(label="2024/25")
    page.get_by_label("Payments file").set_input_files(
        {"name": "bad-amount.csv", "mimeType": "text/csv", "buffer": REFUSED_CSV}
    )
    page.get_by_role("button", name="Upload and import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("bad-amount.csv")
    expect(page.get_by_role("alert")).to_contain_text("The file was not imported")
    expect(page.locator("#import-status")).to_have_text("Refused")
    problems = page.get_by_role("region", name="Problems in the file")
    rows = problems.get_by_role("row")
    expect(rows).to_have_count(2)  # the header and the one bad row
    cells = rows.nth(1).get_by_role("cell")
    expect(cells.nth(1)).to_have_text("3")
    expect(cells.nth(2)).to_have_text("Amount")
    expect(cells.nth(3)).to_have_text("twelve pounds")
    expect(cells.nth(4)).to_contain_text("not an amount")
    report = page.get_by_role("link", name="Download every problem as CSV")
    expect(report).to_have_attribute("href", re.compile(r"/spend/files/\d+/report\.csv$"))
    check(page, assert_accessible, screenshot_dir, "refused")
    spend_file = SpendFile.objects.get(original_name="bad-amount.csv")
    assert spend_file.status == SpendFileStatus.REFUSED
    assert not spend_file.lines.exists()
