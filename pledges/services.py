"""Writes that span several models or send mail: pledge status changes and progress updates.

Views and the admin call these; forms and models do not send mail (see STYLE.md, 2).
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .cache import invalidate_public_figures
from .models import (
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
    """Record a progress update with a value per target and keep each target's latest value current.

    The evidence status follows what backs the update: verified only when the secretariat says so,
    evidenced when a link or document is attached, self-reported otherwise.
    """
    if not pledge.accepts_progress:
        raise ValidationError("Progress can only be posted on a published pledge.")
    if not pledge.is_managed_by(user):
        raise PermissionDenied("Only staff of the pledge's organisation can post its progress.")
    targets = {target.pk: target for target in pledge.targets.select_for_update()}
    unknown = set(values) - set(targets)
    if unknown:
        raise ValidationError("A value was given for a target that does not belong to this pledge.")
    if not values:
        raise ValidationError("Give the value reached for at least one target.")
    if verified and not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can mark progress as verified.")
    if verified:
        evidence = Evidence.VERIFIED
    elif evidence_link or evidence_file:
        evidence = Evidence.EVIDENCED
    else:
        evidence = Evidence.SELF_REPORTED
    update = ProgressUpdate.objects.create(
        pledge=pledge,
        date=date,
        narrative=narrative,
        rag=rag,
        evidence=evidence,
        evidence_link=evidence_link,
        evidence_file=evidence_file or "",
        created_by=user,
    )
    TargetProgress.objects.bulk_create(
        [TargetProgress(update=update, target_id=target_id, value=value) for target_id, value in values.items()]
    )
    for target_id, value in values.items():
        target = targets[target_id]
        # An update dated before the latest one is history: it does not replace the latest value.
        if target.latest_on is None or date >= target.latest_on:
            target.latest_value, target.latest_on = value, date
            target.save(update_fields=["latest_value", "latest_on"])
    invalidate_public_figures()
    return update
