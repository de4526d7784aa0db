"""Pledge.newest_update_on, the date of a pledge's newest progress update: kept by every write of updates, never
written back stale by a save of the pledge, and what the dashboard's newest updates are found by."""

import datetime

import pytest

from dashboard.figures import RECENT_UPDATES
from pledges.models import Lever, Organisation, Pledge, ProgressUpdate
from tests.pledges.pledge_builders import make_pledges, post_progress

pytestmark = pytest.mark.django_db


def _newest(pledge):
    return Pledge.objects.get(pk=pledge.pk).newest_update_on


def test_posting_progress_sets_it_and_an_older_update_leaves_it(published_pledge, member):
    assert _newest(published_pledge) is None
    post_progress(published_pledge, member, {"spend-smes": "10"}, date=datetime.date(2026, 6, 30))
    assert _newest(published_pledge) == datetime.date(2026, 6, 30)
    post_progress(published_pledge, member, {"spend-smes": "5"}, date=datetime.date(2026, 5, 31))
    assert _newest(published_pledge) == datetime.date(2026, 6, 30)


def test_a_save_of_a_pledge_read_before_an_update_does_not_write_back_the_date_it_read(published_pledge, member):
    read_before = Pledge.objects.get(pk=published_pledge.pk)
    post_progress(published_pledge, member, {"spend-smes": "10"}, date=datetime.date(2026, 6, 30))
    read_before.public_contact = "new-team@example.org"
    read_before.save()
    saved = Pledge.objects.get(pk=published_pledge.pk)
    assert saved.public_contact == "new-team@example.org"
    assert saved.newest_update_on == datetime.date(2026, 6, 30)


def test_a_save_of_a_pledge_read_in_part_writes_only_what_was_read(published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "10"}, date=datetime.date(2026, 6, 30))
    partial = Pledge.objects.defer("commitment").get(pk=published_pledge.pk)
    partial.public_contact = "new-team@example.org"
    partial.save()
    saved = Pledge.objects.get(pk=published_pledge.pk)
    assert (saved.public_contact, saved.commitment) == ("new-team@example.org", published_pledge.commitment)
    assert saved.newest_update_on == datetime.date(2026, 6, 30)


def _change_form_data(response) -> dict:
    """The admin change form's fields and its inlines' as the page holds them, ready to post back."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for each in formset.forms:
            data.update({each.add_prefix(name): each[name].value() for name in each.fields})
    return {name: value for name, value in data.items() if value is not None}


def test_the_secretariat_moving_an_update_to_an_earlier_date_in_the_admin_moves_it_back(
    secretariat_client, published_pledge, member
):
    post_progress(published_pledge, member, {"spend-smes": "5"}, date=datetime.date(2026, 5, 31))
    newest = post_progress(published_pledge, member, {"spend-smes": "10"}, date=datetime.date(2026, 6, 30))
    url = f"/admin/pledges/progressupdate/{newest.pk}/change/"
    data = _change_form_data(secretariat_client.get(url))
    data["date"] = "2026-04-30"

    response = secretariat_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert ProgressUpdate.objects.get(pk=newest.pk).date == datetime.date(2026, 4, 30)
    assert _newest(published_pledge) == datetime.date(2026, 5, 31)


def test_the_updates_found_through_it_are_the_newest_of_the_chosen_pledges_whatever_the_other_pledges_hold(
    reference_data, member
):
    """The newest updates of a filter's pledges, found through newest_update_on, are those a search of every
    update finds: with the eighth pledge's date shared by others (so the cutoff must include them all),
    pledges with older updates too, and newer updates on pledges outside the filter (the case an index
    walk by date handles worst)."""
    organisation, lever = Organisation.objects.get(slug="essex-county-council"), Lever.objects.first()
    chosen = make_pledges(12, organisation=organisation, lever=lever, with_progress=False, title="Chosen")
    others = make_pledges(4, organisation=organisation, lever=lever, with_progress=False, title="Other")
    slug = chosen[0].targets.select_related("measure").first().measure.slug
    for number, pledge in enumerate(chosen):  # three pledges a day, 1 to 4 May; some with an older update too
        if number % 2:
            post_progress(pledge, member, {slug: "1"}, date=datetime.date(2026, 4, 10 + number))
        post_progress(pledge, member, {slug: "2"}, date=datetime.date(2026, 5, 1 + number // 3))
    for pledge in others:
        post_progress(pledge, member, {slug: "1"}, date=datetime.date(2026, 11, 30))
    pledges = Pledge.objects.filter(pk__in=[pledge.pk for pledge in chosen])

    holders = pledges.holding_newest_updates(RECENT_UPDATES)
    found = list(ProgressUpdate.objects.filter(pledge__in=holders).recent(RECENT_UPDATES))
    every = sorted(ProgressUpdate.objects.filter(pledge__in=pledges), key=lambda u: (u.date, u.pk), reverse=True)

    # The eighth pledge by newest update has 2 May, as two others do: the nine of 2 to 4 May, not all twelve.
    assert sorted(holders) == sorted(pledge.pk for pledge in chosen[3:])
    assert [update.pk for update in found] == [update.pk for update in every[:RECENT_UPDATES]]
    assert len(found) == RECENT_UPDATES


def test_pledges_with_fewer_updates_than_asked_for_give_all_of_them(published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "10"}, date=datetime.date(2026, 6, 30))
    pledges = Pledge.objects.filter(pk=published_pledge.pk)
    assert pledges.holding_newest_updates(RECENT_UPDATES) == [published_pledge.pk]
