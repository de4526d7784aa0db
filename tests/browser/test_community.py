"""The learning community in Chromium: public pages pass axe, members see more, and the secretariat
records a meeting in the admin that then shows as quorate on the public page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from learning_community.models import (
    Action,
    AgendaItem,
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Person,
    Resource,
    ResourceKind,
    Visibility,
)
from tests.conftest import PASSWORD
from tests.learning_community.conftest import london, make_meeting, members, record_attendance

pytestmark = pytest.mark.browser


@pytest.fixture
def community(reference_data, lever, organisation):
    """A quorate past meeting with agenda, decisions, minutes and an action; one upcoming; two resources."""
    held = make_meeting(london(2026, 1, 13), status=MeetingStatus.HELD, join_link="https://meet.example.org/svlc")
    record_attendance(held, present=11, apologies=5, absent=6)
    item = AgendaItem.objects.create(meeting=held, order=1, title="Spend baselines", presenter="Essex Partners")
    AgendaItem.objects.create(meeting=held, order=2, title="Common narrative for social value")
    Decision.objects.create(
        meeting=held, agenda_item=item, text="Adopt the shared baseline method for 2026/27.",
        outcome=DecisionOutcome.AGREED, public=True,
    )  # fmt: skip
    Decision.objects.create(meeting=held, text="Share supplier lists in confidence.", outcome=DecisionOutcome.AGREED)
    Action.objects.create(
        meeting=held, description="Circulate the baseline template", owner=Person.objects.get(name="Ian Tompkins"),
        due_on=datetime.date(2026, 2, 10),
    )  # fmt: skip
    held.minutes = "Eleven member organisations attended.\n\nThe baseline method was agreed by consensus."
    held.save()
    upcoming = make_meeting(timezone.now().replace(microsecond=0) + datetime.timedelta(days=20))
    public = Resource.objects.create(
        title="Social value procurement policy", kind=ResourceKind.POLICY, organisation=organisation,
        summary="Essex County Council's policy for social value in procurement.", link="https://example.org/policy",
        visibility=Visibility.PUBLIC,
    )  # fmt: skip
    public.levers.set([lever])
    Resource.objects.create(
        title="Supplier spend analysis", kind=ResourceKind.CASE_STUDY, summary="Sensitive spend figures.",
        link="https://example.org/spend", visibility=Visibility.MEMBERS,
    )  # fmt: skip
    return {"held": held, "upcoming": upcoming}


def shoot(page, screenshot_dir, name):
    if screenshot_dir:
        page.screenshot(path=f"{screenshot_dir}/{name}.png", full_page=True)


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_attached()


def test_it_shows_the_public_pages_without_axe_violations(page, community, assert_accessible, screenshot_dir):
    held = community["held"]
    pages = [
        ("/community/", "Social Value Learning Community", "community"),
        ("/community/meetings/", "Learning community meetings", "community_meetings"),
        (held.get_absolute_url(), "Social Value Learning Community meeting", "community_meeting_public"),
        (community["upcoming"].get_absolute_url(), "Social Value Learning Community meeting", "community_meeting_next"),
        ("/resources/", "Resources", "resources"),
    ]
    for path, heading, name in pages:
        page.goto(path)
        h1 = page.locator("h1")
        assert h1.count() == 1, path
        assert h1.inner_text().strip().startswith(heading)
        assert_accessible(page)
        shoot(page, screenshot_dir, name)
    page.goto(held.get_absolute_url())
    assert page.get_by_text("Adopt the shared baseline method for 2026/27.").is_visible()
    assert page.get_by_text("Share supplier lists in confidence.").count() == 0
    assert page.get_by_text("https://meet.example.org/svlc").count() == 0


def test_it_shows_a_member_the_whole_meeting(page, community, member, assert_accessible, screenshot_dir):
    sign_in(page, "alice")
    page.goto(community["held"].get_absolute_url())
    assert page.get_by_role("heading", name="Agenda").is_visible()
    assert page.get_by_role("heading", name="Minutes").is_visible()
    assert page.get_by_text("Share supplier lists in confidence.").is_visible()
    assert page.get_by_role("link", name="Join the meeting online").is_visible()
    assert_accessible(page)
    shoot(page, screenshot_dir, "community_meeting_member")
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden()
    assert page.get_by_role("heading", name="Minutes").is_visible()
    shoot(page, screenshot_dir, "community_meeting_member_print")
    page.emulate_media(media="screen")
    page.goto("/resources/")
    assert page.get_by_role("heading", name="Supplier spend analysis").is_visible()
    assert_accessible(page)
    shoot(page, screenshot_dir, "resources_member")


def test_it_lets_the_secretariat_record_a_meeting_that_then_shows_as_quorate(
    page, reference_data, secretariat, screenshot_dir
):
    meeting = make_meeting(london(2026, 2, 24))
    sign_in(page, "charlie")
    page.goto(f"/admin/learning_community/meeting/{meeting.pk}/change/")
    quorum = page.locator("#attendances-group").get_by_role("status")
    expect(quorum).to_have_text("Attendance not recorded yet")
    names = [organisation.name for organisation in members(22)]

    def mark(name, status):
        page.get_by_role("radiogroup", name=name).get_by_role("radio", name=status).check()

    for index, name in enumerate(names):
        mark(name, "Present" if index < 11 else "Absent")
    expect(quorum).to_have_text("Quorate: 11 of 10 needed")
    mark(names[10], "Apologies")
    expect(quorum).to_have_text("Quorate: 10 of 10 needed")
    mark(names[9], "Apologies")
    expect(quorum).to_have_text("Not quorate: 9 of 10 needed")
    mark(names[9], "Present")
    mark(names[10], "Present")
    expect(quorum).to_have_text("Quorate: 11 of 10 needed")
    page.get_by_role("combobox", name="Status").select_option("held")
    page.get_by_role("button", name="Add another Decision").click()
    page.fill("textarea[name='decisions-0-text']", "Adopt the common social value narrative.")
    page.select_option("select[name='decisions-0-outcome']", "agreed")
    page.check("input[name='decisions-0-public']")
    shoot(page, screenshot_dir, "admin_meeting_recording")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(page.get_by_role("cell", name="Quorate: 11 of 10 needed")).to_be_visible()
    shoot(page, screenshot_dir, "admin_meeting_list")

    meeting = Meeting.objects.with_quorum().get(pk=meeting.pk)
    assert meeting.is_quorate and meeting.decisions.count() == 1

    page.context.clear_cookies()
    page.goto(meeting.get_absolute_url())
    expect(page.locator("#quorum")).to_contain_text("Quorate")
    expect(page.get_by_text("Adopt the common social value narrative.")).to_be_visible()
    shoot(page, screenshot_dir, "community_meeting_recorded")


def test_it_lets_the_secretariat_schedule_the_next_meetings(page, reference_data, secretariat, screenshot_dir):
    make_meeting(london(2026, 2, 24), status=MeetingStatus.HELD)
    sign_in(page, "charlie")
    page.goto("/admin/learning_community/meeting/")
    page.get_by_role("link", name="Schedule the next meetings").click()
    expect(page.get_by_text("every 6 weeks")).to_be_visible()
    page.get_by_label("How many meetings to schedule").fill("2")
    shoot(page, screenshot_dir, "admin_meeting_schedule")
    page.get_by_role("button", name="Schedule meetings").click()
    expect(
        page.get_by_text("Scheduled 2 meetings: Tuesday 7 April 2026, 10:00; Tuesday 19 May 2026, 10:00.")
    ).to_be_visible()


def test_it_warns_of_a_bank_holiday_and_lets_the_secretariat_keep_or_move_it(
    page, reference_data, secretariat, assert_accessible, screenshot_dir
):
    make_meeting(london(2026, 7, 20), status=MeetingStatus.HELD)  # six weeks on is the Summer bank holiday
    sign_in(page, "charlie")
    page.goto("/admin/learning_community/meeting/schedule/")
    page.get_by_label("How many meetings to schedule").fill("2")
    page.get_by_role("button", name="Schedule meetings").click()
    group = page.get_by_role("group", name="Warning: Monday 31 August 2026 is the Summer bank holiday.")
    expect(group).to_be_visible()
    move = group.get_by_role("radio", name="Move to Tuesday 1 September 2026")
    expect(move).to_be_checked()
    assert_accessible(page)
    shoot(page, screenshot_dir, "admin_meeting_schedule_bank_holiday")
    # Keyboard: from the checked choice, the arrow key selects "Keep".
    move.focus()
    page.keyboard.press("ArrowDown")
    expect(group.get_by_role("radio", name="Keep Monday 31 August 2026")).to_be_checked()
    move.check()
    page.get_by_role("button", name="Schedule meetings").click()
    expect(
        page.get_by_text("Moved off a bank holiday or weekend: Monday 31 August 2026 to Tuesday 1 September 2026.")
    ).to_be_visible()
    assert Meeting.objects.filter(starts_at=london(2026, 9, 1)).exists()
