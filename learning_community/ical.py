"""iCalendar (.ics) for SVLC meetings: the public feed and the invitation attached to emails.

Each meeting keeps one UID for life, so a subscribed Outlook or Google calendar updates the
event in place when the secretariat moves or cancels it, instead of adding a second one.
"""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting, MeetingFormat, MeetingStatus

PRODID = "-//Essex Anchors Network//Social Value Learning Community//EN"
CALENDAR_NAME = "Essex Anchors Social Value Learning Community"


def meeting_uid(meeting: Meeting) -> str:
    return f"svlc-meeting-{meeting.uid}@essex-anchors-portal"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _event(meeting: Meeting, *, with_private_details: bool) -> Event:
    url = _absolute(meeting.get_absolute_url())
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("summary", meeting.title)
    event.add("dtstart", timezone.localtime(meeting.starts_at))
    event.add("dtend", timezone.localtime(meeting.ends_at))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("last-modified", meeting.updated_at.astimezone(datetime.UTC))
    event.add("sequence", meeting.sequence)
    event.add("url", url)
    event.add(
        "status",
        {
            MeetingStatus.SCHEDULED: "CONFIRMED",
            MeetingStatus.HELD: "CONFIRMED",
            MeetingStatus.CANCELLED: "CANCELLED",
        }[meeting.status],
    )
    if meeting.format == MeetingFormat.VIRTUAL:
        location = "Online"
    else:
        location = meeting.location or meeting.get_format_display()
    if with_private_details and meeting.join_link:
        location = f"{location}: {meeting.join_link}"
    event.add("location", vText(location))
    lines = [f"{meeting.get_format_display()} meeting of the Essex Anchors Social Value Learning Community."]
    if with_private_details:
        items = list(meeting.agenda_items.all())
        if items:
            lines += ["", "Agenda:"] + [f"{item.order}. {item.title}" for item in items]
        if meeting.join_link:
            lines += ["", f"Join the meeting: {meeting.join_link}"]
    lines += ["", f"Agenda and papers (members sign in): {url}"]
    event.add("description", "\n".join(lines))
    return event


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def meetings_feed(meetings) -> bytes:
    """The public calendar feed: every meeting, with a link back to its page (no join link)."""
    calendar = _calendar()
    # Subscribed calendars refresh at most this often (hint honoured by Outlook and others).
    calendar.add("refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    for meeting in meetings:
        calendar.add_component(_event(meeting, with_private_details=False))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_invitation(meeting: Meeting, *, organiser_email: str, attendee_email: str) -> bytes:
    """An invitation to one representative: the agenda and the join link, from the secretariat."""
    calendar = _calendar(method="REQUEST")
    event = _event(meeting, with_private_details=True)
    organiser = vCalAddress(f"mailto:{organiser_email}")
    organiser.params["cn"] = vText("SVLC secretariat")
    event.add("organizer", organiser)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
