"""/community/meetings.ics: every meeting, stable UIDs, a link back to each page, no join link."""

import datetime

from icalendar import Calendar

from learning_community.models import MeetingStatus

from .conftest import london, make_meeting


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def test_it_serves_every_meeting_as_an_event(client, meeting):
    make_meeting(london(2026, 2, 24))
    make_meeting(london(2026, 4, 7), status=MeetingStatus.CANCELLED)
    response = client.get("/community/meetings.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response)
    assert len(found) == 3
    starts = sorted(event.decoded("dtstart") for event in found.values())
    assert starts == [london(2026, 1, 13), london(2026, 2, 24), london(2026, 4, 7)]
    assert sorted(str(event["status"]) for event in found.values()) == ["CANCELLED", "CONFIRMED", "CONFIRMED"]


def test_it_gives_each_meeting_a_stable_uid_and_a_link_to_its_page(client, meeting):
    first = events(client.get("/community/meetings.ics"))
    meeting.starts_at += datetime.timedelta(hours=1)
    meeting.ends_at += datetime.timedelta(hours=1)
    meeting.save()
    second = events(client.get("/community/meetings.ics"))
    assert list(first) == list(second) == [f"svlc-meeting-{meeting.uid}@essex-anchors-portal"]
    event = second[f"svlc-meeting-{meeting.uid}@essex-anchors-portal"]
    assert event.decoded("dtstart") == london(2026, 1, 13, 11)
    assert str(event["url"]).endswith(f"/community/meetings/{meeting.pk}/")
    assert f"/community/meetings/{meeting.pk}/" in str(event["description"])


def test_it_keeps_the_join_link_out_of_the_public_feed(client, meeting):
    assert b"meet.example.org" not in client.get("/community/meetings.ics").content


def test_it_carries_the_uk_time_zone(client, meeting):
    calendar = Calendar.from_ical(client.get("/community/meetings.ics").content)
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_it_serves_an_empty_calendar_without_meetings(client, reference_data):
    calendar = Calendar.from_ical(client.get("/community/meetings.ics").content)
    assert calendar.walk("VEVENT") == []


def test_it_rejects_post(client, reference_data):
    assert client.post("/community/meetings.ics").status_code == 405
