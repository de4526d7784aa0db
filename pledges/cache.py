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
recomputes, in a thread of its own (settings.PUBLIC_FIGURES_RENEW_IN_BACKGROUND), while it and every other
request meanwhile are served the last value, which carries the time it was computed
(`Computed.computed_at`, shown on the pages). Only a value with nothing to serve yet is computed while
a request waits. So a write renews the figures without every
process recomputing ~0.4-1 s of aggregate SQL at once (a stampede) for each request that arrives
before the first recompute lands (bench/README.md, "Public pages under load"). And a value is
recomputed at most once in settings.PUBLIC_FIGURES_REFRESH_SECONDS (10 s) however often anchors
write: without that, one anchor writing every second kept a recompute running all the time, and the
dashboard's p95 rose fourfold while no request waited for it.
"""

import dataclasses
import datetime
import functools
import hashlib
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone

from essex_anchors.lib.replicas import primary_reads

logger = logging.getLogger(__name__)

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
        """Fit to serve without a recompute: computed under this generation, or too recently to recompute yet.

        A value younger than PUBLIC_FIGURES_REFRESH_SECONDS is served even after a write: however
        often anchors write, each value is recomputed at most once in that time, and the page says
        when it was computed. None is older than PUBLIC_FIGURES_CACHE_SECONDS.
        """
        age = (timezone.now() - self.computed_at).total_seconds()
        if age >= settings.PUBLIC_FIGURES_CACHE_SECONDS:
            return False
        return self.generation == generation or age < settings.PUBLIC_FIGURES_REFRESH_SECONDS


# How long one request may hold the right to recompute before another may take it (a crashed worker).
COMPUTE_LOCK_SECONDS = 30
# A stale value is kept this long for serving while the recompute runs.
KEEP_STALE_SECONDS = 24 * 60 * 60
# A request with nothing at all to serve waits for the one computing at most this long, then computes.
WAIT_SECONDS = 10
WAIT_STEP_SECONDS = 0.05


def latest(name: str, compute, *, keep_stale: int = KEEP_STALE_SECONDS) -> Computed:
    """compute() for the current generation, computed by one request at a time; the last value meanwhile."""
    generation = public_figures_generation()
    key = f"public-figures:{_short(name)}"
    entry = cache.get(key)
    if entry is not None and entry.is_current(generation):
        return entry
    stale = entry is not None
    if stale and not _take_recompute_slot():
        return entry  # another value is being renewed somewhere on the site: this one waits its turn
    lock = f"{key}:computing"
    if cache.add(lock, generation, timeout=COMPUTE_LOCK_SECONDS):
        if stale and _renews_in_background():
            _renew_in_background(key, lock, compute, generation, keep_stale)
            return entry  # the last value, at once: the renewal lands for the requests after this one
        started = time.monotonic()
        try:
            entry = _compute(compute, generation)
            cache.set(key, entry, timeout=keep_stale)
        finally:
            cache.delete(lock)
            if stale:
                _release_recompute_slot(time.monotonic() - started)
        return entry
    if stale:
        _release_recompute_slot(0)
        return entry  # stale: another request is computing the new value
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(WAIT_STEP_SECONDS)
        entry = cache.get(key)
        if entry is not None:
            return entry
        if cache.get(lock) is None:
            # Nobody holds the lock, yet nothing was kept: the one computing failed, or the cache keeps
            # nothing (Redis down: essex_anchors.lib.cache). Compute now rather than wait out WAIT_SECONDS.
            return cache.get(key) or _compute(compute, generation)
    return _compute(compute, generation)


def _short(name: str) -> str:
    """A name short enough for any cache's keys: long ones (filters from a long query string) by their digest."""
    return name if len(name) <= 100 else hashlib.sha256(name.encode()).hexdigest()


RECOMPUTE_SLOT_KEY = "public-figures:renewing"
_renewing = threading.local()


def _take_recompute_slot() -> bool:
    """The right to renew a stale value, which one request on the whole site holds at a time.

    After a write every value kept under the generation goes stale at once: the dashboard's figures
    for each filter someone has asked for (0.3-0.7 s of SQL each at 100,000 pledges), every kept page.
    Renewed each on its own, with writers writing, they kept both cores busy (bench/README.md, "Load").
    So stale values are renewed one at a time across the site, and after each renewal none starts for
    PUBLIC_FIGURES_RENEWAL_PAUSE times as long as it took: renewals take at most about half of one
    process. Meanwhile everyone is served the last value (it says when it was computed). A value with
    nothing to serve yet is computed at once, outside this.
    """
    if not settings.PUBLIC_FIGURES_RENEWAL_PAUSE:
        return True
    # A page being renewed renews the figures it shows in the same turn (the slot is this thread's already).
    if getattr(_renewing, "depth", 0) or cache.add(RECOMPUTE_SLOT_KEY, 1, timeout=COMPUTE_LOCK_SECONDS):
        _renewing.depth = getattr(_renewing, "depth", 0) + 1
        return True
    return False


def _release_recompute_slot(seconds: float) -> None:
    if not settings.PUBLIC_FIGURES_RENEWAL_PAUSE:
        return
    _renewing.depth -= 1
    if _renewing.depth:
        return
    pause = seconds * settings.PUBLIC_FIGURES_RENEWAL_PAUSE
    if pause < 0.5:
        cache.delete(RECOMPUTE_SLOT_KEY)
    else:
        cache.set(RECOMPUTE_SLOT_KEY, 1, timeout=max(1, round(pause)))


def _renews_in_background() -> bool:
    """Whether a stale value found by this thread is renewed in a thread of its own: when set so, and when
    renewals go one at a time across the site (so at most one such thread runs, whatever the requests), and
    not inside such a thread (a page's figures are renewed in the page's turn)."""
    return (
        settings.PUBLIC_FIGURES_RENEW_IN_BACKGROUND
        and bool(settings.PUBLIC_FIGURES_RENEWAL_PAUSE)
        and not getattr(_renewing, "in_background", False)
    )


def _renew_in_background(key: str, lock: str, compute, generation: str, keep_stale: int) -> None:
    """Renew a stale value in a thread of its own, so that the request that found it stale need not wait.

    The thread holds the value's lock and the site's renewal slot (taken by this request) until the new value
    is kept; what it renews inside (the figures on a page) it renews in the same turn, in the same thread.
    It reads through a database connection of its own, which it closes when done.
    """
    _renewing.depth -= 1  # the slot passes to the thread, which releases it when the value is kept

    def renew():
        _renewing.in_background, _renewing.depth = True, 1
        started = time.monotonic()
        try:
            cache.set(key, _compute(compute, generation), timeout=keep_stale)
        except Exception:
            logger.exception("Renewing %s in the background failed; the last value is served meanwhile", key)
        finally:
            cache.delete(lock)
            _release_recompute_slot(time.monotonic() - started)
            connections.close_all()

    threading.Thread(target=renew, name=f"renew {key}", daemon=True).start()


def _compute(compute, generation: str) -> Computed:
    # From the primary, never a replica that may lag: what is computed here stands for the whole generation.
    with primary_reads():
        return Computed(compute(), generation, timezone.now())


# Whole pages are kept for less time than figures: there is one per address, and crawlers ask for many.
PAGE_KEEP_SECONDS = 60 * 60
_NOT_KEPT = ("set-cookie", "content-length")


def public_page(view):
    """A public page, rendered once per generation for everyone not signed in (as latest() keeps figures).

    Someone signed in, a request with messages to show, and any method but GET and HEAD get the view
    itself. So does a response that is not a plain 200 or that set a cookie or a CSRF token: those
    belong to one visitor. The first request after a write renders the page; the others are served the
    last rendering until it lands.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated or _has_messages(request):
            return view(request, *args, **kwargs)
        rendered = []

        def render():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            rendered.append(response)
            if (
                response.status_code != 200
                or response.streaming
                or response.cookies
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                return None
            return response.content, [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT]

        computed = latest(page_key(request.get_full_path()), render, keep_stale=PAGE_KEEP_SECONDS)
        if rendered:
            return rendered[0]
        if computed.value is None:
            return view(request, *args, **kwargs)
        content, headers = computed.value
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        return response

    return wrapped


def page_key(path: str) -> str:
    """The name a page is kept under: a digest of its address, so a long query string makes no long key."""
    return f"page:{hashlib.sha256(path.encode()).hexdigest()[:32]}"


def _has_messages(request) -> bool:
    return "messages" in request.COOKIES or (
        settings.SESSION_COOKIE_NAME in request.COOKIES and "_messages" in request.session
    )


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
