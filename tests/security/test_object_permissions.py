"""Object-level permissions: another organisation's ids in the URL, forged hidden fields, anonymous users.

Every view that changes a pledge or serves a file is tried with an object of another organisation;
each must refuse and leave the database as it was. Refusals of pledges the user may not see are
404s that look exactly like a pledge that does not exist, so ids reveal nothing.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from learning_community.models import AgendaItem, Meeting, Resource, ResourceKind, Visibility
from pledges import services
from pledges.models import (
    Evidence,
    Pledge,
    PledgeStatus,
    PledgeStatusChange,
    ProgressUpdate,
    Target,
    TargetProgress,
)
from tests.conftest import PASSWORD
from tests.pledges.pledge_form_data import existing_rows, pledge_data, target_row

from .conftest import make_pledge

MISSING = 999_999
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _page(response) -> bytes:
    """The page without its CSRF token, which Django masks afresh on every response."""
    return CSRF_TOKEN.sub(b"", response.content)


def _counts():
    return (
        Pledge.objects.count(),
        Target.objects.count(),
        PledgeStatusChange.objects.count(),
        ProgressUpdate.objects.count(),
        TargetProgress.objects.count(),
    )


def _snapshot(pledge):
    pledge.refresh_from_db()
    targets = [(t.pk, t.baseline, t.target_value, t.target_date, t.latest_value) for t in pledge.targets.all()]
    return (pledge.title, pledge.status, pledge.version, pledge.withdrawal_requested, pledge.organisation_id, targets)


# --- Another organisation's pledge id in the URL -----------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_another_organisations_draft_from_the_edit_page(member_client, other_draft, lever, method):
    before = _snapshot(other_draft)
    url = f"/pledges/{other_draft.pk}/edit/"
    data = pledge_data(
        lever, targets=existing_rows(other_draft), initial=1, version=other_draft.version, title="Mine now"
    )
    response = member_client.get(url) if method == "get" else member_client.post(url, data)
    assert response.status_code == 404
    assert _snapshot(other_draft) == before


def test_it_answers_another_organisations_pledge_exactly_as_a_missing_one(member_client, other_draft, other_published):
    """The 404 for bob's pledge and for an id that does not exist are the same page: ids reveal nothing."""
    for template in ("/pledges/{}/edit/", "/pledges/{}/withdraw/", "/pledges/{}/progress/new/", "/pledges/{}/"):
        hidden = member_client.get(template.format(other_draft.pk))
        missing = member_client.get(template.format(MISSING))
        assert hidden.status_code == missing.status_code == 404
        assert _page(hidden) == _page(missing)
    hidden = member_client.post(f"/pledges/{other_draft.pk}/submit/")
    missing = member_client.post(f"/pledges/{MISSING}/submit/")
    assert hidden.status_code == missing.status_code == 404
    assert _page(hidden) == _page(missing)


def test_it_refuses_to_submit_another_organisations_draft(member_client, other_draft):
    before, counts = _snapshot(other_draft), _counts()
    assert member_client.post(f"/pledges/{other_draft.pk}/submit/").status_code == 404
    assert _snapshot(other_draft) == before
    assert _counts() == counts


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_to_ask_to_withdraw_another_organisations_pledge(member_client, other_published, method):
    before = _snapshot(other_published)
    url = f"/pledges/{other_published.pk}/withdraw/"
    response = member_client.get(url) if method == "get" else member_client.post(url, {"reason": "We say so"})
    assert response.status_code == 404
    assert _snapshot(other_published) == before
    other_published.refresh_from_db()
    assert other_published.withdrawal_reason == ""


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_the_progress_form_of_another_organisations_draft(member_client, other_draft, method):
    url = f"/pledges/{other_draft.pk}/progress/new/"
    target = other_draft.targets.get()
    data = {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5"}
    response = member_client.get(url) if method == "get" else member_client.post(url, data)
    assert response.status_code == 404
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_forbids_progress_on_another_organisations_published_pledge(member_client, other_published, method):
    url = f"/pledges/{other_published.pk}/progress/new/"
    target = other_published.targets.get()
    data = {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5"}
    response = member_client.get(url) if method == "get" else member_client.post(url, data)
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()
    target.refresh_from_db()
    assert target.latest_value is None


def test_it_forbids_progress_to_an_account_with_no_organisation(client, published_pledge):
    client.force_login(User.objects.create_user("eve", "eve@example.org", PASSWORD))
    target = published_pledge.targets.first()
    response = client.post(
        f"/pledges/{published_pledge.pk}/progress/new/",
        {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5"},
    )
    assert response.status_code == 403
    assert client.get("/pledges/progress/upload/").status_code == 403
    assert client.get("/pledges/progress/upload/template.csv").status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_it_keeps_the_upload_template_to_the_users_own_pledges(member_client, published_pledge, other_published):
    body = member_client.get("/pledges/progress/upload/template.csv").content.decode()
    assert published_pledge.title in body
    assert other_published.title not in body
    assert str(other_published.targets.get().pk) not in [line.split(",")[1] for line in body.splitlines()[1:]]


# --- Evidence and resource files -----------------------------------------------------------------


PDF = b"%PDF-1.4\nsecret evidence\n%%EOF\n"


@pytest.fixture
def hidden_evidence(other_published, other_member):
    """Evidence on bob's pledge, which the admin has since taken back out of public view."""
    update = services.progress_post(
        pledge=other_published,
        user=other_member,
        date=datetime.date(2026, 6, 30),
        narrative="Evidence attached",
        values={other_published.targets.get().pk: 5},
        evidence_file=SimpleUploadedFile("board paper.pdf", PDF, "application/pdf"),
    )
    Pledge.objects.filter(pk=other_published.pk).update(status=PledgeStatus.RETURNED)
    return update


def test_it_does_not_serve_evidence_of_a_pledge_the_user_cannot_see(client, member, hidden_evidence):
    url = f"/pledges/progress/{hidden_evidence.pk}/evidence/"
    assert client.get(url).status_code == 404
    client.force_login(member)
    hidden = client.get(url)
    missing = client.get(f"/pledges/progress/{MISSING}/evidence/")
    assert hidden.status_code == missing.status_code == 404
    assert _page(hidden) == _page(missing)


def test_it_serves_hidden_evidence_to_its_own_organisation_only_as_a_download(client, other_member, hidden_evidence):
    client.force_login(other_member)
    response = client.get(f"/pledges/progress/{hidden_evidence.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "private" in response["Cache-Control"]


def test_it_gives_404_for_evidence_of_an_update_without_a_file(client, published_pledge, member):
    update = services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 6, 30),
        narrative="No file",
        values={published_pledge.targets.first().pk: 5},
    )
    assert client.get(f"/pledges/progress/{update.pk}/evidence/").status_code == 404


def _resource(visibility, title="Sensitive spend data"):
    resource = Resource(title=title, kind=ResourceKind.CASE_STUDY, summary="Members only", visibility=visibility)
    resource.file.save("spend.csv", ContentFile(b"supplier,amount\nAcme,100\n"), save=False)
    resource.save()
    return resource


@pytest.fixture
def non_member(reference_data):
    """An account with no organisation and no staff rights: signed in, but not a member of the SVLC."""
    return User.objects.create_user("eve", "eve@example.org", PASSWORD)


def test_it_keeps_members_only_files_from_non_members(client, non_member):
    resource = _resource(Visibility.MEMBERS)
    url = f"/resources/{resource.pk}/file/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(non_member)
    response = client.get(url)
    assert response.status_code == 403
    assert b"supplier,amount" not in response.content
    listing = client.get("/resources/").content.decode()
    assert resource.title not in listing and url not in listing


def test_it_serves_members_only_files_privately_to_members(member_client):
    resource = _resource(Visibility.MEMBERS)
    response = member_client.get(f"/resources/{resource.pk}/file/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_gives_404_not_500_when_a_files_document_is_missing_from_disk(member_client, published_pledge, member):
    resource = _resource(Visibility.MEMBERS)
    resource.file.storage.delete(resource.file.name)
    assert member_client.get(f"/resources/{resource.pk}/file/").status_code == 404
    update = services.progress_post(
        pledge=published_pledge,
        user=member,
        date=datetime.date(2026, 6, 30),
        narrative="Evidence lost",
        values={published_pledge.targets.first().pk: 5},
        evidence_file=SimpleUploadedFile("lost.pdf", PDF, "application/pdf"),
    )
    update.evidence_file.storage.delete(update.evidence_file.name)
    assert member_client.get(f"/pledges/progress/{update.pk}/evidence/").status_code == 404


def test_it_refuses_resource_files_to_any_method_but_get(member_client):
    resource = _resource(Visibility.PUBLIC)
    assert member_client.post(f"/resources/{resource.pk}/file/").status_code == 405


# --- Members-only parts of a meeting ----------------------------------------------------------


@pytest.fixture
def meeting(reference_data):
    starts = datetime.datetime(2026, 1, 13, 10, tzinfo=datetime.UTC)
    meeting = Meeting.objects.create(
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        join_link="https://meet.example.org/secret-join-link",
        minutes="CONFIDENTIAL-MINUTES",
    )
    AgendaItem.objects.create(meeting=meeting, order=1, title="CONFIDENTIAL-AGENDA")
    return meeting


@pytest.mark.parametrize("who", ["anonymous", "non_member"])
def test_it_shows_only_the_public_parts_of_a_meeting_to_non_members(client, meeting, non_member, who):
    if who == "non_member":
        client.force_login(non_member)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert "meet.example.org" not in body
    assert "CONFIDENTIAL-MINUTES" not in body
    assert "CONFIDENTIAL-AGENDA" not in body


def test_it_shows_the_members_only_parts_to_a_member(member_client, meeting):
    body = member_client.get(meeting.get_absolute_url()).content.decode()
    assert "https://meet.example.org/secret-join-link" in body
    assert "CONFIDENTIAL-MINUTES" in body and "CONFIDENTIAL-AGENDA" in body


# --- Forged hidden fields ------------------------------------------------------------------------


def test_it_ignores_a_forged_organisation_status_and_author_on_a_new_pledge(
    member_client, member, other_member, other_organisation, organisation, lever
):
    data = pledge_data(
        lever,
        targets=[target_row()],
        organisation=other_organisation.pk,
        status=PledgeStatus.PUBLISHED,
        created_by=other_member.pk,
        published_at="2026-01-01 00:00",
        title="Forged fields",
    )
    assert member_client.post("/pledges/new/", data).status_code == 302
    pledge = Pledge.objects.get(title="Forged fields")
    assert pledge.organisation == organisation
    assert pledge.status == PledgeStatus.DRAFT
    assert pledge.created_by == member
    assert pledge.published_at is None


def test_it_refuses_a_target_row_that_names_another_pledges_target(member_client, draft_pledge, other_draft, lever):
    """A forged targets-0-id of bob's target must not edit, move or delete bob's target."""
    theirs = other_draft.targets.get()
    before_theirs, before_mine, counts = _snapshot(other_draft), _snapshot(draft_pledge), _counts()
    rows = existing_rows(draft_pledge)
    rows[0]["id"] = theirs.pk
    rows[0]["target_value"] = "999"
    data = pledge_data(lever, targets=rows, initial=len(rows), version=draft_pledge.version)
    response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert "A target row does not match this pledge&#x27;s targets. Reload the page" in body
    assert _snapshot(other_draft) == before_theirs
    assert _snapshot(draft_pledge) == before_mine
    assert _counts() == counts


def test_it_refuses_to_delete_another_pledges_target_through_a_forged_row(
    member_client, draft_pledge, other_draft, lever
):
    theirs = other_draft.targets.get()
    rows = existing_rows(draft_pledge)
    rows.append({**rows[0], "id": theirs.pk, "DELETE": "on"})
    data = pledge_data(lever, targets=rows, initial=len(rows), version=draft_pledge.version)
    assert member_client.post(f"/pledges/{draft_pledge.pk}/edit/", data).status_code == 200
    assert Target.objects.filter(pk=theirs.pk, pledge=other_draft).exists()


def test_it_refuses_a_target_row_forged_onto_another_pledge(member_client, draft_pledge, other_draft, lever):
    counts = _counts()
    rows = existing_rows(draft_pledge)
    rows.append({**target_row(), "pledge": other_draft.pk})
    data = pledge_data(lever, targets=rows, initial=len(rows) - 1, version=draft_pledge.version)
    response = member_client.post(f"/pledges/{draft_pledge.pk}/edit/", data)
    assert response.status_code == 200
    assert other_draft.targets.count() == 1
    assert _counts() == counts


def test_it_refuses_a_new_pledge_that_claims_an_existing_target(member_client, other_draft, lever):
    theirs = other_draft.targets.get()
    counts = _counts()
    data = pledge_data(lever, targets=[{**target_row(), "id": theirs.pk}], initial=1, title="Claims a target")
    response = member_client.post("/pledges/new/", data)
    assert response.status_code == 200
    assert "A target row does not match this pledge&#x27;s targets." in response.content.decode()
    assert _counts() == counts
    assert Target.objects.get(pk=theirs.pk).pledge == other_draft


def test_it_ignores_a_forged_value_for_another_pledges_target_in_the_progress_form(
    member_client, published_pledge, other_published
):
    theirs = other_published.targets.get()
    response = member_client.post(
        f"/pledges/{published_pledge.pk}/progress/new/",
        {"date": "2026-06-30", "narrative": "Forged", f"value_{theirs.pk}": "25"},
    )
    assert response.status_code == 200
    assert "Give the value reached for at least one target." in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    theirs.refresh_from_db()
    assert theirs.latest_value is None


def test_it_ignores_a_forged_verified_tick_from_anchor_staff(member_client, published_pledge):
    target = published_pledge.targets.first()
    response = member_client.post(
        f"/pledges/{published_pledge.pk}/progress/new/",
        {"date": "2026-06-30", "narrative": "Self marked", f"value_{target.pk}": "5", "verified": "on"},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence == Evidence.SELF_REPORTED


def _csv_upload(client, text):
    return client.post(
        "/pledges/progress/upload/", {"file": SimpleUploadedFile("progress.csv", text.encode(), "text/csv")}
    )


HEADER = "pledge_id,target_id,date,value,narrative,rag,evidence_link\n"


def test_it_refuses_a_csv_row_for_another_organisations_pledge_as_if_it_did_not_exist(
    member_client, published_pledge, other_published
):
    mine = published_pledge.targets.first()
    theirs = other_published.targets.get()
    text = (
        HEADER
        + f"{published_pledge.pk},{mine.pk},30/06/2026,5,Good row,,\n"
        + f"{other_published.pk},{theirs.pk},30/06/2026,5,Their pledge,,\n"
        + f"{MISSING},{theirs.pk},30/06/2026,5,No such pledge,,\n"
    )
    body = _csv_upload(member_client, text).content.decode()
    assert (
        f"<td>3</td><td>pledge_id</td><td>Pledge {other_published.pk} is not one of your organisation&#x27;s pledges"
        in body
    )
    assert f"<td>4</td><td>pledge_id</td><td>Pledge {MISSING} is not one of your organisation&#x27;s pledges" in body
    assert not ProgressUpdate.objects.exists()
    theirs.refresh_from_db()
    assert theirs.latest_value is None


def test_it_refuses_a_csv_row_that_pairs_my_pledge_with_another_pledges_target(
    member_client, published_pledge, other_published
):
    theirs = other_published.targets.get()
    text = HEADER + f"{published_pledge.pk},{theirs.pk},30/06/2026,5,Forged target,,\n"
    body = _csv_upload(member_client, text).content.decode()
    assert f"<td>2</td><td>target_id</td><td>Target {theirs.pk} is not a target of this pledge." in body
    assert not ProgressUpdate.objects.exists() and not TargetProgress.objects.exists()


# --- Anonymous users --------------------------------------------------------------------------


SIGNED_IN_GETS = [
    "/my/",
    "/pledges/new/",
    "/pledges/{pk}/edit/",
    "/pledges/{pk}/withdraw/",
    "/pledges/{pk}/progress/new/",
    "/pledges/progress/upload/",
    "/pledges/progress/upload/template.csv",
    "/accounts/password_change/",
]
SIGNED_IN_POSTS = [
    "/pledges/new/",
    "/pledges/{pk}/edit/",
    "/pledges/{pk}/submit/",
    "/pledges/{pk}/withdraw/",
    "/pledges/{pk}/progress/new/",
    "/pledges/progress/upload/",
]


@pytest.mark.parametrize("template", SIGNED_IN_GETS)
def test_it_sends_anonymous_visitors_to_sign_in(client, published_pledge, template):
    url = template.format(pk=published_pledge.pk)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("template", SIGNED_IN_POSTS)
def test_it_changes_nothing_for_anonymous_posts(client, published_pledge, lever, template):
    counts, before = _counts(), _snapshot(published_pledge)
    target = published_pledge.targets.first()
    data = {
        **pledge_data(lever, targets=[target_row()]),
        "reason": "x",
        "date": "2026-06-30",
        "narrative": "x",
        f"value_{target.pk}": "5",
    }
    response = client.post(template.format(pk=published_pledge.pk), data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert _counts() == counts
    assert _snapshot(published_pledge) == before


def test_it_hides_draft_pages_from_anonymous_visitors(client, other_draft):
    assert client.get(f"/pledges/{other_draft.pk}/").status_code == 404


def test_it_lets_staff_of_the_owning_organisation_see_their_draft(client, other_member, other_draft):
    client.force_login(other_member)
    assert client.get(f"/pledges/{other_draft.pk}/").status_code == 200


def test_it_keeps_the_admin_from_anchor_staff(member_client, draft_pledge):
    response = member_client.get(f"/admin/pledges/pledge/{draft_pledge.pk}/change/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert member_client.get("/admin/pledges/pledge/import/").status_code == 302


def test_it_signs_out_a_deactivated_user_at_their_next_request(client, other_draft, other_member):
    client.force_login(other_member)
    assert client.get(f"/pledges/{other_draft.pk}/edit/").status_code == 200
    other_member.is_active = False
    other_member.save()
    assert client.get(f"/pledges/{other_draft.pk}/edit/").status_code == 302
    response = client.post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert response.status_code == 200  # the sign-in form again, not a redirect into the site
    assert client.get("/my/").status_code == 302


def test_it_shows_a_secretariat_user_any_pledge_but_makes_no_pledge_for_them(secretariat_client, other_draft, lever):
    assert secretariat_client.get(f"/pledges/{other_draft.pk}/edit/").status_code == 200
    counts = _counts()
    response = secretariat_client.post("/pledges/new/", pledge_data(lever, targets=[target_row()]))
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert _counts() == counts


def test_it_counts_only_published_pledges_as_taking_progress(member_client, draft_pledge):
    draft_pledge.status = PledgeStatus.SUBMITTED
    draft_pledge.save()
    target = draft_pledge.targets.first()
    response = member_client.post(
        f"/pledges/{draft_pledge.pk}/progress/new/",
        {"date": "2026-06-30", "narrative": "Too early", f"value_{target.pk}": "5"},
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_it_does_not_let_a_withdrawn_pledge_be_asked_again(member_client, organisation, lever):
    pledge = make_pledge(organisation, lever, status=PledgeStatus.WITHDRAWN, title="Already withdrawn")
    response = member_client.post(f"/pledges/{pledge.pk}/withdraw/", {"reason": "Again"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert not pledge.withdrawal_requested and pledge.withdrawal_reason == ""
