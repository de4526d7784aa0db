"""Fixtures of the fuzz suite: one hypothesis profile, files on disk in a throwaway folder, limits out of the way.

The cast is the shared one (tests/conftest.py): alice (Essex County Council), bob (Basildon), charlie (the
secretariat). Each test asks for the client of the person it fuzzes as (tests/fuzz/checks.py: `signed_in`).
"""

import pytest
from hypothesis import HealthCheck, settings

# Fast and the same on every run: examples are derived from the test's name, never stored, never timed.
settings.register_profile(
    "fuzz",
    derandomize=True,
    deadline=None,
    database=None,
    max_examples=30,
    print_blob=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
from tests.security.conftest import media_root  # noqa: E402, F401  uploaded files go to tmp_path


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """Hundreds of posts in one test: the rate limits (tests/security/test_rate_limits.py) would answer 429."""
    settings.RATE_LIMITS = {name: (10**9, window) for name, (_limit, window) in settings.RATE_LIMITS.items()}
