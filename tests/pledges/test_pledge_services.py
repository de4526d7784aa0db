"""Service functions: progress keeps each target's latest value; target changes are logged; stale edits refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import services
from pledges.models import Evidence, PledgeStatus, TargetChange


def _values(pledge, *numbers):
    return dict(zip(pledge.targets.values_list("pk", flat=True), [Decimal(n) for n in numbers], strict=False))


def test_it_keeps_the_latest_value_on_each_target(published_pledge, member):
    services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 9, 30),
        narrative="Half year",
        values=_values(published_pledge, "1500000", "3"),
    )
    sme, events = published_pledge.targets.all()
    assert (sme.latest_value, sme.latest_on, sme.percent_complete) == (
        Decimal("1500000"),
        datetime.date(2026, 9, 30),
        50,
    )
    assert events.percent_complete == 37


def test_it_does_not_let_an_older_update_replace_the_latest_value(published_pledge, member):
    services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 9, 30),
        narrative="Half year",
        values=_values(published_pledge, "1500000"),
    )
    services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 6, 30),
        narrative="Late report for Q1",
        values=_values(published_pledge, "1200000"),
    )
    sme = published_pledge.targets.first()
    assert sme.latest_value == Decimal("1500000")
    assert sme.progress.count() == 2


def test_it_sets_the_evidence_status_from_what_backs_the_update(published_pledge, member, secretariat):
    plain = services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 9, 30),
        narrative="x",
        values=_values(published_pledge, "1"),
    )
    linked = services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 10, 30),
        narrative="x",
        values=_values(published_pledge, "2"),
        evidence_link="https://www.essex.gov.uk/report.pdf",
    )
    verified = services.progress_post(
        pledge=published_pledge,
        user=secretariat,
        date=datetime.date(2026, 11, 1),
        narrative="x",
        values=_values(published_pledge, "3"),
        verified=True,
    )
    assert [plain.evidence, linked.evidence, verified.evidence] == [
        Evidence.SELF_REPORTED,
        Evidence.EVIDENCED,
        Evidence.VERIFIED,
    ]
    with pytest.raises(PermissionDenied):
        services.progress_post(
            pledge=published_pledge,
            user=member,
            date=datetime.date(2026, 11, 2),
            narrative="x",
            values=_values(published_pledge, "4"),
            verified=True,
        )


def test_it_refuses_progress_from_another_organisation(published_pledge, other_member):
    with pytest.raises(PermissionDenied):
        services.progress_post(
            pledge=published_pledge,
            user=other_member,
            date=datetime.date(2026, 9, 30),
            narrative="x",
            values=_values(published_pledge, "1"),
        )


def test_it_refuses_progress_on_a_draft(draft_pledge, member):
    with pytest.raises(ValidationError):
        services.progress_post(
            pledge=draft_pledge,
            user=member,
            date=datetime.date(2026, 9, 30),
            narrative="x",
            values=_values(draft_pledge, "1"),
        )


def test_it_refuses_a_value_for_another_pledges_target(published_pledge, member, other_organisation):
    with pytest.raises(ValidationError):
        services.progress_post(
            pledge=published_pledge,
            user=member,
            date=datetime.date(2026, 9, 30),
            narrative="x",
            values={999999: Decimal("1")},
        )
    assert published_pledge.progress_updates.count() == 0


def test_it_logs_target_changes_only_once_published(draft_pledge, published_pledge, secretariat):
    target = published_pledge.targets.first()
    target.baseline = Decimal("900000")
    target.target_date = datetime.date(2029, 3, 31)
    services.target_record_changes(target=target, user=secretariat)
    changes = {c.field: (c.old_value, c.new_value) for c in TargetChange.objects.all()}
    assert changes == {
        "baseline": ("1000000.00", "900000"),
        "target_date": ("2028-03-31", "2029-03-31"),
    }


def test_it_does_not_log_changes_to_a_draft(draft_pledge, member):
    target = draft_pledge.targets.first()
    target.baseline = Decimal("5")
    assert services.target_record_changes(target=target, user=member) == []


def test_it_refuses_a_stale_version(draft_pledge):
    assert services.pledge_claim_version(pledge_id=draft_pledge.pk, version=draft_pledge.version) == (
        draft_pledge.version + 1
    )
    with pytest.raises(services.StaleEditError, match="Someone else changed this pledge"):
        services.pledge_claim_version(pledge_id=draft_pledge.pk, version=draft_pledge.version - 1)


def test_it_refuses_to_submit_a_pledge_without_targets(draft_pledge, member):
    draft_pledge.targets.all().delete()
    with pytest.raises(ValidationError, match="at least one target"):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)


def test_it_only_lets_the_pledges_own_organisation_ask_to_withdraw(published_pledge, member, other_member):
    with pytest.raises(PermissionDenied):
        services.pledge_request_withdrawal(pledge=published_pledge, user=other_member, reason="no")
    with pytest.raises(ValidationError):
        services.pledge_request_withdrawal(pledge=published_pledge, user=member, reason="   ")
    services.pledge_request_withdrawal(pledge=published_pledge, user=member, reason="Programme ended")
    published_pledge.refresh_from_db()
    assert published_pledge.withdrawal_requested
    assert published_pledge.status == PledgeStatus.PUBLISHED
