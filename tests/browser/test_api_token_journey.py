"""Anchor staff make an API token on /my/, copy it once, see it used, and revoke it, in Chromium: by labels and
roles, axe-clean, and no sideways scrolling at 320 px."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from api.models import ApiToken
from tests.conftest import PASSWORD

from .test_reflow import WIDER_THAN_VIEWPORT

pytestmark = pytest.mark.browser

LONG_NAME = "Essex County Council performance management and quarterly social value reporting system"


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _post_progress(live_server, pledge, secret):
    target = pledge.targets.order_by("pk").first()
    body = {"date": "2026-07-01", "narrative": "From our own system.", "values": {str(target.pk): 1200000}}
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/pledges/{pledge.pk}/progress",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {secret}",
            "Idempotency-Key": "journey-1",
            "Content-Type": "application/json",
        },
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        return response.status


def test_staff_make_a_token_use_it_and_revoke_it(page, live_server, published_pledge, member, assert_accessible):
    _sign_in(page, "alice")
    page.goto("/my/")
    page.get_by_role("link", name="API tokens for your own systems").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API tokens")
    expect(page.get_by_text("Your organisation has no API tokens in use.")).to_be_visible()
    assert_accessible(page)

    # An empty name is refused, with the error summarised and linked to the field.
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("alert")).to_contain_text("Name of the token: This field is required.")
    assert_accessible(page)

    page.get_by_label("Name of the token").fill(LONG_NAME)
    page.get_by_role("button", name="Make the token").click()
    new = page.get_by_role("region", name=f"Your new token “{LONG_NAME}”")
    expect(new).to_contain_text("it is shown only this once")
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("eap_")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.evaluate(WIDER_THAN_VIEWPORT)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Shown once: coming back lists it by its first characters, never used.
    page.reload()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    row = page.get_by_role("row", name=re.compile(re.escape(LONG_NAME)))
    expect(row).to_contain_text(ApiToken.objects.get().shown)
    expect(row).to_contain_text("Never")

    assert _post_progress(live_server, published_pledge, secret) == 201
    page.reload()
    expect(page.get_by_role("row", name=re.compile(re.escape(LONG_NAME)))).not_to_contain_text("Never")

    page.get_by_role("button", name=f"Revoke “{LONG_NAME}”").click()
    expect(page.get_by_role("status")).to_contain_text(f"The token “{LONG_NAME}” is revoked: it no longer works.")
    expect(page.get_by_text("Your organisation has no API tokens in use.")).to_be_visible()
    expect(page.get_by_role("heading", name="Revoked tokens")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.evaluate(WIDER_THAN_VIEWPORT)
    with pytest.raises(urllib.error.HTTPError) as refused:
        _post_progress(live_server, published_pledge, secret)
    assert refused.value.code == 401
