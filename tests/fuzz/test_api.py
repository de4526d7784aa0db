"""Fuzz the API token form (/my/api-tokens/) and the write API, POST /api/v1/pledges/<id>/progress (JSON bodies)."""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from api.models import ApiToken
from pledges.models import ProgressUpdate
from tests.api.conftest import progress_body, token  # noqa: F401  alice's token, with its secret

from . import strategies as fuzz
from .checks import assert_escaped, check, follow, fuzz_settings, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz


@fuzz_settings(max_examples=30)
@given(name=fuzz.text)
@example(name="<script>fuzz()</script>")
def test_a_token_is_made_with_any_name_or_refused(member, name):
    client = signed_in(member)
    with one_example():
        before = row_counts()
        response = post_form(client, "/my/api-tokens/", {"name": name})
        if check(response, before):
            follow(client, response)
            assert ApiToken.objects.latest("pk").name == " ".join(name.split())  # on one line


@fuzz_settings(max_examples=25)
@given(pk=fuzz.ids)
def test_revoking_any_token_id_never_fails(member, token, pk):  # noqa: F811
    client = signed_in(member)
    with one_example():
        before = row_counts()
        response = client.post(f"/my/api-tokens/{pk}/revoke/")
        if response.status_code != 404:  # a non-number is no such page
            check(response, before)


# JSON as any client might send it: values of every JSON type where the schema wants a string, a number or a map.
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), fuzz.text, fuzz.numbers, fuzz.dates)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(fuzz.any_text, inner, max_size=3),
    max_leaves=6,
)
BODY_FIELDS = ["date", "narrative", "values", "rag", "evidence_link", "verified", "extra"]


def _body(pledge, changes: dict, target_values: dict) -> dict:
    body = progress_body(pledge)
    body.update(changes)
    if target_values and isinstance(body.get("values"), dict):
        body["values"] = {**body["values"], **target_values}
    return body


@fuzz_settings(max_examples=60)
@given(
    changes=st.dictionaries(st.sampled_from(BODY_FIELDS), st.one_of(json_scalars, json_values), max_size=3),
    target_values=st.dictionaries(
        st.one_of(fuzz.ids, fuzz.any_text), st.one_of(fuzz.numbers, json_scalars), max_size=2
    ),
    key=st.one_of(st.none(), fuzz.any_text, st.just("k" * 300)),
)
@example(changes={"narrative": "\ud800"}, target_values={}, key="a")
@example(changes={}, target_values={"9223372036854775808": "1"}, key="a")
@example(changes={}, target_values={}, key="\x00")
def test_a_posted_update_is_saved_whole_or_refused(published_pledge, token, changes, target_values, key):  # noqa: F811
    client = signed_in()
    body = _body(published_pledge, changes, target_values)
    headers = {"Authorization": f"Bearer {token.secret}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    with one_example():
        before = row_counts()
        raw = json.dumps(body, ensure_ascii=True).encode()
        try:
            response = client.post(
                f"/api/v1/pledges/{published_pledge.pk}/progress", raw, content_type="application/json", headers=headers
            )
        except ValueError:  # the test client itself refuses a header with a line break or NUL in it
            return
        if check(response, before):
            assert response.status_code == 201
            update = ProgressUpdate.objects.latest("pk")
            assert response.json()["id"] == update.pk
            assert update.narrative == str(body["narrative"]).strip()
            page = client.get(f"/pledges/{published_pledge.pk}/")
            assert page.status_code == 200
            assert_escaped(page)
        else:
            assert response.headers["Content-Type"].startswith("application/json")


@fuzz_settings(max_examples=30)
@given(raw=st.one_of(st.binary(max_size=300), fuzz.text.map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(raw=b'{"date": "2026-07-01", "narrative": "x", "values": {"1": NaN}}')
@example(raw=b'{"date": "2026-07-01", "narrative": "x", "values": {"1": 1e999999}}')
def test_a_body_that_is_not_json_is_refused(published_pledge, token, raw):  # noqa: F811
    client = signed_in()
    headers = {"Authorization": f"Bearer {token.secret}", "Idempotency-Key": "k"}
    with one_example():
        before = row_counts()
        response = client.post(
            f"/api/v1/pledges/{published_pledge.pk}/progress", raw, content_type="application/json", headers=headers
        )
        check(response, before)
