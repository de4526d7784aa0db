"""/pledges/<id>/withdraw/: staff of the organisation ask the secretariat to withdraw a published pledge."""

from django.core import mail
from django.test import Client

from pledges.models import Pledge, PledgeStatus


def url(pledge):
    return f"/pledges/{pledge.pk}/withdraw/"


def test_it_asks_for_the_reason(member_client, published_pledge):
    response = member_client.get(url(published_pledge))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Ask to withdraw “Double our spend with Essex SMEs”</h1>" in body
    assert 'for="id_reason"' in body and "Reason for withdrawal" in body
    assert "Send the request to the secretariat" in body


def test_it_records_the_request_and_emails_the_secretariat(
    member_client, published_pledge, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(url(published_pledge), {"reason": "The programme lost its funding."}, follow=True)
    assert response.redirect_chain == [("/my/", 302)]
    assert "Your request to withdraw" in response.content.decode()
    pledge = Pledge.objects.get(pk=published_pledge.pk)
    # Still published: the secretariat decides. Nothing is deleted.
    assert pledge.status == PledgeStatus.PUBLISHED
    assert pledge.withdrawal_requested and pledge.withdrawal_reason == "The programme lost its funding."
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [settings.SECRETARIAT_EMAIL]
    assert "The programme lost its funding." in mail.outbox[0].body


def test_it_requires_a_reason(member_client, published_pledge):
    body = member_client.post(url(published_pledge), {"reason": "   "}).content.decode()
    assert '<a href="#id_reason">Reason for withdrawal: This field is required.</a>' in body
    assert 'id="error_1_id_reason"' in body
    assert not Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_it_refuses_a_huge_reason(member_client, published_pledge):
    body = member_client.post(url(published_pledge), {"reason": "z" * 10_000}).content.decode()
    assert "Ensure this value has at most 2000 characters (it has 10000)." in body
    assert not Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_it_shows_script_in_the_title_as_text(member_client, published_pledge):
    Pledge.objects.filter(pk=published_pledge.pk).update(title="<script>alert(1)</script>")
    body = member_client.get(url(published_pledge)).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_refuses_a_draft(member_client, draft_pledge):
    response = member_client.get(url(draft_pledge), follow=True)
    assert response.redirect_chain == [("/my/", 302)]
    assert "only a published pledge can be withdrawn" in response.content.decode()
    member_client.post(url(draft_pledge), {"reason": "No longer needed."})
    assert not Pledge.objects.get(pk=draft_pledge.pk).withdrawal_requested


def test_it_does_not_ask_twice(member_client, published_pledge):
    Pledge.objects.filter(pk=published_pledge.pk).update(withdrawal_requested=True, withdrawal_reason="First")
    response = member_client.post(url(published_pledge), {"reason": "Second"}, follow=True)
    assert "You have already asked to withdraw" in response.content.decode()
    assert Pledge.objects.get(pk=published_pledge.pk).withdrawal_reason == "First"
    assert mail.outbox == []


def test_it_sends_the_secretariat_to_the_admin(secretariat_client, published_pledge):
    response = secretariat_client.post(url(published_pledge), {"reason": "Tidy up"}, follow=True)
    assert "the secretariat withdraws pledges in the admin" in response.content.decode()
    assert not Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_it_hides_another_organisations_pledge(other_member_client, published_pledge):
    assert other_member_client.get(url(published_pledge)).status_code == 404
    assert other_member_client.post(url(published_pledge), {"reason": "Sabotage"}).status_code == 404
    assert not Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_it_redirects_anonymous_users_to_sign_in(client, published_pledge):
    response = client.post(url(published_pledge), {"reason": "x"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_it_rejects_other_methods(member_client, published_pledge):
    assert member_client.put(url(published_pledge)).status_code == 405
    assert member_client.delete(url(published_pledge)).status_code == 405


def test_it_requires_the_csrf_token(member, published_pledge):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(url(published_pledge), {"reason": "x"}).status_code == 403
