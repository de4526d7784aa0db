"""The secretariat's meeting page in Chromium: attendance for 11 organisations and a consensus decision recorded
by keyboard alone, the live quorum, the error named at the top with a link to its field, no sideways scroll at
1,280 px, and a meeting cancelled, not deleted."""

import os

import pytest
from playwright.sync_api import expect

from learning_community.models import Decision, DecisionOutcome, Meeting, MeetingStatus
from tests.learning_community.conftest import london, make_meeting, members

from .test_community import sign_in

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR") or "/tmp/meeting-admin-shots"


def change_page(page, meeting):
    page.goto(f"/admin/learning_community/meeting/{meeting.pk}/change/")


def is_focused(locator) -> bool:
    return locator.evaluate("element => element === document.activeElement || element.contains(document.activeElement)")


def tab_to(page, locator, limit=150, key="Tab"):
    """Press Tab (or Shift+Tab) until the focus is on `locator`, as a keyboard user moves through the page."""
    for _ in range(limit):
        if is_focused(locator):
            return
        page.keyboard.press(key)
    raise AssertionError(f"Tab never reached {locator}")


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_it_records_attendance_and_a_consensus_decision_by_keyboard_alone(page, reference_data, secretariat):
    meeting = make_meeting(london(2026, 2, 24))
    organisations = [organisation.name for organisation in members(22)]
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    change_page(page, meeting)
    quorum = page.locator("#attendances-group").get_by_role("status")
    expect(quorum).to_have_text("Attendance not recorded yet")

    tab_to(page, page.get_by_role("combobox", name="Status"))
    page.keyboard.type("Held")
    # An agenda item, added in this same pass, for the decision to name by its number.
    tab_to(page, page.get_by_label("Number, agenda item 1"))
    page.keyboard.type("1")
    page.keyboard.press("Tab")
    page.keyboard.type("Common social value narrative")
    for name in organisations[:11]:
        group = page.get_by_role("radiogroup", name=name)
        tab_to(page, group)
        expect(group.get_by_role("radio", name="Not recorded yet")).to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(group.get_by_role("radio", name="Present")).to_be_checked()
    expect(quorum).to_have_text("Quorate: 11 of 10 needed")
    # Changing one organisation's answer recounts at once.
    group = page.get_by_role("radiogroup", name=organisations[10])
    group.get_by_role("radio", name="Present").focus()
    page.keyboard.press("ArrowRight")
    expect(group.get_by_role("radio", name="Apologies")).to_be_checked()
    expect(quorum).to_have_text("Quorate: 10 of 10 needed")
    page.keyboard.press("ArrowLeft")
    expect(quorum).to_have_text("Quorate: 11 of 10 needed")

    tab_to(page, page.get_by_role("button", name="Add another Decision"))
    page.keyboard.press("Enter")
    # The new decision opens above the link: back up to it.
    tab_to(page, page.locator("#id_decisions-0-text"), key="Shift+Tab")
    page.keyboard.type("Adopt the common social value narrative.")
    page.keyboard.press("Tab")
    page.keyboard.type("Agreed")
    expect(page.locator("#id_decisions-0-outcome")).to_have_value("agreed")
    tab_to(page, page.get_by_label("Agenda item number").first)
    page.keyboard.type("1")
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/meeting_change_1280_filled.png", full_page=True)
    assert page_width(page) <= 1280
    page.keyboard.press("Enter")  # submits the form with its first button, Save
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    meeting = Meeting.objects.with_quorum().get(pk=meeting.pk)
    assert meeting.status == MeetingStatus.HELD
    assert meeting.quorum_summary == "Quorate: 11 of 10 needed"
    assert sorted(meeting.attendances.filter(status="present").values_list("organisation__name", flat=True)) == sorted(
        organisations[:11]
    )
    decision = Decision.objects.get(meeting=meeting)
    assert decision.outcome == DecisionOutcome.AGREED
    assert decision.agenda_item.title == "Common social value narrative"


def test_it_names_the_quorum_error_at_the_top_and_links_to_it(page, reference_data, secretariat):
    meeting = make_meeting(london(2026, 2, 24))
    organisations = [organisation.name for organisation in members(9)]
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    change_page(page, meeting)
    for name in organisations:
        page.get_by_role("radiogroup", name=name).get_by_role("radio", name="Present").check()
    expect(page.locator("#attendances-group").get_by_role("status")).to_have_text("Not quorate: 9 of 10 needed")
    page.get_by_role("button", name="Add another Decision").click()
    page.locator("#id_decisions-0-text").fill("Adopt the narrative.")
    page.locator("#id_decisions-0-outcome").select_option("agreed")
    page.get_by_role("button", name="Save", exact=True).click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < 400
    expect(page.get_by_text("Please correct the error below.")).to_be_hidden()
    # The server's count, after the error, beside the attendance it was counted from.
    expect(page.locator("#attendances-group").get_by_role("status")).to_have_text("Not quorate: 9 of 10 needed")
    link = summary.get_by_role("link", name="Decision 1, Outcome: A decision can be recorded as agreed only")
    link.click()
    assert page.url.endswith("#id_decisions-0-outcome")
    expect(page.locator("#id_decisions-0-outcome")).to_be_in_viewport()
    summary.get_by_role("link", name="Decisions: Not quorate: 9 of 10 needed.").click()
    expect(page.locator("#decisions-group")).to_be_in_viewport()
    assert not Decision.objects.exists()


def test_the_meeting_page_fits_1280_px_and_is_screenshotted_at_1280_and_320(page, reference_data, secretariat):
    meeting = make_meeting(london(2026, 2, 24))
    sign_in(page, "charlie")
    os.makedirs(SHOTS, exist_ok=True)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        change_page(page, meeting)
        page.screenshot(path=f"{SHOTS}/meeting_change_{width}.png", full_page=True)
        page.locator("#attendances-group tbody tr").nth(0).screenshot(
            path=f"{SHOTS}/meeting_attendance_row_{width}.png"
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    change_page(page, meeting)
    assert page_width(page) <= 1280, f"the meeting page is {page_width(page)} px wide at 1,280 px"


def test_a_meeting_is_cancelled_not_deleted(page, reference_data, secretariat):
    meeting = make_meeting(london(2026, 2, 24))
    sign_in(page, "charlie")
    page.goto("/admin/learning_community/meeting/")
    actions = page.get_by_label("Action:")
    expect(actions.locator("option", has_text="Delete")).to_have_count(0)
    change_page(page, meeting)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    page.get_by_role("combobox", name="Status").select_option(label="Cancelled")
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    summary.get_by_role("link", name="Why it is cancelled: Say why the meeting is cancelled").click()
    expect(page.get_by_label("Why it is cancelled")).to_be_in_viewport()
    page.get_by_label("Why it is cancelled").fill("The co-chairs are at the budget meeting.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancellation_reason == "The co-chairs are at the budget meeting."
    assert meeting.history.count() == 2
