"""The Redis cache, for a portal that keeps serving while Redis is down.

Django's RedisCache raises redis' ConnectionError from every call when Redis cannot be reached, and
every page asks the cache (the kept public pages and figures, pledges.cache; the sessions, through
"cached_db"), so stopping Redis turned every page into a 500 (bench/README.md, "Faults"). This backend
treats an unreachable Redis as an empty cache that keeps nothing: a read is a miss, a write is dropped,
`add` says it stored nothing. The pages are then computed for each request (slower, but right) and the
sessions are read from the database, which holds them too.

After a failure it does not try Redis again for RETRY_AFTER_SECONDS, in every process on its own, so a
Redis that does not answer costs one connection timeout per process per interval, not one per call;
then the next call tries again, and the cache works again as soon as Redis is back, with no restart.
A warning is logged when Redis is first found down, and again when it is back.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1.0
OUTAGE = (RedisConnectionError, RedisTimeoutError)
# When Redis was last found down, per location, for every thread of the process. 0: not down.
_down_since: dict[str, float] = {}
_next_try: dict[str, float] = {}
_state = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._location = str(server)

    @property
    def unreachable(self) -> bool:
        """Whether the last call found Redis down (and it has not answered since)."""
        return bool(_down_since.get(self._location))

    def _call(self, method: str, default, *args, **kwargs):
        if time.monotonic() < _next_try.get(self._location, 0):
            return default
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except OUTAGE as error:
            with _state:
                first = not _down_since.get(self._location)
                if first:
                    _down_since[self._location] = time.monotonic()
                _next_try[self._location] = time.monotonic() + RETRY_AFTER_SECONDS
            if first:
                logger.warning("The cache (Redis) is unreachable, serving without it: %s", error)
            return default
        if _down_since.get(self._location):
            with _state:
                since = _down_since.pop(self._location, 0)
                _next_try.pop(self._location, None)
            if since:
                logger.warning("The cache (Redis) is back after %.1f s", time.monotonic() - since)
        return result

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        result = self._call("incr", None, key, delta, version)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def clear(self):
        return self._call("clear", False)
