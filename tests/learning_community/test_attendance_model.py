"""Attendance rows: members only, one per organisation per meeting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from learning_community.models import Attendance, AttendanceStatus, Membership


def test_it_refuses_attendance_for_an_organisation_that_is_not_a_member(meeting, outsider_organisation):
    row = Attendance(meeting=meeting, organisation=outsider_organisation, status=AttendanceStatus.PRESENT)
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert error.value.message_dict["organisation"] == [
        "Thurrock Council was not a member of the learning community on Tuesday 13 January 2026, so it cannot "
        "have attendance at this meeting."
    ]


def test_it_refuses_attendance_after_an_organisation_left(meeting, other_organisation):
    Membership.objects.filter(organisation=other_organisation).update(left_on=datetime.date(2025, 12, 31))
    with pytest.raises(ValidationError, match="Basildon Borough Council was not a member"):
        Attendance(meeting=meeting, organisation=other_organisation, status=AttendanceStatus.PRESENT).full_clean()


def test_it_accepts_attendance_before_an_organisation_left(meeting, other_organisation):
    Membership.objects.filter(organisation=other_organisation).update(left_on=datetime.date(2026, 1, 13))
    Attendance(meeting=meeting, organisation=other_organisation, status=AttendanceStatus.PRESENT).full_clean()


def test_it_refuses_a_duplicate_attendance_row(meeting, organisation):
    Attendance.objects.create(meeting=meeting, organisation=organisation, status=AttendanceStatus.PRESENT)
    duplicate = Attendance(meeting=meeting, organisation=organisation, status=AttendanceStatus.ABSENT)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This organisation already has an attendance row for this meeting." in error.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
