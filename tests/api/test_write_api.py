"""POST /api/v1/pledges/<id>/progress: an organisation's own system posts progress with its API token, through
pledges.services.progress_post (the form's and the CSV's rules), at most once per Idempotency-Key."""

import datetime
import json
import uuid

import pytest

from api import services as api_services
from api.models import ApiToken, ApiTokenUse
from pledges.models import PledgeStatus, ProgressUpdate, Target
from tests.security.conftest import make_pledge

from .conftest import progress_body


def post(client, pledge_id, body, *, token=None, key="default", **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/v1/pledges/{pledge_id}/progress", json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.fixture
def pledge(published_pledge):
    return published_pledge


def test_a_post_makes_the_update_through_the_service_in_the_name_of_the_tokens_maker(client, pledge, token, member):
    target = pledge.targets.order_by("pk").first()
    response = post(client, pledge.pk, progress_body(pledge, value="1500000", rag="green"), token=token.secret)
    assert response.status_code == 201, response.content
    data = response.json()
    update = ProgressUpdate.objects.get()
    assert data["id"] == update.pk and data["pledge"] == pledge.pk and data["rag"] == "green"
    assert data["values"] == [{"target": target.pk, "value": 1500000.0, "percent_of_way": 50}]
    assert response["Location"] == f"/api/v1/pledges/{pledge.pk}"
    assert update.created_by == member and update.evidence == "self_reported"
    target.refresh_from_db()
    assert target.latest_value == 1500000 and target.latest_on == datetime.date(2026, 7, 1)  # Target.refresh_latest
    # The use is recorded, with the update; the token's last use is now.
    use = ApiTokenUse.objects.get()
    assert (use.status, use.idempotency_key, use.progress_update, use.replayed) == (201, "default", update, False)
    assert ApiToken.objects.get().last_used_at is not None
    # The history of the update and of the target's new latest value name the token and its maker.
    history = update.history.get()
    assert history.history_user == member
    assert history.history_change_reason == f"API token {token.shown}… “Performance system”"
    assert target.history.latest().history_change_reason == history.history_change_reason


def test_a_token_with_the_longest_name_still_fits_the_historys_reason(client, pledge, member):
    name = "Performance management and quarterly social value reporting system of the county's procurement"
    name += "x" * (100 - len(name))
    _, secret = api_services.token_create(user=member, name=name)
    assert post(client, pledge.pk, progress_body(pledge), token=secret).status_code == 201
    reason = ProgressUpdate.objects.get().history.get().history_change_reason
    assert len(reason) <= 100 and reason.startswith("API token eap_") and reason.endswith("…”")


def test_a_retry_with_the_same_key_answers_the_same_and_posts_nothing(client, pledge, token):
    body = progress_body(pledge)
    first = post(client, pledge.pk, body, token=token.secret, key="key-1")
    again = post(client, pledge.pk, body, token=token.secret, key="key-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert ProgressUpdate.objects.count() == 1
    assert ApiTokenUse.objects.filter(replayed=True).count() == 1
    # A new key is a new update.
    assert post(client, pledge.pk, body, token=token.secret, key="key-2").status_code == 201
    assert ProgressUpdate.objects.count() == 2


def test_the_key_is_the_organisations_so_a_retry_with_another_token_posts_nothing(client, pledge, token, member):
    _, second = api_services.token_create(user=member, name="Second system")
    body = progress_body(pledge)
    assert post(client, pledge.pk, body, token=token.secret, key="shared").status_code == 201
    assert post(client, pledge.pk, body, token=second, key="shared")["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.count() == 1


def test_the_same_key_for_another_request_is_refused_and_saves_nothing(client, pledge, token):
    assert post(client, pledge.pk, progress_body(pledge, value=5), token=token.secret, key="k").status_code == 201
    response = post(client, pledge.pk, progress_body(pledge, value=6), token=token.secret, key="k")
    assert response.status_code == 422
    assert "was used" in response.json()["errors"]["Idempotency-Key"][0]
    assert ProgressUpdate.objects.count() == 1


def test_two_posts_with_one_key_at_the_same_moment_post_once(client, pledge, token, monkeypatch):
    """The second request did not see the first's row (both checked before either wrote): the database's
    constraint refuses the second's, its update is rolled back and it answers with the first one's."""
    body = progress_body(pledge)
    first = post(client, pledge.pk, body, token=token.secret, key="race")
    real = api_services._earlier_post
    calls = []

    def not_yet_seen(token, key):
        calls.append(key)
        return None if len(calls) == 1 else real(token, key)

    monkeypatch.setattr(api_services, "_earlier_post", not_yet_seen)
    second = post(client, pledge.pk, body, token=token.secret, key="race")
    assert len(calls) == 2  # looked again after the constraint refused the insert
    assert second.status_code == 201 and second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.count() == 1


def test_without_an_idempotency_key_nothing_is_posted(client, pledge, token):
    for key in (None, " ", "x" * 256):
        response = post(client, pledge.pk, progress_body(pledge), token=token.secret, key=key)
        assert response.status_code == 422
        assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert ProgressUpdate.objects.count() == 0


def test_each_broken_rule_is_named_by_its_field_and_nothing_is_saved(client, pledge, token):
    target = pledge.targets.order_by("pk").first()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    body = progress_body(
        pledge,
        date=tomorrow,
        narrative="   ",
        values={str(target.pk): "-4", "999999": "1"},
        rag="purple",
        evidence_link="javascript:alert(1)",
    )
    response = post(client, pledge.pk, body, token=token.secret)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"rag"}  # a RAG outside the choices is refused before the service is asked
    del body["rag"]
    errors = post(client, pledge.pk, body, token=token.secret).json()["errors"]
    assert errors == {
        "date": ["The date cannot be in the future."],
        "narrative": ["Write a narrative: what has happened since the last update."],
        "evidence_link": ["Enter a web address that starts with http:// or https://."],
        "targets": ["Target 999999 is not a target of this pledge."],
        f"values.{target.pk}": ["Enter 0 or more: values cannot be negative."],
    }
    assert ProgressUpdate.objects.count() == 0 and not ApiTokenUse.objects.filter(status=201).exists()
    assert ApiTokenUse.objects.filter(status=422).count() == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({"narrative": "n", "values": {"1": 1}}, "date"),
        ({"date": "soon", "narrative": "n", "values": {"1": 1}}, "date"),
        ({"date": "2026-07-01", "narrative": "n", "values": ["a"]}, "values"),
        ({"date": "2026-07-01", "narrative": "n", "values": {"1": "lots"}}, "values.1"),
        ({"date": "2026-07-01", "narrative": "n", "values": {}}, "values"),
        ({"date": "2026-07-01", "values": {"1": 1}}, "narrative"),
    ],
)
def test_a_malformed_body_gets_an_error_naming_the_field(client, pledge, token, body, field):
    response = post(client, pledge.pk, body, token=token.secret)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()
    assert ProgressUpdate.objects.count() == 0


def test_another_organisations_pledge_is_403_or_404_with_nothing_saved(client, token, other_organisation, lever):
    public = make_pledge(other_organisation, lever, status=PledgeStatus.PUBLISHED, title="Basildon public")
    draft = make_pledge(other_organisation, lever, title="Basildon draft")
    body = progress_body(public)
    response = post(client, public.pk, body, token=token.secret)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only staff of the pledge's organisation can post its progress."
    assert post(client, draft.pk, progress_body(draft), token=token.secret).status_code == 404
    assert post(client, 999999, body, token=token.secret).status_code == 404
    assert ProgressUpdate.objects.count() == 0
    assert not Target.objects.filter(latest_value__isnull=False).exists()
    assert sorted(ApiTokenUse.objects.values_list("status", flat=True)) == [403, 404, 404]


def test_an_own_pledge_not_published_is_refused_by_the_pledges_rule(client, draft_pledge, token):
    response = post(client, draft_pledge.pk, progress_body(draft_pledge), token=token.secret)
    assert response.status_code == 422
    assert response.json()["errors"] == {"request": ["Progress can only be posted on a published pledge."]}


def test_without_a_usable_token_nothing_is_posted(client, pledge, token, member, secretariat):
    body = progress_body(pledge)
    missing = post(client, pledge.pk, body)
    assert missing.status_code == 401 and missing["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in missing.json()["detail"]
    assert post(client, pledge.pk, body, token="eap_wrong").json()["detail"].startswith("This API token is not known")
    # A session is not a token: signed in, the post is still refused.
    client.force_login(member)
    assert post(client, pledge.pk, body).status_code == 401
    api_services.token_revoke(token=token, user=secretariat)
    revoked = post(client, pledge.pk, body, token=token.secret)
    assert revoked.status_code == 401 and revoked.json()["detail"] == "This API token has been revoked."
    assert ProgressUpdate.objects.count() == 0


def test_a_token_stops_working_when_its_maker_leaves_the_organisation(
    client, pledge, token, member, other_organisation
):
    member.profile.organisation = other_organisation
    member.profile.save()
    response = post(client, pledge.pk, progress_body(pledge), token=token.secret)
    assert response.status_code == 401 and "no longer works for Essex County Council" in response.json()["detail"]
    member.profile.organisation = pledge.organisation
    member.profile.save()
    member.is_active = False
    member.save()
    assert post(client, pledge.pk, progress_body(pledge), token=token.secret).status_code == 401
    assert ProgressUpdate.objects.count() == 0


def test_posts_are_rate_limited_per_token(client, pledge, token, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_write": (2, 60)}
    for _ in range(2):
        assert (
            post(client, pledge.pk, progress_body(pledge), token=token.secret, key=str(uuid.uuid4())).status_code == 201
        )
    refused = post(client, pledge.pk, progress_body(pledge), token=token.secret, key=str(uuid.uuid4()))
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert ProgressUpdate.objects.count() == 2


def test_the_response_matches_the_read_apis_representation(client, pledge, token):
    posted = post(client, pledge.pk, progress_body(pledge), token=token.secret).json()
    assert client.get("/api/v1/progress", {"pledge": pledge.pk}).json()["items"] == [posted]
