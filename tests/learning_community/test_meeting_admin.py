"""The secretariat's meeting page in the admin: pre-filled attendance, live quorum, decisions judged
against the attendance posted with them, and nothing partial saved."""

import pytest

from learning_community.models import Attendance, AttendanceStatus, Decision, DecisionOutcome, Meeting

from .conftest import members, record_attendance

ADD_URL = "/admin/learning_community/meeting/add/"


def change_url(meeting):
    return f"/admin/learning_community/meeting/{meeting.pk}/change/"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def meeting_data(*, starts=("13/01/2026", "10:00"), ends=("13/01/2026", "12:00"), attendance=(), existing=(),
                 decisions=(), status="held"):  # fmt: skip
    """POST data for the meeting form: `existing` are saved attendance rows (row, status) and
    `attendance` new rows (organisation, status); `decisions` are (text, outcome)."""
    data = {
        "title": "Social Value Learning Community meeting",
        "starts_at_0": starts[0],
        "starts_at_1": starts[1],
        "ends_at_0": ends[0],
        "ends_at_1": ends[1],
        "status": status,
        "format": "virtual",
        "location": "",
        "join_link": "",
        "minutes": "",
        **management("agenda_items", 0),
        **management("decisions", len(decisions)),
        **management("actions", 0),
        **management("attendances", len(existing) + len(attendance), initial=len(existing)),
    }
    rows = [(row.organisation, status, row.pk) for row, status in existing] + [(o, s, "") for o, s in attendance]
    for index, (organisation, status_value, pk) in enumerate(rows):
        data[f"attendances-{index}-id"] = str(pk)
        data[f"attendances-{index}-organisation"] = str(organisation.pk)
        data[f"attendances-{index}-status"] = status_value
        data[f"attendances-{index}-notes"] = ""
    for index, (text, outcome) in enumerate(decisions):
        data[f"decisions-{index}-text"] = text
        data[f"decisions-{index}-outcome"] = outcome
        data[f"decisions-{index}-agenda_item"] = ""
    return data


def statuses(present, absent=0):
    organisations = members(present + absent)
    return [(o, "present") for o in organisations[:present]] + [(o, "absent") for o in organisations[present:]]


def test_it_prefills_a_row_for_every_current_member_on_the_add_page(secretariat_client):
    response = secretariat_client.get(ADD_URL)
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "attendances").formset
    assert [form.initial["organisation"] for form in formset.forms] == [o.pk for o in members(22)]
    assert all(form.initial["status"] == AttendanceStatus.NOT_RECORDED for form in formset.forms)


def test_it_saves_the_prefilled_rows_with_a_new_meeting(secretariat_client):
    data = meeting_data(status="scheduled", attendance=[(o, "not_recorded") for o in members(22)])
    response = secretariat_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get()
    assert meeting.attendances.count() == 22
    assert meeting.quorum_state == "not_recorded"


def test_it_records_attendance_and_an_agreed_decision_in_one_save(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(11, 11), decisions=[("Adopt the baseline method", DecisionOutcome.AGREED)])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.with_quorum().get(pk=meeting.pk)
    assert meeting.quorum_summary == "Quorate: 11 of 10 needed"
    assert meeting.decisions.get().outcome == DecisionOutcome.AGREED
    assert meeting.history.count() >= 2


def test_it_refuses_an_agreed_decision_with_inquorate_attendance_and_saves_nothing(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(9, 13), decisions=[("Adopt the baseline method", DecisionOutcome.AGREED)])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "A decision can be recorded as agreed only at a quorate meeting" in response.content.decode()
    assert "This meeting has 9 member organisations present and needs 10" in response.content.decode()
    assert not Attendance.objects.exists()
    assert not Decision.objects.exists()


def test_it_refuses_an_agreed_decision_when_saved_attendance_is_made_inquorate(secretariat_client, meeting):
    record_attendance(meeting, present=10)
    rows = list(meeting.attendances.order_by("organisation__name"))
    Decision.objects.create(meeting=meeting, text="Adopt", outcome=DecisionOutcome.AGREED)
    data = meeting_data(existing=[(row, "present") for row in rows[:9]] + [(rows[9], "apologies")])
    decision = meeting.decisions.get()
    data.update(management("decisions", 1, initial=1))
    data.update({"decisions-0-id": str(decision.pk), "decisions-0-text": "Adopt", "decisions-0-outcome": "agreed"})
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "only at a quorate meeting" in response.content.decode()
    assert Attendance.objects.get(pk=rows[9].pk).status == AttendanceStatus.PRESENT


def test_it_refuses_attendance_for_a_non_member_and_saves_nothing(secretariat_client, meeting, outsider_organisation):
    data = meeting_data(attendance=[*statuses(10), (outsider_organisation, "present")])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "Thurrock Council was not a member of the learning community on Tuesday 13 January 2026" in (
        response.content.decode()
    )
    assert not Attendance.objects.exists()


def test_it_refuses_a_duplicate_attendance_row(secretariat_client, meeting, organisation):
    data = meeting_data(attendance=[(organisation, "present"), (organisation, "absent")])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "An organisation can have only one attendance row per meeting" in response.content.decode()
    assert not Attendance.objects.exists()


def test_it_refuses_a_meeting_that_ends_before_it_starts(secretariat_client, reference_data):
    data = meeting_data(ends=("13/01/2026", "09:00"), attendance=[(o, "not_recorded") for o in members(22)])
    response = secretariat_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "The meeting must end after it starts" in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Attendance.objects.exists()


def test_it_shows_the_quorum_in_the_list_and_on_the_page(secretariat_client, meeting):
    record_attendance(meeting, present=11, absent=11)
    body = secretariat_client.get("/admin/learning_community/meeting/").content.decode()
    assert "Quorate: 11 of 10 needed" in body
    assert "Tuesday 13 January 2026, 10:00" in body
    page = secretariat_client.get(change_url(meeting)).content.decode()
    assert "data-svlc-quorum" in page
    assert "Quorate: 11 of 10 needed" in page
    assert "learning_community/admin/quorum.js" in page


def test_it_adds_rows_for_members_missing_from_an_existing_meeting(secretariat_client, meeting):
    record_attendance(meeting, present=3)
    response = secretariat_client.get(change_url(meeting))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "attendances").formset
    assert formset.initial_form_count() == 3
    assert len(formset.forms) == 22


@pytest.mark.parametrize("url", [ADD_URL, "/admin/learning_community/meeting/"])
def test_it_keeps_members_out_of_the_admin(member_client, reference_data, url):
    response = member_client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
