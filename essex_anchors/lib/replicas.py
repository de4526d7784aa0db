"""Read replicas: which queries may read a replica, and which must use the primary.

The rule, written once here: a query reads the replica (the "replica" database alias, configured by
DATABASE_REPLICA_URL) only when all of these hold:

- a replica is configured;
- the request is a GET or HEAD of one of the public read-only pages in REPLICA_PAGES;
- nobody is signed in (a signed-in person may just have written: they read their own writes);
- the request has not written anything yet (after its first write, every read of it uses the primary);
- no transaction is open on the primary (what a transaction reads must agree with what it writes and locks);
- the code is not inside `primary_reads()` (the cached public figures are computed there, so a renewed
  generation never caches figures from before the write that renewed it).

Everything else (writes, signed-in pages, the admin, commands, the task worker, /healthz) uses the primary.
A person who is not signed in may see a public page up to the replica's lag behind the primary.
"""

import contextlib
import contextvars
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

from essex_anchors.lib.environment import REPLICA_ALIAS

# The public pages that only read (URL names, namespace included). A page not listed reads the primary.
REPLICA_PAGES = frozenset(
    {
        "home",
        "accessibility",
        "dashboard:dashboard",
        "dashboard:dashboard-data",
        "dashboard:pledge-export-csv",
        "dashboard:pledge-export-json",
        "dashboard:open-data",
        "pledges:lever-list",
        "pledges:lever-detail",
        "pledges:approach-detail",
        "pledges:organisation-list",
        "pledges:organisation-detail",
        "pledges:pledge-list",
        "pledges:pledge-detail",
        "learning_community:community-home",
        "learning_community:meeting-list",
        "learning_community:meeting-calendar",
        "learning_community:meeting-detail",
        "learning_community:resource-list",
        "spend:methods",
        "spend:export-csv",
        "spend:export-json",
    }
)
READ_METHODS = ("GET", "HEAD")


@dataclass
class _Reads:
    page: bool = False  # the page may read the replica (ReplicaReadsMiddleware)
    wrote: bool = False  # the request has written
    primary_blocks: int = 0  # how many primary_reads() blocks are open

    def replica(self) -> bool:
        return self.page and not self.wrote and not self.primary_blocks


# The current request's choice; None outside a request (commands, the task worker): the primary.
_reads: contextvars.ContextVar[_Reads | None] = contextvars.ContextVar("replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads go where the rule above says, writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is not None and reads.replica() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        reads = _reads.get()
        if reads is not None:
            reads.wrote = True  # read this request's own write from now on
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by replication


class ReplicaReadsMiddleware:
    """Lets the view of a public read-only page, for someone not signed in, read the replica.

    It decides in process_view, after the session and the user have been read from the primary (the
    `is_authenticated` check loads them), so a session just written at sign-in is always found.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads.set(_Reads())
        try:
            return self.get_response(request)
        finally:
            _reads.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        reads = _reads.get()
        if (
            reads is not None
            and replica_configured()
            and request.method in READ_METHODS
            and request.resolver_match.view_name in REPLICA_PAGES
            and not request.user.is_authenticated
        ):
            reads.page = True


@contextlib.contextmanager
def primary_reads():
    """Inside this block every read uses the primary, whatever the page."""
    reads = _reads.get()
    if reads is None:
        yield
        return
    reads.primary_blocks += 1
    try:
        yield
    finally:
        reads.primary_blocks -= 1
