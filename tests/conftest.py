"""Shared fixtures: the seed's reference data and a small cast of users."""

import pytest
from django.core.management import call_command

from pledges.models import Lever, Organisation


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
