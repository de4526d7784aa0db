"""One request recomputes the public figures after a write; the others are served the last figures meanwhile.

pledges.cache.latest is the one reader of everything cached under the generation. These tests hold its
lock as another process would while recomputing, and check what the other requests get, how many queries
they cost, and that the figures served after any sequence of writes are those of a full recompute.
"""

import datetime
from decimal import Decimal

import time_machine
from django.core.cache import cache

from dashboard.figures import headline_figures, network_figures
from pledges import cache as public_cache
from pledges import services
from pledges.models import Pledge, PledgeStatus

LOCK = "public-figures:figures::computing"


def from_scratch() -> dict:
    return network_figures(Pledge.objects.public())


def test_after_any_sequence_of_writes_the_figures_are_those_of_a_full_recompute(
    network, secretariat, member, django_capture_on_commit_callbacks
):
    assert headline_figures().value == from_scratch()
    p1 = network["p1"]
    target = p1.targets.first()
    writes = [
        lambda: services.pledge_change_status(
            pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat
        ),
        lambda: services.progress_post(
            pledge=p1,
            user=member,
            date=datetime.date(2026, 11, 2),
            narrative="On the way",
            values={target.pk: Decimal(target.target_value)},
            rag="green",
        ),
        lambda: services.pledge_change_status(pledge=p1, status=PledgeStatus.ACHIEVED, user=secretariat),
        lambda: network["p4"].targets.first().delete(),
    ]
    seen = [headline_figures().value["pledges"]]
    for write in writes:
        with django_capture_on_commit_callbacks(execute=True):
            write()
        served = headline_figures().value
        assert served == from_scratch()
        seen.append(served["pledges"])
    assert seen == [5, 6, 6, 6, 6]
    assert headline_figures().value["targets_met"] == from_scratch()["targets_met"]


def test_while_another_request_recomputes_the_last_figures_are_served_with_their_time(
    client, network, secretariat, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    # An hour ago, not a fixed day: the cache's entry expires by the real clock a day after it is written.
    then = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)).replace(second=0, microsecond=0)
    with time_machine.travel(then, tick=False):
        first = headline_figures()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    assert cache.add(LOCK, "another process", timeout=30)
    # No aggregate SQL: the stale figures come from the cache, and say when they were computed.
    with django_assert_max_num_queries(0):
        stale = headline_figures()
    assert stale.value["pledges"] == 5 == first.value["pledges"]
    assert stale.computed_at == first.computed_at
    data = client.get("/dashboard/data.json").json()
    assert data["figures"]["pledges"] == 5
    assert data["computed_at"] == then.isoformat()
    page = client.get("/dashboard/").content.decode()
    assert "Figures as of" in page and then.isoformat() in page
    # Once the other request has finished (its lock gone), the next request recomputes.
    cache.delete(LOCK)
    assert headline_figures().value["pledges"] == 6


def test_with_nothing_to_serve_a_request_waits_for_the_one_computing(network, monkeypatch):
    cache.add(LOCK, "another process", timeout=30)
    done = public_cache.Computed({"pledges": 42}, public_cache.public_figures_generation(), datetime.datetime.now())
    waits = []

    def other_process_finishes(seconds):
        waits.append(seconds)
        cache.set("public-figures:figures:", done)

    monkeypatch.setattr(public_cache.time, "sleep", other_process_finishes)
    assert headline_figures().value == {"pledges": 42}
    assert waits == [public_cache.WAIT_STEP_SECONDS]


def test_the_lock_is_released_when_the_recompute_fails(network, monkeypatch):
    def broken(pledges):
        raise RuntimeError("database went away")

    monkeypatch.setattr("dashboard.figures.network_figures", broken)
    try:
        headline_figures()
    except RuntimeError:
        pass
    else:
        raise AssertionError("the failure should reach the request")
    assert cache.get(LOCK) is None
    monkeypatch.undo()
    assert headline_figures().value == from_scratch()


def test_figures_older_than_the_cache_time_are_recomputed(network, settings):
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC), tick=False):
        first = headline_figures()
    Pledge.objects.filter(pk=network["p1"].pk).update(title="Renamed without a signal")
    later = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=settings.PUBLIC_FIGURES_CACHE_SECONDS + 1
    )
    with time_machine.travel(later, tick=False):
        again = headline_figures()
    assert again.computed_at > first.computed_at


def test_however_often_anchors_write_the_figures_are_recomputed_at_most_once_per_refresh_interval(
    network, secretariat, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.PUBLIC_FIGURES_REFRESH_SECONDS = 10
    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        first = headline_figures()
        assert first.value["pledges"] == 5
        with django_capture_on_commit_callbacks(execute=True):
            services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    with time_machine.travel(start + datetime.timedelta(seconds=9), tick=False):
        with django_assert_num_queries(0):
            served = headline_figures()
        assert served == first  # the figures of 09:00:00, which say so
    with time_machine.travel(start + datetime.timedelta(seconds=10), tick=False):
        renewed = headline_figures()
    assert renewed.computed_at == start + datetime.timedelta(seconds=10)
    assert renewed.value == from_scratch()
    assert renewed.value["pledges"] == 6


def test_a_kept_page_is_redrawn_after_a_write_once_the_refresh_interval_has_passed(
    client, network, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_FIGURES_REFRESH_SECONDS = 10
    pledge = network["p1"]
    start = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert pledge.title in client.get(f"/pledges/{pledge.pk}/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            pledge.title = "Renamed by the secretariat"
            pledge.save()
    with time_machine.travel(start + datetime.timedelta(seconds=5), tick=False):
        assert "Renamed by the secretariat" not in client.get(f"/pledges/{pledge.pk}/").content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=11), tick=False):
        assert "Renamed by the secretariat" in client.get(f"/pledges/{pledge.pk}/").content.decode()
