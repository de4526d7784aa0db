"""The dispute journey in Chromium: an anchor finds the suppliers whose classification is unknown, biggest
spend first, opens one, reads why it counts as it does and disputes it by keyboard alone; the secretariat
accepts it in the admin with a reason; the anchor sees the decision and the new evidence. axe finds no
violation on any of these pages, at 1280 and 320 px, and none scrolls sideways at 320 px."""

import re

import pytest
from playwright.sync_api import expect

from spend.models import ClassificationDispute, DisputeStatus, Flag, Supplier

from .test_spend_pages import check, imported, sign_in

pytestmark = pytest.mark.browser

PAYMENTS = (
    b"Supplier Name,Supplier Postcode,Payment Date,Amount\r\n"
    b"Chelmsford Widgets Ltd,CM1 1AA,15/05/2024,1500.00\r\n"
    b"Braintree Bolts Ltd,,16/05/2024,900.00\r\n"
    b"Manchester Metals Ltd,M1 1AE,20/06/2024,3000.00\r\n"
)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_anchor_disputes_a_supplier_and_the_secretariat_accepts_it(
    page, browser, live_server, organisation, member, secretariat, assert_accessible, screenshot_dir
):
    imported(organisation, member, PAYMENTS, "payments-2024.csv")
    sign_in(page, "alice")
    page.goto("/spend/")
    page.get_by_role("link", name="Suppliers, and why each counts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Suppliers of Essex County Council")
    table = page.get_by_role("table", name=re.compile(r"Suppliers paid in 2024.25"))
    expect(table.get_by_role("row")).to_have_count(4)
    # Biggest spend first.
    expect(table.get_by_role("row").nth(1)).to_contain_text("Manchester Metals Ltd")
    check(page, assert_accessible, screenshot_dir, "suppliers")

    page.get_by_label("Which suppliers").select_option(label="Local or not: unknown (no postcode)")
    page.get_by_role("button", name="Show suppliers").click()
    expect(page.get_by_role("heading", name="1 supplier, 2024/25")).to_be_visible()
    page.get_by_role("link", name="Braintree Bolts Ltd").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Braintree Bolts Ltd")
    expect(page.get_by_text("No postcode for this supplier in the files or the supplier register.")).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "supplier")

    # A dispute with no reason is refused, the problem named at the top with a link to the field.
    page.get_by_label("Postcode (local or not)").check()
    page.get_by_role("button", name="Send the dispute").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name=re.compile("Why"))).to_be_visible()
    check(page, assert_accessible, screenshot_dir, "supplier_dispute_errors")

    # By keyboard alone: the postcode field, the reason, and the button.
    page.get_by_label("The supplier's postcode (for a postcode)").focus()
    page.keyboard.type("CM7 1AA")
    page.keyboard.press("Tab")  # past the hint to the reason
    page.get_by_label("Why").focus()
    page.keyboard.type("Its invoices give Braintree: CM7 1AA.")
    page.get_by_role("button", name="Send the dispute").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your dispute is with the secretariat.")
    expect(page.get_by_text("Open: waiting for the secretariat")).to_be_visible()
    dispute = ClassificationDispute.objects.get()
    assert (dispute.field, dispute.proposed_value) == ("postcode", "CM7 1AA")

    # The secretariat accepts it in the admin.
    staff = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="Europe/London")
    staff_page = staff.new_page()
    sign_in(staff_page, "charlie")
    staff_page.goto("/admin/spend/classificationdispute/")
    staff_page.get_by_role("link", name=re.compile("Braintree Bolts Ltd")).click()
    check(staff_page, assert_accessible, screenshot_dir, "admin_dispute")
    staff_page.get_by_label("Accept: change the supplier to the proposed value").check()
    staff_page.get_by_label("Reason for the decision").fill("Confirmed on its website: Braintree.")
    staff_page.get_by_role("button", name="Save", exact=True).click()
    expect(staff_page.get_by_text(re.compile("was changed successfully"))).to_be_visible()
    staff.close()
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.ACCEPTED
    assert Supplier.objects.get(name="Braintree Bolts Ltd").postcode_district == "CM7"

    # The anchor sees the decision and the evidence that now rests on it.
    page.reload()
    expect(page.get_by_text("Accepted: the classification was changed")).to_be_visible()
    expect(
        page.get_by_text(re.compile("Set by the secretariat .* on a dispute from Essex County Council"))
    ).to_be_visible()
    expect(page.get_by_text("Local (Greater Essex).", exact=True)).to_be_visible()
    assert Supplier.objects.get(name="Braintree Bolts Ltd").sme == Flag.UNKNOWN
