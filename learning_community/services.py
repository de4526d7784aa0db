"""Writes that span several rows or send mail: scheduling meetings, invitations, bringing a ToR into force.

The admin calls these; models and forms do not send mail (see STYLE.md, 2).
"""

import datetime
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from essex_anchors.lib.working_days import next_working_day

from . import ical
from .models import Meeting, MeetingStatus, TermsOfReference, ToRStatus, british_datetime, current_representatives

# When there is no earlier meeting to copy, a new series runs for this long.
DEFAULT_MEETING_LENGTH = datetime.timedelta(hours=2)


def _add_weeks_local(moment: datetime.datetime, weeks: int) -> datetime.datetime:
    """`weeks` later at the same UK wall-clock time, across changes to and from British Summer Time."""
    local = timezone.localtime(moment).replace(tzinfo=None) + datetime.timedelta(weeks=weeks)
    return timezone.make_aware(local)


def _on_working_day(moment: datetime.datetime) -> datetime.datetime:
    """The same UK wall-clock time on the next working day, when `moment` falls on a bank holiday or weekend."""
    local = timezone.localtime(moment).replace(tzinfo=None)
    return timezone.make_aware(datetime.datetime.combine(next_working_day(local.date()), local.time()))


def _last_meeting() -> Meeting | None:
    return Meeting.objects.exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at").first()


def meeting_series_starts(*, count: int, first_starts_at: datetime.datetime | None = None) -> list[datetime.datetime]:
    """When the next `count` meetings fall, every N weeks (the ToR's frequency) after the last meeting.

    These are the dates on the cadence, before any is moved off a bank holiday; nothing is saved.
    With no meeting yet, `first_starts_at` gives the first one.
    """
    if not 1 <= count <= 26:
        raise ValidationError("Schedule between 1 and 26 meetings at a time.")
    last = _last_meeting()
    if last is None:
        if first_starts_at is None:
            raise ValidationError("There is no meeting yet: give the date and time of the first one.")
        if TermsOfReference.objects.in_force_on(timezone.localtime(first_starts_at).date()) is None:
            raise ValidationError("No Terms of Reference are in force, so the meeting frequency is not known.")
        starts = [first_starts_at]
    else:
        starts = []
    previous = starts[-1] if starts else last.starts_at
    while len(starts) < count:
        # ToR: "Duration: every 6 weeks", from the version in force when the previous meeting was held.
        terms = TermsOfReference.objects.in_force_on(timezone.localtime(previous).date())
        if terms is None:
            raise ValidationError("No Terms of Reference are in force, so the meeting frequency is not known.")
        previous = _add_weeks_local(previous, terms.meeting_frequency_weeks)
        starts.append(previous)
    return starts


@transaction.atomic
def meeting_schedule_series(
    *,
    count: int,
    first_starts_at: datetime.datetime | None = None,
    keep: Collection[datetime.date] = (),
) -> list[Meeting]:
    """Schedule the next `count` meetings, every N weeks (the ToR's frequency) after the last meeting.

    A meeting whose date is a bank holiday or at the weekend moves to the next working day, unless
    the secretariat chose to keep that date (`keep`, UK dates). The cadence still counts from the
    unmoved dates, so one bank holiday does not shift the rest of the series. The new meetings copy
    the last meeting's title, time of day, length and format. With no meeting yet, `first_starts_at`
    gives the first one.
    """
    starts = meeting_series_starts(count=count, first_starts_at=first_starts_at)
    last = _last_meeting()
    if last is None:
        terms = TermsOfReference.objects.in_force_on(timezone.localtime(first_starts_at).date())
        template, length = Meeting(format=terms.meeting_format), DEFAULT_MEETING_LENGTH
    else:
        template, length = last, last.ends_at - last.starts_at
    meetings = []
    for proposed in starts:
        starts_at = proposed if timezone.localtime(proposed).date() in keep else _on_working_day(proposed)
        meeting = Meeting(
            title=template.title or Meeting._meta.get_field("title").default,
            starts_at=starts_at,
            ends_at=starts_at + length,
            format=template.format,
            location=template.location,
            join_link=template.join_link,
            status=MeetingStatus.SCHEDULED,
        )
        meeting.full_clean()
        meeting.save()
        meetings.append(meeting)
    return meetings


def meeting_send_invitations(*, meeting: Meeting, connection=None) -> int:
    """Email the agenda and an .ics invitation to every current representative of a member organisation.

    One message per person, so nobody sees the others' addresses. Returns how many were sent.
    """
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            f"Invitations go only to scheduled meetings: this one is {meeting.get_status_display().lower()}."
        )
    terms = meeting.terms
    organiser = terms.secretariat_email if terms else settings.SECRETARIAT_EMAIL
    recipients = list(current_representatives().order_by("name"))
    if not recipients:
        return 0
    meeting.sequence += 1
    context = {
        "meeting": meeting,
        "agenda_items": meeting.agenda_items.all(),
        "outstanding_actions": meeting.outstanding_actions(),
        "meeting_url": f"{settings.SITE_URL}{meeting.get_absolute_url()}",
        "terms": terms,
    }
    # One line: a title with a line break would make the mail header invalid (BadHeaderError).
    subject = " ".join(f"Invitation: {meeting.title}, {british_datetime(meeting.starts_at)}".split())
    messages = []
    for person in recipients:
        body = render_to_string("learning_community/email/invitation.txt", {**context, "person": person})
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], reply_to=[organiser])
        message.attach(
            "invitation.ics",
            ical.meeting_invitation(meeting, organiser_email=organiser, attendee_email=person.email),
            "text/calendar; method=REQUEST; charset=utf-8",
        )
        messages.append(message)
    connection = connection or get_connection()
    sent = connection.send_messages(messages) or 0
    meeting.invitations_sent_at = timezone.now()
    meeting.save(update_fields=["sequence", "invitations_sent_at", "updated_at"])
    return sent


@transaction.atomic
def terms_bring_into_force(*, terms: TermsOfReference) -> TermsOfReference:
    """Put `terms` in force and mark the version it replaces superseded, in one step.

    The replaced version ends the day before the new one takes effect (when that date is known), so
    meetings are judged by the version that applied on their date.
    """
    terms = TermsOfReference.objects.select_for_update().get(pk=terms.pk)
    if terms.status == ToRStatus.IN_FORCE:
        return terms
    for previous in TermsOfReference.objects.select_for_update().in_force():
        previous.status = ToRStatus.SUPERSEDED
        if terms.effective_from and previous.effective_until is None:
            previous.effective_until = terms.effective_from - datetime.timedelta(days=1)
        previous.full_clean()
        previous.save()
    terms.status = ToRStatus.IN_FORCE
    terms.full_clean()
    terms.save()
    return terms
