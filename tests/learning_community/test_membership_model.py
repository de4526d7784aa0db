"""Membership periods and is_member(), the one rule for members-only content."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError

from learning_community.models import Membership, is_member


def test_it_treats_staff_of_a_current_member_as_a_member(member):
    assert is_member(member)


def test_it_treats_the_secretariat_as_a_member(secretariat):
    assert is_member(secretariat)


def test_it_does_not_treat_anonymous_users_as_members(reference_data):
    assert not is_member(AnonymousUser())


def test_it_does_not_treat_staff_of_a_non_member_as_members(outsider):
    assert not is_member(outsider)


def test_it_does_not_treat_a_user_without_organisation_as_a_member(reference_data):
    assert not is_member(User.objects.create_user("erin", password="x"))


def test_it_stops_treating_staff_as_members_once_their_organisation_left(member, organisation):
    Membership.objects.filter(organisation=organisation).update(left_on=datetime.date(2020, 1, 1))
    assert not is_member(member)


def test_it_refuses_overlapping_memberships(organisation):
    overlapping = Membership(organisation=organisation, joined_on=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="already has a membership covering these dates"):
        overlapping.full_clean()


def test_it_accepts_a_rejoining_organisation(organisation):
    Membership.objects.filter(organisation=organisation).update(left_on=datetime.date(2024, 12, 31))
    Membership(organisation=organisation, joined_on=datetime.date(2025, 6, 1)).full_clean()


def test_it_refuses_leaving_before_joining(outsider_organisation):
    membership = Membership(
        organisation=outsider_organisation, joined_on=datetime.date(2026, 1, 1), left_on=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="cannot leave before it joined"):
        membership.full_clean()
