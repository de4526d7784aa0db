"""/pledges/<id>/edit/: staff of the pledge's organisation edit a draft or returned pledge."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from pledges import services
from pledges.models import Measure, Pledge, PledgeStatus, Target
from tests.lifecycle import move_to

from .pledge_form_data import existing_rows, pledge_data, target_row


def url(pledge):
    return f"/pledges/{pledge.pk}/edit/"


def edit_data(pledge, *, rows=None, **fields):
    """The edit form as the page renders it for `pledge`, with `fields` changed."""
    rows = existing_rows(pledge) if rows is None else rows
    return pledge_data(
        pledge.lever,
        approach=pledge.approach,
        targets=rows,
        initial=pledge.targets.count(),
        version=pledge.version,
        **{
            "title": pledge.title,
            "commitment": pledge.commitment,
            "start_date": pledge.start_date.isoformat(),
            "target_date": pledge.target_date.isoformat(),
            "public_contact": pledge.public_contact,
            **fields,
        },
    )


@pytest.fixture
def returned_pledge(draft_pledge, member, secretariat):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(
        pledge=draft_pledge, status=PledgeStatus.RETURNED, user=secretariat, comment="Say <b>which</b> SMEs count."
    )
    draft_pledge.refresh_from_db()
    return draft_pledge


def test_it_shows_the_pledge_with_its_targets_and_one_blank_row(member_client, draft_pledge):
    response = member_client.get(url(draft_pledge))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Edit pledge: Double our spend with Essex SMEs</h1>" in body
    assert body.count('<fieldset class="target-row"') == 3
    assert 'value="Double our spend with Essex SMEs"' in body
    assert f'name="version" value="{draft_pledge.version}"' in body
    assert 'value="01/04/2026"' in body  # dates shown day first, as they are typed
    assert "Remove this target" in body


def test_it_saves_changes_to_the_pledge_and_its_targets(member_client, draft_pledge):
    rows = existing_rows(draft_pledge)
    rows[1]["target_value"] = "10"
    rows.append(target_row())
    data = edit_data(draft_pledge, rows=rows, title="Treble our spend with Essex SMEs")
    response = member_client.post(url(draft_pledge), data)
    assert response.status_code == 302 and response.url == "/my/"
    pledge = Pledge.objects.get(pk=draft_pledge.pk)
    assert pledge.title == "Treble our spend with Essex SMEs"
    assert pledge.version == draft_pledge.version + 1
    assert pledge.status == PledgeStatus.DRAFT
    assert [str(t.target_value) for t in pledge.targets.all()] == ["2000000.00", "10.00", "25.00"]


def test_it_removes_a_target_of_a_draft(member_client, draft_pledge):
    rows = existing_rows(draft_pledge)
    rows[0]["DELETE"] = "on"
    assert member_client.post(url(draft_pledge), edit_data(draft_pledge, rows=rows)).status_code == 302
    assert [t.measure.slug for t in draft_pledge.targets.all()] == ["meet-the-buyer-events"]


def test_it_refuses_to_remove_every_target(member_client, draft_pledge):
    rows = existing_rows(draft_pledge)
    for row in rows:
        row["DELETE"] = "on"
    response = member_client.post(url(draft_pledge), edit_data(draft_pledge, rows=rows))
    assert "Add at least one target" in response.content.decode()
    assert draft_pledge.targets.count() == 2


def test_it_saves_and_resubmits_a_returned_pledge(
    member_client, returned_pledge, django_capture_on_commit_callbacks, settings
):
    data = edit_data(returned_pledge, action="submit", commitment="SMEs: fewer than 250 staff, based in Essex.")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(url(returned_pledge), data)
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=returned_pledge.pk)
    assert pledge.status == PledgeStatus.SUBMITTED
    assert pledge.commitment == "SMEs: fewer than 250 staff, based in Essex."
    assert [m.to for m in mail.outbox] == [[settings.SECRETARIAT_EMAIL]]


def test_it_shows_the_secretariats_comment_on_a_returned_pledge(member_client, returned_pledge):
    body = member_client.get(url(returned_pledge)).content.decode()
    assert "The secretariat returned this pledge for changes" in body
    assert "Say &lt;b&gt;which&lt;/b&gt; SMEs count." in body


def test_it_refuses_a_save_from_a_stale_form(member_client, draft_pledge):
    data = edit_data(draft_pledge, title="My version")
    # Someone else saves in between: the pledge moves on to the next version.
    Pledge.objects.filter(pk=draft_pledge.pk).update(title="Their version", version=draft_pledge.version + 1)
    response = member_client.post(url(draft_pledge), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in body and "Someone else changed this pledge after you opened it." in body
    pledge = Pledge.objects.get(pk=draft_pledge.pk)
    assert pledge.title == "Their version" and pledge.version == draft_pledge.version + 1


def test_it_refuses_a_second_save_from_the_same_opened_form(member_client, draft_pledge):
    data = edit_data(draft_pledge, title="First save")
    assert member_client.post(url(draft_pledge), data).status_code == 302
    data["title"] = "Second save from the same page"
    body = member_client.post(url(draft_pledge), data).content.decode()
    assert "Someone else changed this pledge" in body
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "First save"


def test_it_ignores_a_forged_organisation(member_client, draft_pledge, organisation, other_organisation):
    data = edit_data(draft_pledge, organisation=other_organisation.pk)
    member_client.post(url(draft_pledge), data)
    assert Pledge.objects.get(pk=draft_pledge.pk).organisation == organisation


def test_it_refuses_a_target_of_another_pledge(member_client, draft_pledge, other_member):
    other = Pledge.objects.create(
        organisation=other_member.profile.organisation,
        lever=draft_pledge.lever,
        title="Basildon's pledge",
        commitment="x",
        start_date=draft_pledge.start_date,
        target_date=draft_pledge.target_date,
        public_contact="x",
    )
    theirs = Target.objects.create(
        pledge=other, measure=Measure.objects.get(slug="spend-smes"), target_value=5, target_date=other.target_date
    )
    rows = existing_rows(draft_pledge)
    rows[0]["id"] = theirs.pk
    rows[0]["target_value"] = "1"
    member_client.post(url(draft_pledge), edit_data(draft_pledge, rows=rows))
    # Django's formset drops a row whose id is not one of this pledge's targets: theirs is untouched.
    theirs.refresh_from_db()
    assert theirs.pledge == other and theirs.target_value == 5
    assert other.targets.count() == 1 and draft_pledge.targets.count() == 2


def test_it_refuses_a_row_claiming_another_parent_pledge(member_client, draft_pledge):
    rows = existing_rows(draft_pledge)
    rows[0]["pledge"] = 999999
    response = member_client.post(url(draft_pledge), edit_data(draft_pledge, rows=rows, title="Changed"))
    assert response.status_code == 200
    assert "The inline value did not match the parent instance." in response.content.decode()
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "Double our spend with Essex SMEs"


def test_it_treats_a_form_without_its_version_as_stale(member_client, draft_pledge):
    data = edit_data(draft_pledge, title="Changed")
    del data["version"]
    assert "Someone else changed this pledge" in member_client.post(url(draft_pledge), data).content.decode()
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "Double our spend with Essex SMEs"


def test_it_keeps_the_saved_title_in_the_heading_until_saved(member_client, draft_pledge):
    body = member_client.post(
        url(draft_pledge), edit_data(draft_pledge, title="Typed", public_contact="")
    ).content.decode()
    assert "<h1>Edit pledge: Double our spend with Essex SMEs</h1>" in body and 'value="Typed"' in body


def test_it_hides_another_organisations_draft(other_member_client, draft_pledge):
    assert other_member_client.get(url(draft_pledge)).status_code == 404
    assert other_member_client.post(url(draft_pledge), edit_data(draft_pledge, title="Hijacked")).status_code == 404
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "Double our spend with Essex SMEs"


def test_it_hides_another_organisations_published_pledge(other_member_client, published_pledge):
    assert other_member_client.get(url(published_pledge)).status_code == 404


def test_it_lets_the_secretariat_edit_a_draft(secretariat_client, draft_pledge, organisation):
    response = secretariat_client.post(url(draft_pledge), edit_data(draft_pledge, title="Tidied by the secretariat"))
    assert response.status_code == 302
    pledge = Pledge.objects.get(pk=draft_pledge.pk)
    assert pledge.title == "Tidied by the secretariat" and pledge.organisation == organisation


def test_it_redirects_anonymous_users_to_sign_in(client, draft_pledge):
    response = client.get(url(draft_pledge))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_returns_404_for_a_missing_pledge(member_client, reference_data):
    assert member_client.get("/pledges/999999/edit/").status_code == 404


@pytest.mark.parametrize("status", [PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED, PledgeStatus.WITHDRAWN])
def test_it_locks_a_pledge_that_is_no_longer_editable(member_client, draft_pledge, status):
    move_to(draft_pledge, status)
    response = member_client.get(url(draft_pledge), follow=True)
    assert response.redirect_chain == [("/my/", 302)]
    assert "so it cannot be edited" in response.content.decode()
    response = member_client.post(url(draft_pledge), edit_data(draft_pledge, title="Quietly rewritten"))
    assert response.status_code == 302
    assert Pledge.objects.get(pk=draft_pledge.pk).title == "Double our spend with Essex SMEs"


def test_it_rejects_other_methods(member_client, draft_pledge):
    assert member_client.put(url(draft_pledge)).status_code == 405


def test_it_requires_the_csrf_token(member, draft_pledge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url(draft_pledge), edit_data(draft_pledge, title="Forged")).status_code == 403


def test_it_shows_invalid_input_next_to_the_field_and_in_the_summary(member_client, draft_pledge):
    rows = existing_rows(draft_pledge)
    rows[0]["target_date"] = "not a date"
    body = member_client.post(url(draft_pledge), edit_data(draft_pledge, rows=rows, public_contact="")).content.decode()
    assert '<a href="#id_public_contact">Public contact: This field is required.</a>' in body
    assert "Target 1: By date: Enter a real date, day first: for example 31/03/2027." in body
    assert 'id="error_1_id_targets-0-target_date"' in body


def test_it_shows_html_in_the_title_as_text(member_client, draft_pledge):
    Pledge.objects.filter(pk=draft_pledge.pk).update(title='<img src=x onerror="alert(1)">')
    body = member_client.get(url(draft_pledge)).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body


def test_it_keeps_queries_bounded(member_client, draft_pledge, django_assert_max_num_queries):
    for _ in range(10):
        Target.objects.create(
            pledge=draft_pledge,
            measure=Measure.objects.get(slug="spend-smes"),
            target_value=9,
            target_date="2028-01-01",
        )
    with django_assert_max_num_queries(10):
        response = member_client.get(url(draft_pledge))
    assert response.content.decode().count('<fieldset class="target-row"') == 13


def test_it_does_not_let_a_plain_user_without_organisation_edit(client, draft_pledge):
    nobody = User.objects.create_user("dora", "dora@example.org", "x")
    client.force_login(nobody)
    assert client.get(url(draft_pledge)).status_code == 404
