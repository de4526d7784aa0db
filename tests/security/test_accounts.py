"""Sign-in throttling (django-axes) and password reset, as an attacker guessing passwords or addresses sees them."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.core import mail

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
LOCKED_HEADING = "<h1>Too many failed sign-in attempts</h1>"


def _sign_in(client, username, password, url=LOGIN):
    return client.post(url, {"username": username, "password": password})


def test_it_locks_a_username_after_five_wrong_passwords_with_a_clear_message(client, member, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, "alice", f"guess-{attempt}").status_code == 200
    response = _sign_in(client, "alice", "guess-last")
    assert response.status_code == 429
    body = response.content.decode()
    assert LOCKED_HEADING in body
    assert "Wait 15 minutes and try again" in body
    assert 'href="/accounts/password_reset/"' in body
    assert body.count("<h1") == 1
    # The right password does not get through while the lock lasts.
    response = _sign_in(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_it_locks_unknown_usernames_the_same_way_so_guesses_reveal_no_accounts(client, member):
    known = [_sign_in(client, "alice", "wrong").status_code for _ in range(5)]
    unknown = [_sign_in(client, "no-such-user", "wrong").status_code for _ in range(5)]
    assert known == unknown == [200, 200, 200, 200, 429]


def test_it_throttles_the_admin_sign_in_too(client, secretariat):
    for _ in range(5):
        _sign_in(client, "charlie", "wrong", url="/admin/login/")
    response = _sign_in(client, "charlie", PASSWORD, url="/admin/login/")
    assert response.status_code == 429
    assert LOCKED_HEADING in response.content.decode()
    assert client.get("/admin/").status_code == 302  # still not signed in


def test_it_lets_a_locked_out_person_ask_for_a_reset_link(client, member):
    for _ in range(5):
        _sign_in(client, "alice", "wrong")
    response = client.post("/accounts/password_reset/", {"email": "alice@example.org"}, follow=True)
    assert "<h1>Check your email</h1>" in response.content.decode()
    assert len(mail.outbox) == 1


def _reset_page(client, email) -> str:
    response = client.post("/accounts/password_reset/", {"email": email}, follow=True)
    assert response.status_code == 200
    # The page without its per-response CSRF token.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_it_answers_a_reset_request_the_same_whether_or_not_the_address_has_an_account(client, member):
    inactive = User.objects.create_user("dormant", "dormant@example.org", PASSWORD, is_active=False)
    assert not inactive.is_active
    pages = {
        email: _reset_page(client, email)
        for email in ("alice@example.org", "nobody@example.org", "dormant@example.org")
    }
    assert len(set(pages.values())) == 1
    assert "<h1>Check your email</h1>" in pages["nobody@example.org"]
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


@pytest.mark.parametrize(
    "email, expected",
    [
        ("", "Email: This field is required."),
        ("not-an-address", "Email: Enter a valid email address."),
        ("a" * 300 + "@example.org", "Email: Ensure this value has at most 254 characters"),
    ],
)
def test_it_explains_a_bad_reset_address(client, reference_data, email, expected):
    response = client.post("/accounts/password_reset/", {"email": email})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert mail.outbox == []


def test_it_refuses_a_forged_reset_link(client, member):
    response = client.get("/accounts/reset/MQ/abc-123/", follow=True)
    assert "<h1>This link does not work</h1>" in response.content.decode()
    response = client.post(
        "/accounts/reset/MQ/set-password/", {"new_password1": "x-y-z-long-1", "new_password2": "x-y-z-long-1"}
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_it_does_not_send_a_signed_in_user_away_through_next(client, member):
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": "//evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/my/"


@pytest.mark.parametrize("length", [256, 10_000])
def test_it_throttles_an_over_long_username_instead_of_failing(client, reference_data, length):
    """axes stored the typed username in a varchar(255): on PostgreSQL a longer one was a 500
    (django-axes issue #1381). Scanners send such names; now they are cut to fit and locked out."""
    username = "x" * length
    statuses = [_sign_in(client, username, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert AccessAttempt.objects.get().username == "x" * 255
