"""Shared fixtures: the seed's reference data and a small cast of users.

The cast: `member` works for Essex County Council, `other_member` for Basildon Borough
Council, `secretariat` is Essex Partners staff with admin access. All use PASSWORD.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models.signals import post_save

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


@pytest.fixture(scope="session")
def _reference_rows(django_db_setup, django_db_blocker):
    """The rows `load_reference_data` writes (history included), captured once per test process.

    Loading the seed takes about half a second and most tests need it; writing the same rows back
    with one bulk insert per table takes a few milliseconds, so tests get exactly what the command
    writes without running it each time. tests/test_reference_rows.py checks the copy stays exact.
    """
    order = []

    def note(sender, **kwargs):
        if sender not in order:
            order.append(sender)

    all_models = apps.get_models(include_auto_created=True)
    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: list(model._base_manager.values_list("pk", flat=True)) for model in all_models}
        post_save.connect(note)
        try:
            call_command("load_reference_data", verbosity=0, stdout=open("/dev/null", "w"))
        finally:
            post_save.disconnect(note)
        # Rows written in bulk (no signal), then many-to-many rows, after the rows they join.
        order += [model for model in all_models if not model._meta.auto_created and model not in order]
        order += [model for model in all_models if model._meta.auto_created and model not in order]
        rows = []
        for model in order:
            names = [field.attname for field in model._meta.concrete_fields]
            new = model._base_manager.exclude(pk__in=before[model]).order_by("pk").values(*names)
            rows.append((model, list(new)))
        transaction.set_rollback(True)
    return [(model, model_rows) for model, model_rows in rows if model_rows]


@pytest.fixture
def reference_data(db, _reference_rows):
    """The seed's organisations, levers, approaches, measures and SVLC data, as `make run` loads them."""
    for model, rows in _reference_rows:
        model._base_manager.bulk_create([model(**row) for row in rows])
    # Explicit ids do not move PostgreSQL's sequences: move them past the copied rows.
    statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _ in _reference_rows])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


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
