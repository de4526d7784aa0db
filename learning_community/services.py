"""Writes that span several rows or send mail: scheduling meetings, invitations, bringing a ToR into force,
and the good practice library's sharing and review.

The admin calls these; models and forms do not send mail (see STYLE.md, 2).
"""

import datetime
from collections.abc import Collection

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from essex_anchors.lib.working_days import next_working_day

from . import ical
from .models import (
    Meeting,
    MeetingStatus,
    Resource,
    ResourceStatus,
    TermsOfReference,
    ToRStatus,
    british_datetime,
    current_representatives,
    may_moderate_resources,
    may_share_resource,
)

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


# ---------------------------------------------------------------------------------------------
# The good practice library: anchors share, the secretariat reviews
# ---------------------------------------------------------------------------------------------


def _mail_on_commit(subject: str, template: str, context: dict, recipients) -> None:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return
    subject = " ".join(subject.split())  # a title pasted with a line break must not break the header
    body = render_to_string(template, context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def _secretariat_emails() -> list[str]:
    return list(User.objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True))


@transaction.atomic
def resource_share(*, resource: Resource, user, levers=(), approaches=()) -> Resource:
    """Save a resource an anchor shares (unsaved, organisation set): it waits for the secretariat's review.

    The levers are those chosen and those of the approaches chosen. The secretariat is emailed a link
    to the review page. What the secretariat itself shares is published at once.
    """
    if not may_share_resource(user, resource.organisation):
        raise PermissionDenied("You can share resources only for your own organisation.")
    resource.added_by = user
    resource.status = ResourceStatus.PUBLISHED if may_moderate_resources(user) else ResourceStatus.AWAITING_REVIEW
    resource.full_clean()
    resource.save()
    resource.approaches.set(approaches)
    resource.levers.set({*levers, *(approach.lever for approach in approaches)})
    if resource.status == ResourceStatus.AWAITING_REVIEW:
        _mail_on_commit(
            f"Resource to review: {resource.title}",
            "learning_community/email/resource_to_review.txt",
            {"resource": resource, "review_url": f"{settings.SITE_URL}{resource.get_review_url()}"},
            _secretariat_emails(),
        )
    return resource


def _moderate(resource: Resource, user, status: str, reason: str) -> Resource:
    if not may_moderate_resources(user):
        raise PermissionDenied("Only the secretariat publishes and unpublishes resources.")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    resource.status = status
    resource.moderated_by = user
    resource.moderated_at = timezone.now()
    resource.moderation_reason = reason
    resource.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_reason"])
    if resource.added_by_id and resource.added_by != user:
        _mail_on_commit(
            f"Your resource is {resource.get_status_display().lower()}: {resource.title}",
            "learning_community/email/resource_reviewed.txt",
            {"resource": resource, "list_url": f"{settings.SITE_URL}{reverse('learning_community:resource-list')}"},
            [resource.added_by.email],
        )
    return resource


@transaction.atomic
def resource_publish(*, resource: Resource, user) -> Resource:
    """Publish a resource: it shows in the library to those its visibility allows."""
    return _moderate(resource, user, ResourceStatus.PUBLISHED, "")


@transaction.atomic
def resource_unpublish(*, resource: Resource, user, reason: str) -> Resource:
    """Take a resource out of the library, saying why (the organisation that shared it is told)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(
            {"reason": "Say why the resource is unpublished: the organisation that shared it is told."}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": "Keep the reason to 500 characters."})
    return _moderate(resource, user, ResourceStatus.UNPUBLISHED, reason)
