"""What bench/faults.py found, held by tests: Redis down is an empty cache, not a 500 on every page; a
recompute nobody holds is not waited for; a persistent database connection killed under the portal (a
PostgreSQL restart) costs no request an error once the server is back."""

import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
from django.core.cache import cache, caches
from django.db import close_old_connections, connection
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from essex_anchors.lib import cache as resilient
from pledges import cache as public_cache

ROOT = Path(__file__).resolve().parent.parent
# Nothing listens on port 1: every connection is refused at once, as when Redis is stopped.
DEAD_REDIS = {
    "default": {
        "BACKEND": "essex_anchors.lib.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}


@pytest.fixture
def redis_down():
    resilient._down_since.clear()
    resilient._next_try.clear()
    with override_settings(CACHES=DEAD_REDIS, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        yield caches["default"]
    resilient._down_since.clear()
    resilient._next_try.clear()


def test_an_unreachable_redis_is_an_empty_cache_that_keeps_nothing(redis_down):
    assert redis_down.get("key", "default") == "default"
    redis_down.set("key", "value")
    assert redis_down.add("key", "value") is False
    assert redis_down.get_many(["a", "b"]) == {}
    assert redis_down.delete("key") is False
    with pytest.raises(ValueError):
        redis_down.incr("counter")
    assert redis_down.unreachable


def test_after_a_failure_it_does_not_try_redis_again_for_a_second(redis_down):
    redis_down.get("key")
    started = time.perf_counter()
    for _ in range(100):
        redis_down.get("key")
    # Each try of a stopped Redis costs redis-py's retries (about 0.2 s here); these cost nothing.
    assert time.perf_counter() - started < 0.1


def test_it_uses_redis_again_as_soon_as_it_answers(monkeypatch):
    resilient._down_since.clear()
    resilient._next_try.clear()
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.05)
    backend = resilient.ResilientRedisCache("redis://127.0.0.1:6379/0", {})
    answers = {"down": True}

    def get(self, key, default=None, version=None):
        if answers["down"]:
            raise RedisConnectionError("Connection refused")
        return "value"

    monkeypatch.setattr(resilient.RedisCache, "get", get)
    assert backend.get("key") is None and backend.unreachable
    answers["down"] = False
    assert backend.get("key") is None  # within RETRY_AFTER_SECONDS: not asked
    time.sleep(0.06)
    assert backend.get("key") == "value"
    assert not backend.unreachable


@pytest.mark.django_db
def test_every_page_is_served_while_redis_is_down(client, reference_data, member, redis_down):
    for path in ("/", "/dashboard/", "/dashboard/data.json", "/pledges/", "/community/", "/accessibility/"):
        response = client.get(path)
        assert response.status_code == 200, path
    client.force_login(member)  # the session is written to the database; the cache drops its copy
    assert client.get("/my/").status_code == 200
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unreachable"


def test_a_request_does_not_wait_for_a_recompute_nobody_holds(monkeypatch):
    """Nothing kept and no lock (the one computing died, or the cache keeps nothing): compute at once."""
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)  # as if another request held the lock
    started = time.monotonic()
    computed = public_cache.latest("nobody-holds-it", lambda: 42)
    assert computed.value == 42
    assert time.monotonic() - started < 1  # not public_cache.WAIT_SECONDS (10)


def test_a_request_still_waits_while_another_holds_the_lock(monkeypatch):
    monkeypatch.setattr(public_cache, "WAIT_SECONDS", 0.3)
    cache.add("public-figures:held:computing", "someone", 30)
    started = time.monotonic()
    assert public_cache.latest("held", lambda: 42).value == 42
    assert time.monotonic() - started >= 0.3


def _settings_value(expression: str, **env) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("DB_CONN_MAX_AGE", "DATABASE_REPLICA_URL")}
    code = f"from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_persistent_connections_are_checked_before_reuse():
    value = "settings.DATABASES['default']['CONN_HEALTH_CHECKS'], settings.DATABASES['default']['CONN_MAX_AGE']"
    assert _settings_value(value, DB_CONN_MAX_AGE="60") == "True 60"
    assert _settings_value(value, DB_CONN_MAX_AGE="0") == "False 0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="kills a PostgreSQL server process")
@pytest.mark.django_db(transaction=True)
def test_a_killed_persistent_connection_costs_no_request_an_error(client):
    """As after `pg_ctlcluster 15 main restart`: the process's kept connection is dead; the next request
    must reconnect, not fail."""
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    try:
        assert client.get("/healthz").json()["database"] == "ok"
        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        other = psycopg2.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "host", "port")})
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        other.close()
        time.sleep(0.2)
        # What the WSGI handler does as each request starts (the test client leaves it out).
        close_old_connections()
        response = client.get("/healthz")
        assert response.json()["database"] == "ok"
        assert connection.connection.info.backend_pid != pid
    finally:
        connection.close()
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
