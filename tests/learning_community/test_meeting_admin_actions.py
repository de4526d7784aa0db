"""Admin actions on meetings: schedule the next meetings, email invitations with an .ics."""

import time_machine
from django.core import mail
from icalendar import Calendar

from learning_community.models import Meeting, MeetingStatus, Membership, Person, Role, RoleKind

from .conftest import london, make_meeting

CHANGELIST = "/admin/learning_community/meeting/"
SCHEDULE = "/admin/learning_community/meeting/schedule/"


def test_it_links_to_scheduling_from_the_list(secretariat_client, meeting):
    assert 'href="/admin/learning_community/meeting/schedule/"' in secretariat_client.get(CHANGELIST).content.decode()


def test_it_sends_the_action_to_the_scheduling_page(secretariat_client, meeting):
    response = secretariat_client.post(
        CHANGELIST, {"action": "schedule_next_meetings", "_selected_action": [meeting.pk]}
    )
    assert response.status_code == 302
    assert response["Location"] == SCHEDULE


def test_it_explains_the_cadence_on_the_scheduling_page(secretariat_client, meeting):
    body = secretariat_client.get(SCHEDULE).content.decode()
    assert "Tuesday 13 January 2026, 10:00 to 12:00" in body
    assert "6 weeks" in body
    assert 'for="id_count"' in body


def test_it_schedules_the_next_meetings_every_six_weeks(secretariat_client, meeting):
    response = secretariat_client.post(SCHEDULE, {"count": "3"}, follow=True)
    assert (
        "Scheduled 3 meetings: Tuesday 24 February 2026, 10:00; Tuesday 7 April 2026, 10:00; Tuesday 19 May 2026, 10:00."
        in (response.content.decode())
    )
    assert Meeting.objects.filter(status=MeetingStatus.SCHEDULED).count() == 3


def bank_holiday_series():
    """The held meeting of 13 January, then one six weeks before Monday 31 August 2026 (Summer bank holiday)."""
    make_meeting(london(2026, 7, 20), status=MeetingStatus.HELD)


def test_it_warns_of_a_bank_holiday_before_scheduling(secretariat_client, meeting):
    bank_holiday_series()
    response = secretariat_client.post(SCHEDULE, {"count": "2"})
    body = response.content.decode()
    assert response.status_code == 200
    assert Meeting.objects.count() == 2
    assert "Monday 31 August 2026 is the Summer bank holiday" in body
    # Each proposed date is listed; the bank holiday offers both choices, moving by default.
    assert "Monday 12 October 2026, 10:00" in body
    assert '<label for="id_day_2026-08-31_0"><input type="radio" name="day_2026-08-31" value="move"' in body
    assert "Move to Tuesday 1 September 2026" in body
    assert "Keep Monday 31 August 2026" in body
    assert 'value="move" required id="id_day_2026-08-31_0" checked' in body


def test_it_moves_a_bank_holiday_meeting_to_the_next_working_day_by_default(secretariat_client, meeting):
    bank_holiday_series()
    response = secretariat_client.post(SCHEDULE, {"count": "2", "day_2026-08-31": "move"}, follow=True)
    body = response.content.decode()
    assert "Scheduled 2 meetings: Tuesday 1 September 2026, 10:00; Monday 12 October 2026, 10:00." in body
    assert "Moved off a bank holiday or weekend: Monday 31 August 2026 to Tuesday 1 September 2026." in body
    assert Meeting.objects.filter(starts_at=london(2026, 9, 1)).exists()


def test_it_keeps_the_bank_holiday_when_the_secretariat_chooses(secretariat_client, meeting):
    bank_holiday_series()
    response = secretariat_client.post(SCHEDULE, {"count": "1", "day_2026-08-31": "keep"}, follow=True)
    assert "Scheduled 1 meetings: Monday 31 August 2026, 10:00." in response.content.decode()
    assert "Moved off" not in response.content.decode()
    assert Meeting.objects.filter(starts_at=london(2026, 8, 31)).exists()


def test_it_asks_again_when_a_new_date_needs_a_choice(secretariat_client, meeting):
    bank_holiday_series()
    # A choice for another day than the series now proposes does not schedule anything.
    response = secretariat_client.post(SCHEDULE, {"count": "1", "day_2026-05-25": "keep"})
    assert "Monday 31 August 2026 is the Summer bank holiday" in response.content.decode()
    assert Meeting.objects.count() == 2


def test_it_refuses_a_bad_count(secretariat_client, meeting):
    response = secretariat_client.post(SCHEDULE, {"count": "0"})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    assert Meeting.objects.count() == 1


def test_it_asks_for_the_first_date_when_there_is_no_meeting(secretariat_client, reference_data):
    response = secretariat_client.post(SCHEDULE, {"count": "2"})
    assert "There is no meeting yet: give the date and time of the first one." in response.content.decode()
    response = secretariat_client.post(SCHEDULE, {"count": "2", "first_starts_at": "2027-01-12T14:00"})
    assert response.status_code == 302
    assert [m.starts_at for m in Meeting.objects.order_by("starts_at")] == [
        london(2027, 1, 12, 14),
        london(2027, 2, 23, 14),
    ]


def test_it_keeps_members_out_of_scheduling(member_client, meeting):
    assert member_client.post(SCHEDULE, {"count": "3"}).status_code == 302
    assert Meeting.objects.count() == 1


@time_machine.travel(london(2026, 2, 1, 9), tick=False)
def test_it_emails_the_agenda_and_an_invitation_to_every_current_representative(
    secretariat_client, representative, other_organisation, outsider_organisation
):
    meeting = make_meeting(london(2026, 2, 24), join_link="https://meet.example.org/svlc-feb")
    meeting.agenda_items.create(order=1, title="Spend baselines")
    bob = Person.objects.create(name="Bob Basildon", email="bob@basildon.gov.uk", organisation=other_organisation)
    Role.objects.create(person=bob, role=RoleKind.REPRESENTATIVE)
    # Not invited: a former representative, and a representative of an organisation that is not a member.
    former = Person.objects.create(name="Fay Former", email="fay@basildon.gov.uk", organisation=other_organisation)
    Role.objects.create(person=former, role=RoleKind.REPRESENTATIVE, ended_on="2025-12-31")
    stranger = Person.objects.create(name="Sam", email="sam@thurrock.gov.uk", organisation=outsider_organisation)
    Role.objects.create(person=stranger, role=RoleKind.REPRESENTATIVE)

    response = secretariat_client.post(
        CHANGELIST, {"action": "send_invitations", "_selected_action": [meeting.pk]}, follow=True
    )
    assert "to 2 representatives" in response.content.decode()
    assert sorted(message.to[0] for message in mail.outbox) == ["alice.anchor@essex.gov.uk", "bob@basildon.gov.uk"]
    message = mail.outbox[0]
    assert message.subject == "Invitation: Social Value Learning Community meeting, Tuesday 24 February 2026, 10:00"
    assert "1. Spend baselines" in message.body
    assert "https://meet.example.org/svlc-feb" in message.body
    assert message.reply_to == ["essex.partners@essex.gov.uk"]
    name, content, mimetype = message.attachments[0]
    assert name == "invitation.ics"
    assert mimetype.startswith("text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"svlc-meeting-{meeting.uid}@essex-anchors-portal"
    assert event.decoded("dtstart") == london(2026, 2, 24)
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at is not None
    assert meeting.sequence == 1


def test_it_does_not_invite_to_a_held_meeting(secretariat_client, meeting, representative):
    response = secretariat_client.post(
        CHANGELIST, {"action": "send_invitations", "_selected_action": [meeting.pk]}, follow=True
    )
    assert "Invitations go only to scheduled meetings" in response.content.decode()
    assert mail.outbox == []


def test_it_says_when_nobody_can_be_invited(secretariat_client, reference_data):
    meeting = make_meeting(london(2027, 3, 2))
    response = secretariat_client.post(
        CHANGELIST, {"action": "send_invitations", "_selected_action": [meeting.pk]}, follow=True
    )
    assert "no current representative has a work email" in response.content.decode()
    assert Membership.objects.current().count() == 22
