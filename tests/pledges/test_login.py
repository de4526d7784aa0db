"""/accounts/login/ and /accounts/logout/: signing in, login throttling (django-axes), signing out."""

from django.contrib.auth import SESSION_KEY
from django.test import Client

from ..conftest import PASSWORD

URL = "/accounts/login/"


def sign_in(client, password, username="alice"):
    return client.post(URL, {"username": username, "password": password})


def test_it_signs_a_member_in_and_lands_on_their_organisation(client, member):
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and response.url == "/my/"
    assert client.session[SESSION_KEY] == str(member.pk)


def test_it_follows_next_to_the_page_asked_for(client, member):
    response = client.post(URL, {"username": "alice", "password": PASSWORD, "next": "/pledges/new/"})
    assert response.url == "/pledges/new/"


def test_it_does_not_follow_next_to_another_site(client, member):
    response = client.post(URL, {"username": "alice", "password": PASSWORD, "next": "https://evil.example/"})
    assert response.url == "/my/"


def test_it_explains_a_wrong_password(client, member):
    response = sign_in(client, "wrong")
    assert response.status_code == 200
    assert "Your username and password did not match." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_it_locks_the_account_after_five_wrong_passwords(client, member, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200
    response = sign_in(client, "wrong")
    body = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Too many failed sign-in attempts</h1>" in body
    assert "Wait 15 minutes and try again" in body and 'href="/accounts/password_reset/"' in body
    # Even the right password is refused while the lock lasts.
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429 and SESSION_KEY not in client.session


def test_it_locks_only_the_account_under_attack(client, member, other_member):
    for _ in range(5):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD, username="bob").status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(client, member):
    for _ in range(4):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == 200


def test_it_requires_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, PASSWORD).status_code == 403


def test_it_signs_out_by_post_only(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    response = member_client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/"
    assert SESSION_KEY not in member_client.session


def test_it_has_a_signed_out_page_when_no_redirect_is_set(member_client, settings):
    settings.LOGOUT_REDIRECT_URL = None
    response = member_client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "<h1>You have signed out</h1>" in response.content.decode()
