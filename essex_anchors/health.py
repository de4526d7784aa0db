"""What /healthz checks: the database (and its read replica, when one is configured), the cache, and the
task worker's queue.

Each check says "ok" or what is wrong in a word, never an internal detail (the endpoint is public, for
load balancers and uptime checks).
"""

import datetime
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from essex_anchors.lib.environment import REPLICA_ALIAS
from essex_anchors.lib.replicas import replica_configured

# A queued task still waiting after this long means no worker is taking tasks.
TASKS_STALLED_AFTER = datetime.timedelta(minutes=10)
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def database(alias: str = DEFAULT_DB_ALIAS) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unreachable"
    return "ok"


def cache_status() -> str:
    """Write a value and read it back (the figures cache and, with Redis, the sessions depend on it)."""
    token = uuid.uuid4().hex
    try:
        cache.set("healthz", token, 30)
        if cache.get("healthz") == token:
            return "ok"
        # The Redis backend does not raise when Redis is down (essex_anchors.lib.cache): it says so.
        return "unreachable" if getattr(cache, "unreachable", False) else "not keeping values"
    except Exception:  # any backend's connection error (Redis, memcached, a full disk)
        return "unreachable"


def tasks() -> dict:
    """The task queue: how many tasks wait, how long the oldest has, and when the last one finished.

    With a backend that runs tasks in the request (the tests' immediate backend) there is no queue.
    """
    backend = settings.TASKS["default"]["BACKEND"]
    if backend != DATABASE_BACKEND:
        return {"status": "ok", "queue": "none (tasks run in the request)"}
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        queued = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        last = (
            DBTaskResult.objects.filter(finished_at__isnull=False)
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
    except DatabaseError:
        return {"status": "unreachable"}
    waited = (timezone.now() - oldest) if oldest else None
    return {
        "status": "stalled" if waited and waited > TASKS_STALLED_AFTER else "ok",
        "queued": queued,
        "oldest_waiting_seconds": int(waited.total_seconds()) if waited else None,
        "last_finished_at": last.isoformat() if last else None,
    }


def report() -> tuple[dict, bool]:
    """The whole report, and whether everything is up."""
    result = {"database": database()}
    if replica_configured():
        # The public pages read it (essex_anchors.lib.replicas): down, they fail for people not signed in.
        result["replica"] = database(REPLICA_ALIAS)
    result.update(cache=cache_status(), tasks=tasks())
    healthy = all(result[name] == "ok" for name in ("database", "replica", "cache") if name in result)
    healthy = healthy and result["tasks"]["status"] == "ok"
    return {"status": "ok" if healthy else "error", **result}, healthy
