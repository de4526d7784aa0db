"""/pledges/<id>/submit/: staff of the pledge's organisation submit a draft for review (POST only)."""

from django.core import mail
from django.test import Client

from pledges.models import Pledge, PledgeStatus, PledgeStatusChange


def url(pledge):
    return f"/pledges/{pledge.pk}/submit/"


def test_it_submits_a_draft_and_emails_the_secretariat_after_commit(
    member_client, member, draft_pledge, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = member_client.post(url(draft_pledge), follow=True)
        assert mail.outbox == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert response.redirect_chain == [("/my/", 302)]
    assert "is submitted for review" in response.content.decode()
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.SUBMITTED
    change = PledgeStatusChange.objects.get(pledge=draft_pledge)
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", member)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [settings.SECRETARIAT_EMAIL]
    assert draft_pledge.title in mail.outbox[0].subject


def test_it_refuses_a_pledge_without_targets(member_client, draft_pledge):
    draft_pledge.targets.all().delete()
    response = member_client.post(url(draft_pledge), follow=True)
    assert "Add at least one target before submitting the pledge." in response.content.decode()
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT


def test_it_refuses_a_pledge_already_published(member_client, published_pledge):
    response = member_client.post(url(published_pledge), follow=True)
    assert "was not submitted" in response.content.decode()
    assert Pledge.objects.get(pk=published_pledge.pk).status == PledgeStatus.PUBLISHED
    assert mail.outbox == []


def test_it_hides_another_organisations_pledge(other_member_client, draft_pledge):
    assert other_member_client.post(url(draft_pledge)).status_code == 404
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT


def test_it_lets_the_secretariat_submit_for_an_organisation(secretariat_client, draft_pledge):
    assert secretariat_client.post(url(draft_pledge)).status_code == 302
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.SUBMITTED


def test_it_redirects_anonymous_users_to_sign_in(client, draft_pledge):
    response = client.post(url(draft_pledge))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT


def test_it_rejects_get(member_client, draft_pledge):
    assert member_client.get(url(draft_pledge)).status_code == 405
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT


def test_it_requires_the_csrf_token(member, draft_pledge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url(draft_pledge)).status_code == 403
    assert Pledge.objects.get(pk=draft_pledge.pk).status == PledgeStatus.DRAFT
