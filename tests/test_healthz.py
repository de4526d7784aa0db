"""/healthz: the database, the cache and the task queue, 503 when one of them is down, never a detail."""

import datetime

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def test_it_reports_ok_when_everything_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "cache": "ok",
        "tasks": {"status": "ok", "queue": "none (tasks run in the request)"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_returns_503_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    # Undo the break before pytest-django's teardown needs the database again.
    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "error"


def test_it_returns_503_when_the_cache_is_unreachable(client, db, monkeypatch):
    def refused(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "unreachable"
    assert "6379" not in response.content.decode()


def test_it_returns_503_when_the_cache_keeps_nothing(client, db, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "not keeping values"


def _task(status, *, enqueued_minutes_ago, finished_minutes_ago=None):
    now = timezone.now()
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="spend.tasks.import_spend_file",
        backend_name="default",
        queue_name="default",
        run_after=now,
        finished_at=now - datetime.timedelta(minutes=finished_minutes_ago) if finished_minutes_ago else None,
    )
    # enqueued_at is set on save; put it where the test needs it.
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=now - datetime.timedelta(minutes=enqueued_minutes_ago))
    return task


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db
def test_it_reports_the_task_queue_of_the_worker(client, database_tasks):
    finished = _task(TaskResultStatus.SUCCESSFUL, enqueued_minutes_ago=30, finished_minutes_ago=29)
    _task(TaskResultStatus.READY, enqueued_minutes_ago=2)
    _task(TaskResultStatus.READY, enqueued_minutes_ago=1)
    response = client.get("/healthz")
    assert response.status_code == 200
    tasks = response.json()["tasks"]
    assert (tasks["status"], tasks["queued"]) == ("ok", 2)
    assert 115 <= tasks["oldest_waiting_seconds"] <= 125
    assert tasks["last_finished_at"] == DBTaskResult.objects.get(pk=finished.pk).finished_at.isoformat()


@pytest.mark.django_db
def test_it_returns_503_when_no_worker_takes_the_queued_tasks(client, database_tasks):
    _task(TaskResultStatus.READY, enqueued_minutes_ago=11)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["tasks"]["status"] == "stalled"


@pytest.mark.django_db
def test_an_empty_queue_is_healthy(client, database_tasks):
    tasks = client.get("/healthz").json()["tasks"]
    assert tasks == {"status": "ok", "queued": 0, "oldest_waiting_seconds": None, "last_finished_at": None}


@pytest.mark.django_db
def test_it_returns_503_when_the_task_queue_cannot_be_read(client, database_tasks, monkeypatch):
    """The worker's queue is a table: when the database is down its length is unknown, and said so."""
    from django.db.backends.utils import CursorWrapper

    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "cache": "ok",
        "tasks": {"status": "unreachable"},
    }


@pytest.mark.django_db
def test_it_returns_503_when_only_the_task_queue_cannot_be_read(client, database_tasks, monkeypatch):
    """The database answers but the queue's table does not (a migration not run, a permission missing)."""
    from django_tasks_db.models import DBTaskResult

    def broken(*args, **kwargs):
        raise DatabaseError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(type(DBTaskResult.objects.filter()), "count", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["database"], body["tasks"]) == ("ok", {"status": "unreachable"})
    assert "relation" not in response.content.decode()
