"""Attendance and membership as CSV/XLSX: exports, imports that obey the model rules, nothing partial."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from learning_community.models import Attendance, AttendanceStatus, Membership
from learning_community.resources import AttendanceResource, MembershipResource

from .conftest import members, record_attendance


def attendance_rows(meeting, rows):
    return tablib.Dataset(
        *[(meeting.pk, organisation.slug, status, "", "") for organisation, status in rows],
        headers=["meeting", "organisation", "status", "attendees", "notes"],
    )


def test_it_exports_attendance_with_the_meeting_date(meeting):
    record_attendance(meeting, present=2)
    dataset = AttendanceResource().export()
    assert dataset.headers == ["meeting", "meeting_starts", "organisation", "status", "attendees", "notes"]
    assert dataset[0][1] == "Tuesday 13 January 2026, 10:00"
    assert dataset[0][2] == "active-essex"
    assert dataset[0][3] == "present"


def test_it_imports_attendance(meeting):
    result = AttendanceResource().import_data(attendance_rows(meeting, [(o, "present") for o in members(10)]))
    assert not result.has_errors() and not result.has_validation_errors()
    assert meeting.present_count == 10


def test_it_refuses_an_import_row_for_a_non_member_and_saves_nothing(meeting, outsider_organisation):
    rows = [(o, "present") for o in members(10)] + [(outsider_organisation, "present")]
    result = AttendanceResource().import_data(
        attendance_rows(meeting, rows), use_transactions=True, rollback_on_validation_errors=True
    )
    assert result.has_validation_errors()
    errors = result.invalid_rows[0].error_dict
    assert "Thurrock Council was not a member" in errors["organisation"][0]
    assert not Attendance.objects.exists()


def test_it_refuses_an_unknown_status(meeting, organisation):
    result = AttendanceResource().import_data(attendance_rows(meeting, [(organisation, "here")]))
    assert result.has_validation_errors()
    assert not Attendance.objects.filter(status="here").exists()


def test_it_updates_rather_than_duplicates_an_organisations_row(meeting, organisation):
    Attendance.objects.create(meeting=meeting, organisation=organisation, status=AttendanceStatus.APOLOGIES)
    AttendanceResource().import_data(attendance_rows(meeting, [(organisation, "present")]))
    assert Attendance.objects.get().status == AttendanceStatus.PRESENT


def test_it_exports_the_membership(reference_data):
    dataset = MembershipResource().export()
    assert len(dataset) == 22
    assert "organisation_name" in dataset.headers
    assert "Essex County Council" in dataset["organisation_name"]


def test_it_imports_a_new_member(outsider_organisation):
    data = tablib.Dataset(
        ("thurrock-council", "2026-04-01", "", ""), headers=["organisation", "joined_on", "left_on", "notes"]
    )
    result = MembershipResource().import_data(data)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Membership.objects.get(organisation=outsider_organisation).joined_on.isoformat() == "2026-04-01"


def test_it_imports_through_the_admin_as_xlsx(secretariat_client, meeting):
    data = attendance_rows(meeting, [(o, "present") for o in members(3)])
    upload = data.export("xlsx")
    response = secretariat_client.post(
        "/admin/learning_community/attendance/import/",
        {"import_file": SimpleUploadedFile("attendance.xlsx", upload), "format": "1", "resource": "0"},
    )
    assert response.status_code == 200
    assert "process_import" in response.content.decode()  # the confirm step, with no errors
    assert not Attendance.objects.exists()  # a dry run until confirmed


def test_it_shows_the_bad_row_in_the_admin_and_offers_no_confirmation(
    secretariat_client, meeting, outsider_organisation
):
    data = attendance_rows(meeting, [*[(o, "present") for o in members(3)], (outsider_organisation, "present")])
    response = secretariat_client.post(
        "/admin/learning_community/attendance/import/",
        {
            "import_file": SimpleUploadedFile("attendance.csv", data.export("csv").encode()),
            "format": "0",
            "resource": "0",
        },
    )
    body = response.content.decode()
    assert "Thurrock Council was not a member" in body
    assert "process_import" not in body
    assert not Attendance.objects.exists()
