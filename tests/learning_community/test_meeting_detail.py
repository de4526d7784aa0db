"""A meeting's page: public facts for everyone, members-only content for members and the secretariat."""

import pytest

from learning_community.models import Action, AgendaItem, Decision, DecisionOutcome

from .conftest import london, make_meeting, record_attendance


@pytest.fixture
def full_meeting(meeting, co_chair):
    """The January meeting, quorate, with an agenda, minutes, decisions (one public) and an action."""
    record_attendance(meeting, present=11, apologies=4, absent=7)
    item = AgendaItem.objects.create(
        meeting=meeting, order=1, title="Spend baselines", paper_link="https://example.org/paper.pdf"
    )
    Decision.objects.create(
        meeting=meeting, agenda_item=item, text="Adopt the baseline method", outcome=DecisionOutcome.AGREED, public=True
    )
    Decision.objects.create(meeting=meeting, text="Share supplier lists in confidence", outcome=DecisionOutcome.AGREED)
    Action.objects.create(meeting=meeting, description="Circulate the baseline template", owner=co_chair)
    meeting.minutes = "The meeting discussed baselines."
    meeting.save()
    return meeting


MEMBERS_ONLY = [
    "Spend baselines",
    "https://meet.example.org/svlc-jan",
    "The meeting discussed baselines.",
    "Circulate the baseline template",
    "Share supplier lists in confidence",
    "Attendance by member organisation",
]


def test_it_shows_the_public_facts_to_anyone(client, full_meeting):
    body = client.get(full_meeting.get_absolute_url()).content.decode()
    assert "Tuesday 13 January 2026, 10:00 to 12:00" in body
    assert "Held" in body
    assert "Quorate" in body
    assert "Adopt the baseline method" in body
    for text in MEMBERS_ONLY:
        assert text not in body
    assert "sign in</a> to see the agenda" in body


def test_it_shows_members_only_content_to_a_member(member_client, full_meeting):
    body = member_client.get(full_meeting.get_absolute_url()).content.decode()
    for text in MEMBERS_ONLY + ["Adopt the baseline method"]:
        assert text in body
    assert "Members only" in body


def test_it_shows_members_only_content_to_the_secretariat(secretariat_client, full_meeting):
    body = secretariat_client.get(full_meeting.get_absolute_url()).content.decode()
    for text in MEMBERS_ONLY:
        assert text in body


def test_it_hides_members_only_content_from_staff_of_a_non_member(outsider_client, full_meeting):
    body = outsider_client.get(full_meeting.get_absolute_url()).content.decode()
    for text in MEMBERS_ONLY:
        assert text not in body
    assert "Adopt the baseline method" in body
    assert "are for members of the learning community" in body


def test_it_says_plainly_when_attendance_is_not_recorded(client, meeting):
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Attendance not recorded yet" in body
    assert "Not quorate" not in body


def test_it_carries_open_actions_from_earlier_meetings(member_client, full_meeting):
    later = make_meeting(london(2026, 2, 24))
    body = member_client.get(later.get_absolute_url()).content.decode()
    assert "Open actions from earlier meetings" in body
    assert "Circulate the baseline template" in body


def test_it_gives_404_for_an_unknown_meeting(client, reference_data):
    assert client.get("/community/meetings/999999/").status_code == 404


def test_it_rejects_post(member_client, meeting):
    assert member_client.post(meeting.get_absolute_url()).status_code == 405


def test_it_escapes_minutes(member_client, meeting):
    meeting.minutes = "<img src=x onerror=alert(1)>"
    meeting.save()
    body = member_client.get(meeting.get_absolute_url()).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


def test_it_runs_a_bounded_number_of_queries_for_a_member(
    member_client, full_meeting, co_chair, django_assert_max_num_queries
):
    for index in range(15):
        Action.objects.create(meeting=full_meeting, description=f"Action {index}", owner=co_chair)
    later = make_meeting(london(2026, 2, 24))
    with django_assert_max_num_queries(16):
        assert member_client.get(later.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(16):
        assert member_client.get(full_meeting.get_absolute_url()).status_code == 200
