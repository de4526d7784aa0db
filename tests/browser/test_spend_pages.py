"""Every spend page in Chromium, in each state it has: one h1, no axe violations, no sideways scrolling
at 320 px (tables scroll inside their own region), and the upload form works from the keyboard alone.

The data is made with the project's own code: spend.services imports the files and publishes the
baseline, as the upload page, the task worker and the secretariat would.
"""

import re

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from spend import services
from spend.models import SpendFile, SpendFileStatus, Stage

from ..conftest import PASSWORD

pytestmark = pytest.mark.browser

# A long name with no spaces or hyphens, as payments files are often called: it must wrap, not widen the page.
LONG_NAME = "Essex_County_Council_payments_over_500_pounds_April_2024_to_March_2025_FINAL_v2.csv"

# A year of payments touching every kind of figure: local, partly local (CM23 is a border district),
# not local, no postcode, a VCSE by name, and an excluded payee (another public body).
GOOD_CSV = (
    b"Supplier Name,Amount,Payment Date,Postcode,Service Area\r\n"
    b"Acme Widgets Ltd,1200.00,15/05/2024,CM1 1AA,Highways\r\n"
    b"Colchester Community Interest Company,800.50,01/06/2024,CO1 1AA,Adult Social Care\r\n"
    b"Stortford Supplies Ltd,350.00,12/07/2024,CM23 2AA,Libraries\r\n"
    b"London Supplies PLC,2000.00,10/10/2024,EC1A 1BB,Corporate Services\r\n"
    b"Nowhere Trading,125.25,11/11/2024,,Corporate Services\r\n"
    b"HM Revenue and Customs,5000.00,31/03/2025,BX9 1AA,Finance\r\n"
)

# Two bad rows, one with a long value that has no spaces to break at.
BAD_CSV = (
    b"Supplier Name,Amount,Payment Date\r\n"
    b"Acme Widgets Ltd,1200.00,15/05/2024\r\n"
    b"Beta Services,twelve pounds,02/06/2024\r\n"
    b"Gamma Care CIC,300.00,2024-13-45T00:00:00-this-is-not-a-date-at-all-and-goes-on\r\n"
)

# "Trading Partner" is no header the portal knows for the supplier's name.
UNRECOGNISED_CSV = b"Trading Partner,Amount,Payment Date,Postcode\r\nAcme Widgets Ltd,1200.00,15/05/2024,CM1 1AA\r\n"

# Two payments of 2023/24, sent from the keyboard.
KEYBOARD_FILE = {
    "name": "keyboard.csv",
    "mimeType": "text/csv",
    "buffer": b"Supplier Name,Amount,Payment Date\r\nAcme Widgets Ltd,10.00,01/05/2023\r\nBeta Ltd,20.00,02/05/2023\r\n",
}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go under the test's own directory, not the checkout's private-media."""
    settings.MEDIA_ROOT = tmp_path / "media"


def imported(organisation, user, content, name, year=2024):
    """A file taken in as the upload page does and imported as the task worker does."""
    spend_file = SpendFile.objects.create(
        organisation=organisation,
        financial_year=year,
        file=ContentFile(content, name=name),
        original_name=name,
        uploaded_by=user,
        status=SpendFileStatus.QUEUED,
    )
    return services.spend_file_import(spend_file=spend_file)


@pytest.fixture
def imported_file(organisation, member):
    spend_file = imported(organisation, member, GOOD_CSV, LONG_NAME)
    assert spend_file.status == SpendFileStatus.IMPORTED, spend_file.report
    return spend_file


@pytest.fixture
def published_file(imported_file, secretariat):
    services.baseline_publish(baseline=imported_file.baseline, user=secretariat)
    return imported_file


@pytest.fixture
def refused_file(organisation, member):
    spend_file = imported(organisation, member, BAD_CSV, "payments-with-problems.csv")
    assert spend_file.status == SpendFileStatus.REFUSED
    return spend_file


@pytest.fixture
def signed_in(page, member):
    return sign_in(page, "alice")


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/my/$"))
    return page


def tab_to(page, target, limit=40):
    """Press Tab until `target` has the focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


# The elements that stick out past the right edge of the viewport, to say what widens the page.
WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .filter((element) => !element.closest(".table-responsive"))
    .slice(0, 10)
    .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
      + (element.className && typeof element.className === "string" ? "." + element.className.split(" ").join(".") : "")
      + ": " + (element.textContent || "").trim().slice(0, 60));
}"""


def check(page, assert_accessible, screenshot_dir, name):
    """One h1, no axe violations at 1280 and at 320 px, and no sideways scrolling at 320 px."""
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/spend_{name}_1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 720})
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (
            f"{page.url} scrolls sideways at 320 px ({width} px wide): {page.evaluate(WIDER_THAN_VIEWPORT)}"
        )
        assert_accessible(page)
        if screenshot_dir:
            page.screenshot(path=f"{screenshot_dir}/spend_{name}_320.png", full_page=True)
    finally:
        page.set_viewport_size({"width": 1280, "height": 720})


def test_it_shows_the_spend_home_with_a_held_baseline_and_its_files(
    signed_in, imported_file, refused_file, assert_accessible, screenshot_dir
):
    page = signed_in
    page.get_by_role("region", name="Spend files").get_by_role("link", name="All spend files and baselines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spend baselines")
    expect(page.get_by_role("heading", name="Essex County Council, 2024/25: Held (not public)")).to_be_visible()
    files = page.get_by_role("region", name="Payments files, newest first")
    expect(files.get_by_role("row")).to_have_count(3)
    expect(files.get_by_role("row", name=re.compile("payments-with-problems.csv"))).to_contain_text("Refused")
    check(page, assert_accessible, screenshot_dir, "home")


def test_it_shows_the_upload_form_and_its_errors(signed_in, assert_accessible, screenshot_dir):
    page = signed_in
    page.goto("/spend/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Upload a payments file")
    check(page, assert_accessible, screenshot_dir, "upload")

    page.get_by_role("button", name="Upload and import").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Payments file: This field is required.")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "upload_errors")
    summary.get_by_role("link", name="Payments file: This field is required.").click()
    expect(page.get_by_label("Payments file")).to_be_focused()

    # A file that is not a spreadsheet, whatever its name, is refused by its content.
    page.get_by_label("Payments file").set_input_files(
        {"name": "payments.csv", "mimeType": "text/csv", "buffer": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"}
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.get_by_role("alert")).to_contain_text("Payments file:")
    assert not SpendFile.objects.exists()
    check(page, assert_accessible, screenshot_dir, "upload_refused_type")


def test_it_fills_and_sends_the_upload_form_from_the_keyboard_alone(signed_in):
    page = signed_in
    # The person picks the file in the dialog that Space opens on the file field. (Listening from the
    # start, so that Chromium hands the dialog to the test however soon it opens.)
    page.on("filechooser", lambda chooser: chooser.set_files(KEYBOARD_FILE))
    page.goto("/spend/upload/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Financial year"))
    page.keyboard.type("2023/24")
    expect(page.get_by_label("Financial year")).to_have_value("2023")
    tab_to(page, page.get_by_label("Payments file"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Payments file")).to_have_value(re.compile(r"keyboard\.csv$"))
    tab_to(page, page.get_by_role("button", name="Upload and import"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("keyboard.csv")
    expect(page.locator("#import-status")).to_have_text("Imported")
    spend_file = SpendFile.objects.get(original_name="keyboard.csv")
    assert spend_file.financial_year == 2023 and spend_file.baseline.lines == 2


def test_it_shows_the_column_matching_page(signed_in, organisation, member, assert_accessible, screenshot_dir):
    spend_file = services.spend_file_create(
        organisation=organisation,
        financial_year=2024,
        upload=ContentFile(UNRECOGNISED_CSV, name=LONG_NAME),
        user=member,
    )
    assert spend_file.status == SpendFileStatus.NEEDS_MAPPING
    page = signed_in
    page.goto(f"/spend/files/{spend_file.pk}/columns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns")
    check(page, assert_accessible, screenshot_dir, "columns")

    # Two fields from one column: refused, with the choices kept.
    page.get_by_label("Supplier name").select_option(label="Amount")
    page.get_by_role("button", name="Import with these columns").click()
    expect(page.get_by_role("alert")).to_contain_text("Each column can stand for one field only")
    expect(page.get_by_label("Supplier name")).to_have_value("Amount")
    check(page, assert_accessible, screenshot_dir, "columns_errors")

    # The file's own page says what is still to do.
    page.goto(spend_file.get_absolute_url())
    expect(page.locator("#import-status")).to_have_text("Needs its columns matched")
    expect(page.get_by_role("link", name="Match the columns")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "file_needs_mapping")


def test_it_shows_an_imported_file_with_its_baseline(signed_in, imported_file, assert_accessible, screenshot_dir):
    page = signed_in
    page.goto(imported_file.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_NAME)
    figures = page.get_by_role("region", name="Spend of Essex County Council, 2024/25")
    expect(figures.get_by_role("row", name=re.compile("^Total spend"))).to_contain_text("£9,475.75")
    expect(figures.get_by_role("row", name=re.compile("^Excluded payees"))).to_contain_text("£5,000")
    expect(page.get_by_role("region", name="Excluded payees by rule")).to_contain_text("Other public bodies")
    # Why each supplier counts: the VCSE by its name, the rest with no evidence either way.
    vcse = page.get_by_role("region", name="VCSE or not, by the evidence for it")
    expect(vcse.get_by_role("row", name=re.compile("^Yes"))).to_contain_text("VCSE legal form in the name")
    expect(vcse.get_by_role("row", name=re.compile("^Yes"))).to_contain_text("£800.50")
    check(page, assert_accessible, screenshot_dir, "file_imported")


def test_it_shows_the_publish_button_to_the_secretariat(
    page, imported_file, secretariat, assert_accessible, screenshot_dir
):
    sign_in(page, "charlie")
    page.goto(imported_file.get_absolute_url())
    expect(page.get_by_role("button", name="Publish this baseline")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "file_secretariat")


def test_it_shows_a_refused_file_with_its_problems(signed_in, refused_file, assert_accessible, screenshot_dir):
    page = signed_in
    page.goto(refused_file.get_absolute_url())
    expect(page.get_by_role("alert")).to_contain_text("The file was not imported")
    expect(page.get_by_role("region", name="Problems in the file").get_by_role("row")).to_have_count(3)
    check(page, assert_accessible, screenshot_dir, "file_refused")


def test_it_shows_a_file_whose_import_is_in_progress(
    signed_in, organisation, member, settings, assert_accessible, screenshot_dir
):
    # Queued for the task worker, which has not started it yet.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    spend_file = services.spend_file_create(
        organisation=organisation, financial_year=2024, upload=ContentFile(GOOD_CSV, name=LONG_NAME), user=member
    )
    assert spend_file.status == SpendFileStatus.QUEUED
    page = signed_in
    page.goto(spend_file.get_absolute_url())
    progress = page.locator("#import-progress").get_by_role("status")
    expect(progress).to_have_text("Waiting for the import to start: 0 rows read.")
    check(page, assert_accessible, screenshot_dir, "file_queued")

    # The worker starts it: the page, polling, shows the stage.
    def at_stage(stage, rows_read):
        if stage == Stage.CHECKING:
            expect(progress).to_have_text("Checking every row: 6 rows read.")
            check(page, assert_accessible, screenshot_dir, "file_running")

    services.spend_file_import(spend_file=spend_file, progress=at_stage)
    expect(page.locator("#import-status")).to_have_text("Imported", timeout=10_000)


def test_it_shows_how_spend_is_classified(page, reference_data, assert_accessible, screenshot_dir):
    page.goto("/spend/methods/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How spend is classified")
    expect(page.get_by_role("region", name="Excluded payee rules")).to_contain_text("Other public bodies")
    expect(page.get_by_role("heading", name="The evidence behind each answer")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="SME or not, in this order")).to_contain_text(
        "The supplier register"
    )
    check(page, assert_accessible, screenshot_dir, "methods")


def test_it_shows_a_published_baseline_on_the_public_pages(page, published_file, assert_accessible, screenshot_dir):
    page.goto("/organisations/essex-county-council/")
    figures = page.get_by_role("region", name="Spend of Essex County Council, 2024/25")
    expect(figures.get_by_role("row", name=re.compile("^Total spend"))).to_contain_text("£9,475.75")
    check(page, assert_accessible, screenshot_dir, "organisation")

    page.goto("/dashboard/")
    network = page.get_by_role("region", name="Network spend baselines by financial year")
    expect(network.get_by_role("row", name=re.compile(r"^2024\/25"))).to_contain_text("£9,476")
    check(page, assert_accessible, screenshot_dir, "dashboard")

    page.goto("/open-data/")
    expect(page.get_by_role("region", name="Columns of the spend baselines export")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "open_data")
