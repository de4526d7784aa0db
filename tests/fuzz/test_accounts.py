"""Fuzz the sign-in, password reset and password reset confirm forms, signed out."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import example, given

from . import strategies as fuzz
from .checks import check, fuzz_settings, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz


@fuzz_settings(max_examples=40)
@given(username=fuzz.text, password=fuzz.text, next_url=fuzz.text)
@example(username="x" * 1000, password="x", next_url="")
@example(username="\ud800", password="\x00", next_url="//evil.example/")
def test_signing_in_with_anything_never_fails(member, username, password, next_url):
    client = signed_in()
    with one_example():
        before = row_counts()
        response = post_form(client, "/accounts/login/", {"username": username, "password": password, "next": next_url})
        if check(response, before):
            assert not response["Location"].startswith(("//", "http")), "an open redirect after signing in"


@fuzz_settings(max_examples=30)
@given(email=fuzz.text)
@example(email="alice@example.org")
def test_asking_for_a_password_reset_never_fails(member, email, mailoutbox):
    client = signed_in()
    with one_example():
        before = row_counts()
        check(post_form(client, "/accounts/password_reset/", {"email": email}), before)


@fuzz_settings(max_examples=25)
@given(first=fuzz.text, second=fuzz.text)
def test_choosing_a_new_password_never_fails(member, first, second):
    client = signed_in()
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    with one_example():
        page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
        assert page.status_code == 200
        before = row_counts()
        check(post_form(client, page.redirect_chain[-1][0], {"new_password1": first, "new_password2": second}), before)
