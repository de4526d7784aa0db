"""The secretariat reviews pledges in the admin: publish, return with a comment, close, bulk publish."""

import datetime
from decimal import Decimal

from django.core import mail

from pledges.models import Pledge, PledgeStatus, Target, TargetChange
from tests.admin_pages import error_summary, form_data, has_element_with_id
from tests.lifecycle import move_to


def _submitted(pledge):
    move_to(pledge, PledgeStatus.SUBMITTED)
    pledge.refresh_from_db()
    return pledge


def test_it_lists_submitted_pledges_with_a_review_link(secretariat_client, draft_pledge):
    _submitted(draft_pledge)
    response = secretariat_client.get("/admin/pledges/pledge/?status__exact=submitted")
    assert response.status_code == 200
    assert draft_pledge.title in response.content.decode()
    assert f"/admin/pledges/pledge/{draft_pledge.pk}/review/" in response.content.decode()


def test_it_publishes_a_submitted_pledge_and_emails_its_staff(
    secretariat_client, secretariat, member, draft_pledge, django_capture_on_commit_callbacks
):
    _submitted(draft_pledge)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(f"/admin/pledges/pledge/{draft_pledge.pk}/review/", {"status": "published"})
    assert response.status_code == 302
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.PUBLISHED
    assert draft_pledge.published_at is not None
    change = draft_pledge.status_changes.get(to_status="published")
    assert (change.from_status, change.to_status, change.changed_by) == ("submitted", "published", secretariat)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "published" in mail.outbox[0].subject


def test_it_returns_a_pledge_with_the_comment_the_anchor_sees(
    secretariat_client, member, draft_pledge, django_capture_on_commit_callbacks
):
    _submitted(draft_pledge)
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            f"/admin/pledges/pledge/{draft_pledge.pk}/review/",
            {"status": "returned", "comment": "Please give a baseline year for SME spend."},
        )
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.RETURNED
    assert draft_pledge.review_comment == "Please give a baseline year for SME spend."
    assert "Please give a baseline year for SME spend." in mail.outbox[0].body


def test_it_refuses_to_return_without_a_comment(secretariat_client, draft_pledge):
    _submitted(draft_pledge)
    response = secretariat_client.post(f"/admin/pledges/pledge/{draft_pledge.pk}/review/", {"status": "returned"})
    assert response.status_code == 200
    assert "Say what needs to change" in response.content.decode()
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.SUBMITTED


def test_it_offers_no_decision_that_the_status_does_not_allow(secretariat_client, draft_pledge):
    response = secretariat_client.post(f"/admin/pledges/pledge/{draft_pledge.pk}/review/", {"status": "published"})
    assert response.status_code == 200
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == PledgeStatus.DRAFT


def test_it_marks_a_published_pledge_achieved(secretariat_client, published_pledge):
    secretariat_client.post(f"/admin/pledges/pledge/{published_pledge.pk}/review/", {"status": "achieved"})
    published_pledge.refresh_from_db()
    assert published_pledge.status == PledgeStatus.ACHIEVED


def test_it_bulk_publishes_only_submitted_pledges(secretariat_client, draft_pledge, published_pledge):
    other = Pledge.objects.create(
        organisation=draft_pledge.organisation,
        lever=draft_pledge.lever,
        title="Second",
        commitment="x",
        start_date=datetime.date(2026, 1, 1),
        target_date=datetime.date(2027, 1, 1),
        public_contact="x",
        status=PledgeStatus.SUBMITTED,
    )
    draft = Pledge.objects.create(
        organisation=draft_pledge.organisation,
        lever=draft_pledge.lever,
        title="Still a draft",
        commitment="x",
        start_date=datetime.date(2026, 1, 1),
        target_date=datetime.date(2027, 1, 1),
        public_contact="x",
    )
    response = secretariat_client.post(
        "/admin/pledges/pledge/",
        {"action": "publish_selected", "_selected_action": [other.pk, draft.pk]},
        follow=True,
    )
    other.refresh_from_db()
    draft.refresh_from_db()
    assert other.status == PledgeStatus.PUBLISHED
    assert draft.status == PledgeStatus.DRAFT
    assert "Still a draft" in response.content.decode()


def test_it_records_target_changes_on_a_published_pledge(secretariat_client, secretariat, published_pledge):
    target = published_pledge.targets.first()
    target.target_value = Decimal("2500000")
    target.save()  # the admin calls the same service; here through the Target admin form
    Target.objects.filter(pk=target.pk).update(target_value=Decimal("2000000"))
    response = secretariat_client.post(
        f"/admin/pledges/target/{target.pk}/change/",
        {
            "pledge": published_pledge.pk,
            "measure": target.measure_id,
            "custom_measure": "",
            "custom_unit": "",
            "baseline": "1000000",
            "target_value": "1500000",
            "target_date": "2028-03-31",
            "pledge_version": published_pledge.version,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = TargetChange.objects.get()
    assert (change.field, change.old_value, change.new_value) == ("target_value", "2000000.00", "1500000")
    assert change.changed_by == secretariat


def test_it_never_offers_delete_for_pledges(secretariat_client, draft_pledge):
    response = secretariat_client.get(f"/admin/pledges/pledge/{draft_pledge.pk}/delete/")
    assert response.status_code == 403


def test_it_keeps_anchor_staff_out_of_the_admin(member_client):
    response = member_client.get("/admin/pledges/pledge/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_it_refreshes_the_public_figures_after_an_admin_edit(
    secretariat_client, published_pledge, django_capture_on_commit_callbacks
):
    from pledges.cache import public_figures_generation

    before = public_figures_generation()
    organisation = published_pledge.organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            f"/admin/pledges/organisation/{organisation.pk}/change/",
            {
                "name": organisation.name,
                "short_name": "ECC",
                "slug": organisation.slug,
                "sector": organisation.sector,
                "website": organisation.website,
                "description": "",
                "active": "on",
            },
        )
    assert response.status_code == 302
    assert public_figures_generation() != before


def _pledge_change_form(pledge, targets, extra_rows=()):
    """POST data for the pledge change page with its target rows (and any new ones)."""
    rows = [
        {
            "id": t.pk,
            "pledge": pledge.pk,
            "measure": t.measure_id or "",
            "custom_measure": t.custom_measure,
            "custom_unit": t.custom_unit,
            "baseline": t.baseline,
            "target_value": t.target_value,
            "target_date": t.target_date.isoformat(),
        }
        for t in targets
    ] + list(extra_rows)
    data = {
        "organisation": pledge.organisation_id,
        "lever": pledge.lever_id,
        "approach": pledge.approach_id or "",
        "title": pledge.title,
        "commitment": pledge.commitment,
        "public_contact": pledge.public_contact,
        "start_date": pledge.start_date.isoformat(),
        "target_date": pledge.target_date.isoformat(),
        "opened_at_version": pledge.version,
        "targets-TOTAL_FORMS": len(rows),
        "targets-INITIAL_FORMS": len(targets),
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 1000,
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
        "status_changes-MIN_NUM_FORMS": 0,
        "status_changes-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update({f"targets-{i}-{key}": value for key, value in row.items()})
    return data


def test_it_shows_a_target_added_after_publication_on_the_public_page(secretariat_client, client, published_pledge):
    from pledges.models import Measure

    targets = list(published_pledge.targets.all())
    new_row = {
        "pledge": published_pledge.pk,
        "measure": Measure.objects.get(slug="spend-vcse").pk,
        "custom_measure": "",
        "custom_unit": "",
        "baseline": "0",
        "target_value": "50000",
        "target_date": "2028-03-31",
    }
    response = secretariat_client.post(
        f"/admin/pledges/pledge/{published_pledge.pk}/change/",
        _pledge_change_form(published_pledge, targets, [new_row]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    change = TargetChange.objects.get(field="target")
    assert change.new_value.startswith("0 → 50000 £ by 2028-03-31")
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Target added" in body


def test_it_does_not_let_the_admin_delete_a_target_of_a_published_pledge(secretariat_client, published_pledge):
    targets = list(published_pledge.targets.all())
    data = _pledge_change_form(published_pledge, targets)
    data["targets-0-DELETE"] = "on"
    secretariat_client.post(f"/admin/pledges/pledge/{published_pledge.pk}/change/", data)
    assert published_pledge.targets.count() == 2


# --- The error summary at the top of the secretariat's change pages (templates/admin/change_form.html) ---


def test_the_pledge_page_names_each_error_at_the_top_with_a_link_to_its_field(secretariat_client, draft_pledge):
    url = f"/admin/pledges/pledge/{draft_pledge.pk}/change/"
    data = form_data(secretariat_client.get(url), "pledge", title="", target_date="2026-01-01")
    data["targets-0-target_value"] = ["not a number"]
    response = secretariat_client.post(url, data)
    assert response.status_code == 200
    summary = error_summary(response)
    assert ("Title: This field is required.", "id_title") in summary
    assert ("Target date: The target date must be after the start date.", "id_target_date") in summary
    assert ("Target 1, Target value: Enter a number.", "id_targets-0-target_value") in summary
    assert all(has_element_with_id(response, anchor) for _text, anchor in summary)
    draft_pledge.refresh_from_db()
    assert draft_pledge.title == "Double our spend with Essex SMEs"


def test_the_measure_page_names_a_pound_value_without_its_source(secretariat_client, reference_data):
    from pledges.models import Measure

    measure = Measure.objects.get(slug="spend-smes")
    url = f"/admin/pledges/measure/{measure.pk}/change/"
    data = form_data(secretariat_client.get(url), "measure", social_value_per_unit="0.05", social_value_source="")
    response = secretariat_client.post(url, data)
    assert error_summary(response) == [
        (
            "Source of the £ value: Say where the £ value per unit comes from: every estimate made with it shows "
            "its source.",
            "id_social_value_source",
        )
    ]
    data["social_value_source"] = ["Essex Partners' 2026 estimate"]
    assert secretariat_client.post(url, data).status_code == 302
    measure.refresh_from_db()
    assert (measure.social_value_per_unit, measure.social_value_source) == (
        Decimal("0.05"),
        "Essex Partners' 2026 estimate",
    )


def test_a_page_with_no_error_has_no_summary(secretariat_client, draft_pledge):
    response = secretariat_client.get(f"/admin/pledges/pledge/{draft_pledge.pk}/change/")
    assert error_summary(response) == [] and "There is a problem" not in response.content.decode()
