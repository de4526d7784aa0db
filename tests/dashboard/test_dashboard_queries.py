"""The dashboard, its JSON and the exports run a fixed number of SQL queries, whatever the number of pledges.

Measured with the cache cleared, so it is the SQL itself that is bounded, not just a cache hit.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.models import PUBLIC_STATUSES, Lever, Measure, Organisation, Pledge, ProgressUpdate, Target, TargetProgress

STATUSES = ["published", "achieved", "not_achieved", "withdrawn", "draft", "submitted"]


def add_pledges(count: int) -> None:
    """`count` pledges spread over organisations, levers and statuses, two targets each, with progress."""
    organisations = itertools.cycle(Organisation.objects.all())
    levers = itertools.cycle(Lever.objects.all())
    statuses = itertools.cycle(STATUSES)
    measure = Measure.objects.first()
    # A £ value per unit, so the estimated social value has targets to sum (in the same fixed queries).
    measure.social_value_per_unit, measure.social_value_source = Decimal("2.50"), "A test's own value"
    measure.save()
    now = timezone.now()
    pledges = Pledge.objects.bulk_create(
        Pledge(
            organisation=next(organisations),
            lever=next(levers),
            title=f"Pledge {index}",
            commitment="A commitment.",
            start_date=datetime.date(2024 + index % 4, 1 + index % 12, 1),
            target_date=datetime.date(2030, 3, 31),
            # Hundreds of pledges in bulk, for the query counts: public ones dated as the review would date them.
            status=(status := next(statuses)),
            published_at=now if status in PUBLIC_STATUSES else None,
            public_contact="contact@example.org",
        )
        for index in range(count)
    )
    targets = Target.objects.bulk_create(
        Target(
            pledge=pledge,
            measure=measure,
            baseline=Decimal(0),
            target_value=Decimal(100),
            target_date=datetime.date(2030, 3, 31),
            latest_value=Decimal(index % 150),
            latest_on=datetime.date(2026, 1, 1),
        )
        for pledge in pledges
        for index in range(2)
    )
    updates = ProgressUpdate.objects.bulk_create(
        ProgressUpdate(pledge=pledge, date=datetime.date(2026, 1, 1), narrative="On track.") for pledge in pledges
    )
    TargetProgress.objects.bulk_create(
        TargetProgress(update=update, target=target, value=target.latest_value)
        for update, target in zip(updates, targets[::2], strict=True)
    )
    # What ProgressUpdate.save() keeps on each pledge, which bulk_create does not call.
    Pledge.objects.filter(pk__in=[pledge.pk for pledge in pledges]).update(newest_update_on=datetime.date(2026, 1, 1))


def queries_for(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(context.captured_queries)


# The queries each page runs with a cold cache. The dashboard: the financial years, levers, then
# the pledges counted per status, lever and organisation (and so sector) in one, targets per lever, the estimated social value (one
# grouped query per measure and evidence status), recent updates (the pledges holding them, then theirs), the network's
# spend baselines per year and per sector and year (a grouped query over published baselines each), the spend
# targets' latest reports and the published baselines they are checked against, then the
# filter form's lists of levers and organisations (plus one look-up per lever or organisation filter).
# The exports: the financial years, the published spend baselines (spend targets are checked against them), then
# one query of plain rows read from a server-side cursor (plus the lever filter).
QUERIES = {
    "/dashboard/": 13,
    "/dashboard/?lever=employer&organisation=essex-county-council&sector=local_government&year=2025": 15,
    "/dashboard/data.json": 11,
    "/pledges/export.csv": 3,
    "/pledges/export.json?lever=employer": 4,
}


NO_UPDATES_WITH_10 = {"/dashboard/?lever=employer&organisation=essex-county-council&sector=local_government&year=2025"}


@pytest.mark.parametrize("url", list(QUERIES))
def test_it_runs_the_same_few_queries_for_10_and_500_pledges(client, reference_data, url):
    add_pledges(10)
    with_10 = queries_for(client, url)
    add_pledges(490)
    with_500 = queries_for(client, url)
    assert Pledge.objects.count() == 500
    assert with_500 == QUERIES[url]
    # Of the first 10 pledges none is in that filter: with no pledge holding an update, the search of the
    # updates themselves is not run (dashboard.figures._recent_updates).
    assert with_10 == with_500 - (1 if url in NO_UPDATES_WITH_10 else 0)


def test_the_estimated_social_value_comes_in_the_same_fixed_queries(client, reference_data):
    add_pledges(10)
    add_pledges(490)
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        figures = client.get("/dashboard/data.json").json()["figures"]
    assert len(context.captured_queries) == QUERIES["/dashboard/data.json"]
    # Each pledge's second target has moved 1 unit from its baseline (0 -> 100, latest 1); its first, none.
    # Nothing vouches for the bulk-written values, so all of it counts as self-reported.
    moved = Target.objects.filter(pledge__status__in=PUBLIC_STATUSES, latest_value=1).count()
    assert moved == 336  # 8 of the first 10 pledges are public, and 328 of the next 490
    social = figures["social_value"]
    assert social["total"] == 840  # 336 units × £2.50
    assert social["parts"] == [
        {"evidence": "self_reported", "phrase": "from self-reported progress", "value": 840, "targets": 672}
    ]
    [measure] = social["by_measure"]
    assert (measure["per_unit"], measure["source"], measure["units_of_progress"]) == (2.5, "A test's own value", 336)


def test_it_runs_as_many_queries_on_the_home_page_for_10_and_500_pledges(client, reference_data):
    # The home page shows the headline figures; other sections may add their own fixed queries.
    add_pledges(10)
    with_10 = queries_for(client, "/")
    add_pledges(490)
    assert queries_for(client, "/") == with_10


def test_it_runs_fewer_queries_once_the_figures_are_cached(member_client, reference_data):
    client = Client()  # not signed in (member_client is the test's other client, signed in)
    add_pledges(50)
    cold = queries_for(client, "/dashboard/")
    # Not signed in, the page itself was kept (pledges.cache.public_page): no query at all.
    with CaptureQueriesContext(connection) as context:
        assert client.get("/dashboard/").status_code == 200
    assert len(context.captured_queries) == 0
    # Signed in, the page is drawn again from the cached figures: only the session and the user, and the
    # filter form's lists of levers and organisations, are read.
    member_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as context:
        member_client.get("/dashboard/")
    assert len(context.captured_queries) < cold
    assert not any("GROUP BY" in query["sql"] for query in context.captured_queries)
