"""SVLC fixtures: the seeded ToR (quorum 10), a held meeting, representatives and an outsider.

The seed makes all 22 anchors members, so `member` (alice, Essex County Council) and
`other_member` (bob, Basildon) are both SVLC members; `outsider` works for an organisation
that is not.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest

from learning_community.models import (
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Person,
    Role,
    RoleKind,
    TermsOfReference,
)
from pledges.models import Organisation, Sector
from tests.conftest import _user

LONDON = ZoneInfo("Europe/London")


def london(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def make_meeting(starts_at: datetime.datetime, *, hours: int = 2, **fields) -> Meeting:
    return Meeting.objects.create(starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=hours), **fields)


def members(count: int) -> list[Organisation]:
    """The first `count` member organisations, by name."""
    return list(Organisation.objects.filter(svlc_memberships__isnull=False).order_by("name")[:count])


def record_attendance(meeting: Meeting, *, present: int = 0, apologies: int = 0, absent: int = 0) -> None:
    """Mark the first organisations present, then apologies, then absent."""
    organisations = members(present + apologies + absent)
    statuses = (
        [AttendanceStatus.PRESENT] * present
        + [AttendanceStatus.APOLOGIES] * apologies
        + [AttendanceStatus.ABSENT] * absent
    )
    for organisation, status in zip(organisations, statuses, strict=True):
        Attendance.objects.update_or_create(meeting=meeting, organisation=organisation, defaults={"status": status})


@pytest.fixture
def terms(reference_data) -> TermsOfReference:
    return TermsOfReference.objects.get(version="1.0")


@pytest.fixture
def meeting(reference_data) -> Meeting:
    """A held meeting on Tuesday 13 January 2026, 10:00 to 12:00 UK time."""
    return make_meeting(london(2026, 1, 13), status=MeetingStatus.HELD, join_link="https://meet.example.org/svlc-jan")


@pytest.fixture
def co_chair(reference_data) -> Person:
    return Person.objects.get(name="Kirsty O'Connell")


@pytest.fixture
def representative(organisation) -> Person:
    person = Person.objects.create(name="Alice Anchor", email="alice.anchor@essex.gov.uk", organisation=organisation)
    Role.objects.create(person=person, role=RoleKind.REPRESENTATIVE)
    return person


@pytest.fixture
def outsider_organisation(reference_data) -> Organisation:
    return Organisation.objects.create(name="Thurrock Council", slug="thurrock-council", sector=Sector.LOCAL_GOVERNMENT)


@pytest.fixture
def outsider(outsider_organisation):
    """Dana works for an anchor organisation that is not a member of the SVLC."""
    return _user("dana", outsider_organisation, first_name="Dana", last_name="Thurrock")


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client
