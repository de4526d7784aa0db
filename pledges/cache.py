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
"""

import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

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


def _renew(sender, **kwargs) -> None:
    invalidate_public_figures()


def renew_on_every_write(models) -> None:
    """Renew the public figures after every save and delete of any of `models`."""
    for model in models:
        uid = f"public-figures:{model._meta.label}"
        post_save.connect(_renew, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_renew, sender=model, dispatch_uid=f"{uid}:delete")
