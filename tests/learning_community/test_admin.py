"""Every SVLC model has an admin with list, search, filters and history; refusals come with clear messages."""

import datetime

import pytest

from learning_community.models import (
    Action,
    Amendment,
    BuddyGroup,
    Decision,
    DecisionOutcome,
    Person,
    Resource,
    ResourceKind,
    TermsOfReference,
    Visibility,
)
from tests.admin_pages import error_summary, form_data, has_element_with_id

from .conftest import record_attendance

MODELS = [
    "termsofreference",
    "amendment",
    "membership",
    "person",
    "role",
    "buddygroup",
    "objective",
    "meeting",
    "agendaitem",
    "attendance",
    "decision",
    "action",
    "resource",
]


@pytest.mark.parametrize("model", MODELS)
def test_it_serves_the_list_add_and_search_pages(secretariat_client, meeting, model):
    base = f"/admin/learning_community/{model}/"
    assert secretariat_client.get(base).status_code == 200
    assert secretariat_client.get(base, {"q": "essex"}).status_code == 200
    assert secretariat_client.get(f"{base}add/").status_code == 200


@pytest.mark.parametrize("model", ["membership", "attendance", "person", "objective", "action"])
def test_it_offers_import_and_export(secretariat_client, meeting, model):
    base = f"/admin/learning_community/{model}/"
    assert secretariat_client.get(f"{base}import/").status_code == 200
    assert secretariat_client.get(f"{base}export/").status_code == 200


def test_it_keeps_history_of_the_terms_of_reference(secretariat_client, terms):
    response = secretariat_client.get(f"/admin/learning_community/termsofreference/{terms.pk}/history/")
    assert response.status_code == 200


def test_it_refuses_a_second_version_in_force_in_the_admin(secretariat_client, terms):
    data = {
        "version": "2.0",
        "status": "in_force",
        "effective_from": "",
        "effective_until": "",
        "purpose": "p",
        "aims": "a",
        "roles": "r",
        "feeds_into": "",
        "quorum": "8",
        "decision_rule": "consensus",
        "meeting_frequency_weeks": "6",
        "meeting_format": "virtual",
        "secretariat": "Essex Partners",
        "secretariat_email": "essex.partners@essex.gov.uk",
        "amendment_rule": "",
        "amendments-TOTAL_FORMS": "0",
        "amendments-INITIAL_FORMS": "0",
        "amendments-MIN_NUM_FORMS": "0",
        "amendments-MAX_NUM_FORMS": "1000",
    }
    response = secretariat_client.post("/admin/learning_community/termsofreference/add/", data)
    assert response.status_code == 200
    assert "Version 1.0 is already in force" in response.content.decode()
    assert TermsOfReference.objects.count() == 1
    data["status"] = "draft"
    assert secretariat_client.post("/admin/learning_community/termsofreference/add/", data).status_code == 302


def test_it_brings_a_new_version_into_force_with_the_admin_action(secretariat_client, terms):
    draft = TermsOfReference.objects.create(
        version="2.0", purpose="p", aims="a", roles="r", quorum=8, meeting_frequency_weeks=6,
        secretariat="Essex Partners", secretariat_email="essex.partners@essex.gov.uk",
        effective_from=datetime.date(2027, 1, 1),
    )  # fmt: skip
    response = secretariat_client.post(
        "/admin/learning_community/termsofreference/",
        {"action": "bring_into_force", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Version 2.0 is now in force." in response.content.decode()
    assert TermsOfReference.objects.in_force().get() == draft
    terms.refresh_from_db()
    assert (terms.status, terms.effective_until) == ("superseded", datetime.date(2026, 12, 31))


def test_it_does_not_let_the_version_in_force_be_deleted(secretariat_client, terms):
    response = secretariat_client.post(
        f"/admin/learning_community/termsofreference/{terms.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert TermsOfReference.objects.filter(pk=terms.pk).exists()


def test_it_refuses_an_amendment_not_agreed_by_a_co_chair_in_the_admin(secretariat_client, terms, representative):
    data = {
        "terms": terms.pk,
        "summary": "Quorum of 8",
        "agreed_on": "03/03/2026",
        "agreed_by": representative.pk,
        "written_record": "Email",
    }
    response = secretariat_client.post("/admin/learning_community/amendment/add/", data)
    assert response.status_code == 200
    assert "Alice Anchor was not a co-chair on Tuesday 3 March 2026" in response.content.decode()
    assert not Amendment.objects.exists()


def test_it_refuses_an_agreed_decision_at_an_inquorate_meeting_in_the_decision_admin(secretariat_client, meeting):
    record_attendance(meeting, present=4, absent=2)
    data = {"meeting": meeting.pk, "agenda_item": "", "text": "Adopt", "outcome": DecisionOutcome.AGREED}
    response = secretariat_client.post("/admin/learning_community/decision/add/", data)
    assert "only at a quorate meeting" in response.content.decode()
    assert not Decision.objects.exists()


def test_it_refuses_a_buddy_group_of_one_or_of_non_members(secretariat_client, organisation, outsider_organisation):
    url = "/admin/learning_community/buddygroup/add/"
    response = secretariat_client.post(url, {"name": "Pair", "purpose": "", "organisations": [organisation.pk]})
    assert "A buddy group pairs at least two member organisations." in response.content.decode()
    response = secretariat_client.post(
        url, {"name": "Pair", "purpose": "", "organisations": [organisation.pk, outsider_organisation.pk]}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not BuddyGroup.objects.exists()


# --- The error summary at the top of every change page (templates/admin/change_form.html) ---


def test_the_decision_page_names_the_quorum_error_at_the_top_with_a_link_to_the_outcome(secretariat_client, meeting):
    record_attendance(meeting, present=4, absent=2)
    decision = Decision.objects.create(meeting=meeting, text="Adopt the method", outcome=DecisionOutcome.DEFERRED)
    url = f"/admin/learning_community/decision/{decision.pk}/change/"
    response = secretariat_client.post(url, form_data(secretariat_client.get(url), "decision", outcome="agreed"))
    [(text, anchor)] = error_summary(response)
    assert text.startswith("Outcome: A decision can be recorded as agreed only at a quorate meeting")
    assert anchor == "id_outcome" and has_element_with_id(response, anchor)
    decision.refresh_from_db()
    assert decision.outcome == DecisionOutcome.DEFERRED


def test_the_resource_page_names_a_bad_link_at_the_top(secretariat_client, organisation):
    resource = Resource.objects.create(
        title="Social value policy", kind=ResourceKind.POLICY, organisation=organisation, summary="Our policy.",
        link="https://example.org/policy", visibility=Visibility.PUBLIC,
    )  # fmt: skip
    url = f"/admin/learning_community/resource/{resource.pk}/change/"
    data = form_data(secretariat_client.get(url), "resource", link="javascript:alert(1)", title="")
    summary = error_summary(secretariat_client.post(url, data))
    assert [anchor for _text, anchor in summary] == ["id_title", "id_link"]
    assert summary[0][0] == "Title: This field is required."
    assert summary[1][0].startswith("Link: ")


def test_the_action_and_buddy_group_pages_name_their_errors_at_the_top(secretariat_client, meeting, organisation):
    action = Action.objects.create(meeting=meeting, description="Circulate the method", owner=Person.objects.first())
    url = f"/admin/learning_community/action/{action.pk}/change/"
    response = secretariat_client.post(url, form_data(secretariat_client.get(url), "action", due_on="31/02/2026"))
    assert error_summary(response) == [("Due on: Enter a valid date.", "id_due_on")]
    response = secretariat_client.post(
        "/admin/learning_community/buddygroup/add/", {"name": "Pair", "purpose": "", "organisations": [organisation.pk]}
    )
    [(text, anchor)] = error_summary(response)
    assert "A buddy group pairs at least two member organisations." in text
    assert has_element_with_id(response, anchor)
