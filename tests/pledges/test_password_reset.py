"""Password reset by email and password change (Django auth views with the portal's templates)."""

import re

from django.contrib.auth import SESSION_KEY
from django.core import mail

from ..conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-long-passphrase"


def test_it_emails_a_reset_link_and_lets_the_member_choose_a_new_password(client, member):
    page = client.get("/accounts/password_reset/").content.decode()
    assert "<h1>Reset your password</h1>" in page and 'for="id_email"' in page
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"}, follow=True)
    assert "<h1>Check your email</h1>" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Reset your Essex Anchors Portal password"
    assert message.to == ["alice@example.org"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)

    response = client.get(link, follow=True)  # Django swaps the token for a session and redirects
    assert "<h1>Choose a new password</h1>" in response.content.decode()
    set_url = response.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "<h1>Your password is changed</h1>" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_it_does_not_say_whether_an_address_has_an_account(client, member):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, follow=True)
    assert "<h1>Check your email</h1>" in response.content.decode()
    assert mail.outbox == []


def test_it_explains_a_used_or_broken_link(client, member):
    response = client.get("/accounts/reset/MQ/not-a-token/", follow=True)
    assert "<h1>This link does not work</h1>" in response.content.decode()


def test_it_shows_password_errors_next_to_the_field_and_in_the_summary(client, member):
    client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    body = client.post(set_url, {"new_password1": "short", "new_password2": "other"}).content.decode()
    assert 'role="alert"' in body and '<a href="#id_new_password2">' in body
    assert "The two password fields didn’t match." in body


def test_it_lets_a_signed_in_member_change_their_password(member_client, member):
    page = member_client.get("/accounts/password_change/").content.decode()
    assert "<h1>Change your password</h1>" in page
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    response = member_client.post("/accounts/password_change/", data, follow=True)
    assert "<h1>Your password is changed</h1>" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert SESSION_KEY in member_client.session  # still signed in


def test_it_refuses_a_wrong_old_password(member_client, member):
    data = {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    body = member_client.post("/accounts/password_change/", data).content.decode()
    assert '<a href="#id_old_password">' in body
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_it_asks_anonymous_users_to_sign_in_before_changing_a_password(client, reference_data):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
