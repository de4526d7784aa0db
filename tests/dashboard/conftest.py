"""Fixtures of the dashboard tests: an empty cache and the hand-computed network (see network.py)."""

import pytest
from django.core.cache import cache

from .network import build_network


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures must not leak from one test to the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def network(reference_data):
    return build_network()
