"""The cached figures stay right after every kind of change that the services make.

Each test reads the figures first, so they are cached, then changes the data through the
service the portal uses, commits (on_commit callbacks run), and reads them again.
"""

import datetime
from decimal import Decimal

import time_machine
from django.db import transaction

from pledges import services
from pledges.cache import invalidate_public_figures
from pledges.models import Pledge, PledgeStatus

DATA = "/dashboard/data.json"


def figures(client, **params):
    return client.get(DATA, params).json()["figures"]


def statuses(result):
    return {row["status"]: row["pledges"] for row in result["by_status"]}


def test_it_serves_cached_figures_until_they_are_invalidated(client, network, django_capture_on_commit_callbacks):
    assert figures(client)["pledges"] == 5
    # A write that bypasses the services is not seen until the figures are invalidated...
    Pledge.objects.filter(pk=network["p1"].pk).update(status=PledgeStatus.DRAFT)
    assert figures(client)["pledges"] == 5
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_public_figures()
    assert figures(client)["pledges"] == 4


def test_it_waits_for_the_commit_before_invalidating(client, network, django_capture_on_commit_callbacks):
    assert figures(client)["pledges"] == 5
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Pledge.objects.filter(pk=network["p1"].pk).update(status=PledgeStatus.DRAFT)
        invalidate_public_figures()
    assert len(callbacks) == 1
    assert figures(client)["pledges"] == 5
    callbacks[0]()
    assert figures(client)["pledges"] == 4


def test_it_counts_a_pledge_once_it_is_published(client, network, secretariat, django_capture_on_commit_callbacks):
    assert figures(client)["pledges"] == 5
    home = client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    result = figures(client)
    assert result["pledges"] == 6
    assert statuses(result)["published"] == 3
    # The submitted pledge's one target was already at 10 of 10.
    assert (result["targets"], result["targets_met"]) == (8, 3)
    assert client.get("/").content.decode() != home


def test_it_follows_a_progress_update(client, network, member, django_capture_on_commit_callbacks):
    before = figures(client)
    assert (before["targets_met"], before["percent_of_way"]) == (2, 42)
    p1 = network["p1"]
    spend = p1.targets.get(measure__slug="spend-smes")
    # The network's figures run into 2027, and progress cannot be dated in the future: post it on that day.
    with (
        time_machine.travel(datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.progress_post(
            pledge=p1,
            user=member,
            date=datetime.date(2027, 3, 1),
            narrative="We reached our SME spend target early.",
            values={spend.pk: Decimal("2000000")},
            rag="green",
        )
    after = figures(client)
    # T1 goes from 50 % to 100 %: (350) / 7 = 50 %, and 3 of 7 targets are met.
    assert (after["targets_met"], after["targets_met_percent"], after["percent_of_way"]) == (3, 42, 50)
    assert after["recent_updates"][0]["narrative"] == "We reached our SME spend target early."
    procurement = next(row for row in after["by_lever"] if row["slug"] == "procurement-of-goods-and-services")
    assert (procurement["targets_met"], procurement["percent_of_way"]) == (2, 66)


def test_it_follows_a_change_to_a_target(client, network, secretariat, django_capture_on_commit_callbacks):
    assert figures(client)["targets_met"] == 2
    target = network["p1"].targets.get(measure__slug="spend-smes")
    target.target_value = Decimal("1500000")
    # As the admin saves a target: the change is logged, then saved, in one transaction.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        changes = services.target_record_changes(target=target, user=secretariat)
        target.save()
    assert [change.field for change in changes] == ["target_value"]
    result = figures(client)
    assert (result["targets_met"], result["percent_of_way"]) == (3, 50)


def test_it_follows_a_withdrawal(client, network, secretariat, django_capture_on_commit_callbacks):
    assert statuses(figures(client)) == {"published": 2, "achieved": 1, "not_achieved": 1, "withdrawn": 1}
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["p1"], status=PledgeStatus.WITHDRAWN, user=secretariat)
    result = figures(client)
    assert statuses(result) == {"published": 1, "achieved": 1, "not_achieved": 1, "withdrawn": 2}
    # A withdrawn pledge stays public, so its targets still count.
    assert result["pledges"] == 5 and result["targets"] == 7


def test_it_invalidates_every_filtered_view_at_once(client, network, secretariat, django_capture_on_commit_callbacks):
    assert figures(client, lever="workforce-developer")["pledges"] == 0
    assert figures(client, organisation="essex-county-council")["pledges"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    assert figures(client, lever="workforce-developer")["pledges"] == 1
    assert figures(client, organisation="essex-county-council")["pledges"] == 3


def test_it_offers_a_new_financial_year_once_a_pledge_starting_in_it_is_published(
    client, network, secretariat, django_capture_on_commit_callbacks
):
    assert '<option value="2030">2030/31</option>' not in client.get("/dashboard/").content.decode()
    Pledge.objects.filter(pk=network["submitted"].pk).update(start_date=datetime.date(2030, 5, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.pledge_change_status(pledge=network["submitted"], status=PledgeStatus.PUBLISHED, user=secretariat)
    assert '<option value="2030">2030/31</option>' in client.get("/dashboard/").content.decode()
