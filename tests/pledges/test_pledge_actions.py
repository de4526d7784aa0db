"""Pledge.available_actions: one rule answers "may this person edit / submit / ask to withdraw / post progress",
and the pages offer exactly what it allows."""

from itertools import product

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from pledges import services
from pledges.models import Pledge, PledgeAction, PledgeStatus

ACTORS = ["anonymous", "member", "other_member", "secretariat"]


@pytest.fixture
def actors(member, other_member, secretariat):
    return {"anonymous": AnonymousUser(), "member": member, "other_member": other_member, "secretariat": secretariat}


def expected(action, status, actor, withdrawal_requested) -> bool:
    """The rules as docs/roles.md states them, written out case by case."""
    insider = actor in ("member", "secretariat")
    if action == PledgeAction.EDIT:
        return insider and status in ("draft", "returned")
    if action == PledgeAction.SUBMIT:
        return insider and status in ("draft", "returned")
    if action == PledgeAction.REQUEST_WITHDRAWAL:
        return actor == "member" and status == "published" and not withdrawal_requested
    if action == PledgeAction.POST_PROGRESS:
        return insider and status == "published"
    raise AssertionError(action)


def test_it_allows_exactly_what_the_rules_say(draft_pledge, actors):
    for status, actor, requested in product(PledgeStatus.values, ACTORS, [False, True]):
        draft_pledge.status, draft_pledge.withdrawal_requested = status, requested
        allowed = draft_pledge.available_actions(actors[actor])
        want = {action for action in PledgeAction if expected(action, status, actor, requested)}
        assert allowed == want, (status, actor, requested)


def test_it_refuses_outsiders_with_permission_denied_and_states_with_validation_error(published_pledge, actors):
    assert isinstance(published_pledge.action_refusal(PledgeAction.POST_PROGRESS, actors["other_member"]), PermissionDenied)
    assert isinstance(published_pledge.action_refusal(PledgeAction.EDIT, actors["member"]), ValidationError)


def test_the_withdrawal_service_asks_the_same_rule(published_pledge, member):
    services.pledge_request_withdrawal(pledge=published_pledge, user=member, reason="Merged into another pledge.")
    # The in-memory pledge is stale (no request yet); the service reads the row, so a second request is refused.
    with pytest.raises(ValidationError, match="already asked"):
        services.pledge_request_withdrawal(pledge=published_pledge, user=member, reason="Again.")
    assert Pledge.objects.get(pk=published_pledge.pk).withdrawal_requested


def test_the_pledge_page_offers_what_the_rule_allows(client, published_pledge, member, other_member):
    client.force_login(member)
    page = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Post a progress update" in page and "Ask to withdraw" in page and ">Edit<" not in page
    client.force_login(other_member)
    page = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Post a progress update" not in page and "Ask to withdraw" not in page


def test_my_page_stops_offering_withdrawal_once_asked(member_client, published_pledge, member):
    assert "Ask to withdraw" in member_client.get("/my/").content.decode()
    services.pledge_request_withdrawal(pledge=published_pledge, user=member, reason="Merged into another pledge.")
    page = member_client.get("/my/").content.decode()
    assert "Post progress" in page and "Ask to withdraw<span" not in page
