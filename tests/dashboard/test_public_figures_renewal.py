"""Renewing the public figures happens in one place every write reaches: a save or delete of any model the
figures are computed from, whichever path made it (service, admin page, admin action, admin import, code)."""

import datetime

import pytest
import tablib
from django.core.cache import cache

from dashboard.figures import public_figure_models
from pledges.cache import GENERATION_KEY, public_figures_generation
from pledges.models import Evidence, Lever, Measure, Organisation, Pledge, ProgressUpdate, Target
from pledges.resources import OrganisationResource
from tests.pledges.pledge_builders import post_progress


@pytest.fixture
def generation(db):
    """Read the generation before the write; call it after to see whether it changed."""
    before = public_figures_generation()
    return lambda: cache.get(GENERATION_KEY) != before


def test_every_model_the_figures_read_is_listed():
    from spend.models import Baseline

    # Measure: its £ value per unit and source make the estimated social value.
    assert set(public_figure_models()) == {Organisation, Lever, Measure, Pledge, Target, ProgressUpdate, Baseline}


def test_a_new_pound_value_per_unit_renews_them(reference_data, generation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measure = Measure.objects.get(slug="spend-smes")
        measure.social_value_per_unit, measure.social_value_source = 1, "A study"
        measure.save()
    assert generation()


def test_a_plain_save_renews_them(organisation, generation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name = "Essex County Council (renamed)"
        organisation.save()
    assert generation()


def test_the_admin_verified_action_renews_them(
    secretariat_client, published_pledge, member, django_capture_on_commit_callbacks
):
    update = post_progress(published_pledge, member, {"spend-smes": "10"})
    before = public_figures_generation()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            "/admin/pledges/progressupdate/",
            {"action": "mark_verified", "_selected_action": [update.pk]},
        )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(pk=update.pk).evidence == Evidence.VERIFIED
    assert cache.get(GENERATION_KEY) != before


def test_an_admin_import_renews_them(reference_data, generation, django_capture_on_commit_callbacks):
    dataset = tablib.Dataset(headers=["slug", "name", "short_name", "sector", "website", "description", "active"])
    dataset.append(["new-anchor", "A new anchor", "", "other", "", "", "1"])
    with django_capture_on_commit_callbacks(execute=True):
        result = OrganisationResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert generation()


def test_a_delete_renews_them(published_pledge, generation, django_capture_on_commit_callbacks):
    target = published_pledge.targets.first()
    with django_capture_on_commit_callbacks(execute=True):
        target.delete()
    assert generation()


def test_it_waits_for_the_commit(published_pledge, generation, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        published_pledge.target_date = datetime.date(2029, 3, 31)
        published_pledge.save()
    assert callbacks and not generation()
