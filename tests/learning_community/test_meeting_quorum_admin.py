"""The admin's meeting page judges consensus decisions by the attendance posted with them, in the decision
formset's own clean() (the attendance formset is handed to it through ModelAdmin.get_formset_kwargs): the
page names the quorum, and nothing of the meeting is saved when it refuses."""

from learning_community.models import Attendance, Decision, DecisionOutcome, Meeting

from .conftest import record_attendance
from .test_meeting_admin import change_url, management, meeting_data, statuses


def decisions_formset(response):
    return next(f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "decisions").formset


def test_it_refuses_a_consensus_decision_at_an_inquorate_meeting_naming_the_quorum(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(9, 13), decisions=[("Adopt the baseline method", DecisionOutcome.AGREED)])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 200
    errors = " ".join(decisions_formset(response).non_form_errors())
    assert "Not quorate: 9 of 10 needed." in errors
    assert "“Agreed by consensus” needs a quorate meeting" in errors
    assert not Attendance.objects.exists()
    assert not Decision.objects.exists()


def test_it_accepts_a_consensus_decision_at_a_meeting_made_quorate_in_the_same_save(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(10, 12), decisions=[("Adopt the baseline method", DecisionOutcome.AGREED)])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    assert Meeting.objects.with_quorum().get(pk=meeting.pk).quorum_summary == "Quorate: 10 of 10 needed"
    assert Decision.objects.get().outcome == DecisionOutcome.AGREED


def test_it_judges_a_saved_decision_by_the_attendance_posted_not_the_attendance_saved(secretariat_client, meeting):
    record_attendance(meeting, present=9)
    rows = list(meeting.attendances.order_by("organisation__name"))
    decision = Decision.objects.create(meeting=meeting, text="Adopt", outcome=DecisionOutcome.DEFERRED)
    more = statuses(10)[9:]
    data = meeting_data(existing=[(row, "present") for row in rows], attendance=more)
    data.update(management("decisions", 1, initial=1))
    data.update({"decisions-0-id": str(decision.pk), "decisions-0-text": "Adopt", "decisions-0-outcome": "agreed"})
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    assert Decision.objects.get().outcome == DecisionOutcome.AGREED


def test_it_lets_a_deferred_decision_through_at_an_inquorate_meeting(secretariat_client, meeting):
    data = meeting_data(attendance=statuses(3, 19), decisions=[("Adopt later", DecisionOutcome.DEFERRED)])
    response = secretariat_client.post(change_url(meeting), data)
    assert response.status_code == 302, response.context["errors"]
    assert Decision.objects.get().outcome == DecisionOutcome.DEFERRED
