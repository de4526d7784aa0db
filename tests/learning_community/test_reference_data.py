"""The seed's SVLC data: ToR 1.0, 22 members, four co-chairs, three 2023 objectives, no buddy groups."""

from django.core.management import call_command

from learning_community.models import (
    BuddyGroup,
    DecisionRule,
    MeetingFormat,
    Membership,
    Objective,
    Person,
    Role,
    TermsOfReference,
    ToRStatus,
)


def test_it_loads_the_terms_of_reference_in_force(terms):
    assert terms.status == ToRStatus.IN_FORCE
    assert terms.purpose.startswith("To create a collaborative learning space")
    assert len(terms.aim_list) == 6
    assert (
        terms.aim_list[0]
        == "Ensure every pound spent generates additional value to Greater Essex residents and communities."
    )
    assert len(terms.role_list) == 7
    assert terms.role_list[1] == "Provide a collaborative and safe space to share sensitive and complex data."
    assert terms.quorum == 10
    assert terms.decision_rule == DecisionRule.CONSENSUS
    assert (terms.meeting_format, terms.meeting_frequency_weeks) == (MeetingFormat.VIRTUAL, 6)
    assert (terms.secretariat, terms.secretariat_email) == ("Essex Partners", "essex.partners@essex.gov.uk")
    assert (terms.effective_from, terms.effective_until) == (None, None)
    assert "**" not in terms.aims


def test_it_makes_the_22_organisations_current_members(reference_data):
    assert Membership.objects.current().count() == 22
    assert Membership.objects.filter(organisation__slug="university-of-essex").exists()


def test_it_loads_the_2023_objectives_with_the_first_kept_whole(reference_data):
    objectives = list(Objective.objects.filter(year=2023))
    assert [o.number for o in objectives] == [1, 2, 3]
    assert objectives[0].points == [
        "Equalize the social value knowledge across the anchor ecosystem in Essex;",
        "Find out our similarities and differences;",
        "Identify our strengths and share good practices, such as: strategies, policies, tools, learning materials, and lessons learned;",
    ]
    assert objectives[2].text == "Set local spend, SME spend, VCSE spend baseline"


def test_it_seeds_no_buddy_groups(reference_data):
    assert not BuddyGroup.objects.exists()


def test_it_changes_nothing_when_loaded_twice(reference_data):
    models = (TermsOfReference, Membership, Person, Role, Objective)
    counts = [Model.history.count() for Model in models]
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    assert [Model.history.count() for Model in models] == counts
    assert Person.objects.count() == 4
    assert TermsOfReference.objects.count() == 1


def test_it_keeps_the_secretariats_changes_on_reload(terms, co_chair, organisation):
    co_chair.organisation = organisation
    co_chair.save()
    objective = Objective.objects.get(year=2023, number=3)
    objective.status = "achieved"
    objective.notes = "Baselines set for 2024/25."
    objective.save()
    Membership.objects.filter(organisation=organisation).update(left_on="2026-06-30")
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    co_chair.refresh_from_db()
    objective.refresh_from_db()
    assert co_chair.organisation == organisation
    assert (objective.status, objective.notes) == ("achieved", "Baselines set for 2024/25.")
    assert Membership.objects.filter(organisation=organisation).count() == 1
    assert Person.objects.filter(name="Kirsty O'Connell").count() == 1


def test_it_keeps_an_amended_terms_of_reference_on_reload(terms):
    terms.quorum = 8
    terms.save()
    call_command("load_reference_data", stdout=open("/dev/null", "w"))
    terms.refresh_from_db()
    assert terms.quorum == 8
