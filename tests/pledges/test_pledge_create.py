"""/pledges/new/: anchor staff make a pledge with its targets, for their own organisation only."""

import datetime

import pytest
from django.core import mail
from django.test import Client

from pledges.models import Approach, Lever, Measure, Pledge, PledgeStatus, Target

from .pledge_form_data import pledge_data, target_row

URL = "/pledges/new/"


@pytest.fixture
def employer(reference_data):
    return Lever.objects.get(slug="employer")


def test_it_shows_the_form_with_labelled_fields_and_two_target_rows(member_client, employer):
    response = member_client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1 and "<h1>New pledge</h1>" in body
    for label in ("Lever", "Approach", "Title", "Commitment", "Start date", "Target date", "Public contact"):
        assert f">\n                {label}" in body or f">{label}" in body, label
    assert body.count('<fieldset class="target-row"') == 2
    assert '<legend class="h5">Target 1</legend>' in body and "Target 2</legend>" in body
    for label in ("Measure", "New measure", "Unit of the new measure", "Baseline", "Target value", "By date"):
        assert label in body
    # Dates are typed day first as text, never <input type="date"> (its order follows the browser's language).
    assert 'type="date"' not in body
    assert "Day, month and year, for example 31/03/2027." in body
    assert '<optgroup label="Employer">' in body  # approaches grouped by lever
    assert "Save draft" in body and "Save and submit for review" in body and "Add another target" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert 'name="organisation"' not in body


def test_it_creates_a_draft_with_two_targets(member_client, member, organisation, employer):
    approach = Approach.objects.get(lever=employer, name="Job Carving")
    data = pledge_data(
        employer,
        approach=approach,
        targets=[target_row(), target_row("carved-roles-created", baseline="2", target_value="12")],
    )
    response = member_client.post(URL, data)
    assert response.status_code == 302 and response.url == "/my/"
    pledge = Pledge.objects.get()
    assert (pledge.organisation, pledge.lever, pledge.approach) == (organisation, employer, approach)
    assert pledge.status == PledgeStatus.DRAFT and pledge.created_by == member
    assert [t.measure.slug for t in pledge.targets.all()] == ["local-residents-hired", "carved-roles-created"]
    assert mail.outbox == []
    follow = member_client.get(response.url)
    assert "Your draft pledge “More local apprentices” is saved." in follow.content.decode()


def test_it_saves_and_submits_for_review(member_client, employer, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(URL, pledge_data(employer, targets=[target_row()], action="submit"))
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert pledge.status == PledgeStatus.SUBMITTED and pledge.submitted_at is not None
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [settings.SECRETARIAT_EMAIL]


def test_it_takes_the_organisation_from_the_profile_not_the_form(
    member_client, organisation, other_organisation, employer
):
    data = pledge_data(employer, targets=[target_row()], organisation=other_organisation.pk)
    data["organisation_id"] = other_organisation.pk
    member_client.post(URL, data)
    assert Pledge.objects.get().organisation == organisation
    assert not Pledge.objects.filter(organisation=other_organisation).exists()


def test_it_accepts_a_new_free_text_measure_with_its_unit(member_client, employer):
    row = target_row(None, custom_measure="Care leavers mentored", custom_unit="people")
    assert member_client.post(URL, pledge_data(employer, targets=[row])).status_code == 302
    target = Target.objects.get()
    assert (target.measure, target.measure_name, target.unit) == (None, "Care leavers mentored", "people")


def test_it_ignores_empty_extra_rows(member_client, employer):
    data = pledge_data(employer, targets=[target_row(), target_row(None, target_value="", target_date="")])
    assert member_client.post(URL, data).status_code == 302
    assert Target.objects.count() == 1


def test_it_redirects_anonymous_users_to_sign_in(client, reference_data):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=/pledges/new/")
    assert client.post(URL, {}).status_code == 302
    assert not Pledge.objects.exists()


def test_it_sends_a_user_without_an_organisation_to_their_page(secretariat_client, employer):
    response = secretariat_client.post(URL, pledge_data(employer, targets=[target_row()]), follow=True)
    assert response.redirect_chain == [("/my/", 302)]
    assert "your account is not linked to one" in response.content.decode()
    assert not Pledge.objects.exists()


def test_it_rejects_other_methods(member_client, reference_data):
    assert member_client.put(URL).status_code == 405
    assert member_client.delete(URL).status_code == 405


def test_it_requires_the_csrf_token(member, employer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(URL, pledge_data(employer, targets=[target_row()])).status_code == 403
    assert not Pledge.objects.exists()


def test_it_shows_each_error_next_to_its_field_and_in_the_summary(member_client, employer):
    data = pledge_data(None, targets=[target_row()], title="", start_date="2028-01-01", target_date="2027-01-01")
    response = member_client.post(URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "There is a problem" in body
    assert '<a href="#id_lever">Lever: This field is required.</a>' in body
    assert '<a href="#id_title">Title: This field is required.</a>' in body
    # Next to the field: crispy's feedback block carries the field's id.
    assert 'id="error_1_id_title"' in body and 'id="error_1_id_lever"' in body
    assert not Pledge.objects.exists()


def test_it_rejects_a_target_date_before_the_start(member_client, employer):
    data = pledge_data(employer, targets=[target_row()], start_date="2028-01-01", target_date="2027-01-01")
    body = member_client.post(URL, data).content.decode()
    assert "Target date: The target date must be after the start date." in body
    assert 'id="error_1_id_target_date"' in body
    assert not Pledge.objects.exists()


def test_it_rejects_an_approach_of_another_lever(member_client, employer):
    other_levers_approach = Approach.objects.get(name="Meet the Buyers")
    response = member_client.post(URL, pledge_data(employer, approach=other_levers_approach, targets=[target_row()]))
    assert response.status_code == 200
    assert "is not an approach of the lever “Employer”" in response.content.decode()
    assert not Pledge.objects.exists()


def test_it_requires_at_least_one_target(member_client, employer):
    response = member_client.post(URL, pledge_data(employer, targets=[]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Add at least one target: a measure, its baseline") == 2  # summary and above the rows
    assert not Pledge.objects.exists()


def test_it_saves_nothing_when_one_target_row_is_wrong(member_client, employer):
    rows = [target_row(), target_row(target_value="0")]  # target equal to baseline
    response = member_client.post(URL, pledge_data(employer, targets=rows))
    body = response.content.decode()
    assert "Target 2: Target value: The target must differ from the baseline." in body
    assert 'id="error_1_id_targets-1-target_value"' in body
    assert not Pledge.objects.exists() and not Target.objects.exists()


@pytest.mark.parametrize(
    "row, message",
    [
        ({"measure": ""}, "Measure: Choose a measure from the catalogue"),
        ({"measure": "", "custom_measure": "Trees planted"}, "Unit of the new measure: Give the unit"),
        ({"custom_measure": "Trees planted", "custom_unit": "trees"}, "New measure: Leave the new measure empty"),
        ({"measure": "999999"}, "Measure: Select a valid choice."),
        ({"target_value": "1" * 20}, "Target value: Ensure that there are no more than 16 digits in total."),
        ({"target_date": "31/31/2028"}, "By date: Enter a real date, day first: for example 31/03/2027."),
    ],
)
def test_it_explains_what_is_wrong_with_a_target(member_client, employer, row, message):
    response = member_client.post(URL, pledge_data(employer, targets=[target_row(**row)]))
    assert f"Target 1: {message}" in response.content.decode()
    assert not Pledge.objects.exists()


def test_it_refuses_a_measure_retired_from_the_catalogue(member_client, employer):
    Measure.objects.filter(slug="local-residents-hired").update(active=False)
    body = member_client.post(URL, pledge_data(employer, targets=[target_row()])).content.decode()
    assert "Target 1: Measure: Select a valid choice." in body
    assert "Local residents hired" not in body


def test_it_refuses_huge_input_with_a_message(member_client, employer):
    data = pledge_data(employer, targets=[target_row()], title="x" * 10_000, commitment="y" * 10_001)
    body = member_client.post(URL, data).content.decode()
    assert "Title: Ensure this value has at most 200 characters (it has 10000)." in body
    assert "Commitment: Ensure this value has at most 5000 characters (it has 10001)." in body
    assert not Pledge.objects.exists()


def test_it_shows_script_in_the_title_as_text(member_client, employer):
    data = pledge_data(employer, targets=[target_row()], title="<script>alert(1)</script>")
    data["lever"] = ""
    body = member_client.post(URL, data).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_it_adds_another_target_row_without_saving_or_complaining(member_client, employer):
    data = pledge_data(employer, targets=[target_row(target_value=""), target_row(None)], title="", action="add-target")
    response = member_client.post(URL, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('<fieldset class="target-row"') == 3
    assert 'name="targets-TOTAL_FORMS" value="3"' in body
    assert "There is a problem" not in body and "is-invalid" not in body
    assert 'value="We will open 25 apprenticeships' in body or "We will open 25 apprenticeships" in body
    assert not Pledge.objects.exists()


def test_the_added_row_is_blank_like_the_others_and_skipped_when_left_so(member_client, employer):
    blank = target_row(None, baseline="0", target_value="", target_date="")
    data = pledge_data(employer, targets=[target_row(), blank], action="add-target")
    body = member_client.post(URL, data).content.decode()
    # The new row shows a baseline of 0, as the blank row the page already had does.
    assert 'name="targets-1-baseline" value="0"' in body
    assert 'name="targets-2-baseline" value="0"' in body
    # Sent back as the page shows it, with both blank rows left alone: the pledge is saved with its one target.
    data = pledge_data(employer, targets=[target_row(), blank, blank], action="draft")
    response = member_client.post(URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Pledge.objects.get().targets.count() == 1


def test_it_stops_adding_rows_at_the_limit(member_client, employer):
    rows = [target_row()] * 20
    body = member_client.post(URL, pledge_data(employer, targets=rows, action="add-target")).content.decode()
    assert body.count('<fieldset class="target-row"') == 20
    assert "A pledge can have at most 20 targets." in body
    assert "Add another target" not in body


def test_it_keeps_queries_bounded(member_client, employer, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        member_client.get(URL)
    rows = [target_row() for _ in range(5)]
    with django_assert_max_num_queries(40):
        member_client.post(URL, pledge_data(employer, targets=rows))
    assert Target.objects.count() == 5


def test_it_files_the_pledge_under_the_signed_in_members_organisation(
    other_member_client, other_organisation, employer
):
    other_member_client.post(URL, pledge_data(employer, targets=[target_row()]))
    assert Pledge.objects.get().organisation == other_organisation


def test_dates_are_read_day_first_whatever_the_browser(member_client, reference_data):
    from pledges.forms import PledgeForm

    for typed in ("01/04/2026", "1/4/26", "01042026", "1 April 2026", "2026-04-01"):
        form = PledgeForm(data={"start_date": typed})
        form.is_valid()
        assert form.cleaned_data.get("start_date") == datetime.date(2026, 4, 1), typed
    form = PledgeForm(data={"start_date": "04/31/2026"})  # a US-style date: no 31st month
    form.is_valid()
    assert form.errors["start_date"] == ["Enter a real date, day first: for example 31/03/2027."]
