"""Decisions: "agreed" only at a quorate meeting."""

import pytest
from django.core.exceptions import ValidationError

from learning_community.models import AgendaItem, Decision, DecisionOutcome

from .conftest import london, make_meeting, record_attendance


def test_it_refuses_an_agreed_decision_at_an_inquorate_meeting(meeting):
    record_attendance(meeting, present=9, absent=13)
    decision = Decision(meeting=meeting, text="Adopt the common narrative", outcome=DecisionOutcome.AGREED)
    with pytest.raises(ValidationError) as error:
        decision.full_clean()
    assert error.value.message_dict["outcome"] == [
        "A decision can be recorded as agreed only at a quorate meeting. This meeting has 9 member organisations "
        "present and needs 10. Record attendance first, or record the outcome as “No consensus” or “Deferred”."
    ]


def test_it_refuses_an_agreed_decision_before_attendance_is_recorded(meeting):
    with pytest.raises(ValidationError, match="only at a quorate meeting"):
        Decision(meeting=meeting, text="x", outcome=DecisionOutcome.AGREED).full_clean()


def test_it_accepts_an_agreed_decision_at_a_quorate_meeting(meeting):
    record_attendance(meeting, present=10)
    Decision(meeting=meeting, text="Adopt the common narrative", outcome=DecisionOutcome.AGREED).full_clean()


@pytest.mark.parametrize("outcome", [DecisionOutcome.NO_CONSENSUS, DecisionOutcome.DEFERRED])
def test_it_accepts_other_outcomes_at_an_inquorate_meeting(meeting, outcome):
    record_attendance(meeting, present=3)
    Decision(meeting=meeting, text="Adopt the common narrative", outcome=outcome).full_clean()


def test_it_refuses_an_agenda_item_of_another_meeting(meeting):
    other = make_meeting(london(2026, 2, 24))
    item = AgendaItem.objects.create(meeting=other, order=1, title="Baselines")
    decision = Decision(meeting=meeting, agenda_item=item, text="x", outcome=DecisionOutcome.DEFERRED)
    with pytest.raises(ValidationError, match="Choose an agenda item of this meeting"):
        decision.full_clean()
