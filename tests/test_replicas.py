"""Read replicas (essex_anchors.lib.replicas): public read-only pages for someone not signed in read the
replica; everything else reads the primary.

With no replica configured (the test run ignores DATABASE_REPLICA_URL, as most deployments have none) every
query goes to "default". TestWithAReplica adds a "replica" alias for its own tests: a second, real
connection to the same database server and the same test database (Django's TEST MIRROR), so a test sees
which connection each query used and that rows written through the primary are read through the replica.
Those tests are transactional (`transaction=True`): what they write is committed, as it must be before a
replica could have it. Both parts run on SQLite and on PostgreSQL.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, router, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, resolve

from essex_anchors.lib import replicas
from essex_anchors.lib.environment import REPLICA_ALIAS
from essex_anchors.lib.replicas import ReplicaReadsMiddleware, primary_reads, replica_configured
from pledges.models import Organisation, Pledge
from tests.conftest import PASSWORD, _user


@pytest.fixture
def decisions(monkeypatch):
    """Every database the router chooses for a read, in order."""
    chosen = []
    original = replicas.ReplicaRouter.db_for_read

    def recording(self, model, **hints):
        chosen.append(original(self, model, **hints))
        return chosen[-1]

    monkeypatch.setattr(replicas.ReplicaRouter, "db_for_read", recording)
    return chosen


def test_with_no_replica_configured_a_public_page_reads_the_default_database(client, published_pledge, decisions):
    assert not replica_configured()
    assert list(connections) == [DEFAULT_DB_ALIAS]
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pledges/")
    assert response.status_code == 200
    assert published_pledge.title in response.content.decode()
    assert len(queries) > 0
    # The router was asked, on a page that would read a replica if there were one, and chose the default.
    assert decisions and set(decisions) == {DEFAULT_DB_ALIAS}


def test_every_page_said_to_read_the_replica_is_a_page_of_the_portal():
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    assert replicas.REPLICA_PAGES <= names


@pytest.fixture(scope="class")
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" alias for the class's tests: a mirror of the test database (set up before the tests'
    database fixtures, which check that every alias a test names exists)."""
    connections.settings[REPLICA_ALIAS] = {
        **connections.settings[DEFAULT_DB_ALIAS],
        "TEST": {**connections.settings[DEFAULT_DB_ALIAS]["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    yield
    with django_db_blocker.unblock():
        connections[REPLICA_ALIAS].close()
    del connections[REPLICA_ALIAS]
    del connections.settings[REPLICA_ALIAS]


def _queries(method, *args, **kwargs):
    """The response, and the SQL each connection ran for it."""
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary:
        with CaptureQueriesContext(connections[REPLICA_ALIAS]) as replica:
            response = method(*args, **kwargs)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def _in_public_page_request(work):
    """Runs work() as the view of /pledges/ for someone not signed in, through the middleware."""
    request = RequestFactory().get("/pledges/")
    request.user = AnonymousUser()
    request.resolver_match = resolve("/pledges/")
    middleware = ReplicaReadsMiddleware(lambda request: (middleware.process_view(request, None, (), {}), work())[1])
    return middleware(request)


@pytest.mark.usefixtures("replica_alias")
@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA_ALIAS])
class TestWithAReplica:
    def test_the_replica_is_configured(self):
        assert replica_configured()

    def test_a_public_page_for_someone_not_signed_in_reads_the_replica(self, client, published_pledge):
        # The meetings calendar is read-only and public, and is not kept per generation (public_page): each
        # request reads, from the replica.
        response, primary, replica = _queries(client.get, "/community/meetings.ics")
        assert response.status_code == 200
        assert any('"learning_community_meeting"' in sql for sql in replica)
        assert primary == []

    def test_a_page_kept_for_the_generation_is_drawn_from_the_primary(self, client, published_pledge):
        """pledges.cache.public_page keeps the page for everyone until the next write: never from a lagging replica."""
        response, primary, replica = _queries(client.get, f"/pledges/{published_pledge.pk}/")
        assert response.status_code == 200
        assert published_pledge.title in response.content.decode()
        assert any('"pledges_pledge"' in sql for sql in primary)
        assert replica == []

    def test_a_signed_in_person_reads_the_primary_on_public_pages_too(self, member_client, published_pledge):
        response, primary, replica = _queries(member_client.get, f"/pledges/{published_pledge.pk}/")
        assert response.status_code == 200
        assert any('"pledges_pledge"' in sql for sql in primary)
        assert replica == []

    def test_pages_not_listed_as_public_read_only_read_the_primary(self, client, member_client, published_pledge):
        for get, url in [(member_client.get, "/my/"), (client.get, "/accounts/login/")]:
            response, primary, replica = _queries(get, url)
            assert response.status_code == 200, url
            assert replica == [], url

    def test_a_write_is_made_and_read_back_on_the_primary(self, client, reference_data):
        """A sign-in writes the session and the last login: the next page, signed in, reads them on the primary."""
        user = _user("dora", Organisation.objects.get(slug="essex-county-council"))
        response, primary, replica = _queries(
            client.post, "/accounts/login/", {"username": "dora", "password": PASSWORD}
        )
        assert response.status_code == 302
        assert replica == []
        assert any("UPDATE" in sql and '"auth_user"' in sql for sql in primary)
        response, primary, replica = _queries(client.get, "/pledges/")
        assert response.wsgi_request.user == user
        assert replica == []

    def test_the_dashboard_figures_are_computed_on_the_primary(self, client, published_pledge):
        """Cached for a whole generation, they must include the write that started it, whatever the replica's lag."""
        response, primary, replica = _queries(client.get, "/dashboard/")
        assert response.status_code == 200
        assert any('"pledges_target"' in sql for sql in primary)
        assert not any('"pledges_target"' in sql for sql in replica)

    def test_after_its_first_write_a_request_reads_the_primary(self, reference_data):
        def work():
            before = router.db_for_read(Pledge)
            Organisation.objects.filter(slug="essex-county-council").update(name="Essex County Council")
            return before, router.db_for_read(Pledge)

        assert _in_public_page_request(work) == (REPLICA_ALIAS, DEFAULT_DB_ALIAS)

    def test_inside_a_transaction_or_primary_reads_a_request_reads_the_primary(self, reference_data):
        def work():
            with transaction.atomic():
                in_transaction = router.db_for_read(Pledge)
            with primary_reads():
                in_block = router.db_for_read(Pledge)
            return in_transaction, in_block, router.db_for_read(Pledge)

        assert _in_public_page_request(work) == (DEFAULT_DB_ALIAS, DEFAULT_DB_ALIAS, REPLICA_ALIAS)

    def test_outside_a_request_everything_uses_the_primary_and_only_the_primary_is_migrated(self, reference_data):
        assert router.db_for_read(Pledge) == router.db_for_write(Pledge) == DEFAULT_DB_ALIAS
        assert router.allow_migrate(DEFAULT_DB_ALIAS, "pledges")
        assert not router.allow_migrate(REPLICA_ALIAS, "pledges")

    def test_healthz_checks_the_replica_and_answers_503_when_it_is_down(self, client, monkeypatch):
        response, primary, replica = _queries(client.get, "/healthz")
        assert response.status_code == 200
        assert response.json()["replica"] == "ok"
        # Its own check, and nothing else: the queue and the rest read the primary.
        assert replica == ["SELECT 1"]
        assert primary

        def refused(*args, **kwargs):
            raise OperationalError("could not connect to server: Connection refused")

        monkeypatch.setattr(connections[REPLICA_ALIAS], "cursor", refused)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert (response.json()["status"], response.json()["database"], response.json()["replica"]) == (
            "error",
            "ok",
            "unreachable",
        )
        assert "refused" not in response.content.decode()
