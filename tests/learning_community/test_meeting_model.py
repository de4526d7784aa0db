"""Meeting quorum, dates and the 6-weekly series (Meeting, MeetingQuerySet, services.meeting_schedule_series)."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from learning_community.models import (
    Action,
    ActionStatus,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Person,
    TermsOfReference,
    ToRStatus,
)
from learning_community.services import meeting_schedule_series, meeting_series_starts

from .conftest import london, make_meeting, members, record_attendance


def annotated(meeting):
    return Meeting.objects.with_quorum().get(pk=meeting.pk)


@pytest.mark.parametrize(("present", "quorate"), [(9, False), (10, True), (11, True)])
def test_it_is_quorate_from_ten_member_organisations_present(meeting, present, quorate):
    record_attendance(meeting, present=present, absent=22 - present)
    assert meeting.is_quorate is quorate
    assert annotated(meeting).is_quorate is quorate
    assert annotated(meeting).present_count == present


def test_it_summarises_the_quorum_as_the_admin_shows_it(meeting):
    record_attendance(meeting, present=11)
    assert annotated(meeting).quorum_summary == "Quorate: 11 of 10 needed"
    Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).first().delete()
    Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).first().delete()
    assert annotated(meeting).quorum_summary == "Not quorate: 9 of 10 needed"


def test_it_does_not_count_apologies_or_absent(meeting):
    record_attendance(meeting, present=9, apologies=7, absent=6)
    assert annotated(meeting).present_count == 9
    assert not annotated(meeting).is_quorate
    assert meeting.present_count == 9


def test_it_counts_two_representatives_of_one_organisation_once(meeting, organisation):
    record_attendance(meeting, present=9)
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting, organisation=organisation, defaults={"status": AttendanceStatus.PRESENT}
    )
    first = Person.objects.create(name="Alice Anchor", email="alice@essex.gov.uk", organisation=organisation)
    second = Person.objects.create(name="Ali Anchor", email="ali@essex.gov.uk", organisation=organisation)
    row.attendees.set([first, second])
    expected = len({*[o.pk for o in members(9)], organisation.pk})
    assert annotated(meeting).present_count == expected
    assert meeting.present_count == expected
    assert Attendance.attendees.through.objects.filter(attendance__meeting=meeting).count() == 2


def test_it_says_attendance_is_not_recorded_rather_than_inquorate(meeting):
    assert annotated(meeting).quorum_state == "not_recorded"
    assert annotated(meeting).quorum_summary == "Attendance not recorded yet"
    record_attendance(meeting, apologies=5)
    assert annotated(meeting).quorum_state == "not_recorded"
    record_attendance(meeting, present=3)
    assert annotated(meeting).quorum_state == "inquorate"


def test_it_takes_the_quorum_from_the_terms_in_force_on_the_meeting_date(terms):
    # Version 1.0 (quorum 10) applied until the end of March 2026; version 2.0 (quorum 8) from April.
    terms.effective_until = datetime.date(2026, 3, 31)
    terms.status = ToRStatus.SUPERSEDED
    terms.save()
    TermsOfReference.objects.create(
        version="2.0",
        status=ToRStatus.IN_FORCE,
        purpose=terms.purpose,
        aims=terms.aims,
        roles=terms.roles,
        quorum=8,
        meeting_frequency_weeks=6,
        secretariat="Essex Partners",
        secretariat_email="essex.partners@essex.gov.uk",
        effective_from=datetime.date(2026, 4, 1),
    )
    march = make_meeting(london(2026, 3, 31, 15))
    april = make_meeting(london(2026, 4, 1, 10))
    for meeting in (march, april):
        record_attendance(meeting, present=9)
    assert march.quorum_required == 10 and not march.is_quorate
    assert april.quorum_required == 8 and april.is_quorate
    by_pk = {m.pk: m for m in Meeting.objects.with_quorum()}
    assert (by_pk[march.pk].quorum_required, by_pk[march.pk].is_quorate) == (10, False)
    assert (by_pk[april.pk].quorum_required, by_pk[april.pk].is_quorate) == (8, True)


def test_it_judges_a_late_evening_meeting_by_its_uk_date(terms):
    # 23:30 on 31 March in London is already 1 April in no time zone that matters here, but
    # 00:30 on 1 April BST is still 31 March in UTC: the UK date must win.
    terms.effective_until = datetime.date(2026, 3, 31)
    terms.status = ToRStatus.SUPERSEDED
    terms.save()
    TermsOfReference.objects.create(
        version="2.0", status=ToRStatus.IN_FORCE, purpose="p", aims="a", roles="r", quorum=8,
        meeting_frequency_weeks=6, secretariat="Essex Partners", secretariat_email="essex.partners@essex.gov.uk",
        effective_from=datetime.date(2026, 4, 1),
    )  # fmt: skip
    meeting = make_meeting(london(2026, 4, 1, 0, 30), hours=1)
    assert meeting.quorum_required == 8
    assert annotated(meeting).quorum_required == 8


def test_it_refuses_a_meeting_that_ends_before_it_starts(reference_data):
    meeting = Meeting(starts_at=london(2026, 2, 24, 10), ends_at=london(2026, 2, 24, 9))
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert error.value.message_dict["ends_at"] == [
        "The meeting must end after it starts (Tuesday 24 February 2026, 10:00): it is set to end at "
        "Tuesday 24 February 2026, 09:00."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_it_shows_dates_the_british_way(meeting):
    assert meeting.when == "Tuesday 13 January 2026, 10:00 to 12:00"
    assert str(meeting) == "Social Value Learning Community meeting, Tuesday 13 January 2026, 10:00"


@time_machine.travel(london(2026, 2, 1, 9), tick=False)
def test_it_finds_the_next_scheduled_meeting(meeting):
    cancelled = make_meeting(london(2026, 2, 10), status=MeetingStatus.CANCELLED)
    later = make_meeting(london(2026, 4, 21))
    sooner = make_meeting(london(2026, 2, 24))
    assert Meeting.objects.next_meeting() == sooner
    assert list(Meeting.objects.upcoming()) == [cancelled, sooner, later]
    assert list(Meeting.objects.past()) == [meeting]


def test_it_keeps_open_actions_on_later_meetings_until_done(meeting, co_chair):
    action = Action.objects.create(meeting=meeting, description="Share the procurement toolkit", owner=co_chair)
    february = make_meeting(london(2026, 2, 24))
    april = make_meeting(london(2026, 4, 7))
    assert list(february.outstanding_actions()) == [action]
    assert list(meeting.outstanding_actions()) == []
    action.status = ActionStatus.DONE
    action.completed_on = datetime.date(2026, 3, 1)
    action.save()
    assert list(february.outstanding_actions()) == [action]  # still open at that meeting
    assert list(april.outstanding_actions()) == []


def test_it_fills_in_the_done_date_when_an_action_is_done(meeting, co_chair):
    action = Action(meeting=meeting, description="Write up", owner=co_chair, status=ActionStatus.DONE)
    action.full_clean()
    assert action.completed_on is not None
    action.status = ActionStatus.OPEN
    action.full_clean()
    assert action.completed_on is None


def test_it_schedules_meetings_every_six_weeks_after_the_last_at_the_same_uk_time(meeting):
    created = meeting_schedule_series(count=3)
    assert [m.starts_at for m in created] == [london(2026, 2, 24), london(2026, 4, 7), london(2026, 5, 19)]
    # 7 April is in British Summer Time: still 10:00 in London, 09:00 UTC.
    assert created[1].starts_at.astimezone(datetime.UTC).hour == 9
    assert all(m.ends_at - m.starts_at == datetime.timedelta(hours=2) for m in created)
    assert all(m.status == MeetingStatus.SCHEDULED for m in created)


def test_it_follows_the_frequency_of_the_terms_in_force(meeting, terms):
    terms.meeting_frequency_weeks = 4
    terms.save()
    created = meeting_schedule_series(count=1)
    assert created[0].starts_at == london(2026, 2, 10)


def test_it_needs_a_first_date_to_start_a_series(reference_data):
    with pytest.raises(ValidationError, match="give the date and time of the first one"):
        meeting_schedule_series(count=2)
    created = meeting_schedule_series(count=2, first_starts_at=london(2027, 1, 12, 14))
    assert [m.starts_at for m in created] == [london(2027, 1, 12, 14), london(2027, 2, 23, 14)]


def test_it_moves_a_meeting_off_a_bank_holiday_to_the_next_working_day(meeting):
    make_meeting(london(2026, 7, 20), status=MeetingStatus.HELD)  # six weeks on is Monday 31 August
    created = meeting_schedule_series(count=2)
    assert [m.starts_at for m in created] == [london(2026, 9, 1), london(2026, 10, 12)]
    # The cadence counts from 31 August, not from the day it moved to; the length is kept.
    assert created[0].ends_at - created[0].starts_at == datetime.timedelta(hours=2)


def test_it_keeps_a_bank_holiday_date_when_asked(meeting):
    make_meeting(london(2026, 7, 20), status=MeetingStatus.HELD)
    created = meeting_schedule_series(count=1, keep={datetime.date(2026, 8, 31)})
    assert created[0].starts_at == london(2026, 8, 31)


def test_it_moves_a_first_meeting_given_at_the_weekend_to_the_monday(reference_data):
    created = meeting_schedule_series(count=1, first_starts_at=london(2027, 1, 9, 14))
    assert created[0].starts_at == london(2027, 1, 11, 14)


def test_it_proposes_the_dates_on_the_cadence_without_saving_them(meeting):
    make_meeting(london(2026, 7, 20), status=MeetingStatus.HELD)
    assert meeting_series_starts(count=2) == [london(2026, 8, 31), london(2026, 10, 12)]
    assert Meeting.objects.count() == 2
