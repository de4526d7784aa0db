"""The server errors the fuzz suite found, each as one plain example."""

import json

import pytest

from api.models import ApiTokenUse
from learning_community.models import Resource
from pledges.models import Approach, Lever, ProgressUpdate, Target
from spend.models import SpendFile
from tests.admin_pages import error_summary, form_data
from tests.api.conftest import progress_body, token  # noqa: F401
from tests.pledges.pledge_form_data import existing_rows, pledge_data
from tests.spend.spend_builders import payments_csv, post_upload

from .checks import signed_in

pytestmark = pytest.mark.fuzz


def test_a_signalling_nan_in_a_saved_target_is_refused_as_no_number(member, draft_pledge, lever):
    # Comparing Decimal("sNaN") with the saved baseline, to see whether the row changed, raised.
    rows = existing_rows(draft_pledge)
    rows[0]["baseline"] = "sNaN"
    data = pledge_data(lever, targets=rows, initial=2, version=draft_pledge.version)
    response = signed_in(member).post(f"/pledges/{draft_pledge.pk}/edit/", data)
    assert response.status_code == 200
    assert "Target 1: Baseline: Enter a number." in response.content.decode()
    assert sorted(Target.objects.values_list("baseline", flat=True)) == [0, 1000000]


def test_a_lone_surrogate_in_a_posted_narrative_is_refused_by_name(published_pledge, token):  # noqa: F811
    # JSON may carry "\ud800" alone; no database encodes it (a 500 on both).
    body = json.dumps(progress_body(published_pledge, narrative="half a pair: \ud800"))
    response = signed_in().post(
        f"/api/v1/pledges/{published_pledge.pk}/progress",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token.secret}", "Idempotency-Key": "k"},
    )
    assert response.status_code == 422
    assert "narrative" in response.json()["errors"]
    assert not ProgressUpdate.objects.exists()
    assert ApiTokenUse.objects.get().status == 422


def test_a_review_with_neither_decision_says_to_choose_one(member, secretariat):
    # The unbound unpublish form could not take the error: a 500.
    resource = Resource.objects.create(
        title="Shared", kind="tool", summary="x", link="https://example.org/", organisation=member.profile.organisation
    )
    response = signed_in(secretariat).post(f"/resources/{resource.pk}/review/", {"decision": "archive"})
    assert response.status_code == 200
    assert "Choose to publish or to unpublish the resource." in response.content.decode()
    assert "This field is required" not in response.content.decode()


def test_a_file_with_a_long_name_can_be_uploaded_twice(member):
    # 250 characters fit the file system once; the second copy's "_abcdefg" did not (OSError, a 500).
    client = signed_in(member)
    name = "x" * 250 + ".csv"
    for _ in range(2):
        assert post_upload(client, payments_csv(), name=name).status_code == 302
    stored = [spend_file.file.name.rsplit("/", 1)[-1] for spend_file in SpendFile.objects.all()]
    assert all(len(part.encode()) <= 255 for part in stored) and len(set(stored)) == 2
    assert {spend_file.original_name for spend_file in SpendFile.objects.all()} == {name}


def test_a_tampered_approach_row_that_repeats_a_saved_one_is_named(secretariat, reference_data):
    # INITIAL_FORMS=0 sends the lever's saved approaches as new rows: the database's unique constraint, a 500.
    client = signed_in(secretariat)
    lever = Lever.objects.order_by("pk").first()
    url = f"/admin/pledges/lever/{lever.pk}/change/"
    data = form_data(client.get(url), "lever", **{"approaches-0-id": "", "approaches-INITIAL_FORMS": "0"})
    count = Approach.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert any("already exists" in text for text, _anchor in error_summary(response)) or "already exists" in (
        response.content.decode()
    )
    assert Approach.objects.count() == count


def test_junk_in_an_autocomplete_box_shows_the_form_again(secretariat, draft_pledge):
    # The autocomplete widget looked " " up as a measure id to label it (ValueError), and a number past a bigint
    # (OverflowError on SQLite): the change page was a 500 instead of its errors.
    client = signed_in(secretariat)
    target = draft_pledge.targets.order_by("pk").first()
    url = f"/admin/pledges/target/{target.pk}/change/"
    for junk in (" ", "9223372036854775808"):
        response = client.post(url, form_data(client.get(url), "target", measure=junk))
        assert response.status_code == 200
        assert error_summary(response)
    assert Target.objects.get(pk=target.pk).measure_id == target.measure_id


def test_an_admin_import_whose_first_row_is_empty_names_the_problem(secretariat, reference_data):
    # A first row of empty cells came back as no headers at all, and reading the rows by them raised.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pledges.models import Organisation

    count = Organisation.objects.count()
    response = signed_in(secretariat).post(
        "/admin/pledges/organisation/import/",
        {"import_file": SimpleUploadedFile("o.csv", b'\r\n""\r\nx\r\n'), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert "this import does not know: (blank)" in response.content.decode()
    assert Organisation.objects.count() == count


def _searchable_changelists():
    from django.contrib import admin

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    )


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["\x00", "x" * 60_000], ids=["nul", "60000-characters"])
@pytest.mark.parametrize("url", _searchable_changelists())
def test_every_admin_search_takes_any_term(admin_client, url, term):
    # A superuser, so that the packages' admins (auth, axes) answer too.
    response = admin_client.get(url, {"q": term})
    assert response.status_code == 200
