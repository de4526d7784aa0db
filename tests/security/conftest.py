"""Fixtures for the security review: another organisation's pledges in every status, files on disk.

The cast is the shared one (tests/conftest.py): alice works for Essex County Council, bob for
Basildon Borough Council, charlie is the secretariat. Here bob's organisation owns the objects
alice must not reach, and Essex County Council's pledges are the ones bob must not reach.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from pledges.models import Measure, Pledge, PledgeStatus, Target
from tests.lifecycle import move_to


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Public figures cached by an earlier test must not hide (or fake) what this one checks."""
    cache.clear()


def make_pledge(organisation, lever, *, status=PledgeStatus.DRAFT, title="A pledge", **fields) -> Pledge:
    """A pledge of `organisation` taken to `status` through the review, with one target (local residents hired, 0 → 25)."""
    pledge = Pledge.objects.create(
        organisation=organisation,
        lever=lever,
        title=title,
        commitment=fields.pop("commitment", "We commit to something."),
        start_date=datetime.date(2026, 4, 1),
        target_date=datetime.date(2028, 3, 31),
        public_contact=fields.pop("public_contact", "team@example.org"),
        **fields,
    )
    Target.objects.create(
        pledge=pledge,
        measure=Measure.objects.get(slug="local-residents-hired"),
        baseline=Decimal("0"),
        target_value=Decimal("25"),
        target_date=datetime.date(2028, 3, 31),
    )
    return move_to(pledge, status)


@pytest.fixture
def other_draft(other_organisation, lever):
    """Basildon's draft: alice must not see, edit, submit or post progress on it."""
    return make_pledge(other_organisation, lever, title="Basildon secret draft")


@pytest.fixture
def other_published(other_organisation, lever):
    """Basildon's published pledge: public to read, but only Basildon staff may change it."""
    return make_pledge(other_organisation, lever, status=PledgeStatus.PUBLISHED, title="Basildon public pledge")


@pytest.fixture
def hidden_pledges(other_organisation, lever):
    """One Basildon pledge in each status the public must never see, with a title that says so."""
    return {
        status: make_pledge(other_organisation, lever, status=status, title=f"HIDDEN-{status}-pledge")
        for status in (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED, PledgeStatus.RETURNED)
    }


# One object for every URL parameter, for the tests that walk the whole URL conf.
from .url_walk import world  # noqa: E402, F401
