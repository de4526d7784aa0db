"""Fixtures for the API: a small published world, and API tokens made through the service."""

import datetime

import pytest

from api import services as api_services
from learning_community.models import Decision, DecisionOutcome, MeetingStatus
from pledges.models import Lever, PledgeStatus
from spend import services as spend_services
from spend.models import Baseline
from tests.learning_community.conftest import london, make_meeting
from tests.lifecycle import reviewer
from tests.pledges.pledge_builders import make_pledges, post_progress
from tests.security.conftest import make_pledge
from tests.spend.spend_builders import import_payments


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def public_world(organisation, other_organisation, lever, member, other_member):
    """Public pledges of two organisations with progress, hidden pledges in every private status, a meeting with
    a public and a members-only decision, and a published and a held spend baseline."""
    employer = Lever.objects.get(slug="employer")
    essex = make_pledges(3, organisation=organisation, lever=lever, title="Essex")
    basildon = make_pledges(2, organisation=other_organisation, lever=employer, title="Basildon")
    achieved = make_pledges(1, organisation=organisation, lever=lever, status=PledgeStatus.ACHIEVED, title="Done")
    hidden = {
        status: make_pledge(other_organisation, lever, status=status, title=f"HIDDEN-{status}")
        for status in (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED)
    }
    meeting = make_meeting(london(2026, 1, 13), status=MeetingStatus.HELD)
    Decision.objects.create(
        meeting=meeting, text="Agreed the method in public", outcome=DecisionOutcome.NO_CONSENSUS, public=True
    )
    Decision.objects.create(meeting=meeting, text="HIDDEN members-only decision", outcome=DecisionOutcome.DEFERRED)
    published_file = import_payments(organisation, year=2024)
    held_file = import_payments(other_organisation, year=2024)
    published = Baseline.objects.get(spend_file=published_file)
    spend_services.baseline_publish(baseline=published, user=reviewer())
    return {
        "essex": essex,
        "basildon": basildon,
        "achieved": achieved,
        "hidden": hidden,
        "meeting": meeting,
        "published_baseline": published,
        "held_baseline": Baseline.objects.get(spend_file=held_file),
    }


@pytest.fixture
def token(member):
    """Alice's token for Essex County Council, with its secret."""
    token, secret = api_services.token_create(user=member, name="Performance system")
    token.secret = secret
    return token


def progress_body(pledge, value=12, **extra):
    target = pledge.targets.order_by("pk").first()
    return {
        "date": extra.pop("date", "2026-07-01"),
        "narrative": extra.pop("narrative", "Twelve local residents hired this quarter."),
        "values": extra.pop("values", {str(target.pk): value}),
        **extra,
    }


__all__ = ["datetime", "post_progress", "progress_body"]
