"""/community/meetings/: upcoming and past meetings with their quorum, in a bounded number of queries."""

import datetime

import time_machine

from learning_community.models import Attendance, AttendanceStatus, MeetingStatus

from .conftest import london, make_meeting, members, record_attendance


@time_machine.travel(london(2026, 2, 1, 9), tick=False)
def test_it_lists_upcoming_and_past_meetings(client, meeting):
    record_attendance(meeting, present=11, absent=11)
    make_meeting(london(2026, 2, 24))
    response = client.get("/community/meetings/")
    body = response.content.decode()
    assert "<h1>Learning community meetings</h1>" in body
    assert list(response.context["upcoming_meetings"])[0].starts_at == london(2026, 2, 24)
    assert list(response.context["past_meetings"]) == [meeting]
    assert "Tuesday 24 February 2026, 10:00 to 12:00" in body
    assert "11 member organisations present; 10 needed" in body
    assert 'href="/community/meetings.ics"' in body


def test_it_says_plainly_when_attendance_is_not_recorded(client, meeting):
    body = client.get("/community/meetings/").content.decode()
    assert "Attendance not recorded yet" in body
    assert "Not quorate" not in body


def test_it_shows_an_inquorate_meeting(client, meeting):
    record_attendance(meeting, present=9, absent=13)
    body = client.get("/community/meetings/").content.decode()
    assert "Not quorate" in body
    assert "9 member organisations present; 10 needed" in body


def test_it_runs_a_bounded_number_of_queries(client, reference_data, django_assert_max_num_queries):
    organisations = members(12)
    start = london(2024, 1, 9)
    for index in range(30):
        meeting = make_meeting(start + datetime.timedelta(weeks=6 * index), status=MeetingStatus.HELD)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, organisation=organisation, status=AttendanceStatus.PRESENT)
            for organisation in organisations[: 5 + index % 8]
        )
    with django_assert_max_num_queries(8):
        response = client.get("/community/meetings/?page=1")
    assert response.status_code == 200
    assert len(response.context["past_meetings"]) == 25


def test_it_paginates_past_meetings(client, reference_data):
    for index in range(26):
        make_meeting(london(2023, 1, 10) + datetime.timedelta(weeks=6 * index))
    assert len(client.get("/community/meetings/?page=2").context["past_meetings"]) == 1


def test_it_rejects_post(client, reference_data):
    assert client.post("/community/meetings/").status_code == 405
