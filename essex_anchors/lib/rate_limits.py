"""Rate limits on actions that cost the portal (or a mailbox) something: password reset emails and uploads.

settings.RATE_LIMITS names each limit: (how many times, in how many seconds). A view decorated with
@rate_limit("name") counts its POSTs per signed-in user (or, signed out, per client address from
essex_anchors.lib.client_address) in the cache, which is shared by every app server in production
(Redis). Past the limit the POST is refused with 429 and a page saying the limit and when to try
again, and the view does not run. Sign-in attempts are limited by django-axes (settings.AXES_*).
"""

import functools
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from essex_anchors.lib.client_address import client_address
from essex_anchors.lib.formatting import duration_words


def _who(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{client_address(request)}"


def rate_limit_refusal(request, name: str, *, who: str = "") -> int | None:
    """Count this request against limit `name`; the seconds to wait if it is over the limit, else None.

    Counted per signed-in user or client address, or per `who` when given (the API counts per token).
    """
    limit, window = settings.RATE_LIMITS[name]
    key = f"rate-limit:{name}:{who or _who(request)}"
    now = time.time()
    # One fixed window per person, opened by their first request: its start is stored with the count.
    started = cache.get(f"{key}:start")
    if started is None or now - started >= window:
        started = now
        cache.set(f"{key}:start", started, window)
        cache.set(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # the count expired between the two calls
        cache.set(key, 1, window)
        count = 1
    if count > limit:
        return max(1, math.ceil(started + window - now))
    return None


def rate_limit(name: str, *, what: str):
    """Limit a view's POSTs by settings.RATE_LIMITS[name]; `what` names the action on the refusal page."""

    def decorate(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST":
                wait = rate_limit_refusal(request, name)
                if wait is not None:
                    limit, window = settings.RATE_LIMITS[name]
                    context = {
                        "what": what,
                        "limit": limit,
                        "window": duration_words(window),
                        "wait": duration_words(wait),
                    }
                    response = render(request, "rate_limited.html", context, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
