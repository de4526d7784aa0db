"""/community/: the ToR in force, members, co-chairs, buddy groups, objectives and the next meeting."""

import datetime

import time_machine

from learning_community.models import BuddyGroup, TermsOfReference
from pledges.models import Organisation

from .conftest import london, make_meeting


def test_it_shows_the_terms_of_reference_in_force(client, terms):
    body = client.get("/community/").content.decode()
    assert "<h1>Social Value Learning Community</h1>" in body
    assert "Version 1.0, in force. Effective from TBC until TBC." in body
    assert "To create a collaborative learning space" in body
    assert "Provide a collaborative and safe space to share sensitive and complex data." in body
    assert "10 member organisations present" in body
    assert "By consensus, and only at a quorate meeting" in body
    assert "Virtual (online), every 6 weeks" in body
    assert 'href="mailto:essex.partners@essex.gov.uk"' in body


def test_it_lists_the_aims_and_roles(client, terms):
    response = client.get("/community/")
    assert response.context["terms"].aim_list == terms.aim_list
    body = response.content.decode()
    for text in terms.aim_list + terms.role_list:
        assert text.replace("'", "&#x27;") in body


def test_it_lists_members_co_chairs_and_objectives(client, reference_data):
    body = client.get("/community/").content.decode()
    assert "22 member organisations." in body
    assert "Anglia Ruskin University" in body
    for name in ["Kirsty O&#x27;Connell", "Tracey Leforte", "Ian Tompkins", "Vivian Smith"]:
        assert name in body
    assert "2023 objectives" in body
    assert "Find out our similarities and differences;" in body
    assert "Set local spend, SME spend, VCSE spend baseline" in body


def test_it_says_when_there_are_no_buddy_groups(client, reference_data):
    assert "No buddy groups have been set up yet." in client.get("/community/").content.decode()


def test_it_lists_buddy_groups(client, organisation, other_organisation):
    group = BuddyGroup.objects.create(name="South Essex councils")
    group.organisations.set([organisation, other_organisation])
    body = client.get("/community/").content.decode()
    assert "South Essex councils" in body
    assert "No buddy groups have been set up yet." not in body


@time_machine.travel(london(2026, 2, 1, 9), tick=False)
def test_it_shows_the_next_meeting(client, meeting):
    make_meeting(london(2026, 2, 24))
    body = client.get("/community/").content.decode()
    assert "Tuesday 24 February 2026, 10:00 to 12:00" in body


def test_it_says_when_no_meeting_is_scheduled(client, reference_data):
    assert "No meeting is scheduled yet." in client.get("/community/").content.decode()


def test_it_copes_with_no_terms_in_force(client, terms):
    TermsOfReference.objects.update(status="superseded")
    body = client.get("/community/").content.decode()
    assert "No version of the Terms of Reference is in force at the moment." in body


def test_it_escapes_user_text(client, organisation, other_organisation):
    group = BuddyGroup.objects.create(name="<script>alert(1)</script>", formed_on=datetime.date(2026, 1, 1))
    group.organisations.set([organisation, other_organisation])
    body = client.get("/community/").content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body


def test_it_rejects_post(client, reference_data):
    assert client.post("/community/").status_code == 405


def test_it_shows_the_next_meeting_on_the_home_page(client, reference_data):
    with time_machine.travel(london(2026, 2, 1, 9), tick=False):
        make_meeting(london(2026, 2, 24))
        body = client.get("/").content.decode()
    assert "Next learning community meeting" in body
    assert "Tuesday 24 February 2026, 10:00 to 12:00" in body


def test_it_runs_a_bounded_number_of_queries(client, reference_data, django_assert_max_num_queries):
    organisations = list(Organisation.objects.all())
    for index in range(10):
        BuddyGroup.objects.create(name=f"Group {index}").organisations.set(organisations[index : index + 3])
    with django_assert_max_num_queries(12):
        assert client.get("/community/").status_code == 200
