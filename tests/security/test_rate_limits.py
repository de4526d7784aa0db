"""Rate limits and login throttling: password reset emails, uploads, the lockout page, and proxies.

settings.RATE_LIMITS sets (how many POSTs, in how many seconds) per signed-in user or, signed out, per
client address (essex_anchors.lib.rate_limits); django-axes locks a username + address after
AXES_FAILURE_LIMIT wrong passwords. Behind a proxy the address is read from TRUSTED_PROXY_HEADER
(essex_anchors.lib.client_address), so one client cannot lock a username for everyone.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pledges.models import ProgressUpdate
from spend.models import SpendFile
from tests.conftest import PASSWORD
from tests.spend.spend_builders import payments_csv, post_upload

RESET = "/accounts/password_reset/"


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS = {"password_reset": (2, 3600), "upload": (2, 600)}


def test_it_stops_emailing_reset_links_past_the_limit_and_says_when_to_try_again(client, member, tight_limits):
    for _ in range(2):
        assert client.post(RESET, {"email": "alice@example.org"}).status_code == 302
    refused = client.post(RESET, {"email": "alice@example.org"})
    body = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "<h1>Too many requests</h1>" in body
    assert "You can make 2 password reset requests in 1 hour" in body and "Try again in 1 hour." in body
    assert len(mail.outbox) == 2
    # Another address is not held up, and the form itself still shows.
    assert Client(REMOTE_ADDR="10.0.0.9").post(RESET, {"email": "alice@example.org"}).status_code == 302
    assert client.get(RESET).status_code == 200


def test_the_limit_opens_again_when_its_window_ends(client, member, tight_limits):
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False) as clock:
        for _ in range(2):
            client.post(RESET, {"email": "alice@example.org"})
        clock.shift(datetime.timedelta(minutes=40))
        refused = client.post(RESET, {"email": "alice@example.org"})
        assert refused.status_code == 429 and "Try again in 20 minutes." in refused.content.decode()
        clock.shift(datetime.timedelta(minutes=21))
        assert client.post(RESET, {"email": "alice@example.org"}).status_code == 302
    assert len(mail.outbox) == 3


def test_it_limits_spend_uploads_per_user_and_saves_nothing_past_the_limit(member_client, organisation, tight_limits):
    for _ in range(2):
        post_upload(member_client, payments_csv())
    files = SpendFile.objects.count()
    refused = post_upload(member_client, payments_csv())
    assert refused.status_code == 429
    assert "You can make 2 uploads in 10 minutes" in refused.content.decode()
    assert SpendFile.objects.count() == files
    assert member_client.get("/spend/upload/").status_code == 200


def test_it_limits_progress_uploads_per_user(member_client, published_pledge, tight_limits, other_member):
    url = "/pledges/progress/upload/"
    empty = SimpleUploadedFile("progress.csv", b"", "text/csv")
    for _ in range(2):
        assert member_client.post(url, {"file": empty}).status_code != 429
    assert member_client.post(url, {"file": empty}).status_code == 429
    assert ProgressUpdate.objects.count() == 0
    # Per person: bob, at the same address, still may.
    bob = Client()
    bob.force_login(other_member)
    assert bob.post(url, {"file": empty}).status_code != 429


def _wrong(client, username="alice"):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_the_lockout_page_states_the_configured_cool_off(client, member, settings):
    settings.AXES_COOLOFF_TIME = 2.5  # hours
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = _wrong(client)
    assert locked.status_code == 429
    assert "Wait 2 hours 30 minutes and try again" in locked.content.decode()


def test_behind_a_proxy_one_client_cannot_lock_a_username_for_everyone(member, settings):
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    # Every request comes from the proxy (127.0.0.1); the proxy appends the client's address it saw.
    attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    alice = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _wrong(attacker)
    assert attacker.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 429
    assert alice.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_forged_left_hand_address_does_not_escape_the_lock(member, settings):
    """The attacker writes their own X-Forwarded-For; the proxy appends the real address, which is the one used."""
    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    for fake in range(settings.AXES_FAILURE_LIMIT):
        _wrong(Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"10.9.9.{fake}, 203.0.113.7"))
    locked = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.1.1.1, 203.0.113.7")
    assert locked.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 429


def test_without_a_trusted_header_the_forwarded_header_is_ignored(member, settings):
    assert settings.TRUSTED_PROXY_HEADER == ""
    for fake in range(settings.AXES_FAILURE_LIMIT):
        _wrong(Client(REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR=f"10.9.9.{fake}"))
    forged = Client(REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="10.1.1.1")
    assert forged.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 429


def test_two_proxies_take_the_second_address_from_the_right(rf, settings):
    from essex_anchors.lib.client_address import client_address

    settings.TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1")
    assert client_address(request) == "203.0.113.7"
    # A header with fewer entries than proxies, or garbage, falls back to the connection's address.
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address")) == "10.0.0.2"
