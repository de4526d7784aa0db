"""Shared fixtures: the seed's reference data and a small cast of users.

The cast: `member` works for Essex County Council, `other_member` for Basildon Borough
Council, `secretariat` is Essex Partners staff with admin access. All use PASSWORD.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from essex_anchors.lib.roles import make_secretariat
from pledges.models import Lever, Measure, Organisation, Pledge, PledgeStatus, Profile, Target
from tests.lifecycle import move_to

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public figures must not leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reference_data(db):
    """The seed's organisations, levers, approaches, measures and SVLC data, as `make run` loads them."""
    call_command("load_reference_data", verbosity=0, stdout=open("/dev/null", "w"))


@pytest.fixture
def organisation(reference_data):
    return Organisation.objects.get(slug="essex-county-council")


@pytest.fixture
def other_organisation(reference_data):
    return Organisation.objects.get(slug="basildon-borough-council")


@pytest.fixture
def lever(reference_data):
    return Lever.objects.get(slug="procurement-of-goods-and-services")


def _user(username, organisation=None, **extra):
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
    if organisation is not None:
        Profile.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def member(organisation):
    return _user("alice", organisation, first_name="Alice", last_name="Anchor")


@pytest.fixture
def other_member(other_organisation):
    return _user("bob", other_organisation, first_name="Bob", last_name="Basildon")


@pytest.fixture
def secretariat(reference_data):
    user = _user("charlie", first_name="Charlie", last_name="Partners")
    make_secretariat(user)
    return user


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def other_member_client(client, other_member):
    client.force_login(other_member)
    return client


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.fixture
def draft_pledge(organisation, lever, member):
    """A draft pledge of Essex County Council with two targets."""
    pledge = Pledge.objects.create(
        organisation=organisation,
        lever=lever,
        approach=lever.approaches.get(name="Meet the Buyers"),
        title="Double our spend with Essex SMEs",
        commitment="We will run quarterly meet the buyer events and open lots to local SMEs.",
        start_date=datetime.date(2026, 4, 1),
        target_date=datetime.date(2028, 3, 31),
        public_contact="procurement@essex.gov.uk",
        created_by=member,
    )
    Target.objects.create(
        pledge=pledge,
        measure=Measure.objects.get(slug="spend-smes"),
        baseline=Decimal("1000000"),
        target_value=Decimal("2000000"),
        target_date=datetime.date(2028, 3, 31),
    )
    Target.objects.create(
        pledge=pledge,
        measure=Measure.objects.get(slug="meet-the-buyer-events"),
        baseline=Decimal("0"),
        target_value=Decimal("8"),
        target_date=datetime.date(2028, 3, 31),
    )
    return pledge


@pytest.fixture
def published_pledge(draft_pledge):
    """The draft pledge, published (as the secretariat's review would leave it)."""
    return move_to(draft_pledge, PledgeStatus.PUBLISHED)
