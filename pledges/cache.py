"""The generation of the public figures (dashboard, home page, open data) held in the cache.

The dashboard caches its figures under a key that includes this generation. A new generation makes
every cached figure stale at once, whatever filters it was computed for, without having to know
their keys. It lives in `pledges` because the services that change pledges must not import the
dashboard.

Who renews it: nobody by hand. `renew_on_every_write(models)` connects a receiver to the save and
delete signals of the models the public figures are computed from (the dashboard declares them in
dashboard.figures.PUBLIC_FIGURE_MODELS and connects them when the app is ready), so every write path
(a form, a service, the admin and its actions, an import, a command) renews it. A queryset
`update()` or `bulk_create()` sends no signal: code that writes those models in bulk calls
invalidate_public_figures() itself (none does today outside tests and benchmarks).
Cached figures also expire after settings.PUBLIC_FIGURES_CACHE_SECONDS.

Serving while one recomputes: `latest(name, compute)` is the one way anything cached under the
generation is read. When the generation has moved on, the first request to ask takes a lock and
recomputes; every other request meanwhile is served the last value, which carries the time it was
computed (`Computed.computed_at`, shown on the pages). So a write renews the figures without every
process recomputing ~0.4-1 s of aggregate SQL at once (a stampede) for each request that arrives
before the first recompute lands (bench/README.md, "Public pages under load").
"""

import dataclasses
import datetime
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

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


@dataclasses.dataclass(frozen=True)
class Computed:
    """A value computed for the public, with the generation it was computed under and when."""

    value: object
    generation: str
    computed_at: datetime.datetime

    def is_current(self, generation: str) -> bool:
        age = (timezone.now() - self.computed_at).total_seconds()
        return self.generation == generation and age < settings.PUBLIC_FIGURES_CACHE_SECONDS


# How long one request may hold the right to recompute before another may take it (a crashed worker).
COMPUTE_LOCK_SECONDS = 30
# A stale value is kept this long for serving while the recompute runs.
KEEP_STALE_SECONDS = 24 * 60 * 60
# A request with nothing at all to serve waits for the one computing at most this long, then computes.
WAIT_SECONDS = 10
WAIT_STEP_SECONDS = 0.05


def latest(name: str, compute) -> Computed:
    """compute() for the current generation, computed by one request at a time; the last value meanwhile."""
    generation = public_figures_generation()
    key = f"public-figures:{name}"
    entry = cache.get(key)
    if entry is not None and entry.is_current(generation):
        return entry
    lock = f"{key}:computing"
    if cache.add(lock, generation, timeout=COMPUTE_LOCK_SECONDS):
        try:
            entry = Computed(compute(), generation, timezone.now())
            cache.set(key, entry, timeout=KEEP_STALE_SECONDS)
        finally:
            cache.delete(lock)
        return entry
    if entry is not None:
        return entry  # stale: another request is computing the new value
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry
    return Computed(compute(), generation, timezone.now())


def invalidate_public_figures() -> None:
    """Mark every cached public figure stale, once the current transaction commits.

    After commit, so that no request can compute figures from the data before this write and cache
    them under the new generation.
    """
    transaction.on_commit(_new_generation)


def _renew(sender, **kwargs) -> None:
    invalidate_public_figures()


def renew_on_every_write(models) -> None:
    """Renew the public figures after every save and delete of any of `models`."""
    for model in models:
        uid = f"public-figures:{model._meta.label}"
        post_save.connect(_renew, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_renew, sender=model, dispatch_uid=f"{uid}:delete")
