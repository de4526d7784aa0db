"""Fuzz the pledge form (new and edit, with its target rows and management form) and the withdrawal request."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pledges.models import Pledge, PledgeStatus
from tests.lifecycle import move_to
from tests.pledges.pledge_form_data import existing_rows, pledge_data, target_row

from . import strategies as fuzz
from .checks import check, follow, fuzz_settings, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz

PLEDGE_FIELDS = ["lever", "approach", "title", "commitment", "start_date", "target_date", "public_contact", "version"]
ROW_FIELDS = ["measure", "custom_measure", "custom_unit", "baseline", "target_value", "target_date", "id", "DELETE"]
MANAGEMENT = ["targets-TOTAL_FORMS", "targets-INITIAL_FORMS", "targets-MIN_NUM_FORMS", "targets-MAX_NUM_FORMS"]

pledge_changes = fuzz.changes(PLEDGE_FIELDS + ["action"])
row_changes = st.dictionaries(
    st.tuples(st.integers(0, 2), st.sampled_from(ROW_FIELDS)).map(lambda key: f"targets-{key[0]}-{key[1]}"),
    fuzz.anything,
    max_size=4,
)
management_changes = fuzz.changes(MANAGEMENT, fuzz.ids, max_size=2)


def _saved_as_sent(pledge: Pledge, data: dict) -> None:
    """An accepted pledge holds what was typed, as the form normalises it (the title on one line)."""
    assert pledge.title == " ".join(str(data["title"]).split())
    assert pledge.commitment.strip() == str(data["commitment"]).strip().replace("\r\n", "\n")


@fuzz_settings(max_examples=30)
@given(fields=pledge_changes, rows=row_changes, management=management_changes)
@example(fields={"title": "<script>fuzz()</script>"}, rows={}, management={})
@example(fields={}, rows={"targets-0-measure": "9223372036854775808"}, management={})
@example(fields={}, rows={"targets-0-baseline": "sNaN"}, management={})
@example(fields={"lever": "99999999999999999999"}, rows={}, management={})
def test_a_new_pledge_is_saved_whole_or_not_at_all(member, lever, fields, rows, management):
    client = signed_in(member)
    data = {**pledge_data(lever, targets=[target_row(), target_row("spend-smes")]), **fields, **rows, **management}
    with one_example():
        before = row_counts()
        response = post_form(client, "/pledges/new/", data)
        if check(response, before):
            follow(client, response)
            pledge = Pledge.objects.latest("pk")
            _saved_as_sent(pledge, data)
            page = client.get(pledge.get_absolute_url())
            assert page.status_code == 200


@fuzz_settings(max_examples=30)
@given(fields=pledge_changes, rows=row_changes, management=management_changes)
@example(fields={}, rows={"targets-0-id": "9223372036854775808"}, management={})
@example(fields={"version": "9223372036854775808"}, rows={}, management={})
def test_an_edit_changes_the_pledge_whole_or_not_at_all(member, draft_pledge, lever, fields, rows, management):
    client = signed_in(member)
    base = pledge_data(lever, targets=existing_rows(draft_pledge), initial=2, version=draft_pledge.version)
    data = {**base, **fields, **rows, **management}

    def saved():
        pledge = Pledge.objects.filter(pk=draft_pledge.pk).values().get()
        return pledge, list(draft_pledge.targets.order_by("pk").values())

    with one_example():
        before, saved_before = row_counts(), saved()
        response = post_form(client, f"/pledges/{draft_pledge.pk}/edit/", data)
        if check(response, before, rows=saved, rows_before=saved_before):
            follow(client, response)
            _saved_as_sent(Pledge.objects.get(pk=draft_pledge.pk), data)


@fuzz_settings(max_examples=30)
@given(reason=fuzz.text)
def test_a_withdrawal_request_never_fails(member, published_pledge, reason):
    client = signed_in(member)
    with one_example():
        before = row_counts()
        response = post_form(client, f"/pledges/{published_pledge.pk}/withdraw/", {"reason": reason})
        if check(response, before):
            follow(client, response)


@fuzz_settings(max_examples=25)
@given(junk=fuzz.changes(["action", "comment", "version", "confirm"], fuzz.anything))
def test_submitting_a_pledge_never_fails(member, draft_pledge, junk):
    client = signed_in(member)
    with one_example():
        before = row_counts()
        response = post_form(client, f"/pledges/{draft_pledge.pk}/submit/", junk)
        if check(response, before):
            assert Pledge.objects.get(pk=draft_pledge.pk).status in (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED)


__all__ = ["move_to"]
