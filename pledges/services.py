"""Writes that span several models or send mail: pledge status changes and progress updates.

Views and the admin call these; forms and models do not send mail (see STYLE.md, 2).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import DecimalValidator, MaxLengthValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from essex_anchors.lib.web_links import web_url_validator

from .models import (
    DATE_RANGE_ERROR,
    EARLIEST_DATE,
    EVIDENCE_LINK_MAX_LENGTH,
    LATEST_DATE,
    NARRATIVE_MAX_LENGTH,
    RAG,
    Evidence,
    Pledge,
    PledgeAction,
    PledgeStatus,
    PledgeStatusChange,
    ProgressUpdate,
    Target,
    TargetChange,
    TargetProgress,
    is_secretariat,
)


class StaleEditError(ValidationError):
    """Someone else saved the pledge after this form was opened."""


def _absolute(url: str) -> str:
    return f"{settings.SITE_URL}{url}"


def _mail_after_commit(subject: str, body: str, recipients: Iterable[str]) -> None:
    # A subject with a line break (a title pasted with one, or imported) makes send_mail raise
    # BadHeaderError after the commit: the change is saved but nobody is told. Keep it on one line.
    subject = " ".join(subject.split())
    recipients = sorted({address for address in recipients if address})
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
        )


def _staff_emails(pledge: Pledge) -> list[str]:
    return list(
        User.objects.filter(profile__organisation=pledge.organisation, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


@transaction.atomic
def pledge_change_status(*, pledge: Pledge, status: str, user, comment: str = "") -> Pledge:
    """Move a pledge to `status` if `user` may, record who and when, and email whoever needs to know."""
    pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
    if not pledge.can_move_to(status, user):
        raise PermissionDenied(
            f"A pledge that is “{pledge.get_status_display()}” cannot be moved to “{PledgeStatus(status).label}” by you."
        )
    if status == PledgeStatus.RETURNED and not comment.strip():
        raise ValidationError({"comment": "Say what needs to change before returning the pledge."})
    if status == PledgeStatus.SUBMITTED and not pledge.targets.exists():
        raise ValidationError("Add at least one target before submitting the pledge.")
    previous = pledge.status
    now = timezone.now()
    pledge.status = status
    pledge.version += 1
    update_fields = ["status", "version", "updated_at"]
    if status == PledgeStatus.SUBMITTED:
        pledge.submitted_at = now
        update_fields.append("submitted_at")
    elif status == PledgeStatus.PUBLISHED:
        pledge.published_at = now
        pledge.review_comment = ""
        update_fields += ["published_at", "review_comment"]
    elif status == PledgeStatus.RETURNED:
        pledge.review_comment = comment.strip()
        update_fields.append("review_comment")
    elif status == PledgeStatus.WITHDRAWN:
        pledge.withdrawal_requested = False
        update_fields.append("withdrawal_requested")
    pledge._change_reason = f"{previous} → {status}"
    pledge.save(update_fields=update_fields)
    pledge.refresh_from_db()
    PledgeStatusChange.objects.create(
        pledge=pledge, from_status=previous, to_status=status, changed_by=user, changed_at=now, comment=comment.strip()
    )
    link = _absolute(pledge.get_absolute_url())
    if status == PledgeStatus.SUBMITTED:
        admin_link = _absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
        _mail_after_commit(
            f"Pledge submitted for review: {pledge.title}",
            f"{pledge.organisation} has submitted a pledge for review.\n\n"
            f"Title: {pledge.title}\nLever: {pledge.lever}\n\nReview it here: {admin_link}\n",
            [settings.SECRETARIAT_EMAIL],
        )
    elif status == PledgeStatus.PUBLISHED:
        _mail_after_commit(
            f"Your pledge is published: {pledge.title}",
            f"The secretariat has published your organisation's pledge “{pledge.title}”.\n\n"
            f"It is now public: {link}\n\nPost progress updates from the same page.\n",
            _staff_emails(pledge),
        )
    elif status == PledgeStatus.RETURNED:
        _mail_after_commit(
            f"Your pledge needs changes: {pledge.title}",
            f"The secretariat has returned your organisation's pledge “{pledge.title}” for changes.\n\n"
            f"Their comment:\n{pledge.review_comment}\n\nEdit and resubmit it here: {link}\n",
            _staff_emails(pledge),
        )
    return pledge


@transaction.atomic
def pledge_request_withdrawal(*, pledge: Pledge, user, reason: str) -> Pledge:
    """Anchor staff ask the secretariat to withdraw a published pledge; the secretariat decides."""
    # Locked, so that two requests at once cannot both find no request made yet.
    pledge = Pledge.objects.select_for_update().select_related("organisation").get(pk=pledge.pk)
    pledge.require_action(PledgeAction.REQUEST_WITHDRAWAL, user)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the pledge should be withdrawn."})
    pledge.withdrawal_requested = True
    pledge.withdrawal_reason = reason.strip()
    pledge.save(update_fields=["withdrawal_requested", "withdrawal_reason", "updated_at"])
    admin_link = _absolute(reverse("admin:pledges_pledge_change", args=[pledge.pk]))
    _mail_after_commit(
        f"Withdrawal requested: {pledge.title}",
        f"{pledge.organisation} asks to withdraw the published pledge “{pledge.title}”.\n\n"
        f"Reason:\n{pledge.withdrawal_reason}\n\nDecide here: {admin_link}\n",
        [settings.SECRETARIAT_EMAIL],
    )
    return pledge


def pledge_claim_version(*, pledge_id: int, version: int) -> int:
    """The version a save of a pledge or of its targets writes, for a form opened at `version`.

    Optimistic locking, for every save of a pledge or its targets (the anchor's form, the admin's
    pledge and target pages): the pledge row is locked until the transaction ends, so a concurrent
    save waits and then finds its own version stale; a form opened before someone else's save is
    refused (StaleEditError) rather than silently overwriting it. The caller writes the returned
    version with its save.
    """
    current = Pledge.objects.select_for_update().values_list("version", flat=True).get(pk=pledge_id)
    if current != version:
        raise StaleEditError(
            "Someone else changed this pledge after you opened it. Your changes have not been saved: "
            "reload the page to see their version, then make your changes again."
        )
    return current + 1


TRACKED_TARGET_FIELDS = ("baseline", "target_value", "target_date")


def target_record_added(*, target: Target, user) -> list[TargetChange]:
    """On a public pledge, log a target added after publication (call after saving it)."""
    if not target.pledge.is_public:
        return []
    summary = f"{target.baseline} → {target.target_value} {target.unit} by {target.target_date}"
    return [
        TargetChange.objects.create(target=target, field="target", old_value="—", new_value=summary, changed_by=user)
    ]


def target_record_changes(*, target: Target, user) -> list[TargetChange]:
    """On a public pledge, log each change to a target's baseline, value or date for the public page."""
    if not target.pk or not target.pledge.is_public:
        return []
    before = Target.objects.filter(pk=target.pk).values(*TRACKED_TARGET_FIELDS).first()
    if before is None:
        return []
    changes = [
        TargetChange(
            target=target,
            field=field,
            old_value=str(before[field]),
            new_value=str(getattr(target, field)),
            changed_by=user,
        )
        for field in TRACKED_TARGET_FIELDS
        if before[field] != getattr(target, field)
    ]
    return TargetChange.objects.bulk_create(changes)


def value_field(target_id: int) -> str:
    """The name a target's value goes by in the progress forms, and in progress_problems()'s errors."""
    return f"value_{target_id}"


VALUE_FIELD = TargetProgress._meta.get_field("value")


def progress_date_problem(date, *, start_date: datetime.date | None, today: datetime.date) -> str:
    """Why a progress update cannot have this date ("" when it can): given, not in the future, not before
    the pledge started (when known), and within the portal's date range."""
    if date is None:
        return "Give the date of the progress."
    if date > today:
        return "The date cannot be in the future."
    if start_date is not None and date < start_date:
        return f"The date cannot be before the pledge started on {date_format(start_date, 'j F Y')}."
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        return DATE_RANGE_ERROR
    return ""


def progress_value_problem(value) -> str:
    """Why a target cannot record this value ("" when it can): a number of 0 or more that fits the column."""
    if not isinstance(value, Decimal | int) or not Decimal(value).is_finite():
        return "Enter a number."
    if value < 0:
        return "Enter 0 or more: values cannot be negative."
    try:
        DecimalValidator(VALUE_FIELD.max_digits, VALUE_FIELD.decimal_places)(Decimal(value))
    except ValidationError as error:
        return error.messages[0]
    return ""


def progress_narrative_problem(narrative: str) -> str:
    """A narrative is required, and short enough to be read on the public page."""
    if not narrative.strip():
        return "Write a narrative: what has happened since the last update."
    try:
        MaxLengthValidator(NARRATIVE_MAX_LENGTH)(narrative.strip())
    except ValidationError as error:
        return error.messages[0]
    return ""


def progress_rag_problem(rag: str) -> str:
    if rag and rag not in RAG.values:
        return f"“{rag}” is not a RAG rating: choose red, amber or green, or leave it empty."
    return ""


def progress_link_problem(link: str) -> str:
    """An evidence link is optional; when given, an http(s) web address that fits its column."""
    link = link.strip()
    try:
        if link:
            MaxLengthValidator(EVIDENCE_LINK_MAX_LENGTH)(link)
            web_url_validator(link)
    except ValidationError as error:
        return error.messages[0]
    return ""


def progress_problems(
    *,
    start_date: datetime.date | None,
    target_ids: Iterable[int] | None,
    date,
    narrative: str,
    values: dict[int, Decimal],
    rag: str = "",
    evidence_link: str = "",
    today: datetime.date,
) -> dict[str, list[str]]:
    """Every rule a progress update must meet, as messages keyed by field name (empty when it meets them all).

    "targets" holds values given for targets that are not the pledge's, and each target's value is keyed by
    value_field(). progress_post() refuses an update with any problem; the CSV upload checks each row with
    this before it saves anything, passing None for the pledge's start date and targets when the row names
    no pledge it may post to (the rules that need them are then left out, the others still reported).
    """
    problems = {
        "date": progress_date_problem(date, start_date=start_date, today=today),
        "narrative": progress_narrative_problem(narrative),
        "rag": progress_rag_problem(rag),
        "evidence_link": progress_link_problem(evidence_link),
    }
    unknown = sorted(set(values) - set(target_ids)) if target_ids is not None else []
    if unknown:
        problems["targets"] = (
            f"Target{'s' if len(unknown) > 1 else ''} {', '.join(map(str, unknown))} "
            f"{'are not targets' if len(unknown) > 1 else 'is not a target'} of this pledge."
        )
    if not values:
        problems["values"] = "Give the value reached for at least one target."
    for target_id, value in values.items():
        problems[value_field(target_id)] = progress_value_problem(value)
    return {field: [message] for field, message in problems.items() if message}


def progress_evidence(*, verified: bool, evidence_link: str, evidence_file) -> str:
    """What backs an update: verified when the secretariat says so, evidenced when a link or document is
    attached, self-reported otherwise."""
    if verified:
        return Evidence.VERIFIED
    if evidence_link or evidence_file:
        return Evidence.EVIDENCED
    return Evidence.SELF_REPORTED


@transaction.atomic
def progress_post(
    *,
    pledge: Pledge,
    user,
    date,
    narrative: str,
    values: dict[int, Decimal],
    rag: str = "",
    evidence_link: str = "",
    evidence_file=None,
    verified: bool = False,
) -> ProgressUpdate:
    """Record a progress update with a value per target, if it meets every rule of progress_problems().

    Raises ValidationError keyed by field name, PermissionDenied for a user who may not post it (or mark it
    verified). Each target given a value then takes its latest value from Target.refresh_latest().
    """
    pledge.require_action(PledgeAction.POST_PROGRESS, user)
    if verified and not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can mark progress as verified.")
    # The pledge, then its targets: the order every writer of a pledge's progress locks them in
    # (Pledge.refresh_newest_update locks the pledge again when the update is saved).
    Pledge.objects.select_for_update().filter(pk=pledge.pk).values_list("pk").first()
    targets = {target.pk: target for target in pledge.targets.select_for_update()}
    narrative, evidence_link = narrative.strip(), evidence_link.strip()
    problems = progress_problems(
        start_date=pledge.start_date,
        target_ids=targets,
        date=date,
        narrative=narrative,
        values=values,
        rag=rag,
        evidence_link=evidence_link,
        today=timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    update = ProgressUpdate.objects.create(
        pledge=pledge,
        date=date,
        narrative=narrative,
        rag=rag,
        evidence=progress_evidence(verified=verified, evidence_link=evidence_link, evidence_file=evidence_file),
        evidence_link=evidence_link,
        evidence_file=evidence_file or "",
        created_by=user,
    )
    TargetProgress.objects.bulk_create(
        [TargetProgress(update=update, target_id=target_id, value=value) for target_id, value in values.items()]
    )
    for target_id in values:
        targets[target_id].refresh_latest()
    return update
