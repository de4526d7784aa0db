"""The meeting page in one pass: agenda items added in the same save as the decisions that name them by number,
the live quorum from Meeting.quorum_summary, every error named at the top with a link to its field, and meetings
cancelled with a reason, never deleted."""

from learning_community.models import AgendaItem, Decision, DecisionOutcome, Meeting, MeetingStatus

from .conftest import members, record_attendance
from .test_meeting_admin import change_url, management, meeting_data, statuses


def with_agenda(data, *items):
    data.update(management("agenda_items", len(items)))
    for index, (number, title) in enumerate(items):
        data.update({
            f"agenda_items-{index}-order": str(number), f"agenda_items-{index}-title": title,
            f"agenda_items-{index}-presenter": "", f"agenda_items-{index}-paper_link": "",
            f"agenda_items-{index}-description": "",
        })  # fmt: skip
    return data


def test_a_decision_names_an_agenda_item_added_in_the_same_save(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(11, 11), decisions=[("Adopt the baseline method", DecisionOutcome.AGREED)])
    with_agenda(data, (1, "Welcome"), (2, "Spend baselines"))
    data["decisions-0-agenda_number"] = "2"
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    decision = Decision.objects.get()
    assert decision.agenda_item == AgendaItem.objects.get(meeting=meeting, title="Spend baselines")


def test_it_refuses_a_decision_naming_an_agenda_item_the_agenda_does_not_have(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(11, 11), decisions=[("Adopt", DecisionOutcome.AGREED)])
    with_agenda(data, (1, "Welcome"))
    data["decisions-0-agenda_number"] = "4"
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "There is no agenda item 4 on this meeting&#x27;s agenda (its numbers: 1)." in response.content.decode()
    assert not AgendaItem.objects.exists() and not Decision.objects.exists()


def test_it_refuses_two_agenda_items_with_one_number(secretariat_client, meeting):
    data = with_agenda(meeting_data(), (1, "Welcome"), (1, "Spend baselines"))
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    assert "Another agenda item is number 1: give each item its own number." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_it_names_each_error_at_the_top_with_a_link_to_its_field(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(9, 13), decisions=[("Adopt", DecisionOutcome.AGREED)])
    response = secretariat_client.post(change_url(meeting), data)
    body = response.content.decode()
    summary = body[body.index('id="error-summary"') : body.index("</ul>", body.index('id="error-summary"'))]
    assert '<a href="#decisions-group">Decisions: Not quorate: 9 of 10 needed.' in summary
    assert '<a href="#id_decisions-0-outcome">Decision 1, Outcome: A decision can be recorded as agreed only' in summary
    # Above the form's first field, not thousands of pixels below it.
    assert body.index('id="error-summary"') < body.index('name="title"')


def test_the_quorum_view_counts_the_statuses_on_the_page_by_the_meetings_rule(secretariat_client, meeting):
    organisations = members(12)
    chosen = [f"{o.pk}:present" for o in organisations[:11]] + [f"{organisations[11].pk}:absent", "x:present"]
    url = f"/admin/learning_community/meeting/quorum/?meeting={meeting.pk}"
    response = secretariat_client.get(url, {"attendance": chosen})
    assert response.json() == {"summary": "Quorate: 11 of 10 needed"}
    response = secretariat_client.get(url, {"attendance": chosen[:9]})
    assert response.json() == {"summary": "Not quorate: 9 of 10 needed"}
    response = secretariat_client.get(url, {"attendance": [f"{organisations[0].pk}:apologies"]})
    assert response.json() == {"summary": "Attendance not recorded yet"}


def test_the_quorum_view_is_for_the_secretariat_only(member_client, meeting):
    response = member_client.get("/admin/learning_community/meeting/quorum/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_meeting_is_cancelled_with_its_reason(secretariat_client, meeting):
    refused = secretariat_client.post(change_url(meeting), meeting_data(status="cancelled"))
    assert refused.status_code == 200
    assert "Say why the meeting is cancelled" in refused.content.decode()
    assert Meeting.objects.get().status == MeetingStatus.HELD
    data = meeting_data(status="cancelled")
    data["cancellation_reason"] = "The co-chairs are at the county's budget meeting."
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    meeting = Meeting.objects.get()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.history.first().cancellation_reason == "The co-chairs are at the county's budget meeting."


def test_a_meeting_cannot_be_deleted(secretariat_client, meeting):
    record_attendance(meeting, present=2)
    assert secretariat_client.get(f"/admin/learning_community/meeting/{meeting.pk}/delete/").status_code == 403
    assert (
        secretariat_client.post(f"/admin/learning_community/meeting/{meeting.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    listing = secretariat_client.get("/admin/learning_community/meeting/").content.decode()
    assert "delete_selected" not in listing
    assert Meeting.objects.filter(pk=meeting.pk).exists()


def test_the_cancellation_rule_is_the_meetings_own(meeting):
    meeting.status = MeetingStatus.CANCELLED
    assert meeting.cancellation_refusal().startswith("Say why the meeting is cancelled")
    meeting.cancellation_reason = "   "
    assert meeting.cancellation_refusal()
    meeting.cancellation_reason = "Snow"
    assert meeting.cancellation_refusal() == ""
    meeting.status = MeetingStatus.HELD
    meeting.cancellation_reason = ""
    assert meeting.cancellation_refusal() == ""


def test_the_meeting_page_says_why_it_is_cancelled(client, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancellation_reason = "The co-chairs are at the budget meeting."
    meeting.save()
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "Cancelled: The co-chairs are at the budget meeting." in body
