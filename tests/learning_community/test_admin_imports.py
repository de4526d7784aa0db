"""The admin's learning-community imports: unknown columns refused, every row validated, links web links only."""

import html

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from learning_community.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Objective,
    Person,
    Resource,
    ResourceKind,
)
from learning_community.resources import AttendanceResource, MembershipResource, ObjectiveResource, PersonResource
from pledges.models import ProgressUpdate


def _base_errors(result) -> str:
    return " ".join(str(error.error) for error in result.base_errors)


def test_it_refuses_an_unknown_column_in_the_membership_import(outsider_organisation):
    data = tablib.Dataset(
        ("thurrock-council", "2026-04-01", "", "", "yes"),
        headers=["organisation", "joined_on", "left_on", "notes", "voting"],
    )
    result = MembershipResource().import_data(data, dry_run=False)
    assert result.has_errors()
    assert "The file has column this import does not know: voting." in _base_errors(result)
    assert not Membership.objects.filter(organisation=outsider_organisation).exists()


def test_it_refuses_an_unknown_column_in_the_admin_import(secretariat_client, reference_data):
    data = tablib.Dataset(("Ann Example", "ann@example.org", "", "Officer", "red"))
    data.headers = ["name", "email", "organisation", "job_title", "colour"]
    response = secretariat_client.post(
        "/admin/learning_community/person/import/",
        {
            "import_file": SimpleUploadedFile("people.csv", data.export("csv").encode()),
            "format": "0",
            "resource": "0",
        },
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "this import does not know: colour" in body
    assert "process_import" not in body
    assert not Person.objects.filter(name="Ann Example").exists()


def test_it_imports_all_or_nothing(reference_data):
    data = tablib.Dataset(
        ("Ann Example", "ann@example.org", "", ""),
        ("Bad Email", "not an email", "", ""),
        headers=["name", "email", "organisation", "job_title"],
    )
    result = PersonResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].number == 2
    assert "email" in result.invalid_rows[0].field_specific_errors
    assert not Person.objects.filter(name__in=["Ann Example", "Bad Email"]).exists()


def test_it_names_a_whole_number_that_is_not_one_in_plain_words(reference_data):
    data = tablib.Dataset(
        ("2026", "one", "Grow local spend", "", ""), headers=["year", "number", "text", "status", "notes"]
    )
    result = ObjectiveResource().import_data(data, dry_run=False)
    messages = [m for row in result.invalid_rows for ms in row.field_specific_errors.values() for m in ms]
    messages += [str(e.error) for _, errors in result.row_errors() for e in errors]
    assert "“one” is not a whole number." in messages
    assert not any("<class" in message for message in messages)
    assert not Objective.objects.filter(text="Grow local spend").exists()


@pytest.mark.parametrize("link", ["javascript:alert(1)", "ftp://files.example.org/paper.pdf"])
def test_it_accepts_only_web_links(meeting, link):
    with pytest.raises(ValidationError) as refused:
        Meeting(starts_at=meeting.starts_at, ends_at=meeting.ends_at, join_link=link).full_clean()
    assert "join_link" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        AgendaItem(meeting=meeting, title="Paper", paper_link=link).full_clean()
    assert "paper_link" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        Resource(title="Guide", kind=ResourceKind.CASE_STUDY, summary="A guide", link=link).full_clean()
    assert "link" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        ProgressUpdate(evidence_link=link).full_clean()
    assert "evidence_link" in refused.value.message_dict


def test_it_refuses_an_attendee_email_of_nobody_recorded(meeting, organisation, representative):
    data = tablib.Dataset(
        (meeting.pk, organisation.slug, "present", f"{representative.email};nobody@example.org", ""),
        headers=["meeting", "organisation", "status", "attendees", "notes"],
    )
    result = AttendanceResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    assert result.invalid_rows[0].field_specific_errors["attendees"] == [
        "no one is recorded with the email nobody@example.org."
    ]
    assert not Attendance.objects.exists()


def test_it_imports_the_attendees_it_knows(meeting, organisation, representative):
    data = tablib.Dataset(
        (meeting.pk, organisation.slug, "present", representative.email, ""),
        headers=["meeting", "organisation", "status", "attendees", "notes"],
    )
    result = AttendanceResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert list(Attendance.objects.get().attendees.all()) == [representative]
