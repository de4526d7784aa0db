"""Pledge and Target rules: who may move a pledge between statuses, what a valid pledge and target are,
who is emailed when, and the dashboard's queryset methods."""

import datetime
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pledges import services
from pledges.models import TRANSITIONS, Approach, Measure, Pledge, PledgeStatus, Target
from tests.lifecycle import move_to

ACTORS = ["anonymous", "member", "other_member", "secretariat"]


def expected(from_status, to_status, actor) -> bool:
    """The rule as the issue states it: anchor staff of the pledge's organisation submit; the secretariat
    also submits for them and alone publishes, returns and closes; nobody else moves anything."""
    rule = TRANSITIONS.get((from_status, to_status))
    if rule == "anchor":
        return actor in ("member", "secretariat")
    if rule == "secretariat":
        return actor == "secretariat"
    return False


@pytest.fixture
def actors(member, other_member, secretariat):
    return {"anonymous": AnonymousUser(), "member": member, "other_member": other_member, "secretariat": secretariat}


def test_it_allows_exactly_the_listed_transitions_for_each_actor(draft_pledge, actors):
    for from_status, to_status, actor in product(PledgeStatus.values, PledgeStatus.values, ACTORS):
        draft_pledge.status = from_status
        allowed = draft_pledge.can_move_to(to_status, actors[actor])
        assert allowed == expected(from_status, to_status, actor), (from_status, to_status, actor)


def test_the_transitions_follow_the_lifecycle():
    assert set(TRANSITIONS) == {
        ("draft", "submitted"),
        ("returned", "submitted"),
        ("submitted", "published"),
        ("submitted", "returned"),
        ("published", "achieved"),
        ("published", "not_achieved"),
        ("published", "withdrawn"),
    }


@pytest.mark.parametrize("actor", ["anonymous", "other_member"])
def test_it_refuses_a_submission_by_an_outsider(draft_pledge, actors, actor):
    with pytest.raises(PermissionDenied):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=actors[actor])
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.DRAFT and not draft_pledge.status_changes.exists()


def test_it_refuses_publication_by_anchor_staff(draft_pledge, member):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    with pytest.raises(PermissionDenied):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.PUBLISHED, user=member)
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.SUBMITTED


def test_it_refuses_to_skip_review(draft_pledge, secretariat):
    with pytest.raises(PermissionDenied):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.PUBLISHED, user=secretariat)


def test_it_refuses_a_return_without_a_comment(draft_pledge, member, secretariat):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    with pytest.raises(ValidationError):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.RETURNED, user=secretariat, comment=" ")


def test_it_records_each_step_and_bumps_the_version(draft_pledge, member, secretariat):
    version = draft_pledge.version
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.PUBLISHED, user=secretariat)
    draft_pledge.refresh_from_db()
    assert draft_pledge.version == version + 2 and draft_pledge.published_at is not None
    steps = list(draft_pledge.status_changes.values_list("from_status", "to_status", "changed_by__username"))
    assert steps == [("draft", "submitted", "alice"), ("submitted", "published", "charlie")]


def test_it_emails_the_secretariat_on_submission_after_commit(
    draft_pledge, member, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [[settings.SECRETARIAT_EMAIL]]
    assert mail.outbox[0].subject == "Pledge submitted for review: Double our spend with Essex SMEs"


def test_it_emails_the_organisations_staff_on_publication(
    draft_pledge, member, other_member, secretariat, django_capture_on_commit_callbacks
):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.PUBLISHED, user=secretariat)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]  # not Basildon's bob
    assert mail.outbox[0].subject.startswith("Your pledge is published")


def test_it_emails_the_organisations_staff_the_comment_on_return(
    draft_pledge, member, secretariat, django_capture_on_commit_callbacks
):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(
            pledge=draft_pledge, status=PledgeStatus.RETURNED, user=secretariat, comment="Name the SME definition."
        )
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "Name the SME definition." in mail.outbox[0].body
    draft_pledge.refresh_from_db()
    assert draft_pledge.review_comment == "Name the SME definition."


def test_it_lets_only_its_organisation_and_the_secretariat_edit_a_draft(draft_pledge, actors):
    assert [actor for actor in ACTORS if draft_pledge.can_edit(actors[actor])] == ["member", "secretariat"]
    draft_pledge.status = PledgeStatus.RETURNED
    assert draft_pledge.can_edit(actors["member"])
    for status in (PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED, PledgeStatus.WITHDRAWN):
        draft_pledge.status = status
        assert not draft_pledge.can_edit(actors["member"])


# --- Validation with full_clean on unsaved objects ---


def valid_pledge(organisation, lever, **fields) -> Pledge:
    values = {
        "organisation": organisation,
        "lever": lever,
        "title": "A pledge",
        "commitment": "We will.",
        "start_date": datetime.date(2026, 4, 1),
        "target_date": datetime.date(2027, 3, 31),
        "public_contact": "team@example.org",
        **fields,
    }
    return Pledge(**values)


def test_a_valid_pledge_passes_full_clean(organisation, lever):
    valid_pledge(organisation, lever, approach=lever.approaches.first()).full_clean()


@pytest.mark.parametrize("target_date", [datetime.date(2026, 4, 1), datetime.date(2025, 1, 1)])
def test_a_pledge_must_end_after_it_starts(organisation, lever, target_date):
    with pytest.raises(ValidationError) as error:
        valid_pledge(organisation, lever, target_date=target_date).full_clean()
    assert error.value.message_dict["target_date"] == ["The target date must be after the start date."]


def test_a_pledge_approach_must_belong_to_its_lever(organisation, lever):
    job_carving = Approach.objects.get(name="Job Carving")
    with pytest.raises(ValidationError) as error:
        valid_pledge(organisation, lever, approach=job_carving).full_clean()
    assert "is not an approach of the lever" in error.value.message_dict["approach"][0]


def test_a_pledge_title_is_at_most_200_characters(organisation, lever):
    with pytest.raises(ValidationError) as error:
        valid_pledge(organisation, lever, title="x" * 201).full_clean()
    assert "title" in error.value.message_dict


def target(draft_pledge, **fields) -> Target:
    values = {
        "pledge": draft_pledge,
        "measure": Measure.objects.get(slug="spend-smes"),
        "baseline": Decimal("0"),
        "target_value": Decimal("10"),
        "target_date": datetime.date(2028, 1, 1),
        **fields,
    }
    return Target(**values)


def test_a_catalogue_target_is_valid(draft_pledge):
    target(draft_pledge).full_clean()


def test_a_new_measure_with_its_unit_is_valid(draft_pledge):
    target(draft_pledge, measure=None, custom_measure="Trees planted", custom_unit="trees").full_clean()


def test_a_reduction_target_below_its_baseline_is_valid(draft_pledge):
    target(draft_pledge, baseline=Decimal("100"), target_value=Decimal("40")).full_clean()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"measure": None}, "measure", "Choose a measure from the catalogue"),
        ({"custom_measure": "Trees planted", "custom_unit": "trees"}, "custom_measure", "Leave the new measure empty"),
        ({"measure": None, "custom_measure": "Trees planted"}, "custom_unit", "Give the unit of the new measure"),
        ({"target_value": Decimal("0")}, "target_value", "The target must differ from the baseline."),
        ({"target_value": None}, "target_value", "This field cannot be null."),
        ({"target_date": None}, "target_date", "This field cannot be null."),
    ],
)
def test_an_invalid_target_is_refused_with_a_message(draft_pledge, fields, field, message):
    with pytest.raises(ValidationError) as error:
        target(draft_pledge, **fields).full_clean()
    assert message in " ".join(error.value.message_dict[field])


# --- The /my/ dashboard's queryset methods ---


def test_it_groups_pledges_by_status_in_one_query(draft_pledge, django_assert_num_queries):
    move_to(draft_pledge, PledgeStatus.NOT_ACHIEVED)
    with django_assert_num_queries(1):
        groups = Pledge.objects.with_dashboard_figures().grouped_by_status()
    assert [key for key, _, _ in groups] == ["draft", "returned", "submitted", "published", "closed"]
    closed = dict((key, pledges) for key, _, pledges in groups)["closed"]
    assert closed == [draft_pledge] and closed[0].target_count == 2 and closed[0].last_progress_on is None


def test_it_lists_pledges_waiting_on_the_secretariat(draft_pledge, published_pledge):
    assert list(Pledge.objects.awaiting_review()) == []
    assert list(Pledge.objects.awaiting_withdrawal()) == []
    Pledge.objects.filter(pk=published_pledge.pk).update(withdrawal_requested=True)
    assert list(Pledge.objects.awaiting_withdrawal()) == [published_pledge]


def test_it_asks_for_progress_once_a_pledge_has_been_quiet_since_a_date(published_pledge):
    since = timezone.localdate() - datetime.timedelta(days=90)
    assert not Pledge.objects.needing_progress(since).exists()  # published today: not due yet
    Pledge.objects.filter(pk=published_pledge.pk).update(published_at=timezone.now() - datetime.timedelta(days=91))
    assert list(Pledge.objects.needing_progress(since)) == [published_pledge]
