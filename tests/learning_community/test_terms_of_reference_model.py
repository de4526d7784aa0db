"""Terms of Reference: one version in force, periods, in_force_on(), and amendments agreed by a co-chair."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from learning_community.models import Amendment, Person, Role, RoleKind, TermsOfReference, ToRStatus
from learning_community.services import terms_bring_into_force


def new_version(terms, version="2.0", **fields):
    values = {
        "purpose": terms.purpose,
        "aims": terms.aims,
        "roles": terms.roles,
        "quorum": 10,
        "meeting_frequency_weeks": 6,
        "secretariat": "Essex Partners",
        "secretariat_email": "essex.partners@essex.gov.uk",
        **fields,
    }
    return TermsOfReference(version=version, **values)


def test_it_refuses_a_second_version_in_force(terms):
    second = new_version(terms, status=ToRStatus.IN_FORCE)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert error.value.message_dict["status"] == [
        "Version 1.0 is already in force, and only one version can be in force at a time. "
        "Mark version 1.0 as superseded first."
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert TermsOfReference.objects.in_force().count() == 1


def test_it_accepts_a_draft_next_to_the_version_in_force(terms):
    draft = new_version(terms, status=ToRStatus.DRAFT)
    draft.full_clean()
    draft.save()
    assert TermsOfReference.objects.in_force().get() == terms


def test_it_shows_blank_dates_as_tbc(terms):
    assert (terms.effective_from, terms.effective_until) == (None, None)
    assert terms.effective_from_display == "TBC"
    assert terms.effective_until_display == "TBC"
    terms.effective_from = datetime.date(2026, 1, 5)
    assert terms.effective_from_display == "Monday 5 January 2026"


def test_it_refuses_terms_that_end_before_they_start(terms):
    terms.effective_from = datetime.date(2026, 4, 1)
    terms.effective_until = datetime.date(2026, 3, 1)
    with pytest.raises(ValidationError, match="cannot end before they take effect"):
        terms.full_clean()


def test_it_finds_the_version_that_applied_on_a_date(terms):
    terms.effective_from = datetime.date(2025, 1, 1)
    terms.save()
    draft = new_version(terms, effective_from=datetime.date(2026, 6, 1))
    draft.save()
    terms_bring_into_force(terms=draft)
    terms.refresh_from_db()
    assert terms.status == ToRStatus.SUPERSEDED
    assert terms.effective_until == datetime.date(2026, 5, 31)
    assert TermsOfReference.objects.in_force_on(datetime.date(2026, 5, 31)) == terms
    assert TermsOfReference.objects.in_force_on(datetime.date(2026, 6, 1)) == draft
    # Before any version took effect, the version in force is the fallback.
    assert TermsOfReference.objects.in_force_on(datetime.date(2020, 1, 1)) == draft


def test_it_never_applies_a_draft(terms):
    new_version(terms, status=ToRStatus.DRAFT, effective_from=datetime.date(2026, 1, 1)).save()
    assert TermsOfReference.objects.in_force_on(datetime.date(2026, 2, 1)) == terms


def test_it_accepts_an_amendment_agreed_by_a_co_chair(terms, co_chair):
    amendment = Amendment(
        terms=terms,
        summary="Meetings may be held in person once a year.",
        agreed_on=datetime.date(2026, 3, 3),
        agreed_by=co_chair,
        written_record="Email to the secretariat, 3 March 2026",
    )
    amendment.full_clean()
    amendment.save()
    assert terms.amendments.get() == amendment


def test_it_refuses_an_amendment_agreed_by_someone_who_is_not_a_co_chair(terms, representative):
    amendment = Amendment(
        terms=terms, summary="Quorum of 8", agreed_on=datetime.date(2026, 3, 3), agreed_by=representative,
        written_record="Email",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        amendment.full_clean()
    assert error.value.message_dict["agreed_by"] == [
        "Alice Anchor was not a co-chair on Tuesday 3 March 2026. Amendments to the Terms of Reference must be "
        "agreed in writing by a co-chair."
    ]


def test_it_refuses_an_amendment_agreed_after_the_co_chair_stood_down(terms, co_chair):
    Role.objects.filter(person=co_chair, role=RoleKind.CO_CHAIR).update(ended_on=datetime.date(2026, 1, 31))
    amendment = Amendment(
        terms=terms, summary="x", agreed_on=datetime.date(2026, 2, 2), agreed_by=co_chair, written_record="Email"
    )
    with pytest.raises(ValidationError, match="Kirsty O'Connell was not a co-chair on Monday 2 February 2026"):
        amendment.full_clean()
    amendment.agreed_on = datetime.date(2026, 1, 30)
    amendment.full_clean()


def test_it_knows_the_four_seeded_co_chairs(reference_data):
    names = [role.person.name for role in Role.objects.current().co_chairs()]
    assert names == ["Kirsty O'Connell", "Tracey Leforte", "Ian Tompkins", "Vivian Smith"]
    assert all(Person.objects.get(name=name).email == "" for name in names)
