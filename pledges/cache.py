"""The generation of the public figures (dashboard, home page, open data) held in the cache.

The dashboard caches its figures under a key that includes this generation. Every write that can
change a public figure calls invalidate_public_figures(): a new generation makes every cached
figure stale at once, whatever filters it was computed for, without having to know their keys.
It lives in `pledges` because the services that change pledges must not import the dashboard.

Who calls it: services.pledge_change_status, services.progress_post, services.target_record_changes,
and the admin's saves and deletes of pledges, targets, progress updates, organisations and levers.
Cached figures also expire after settings.PUBLIC_FIGURES_CACHE_SECONDS, so a write that forgets to
call it is stale for minutes, not for ever.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "public-figures:generation"


def public_figures_generation() -> str:
    """The current generation; starts a new one if the cache has none (first use, restart or eviction)."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def invalidate_public_figures() -> None:
    """Mark every cached public figure stale, once the current transaction commits.

    After commit, so that no request can compute figures from the data before this write and cache
    them under the new generation.
    """
    transaction.on_commit(_new_generation)
