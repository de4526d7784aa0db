"""/my/api-tokens/: an organisation's staff make API tokens (shown once, kept as a digest) and revoke them;
the secretariat revokes any in the admin."""

import hashlib

import pytest

from api import services as api_services
from api.models import ApiToken
from pledges.models import Organisation, Profile
from tests.conftest import _user


def make(client, name):
    return client.post("/my/api-tokens/", {"name": name})


def test_a_token_is_shown_once_and_kept_only_as_a_digest(member_client, member):
    response = make(member_client, "Performance system")
    assert response.status_code == 302 and response["Location"] == "/my/api-tokens/"
    page = member_client.get("/my/api-tokens/")
    assert "no-store" in page["Cache-Control"]
    secret = page.context["new_secret"]
    assert secret.startswith("eap_") and len(secret) > 40 and secret in page.content.decode()
    token = ApiToken.objects.get()
    assert (token.name, token.organisation.slug, token.created_by) == (
        "Performance system",
        "essex-county-council",
        member,
    )
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest() and token.shown == secret[:12]
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    stored += [str(value) for row in token.history.values() for value in row.values()]
    assert not any(secret in value for value in stored)
    # Shown once: the next visit lists the token by its first characters only.
    again = member_client.get("/my/api-tokens/").content.decode()
    assert secret not in again and f"{token.shown}…" in again and "Performance system" in again and "Never" in again


def test_the_name_is_checked_and_named_in_the_error(member_client):
    for name, message in [
        ("   ", "This field is required."),
        ("x" * 101, "Ensure this value has at most 100 characters"),
    ]:
        page = make(member_client, name)
        assert page.status_code == 200 and message in page.content.decode()
    make(member_client, "Finance")
    page = make(member_client, "Finance")
    assert "already has a token named “Finance”" in page.content.decode()
    assert 'href="#id_name"' in page.content.decode()  # the error summary links to the field
    assert ApiToken.objects.count() == 1


def test_last_use_is_shown(member_client, token):
    api_services.token_for(token.secret)
    assert (
        "Never"
        not in member_client.get("/my/api-tokens/").content.decode().split("Tokens in use")[1].split("Make a token")[0]
    )


def test_staff_revoke_their_organisations_tokens_and_they_stop_working(member_client, token, member):
    response = member_client.post(f"/my/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == member
    with pytest.raises(api_services.TokenRefused):
        api_services.token_for(token.secret)
    page = member_client.get("/my/api-tokens/").content.decode()
    assert "is revoked: it no longer works" in page and "Revoked tokens" in page
    # Revoking twice says so.
    member_client.post(f"/my/api-tokens/{token.pk}/revoke/")
    assert "already revoked" in member_client.get("/my/api-tokens/").content.decode()
    # A name can be used again once its token is revoked.
    assert make(member_client, "Performance system").status_code == 302


def test_another_organisations_staff_cannot_see_or_revoke_a_token(other_member_client, token):
    assert other_member_client.post(f"/my/api-tokens/{token.pk}/revoke/").status_code == 404
    assert token.shown not in other_member_client.get("/my/api-tokens/").content.decode()
    token.refresh_from_db()
    assert token.is_active


def test_the_secretariat_revokes_any_token_in_the_admin(secretariat_client, token):
    assert secretariat_client.get("/my/api-tokens/")["Location"] == "/admin/api/apitoken/"
    listing = secretariat_client.get("/admin/api/apitoken/").content.decode()
    assert "Performance system" in listing and "Essex County Council" in listing
    response = secretariat_client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "Revoked 1 token." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_by.username == "charlie"
    assert token.history.latest().history_change_reason == "revoked"


def test_someone_with_no_organisation_has_no_tokens(client, reference_data):
    client.force_login(_user("dana"))
    assert client.get("/my/api-tokens/").status_code == 403
    assert client.post("/my/api-tokens/", {"name": "x"}).status_code == 403
    assert ApiToken.objects.count() == 0


def test_my_dashboard_links_to_the_tokens(member_client):
    assert 'href="/my/api-tokens/"' in member_client.get("/my/").content.decode()


def test_a_token_belongs_to_the_organisation_of_its_maker(member, other_organisation):
    token, _ = api_services.token_create(user=member, name="A")
    Profile.objects.filter(user=member).update(organisation=other_organisation)
    member.refresh_from_db()
    assert token.organisation == Organisation.objects.get(slug="essex-county-council")
    assert "no longer works for Essex County Council" in ApiToken.objects.get(pk=token.pk).use_refusal()
