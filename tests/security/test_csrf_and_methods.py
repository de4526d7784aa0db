"""CSRF is enforced on every form that changes something, and each view answers only the methods it should."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pledges.models import Pledge, PledgeStatusChange, ProgressUpdate, Target
from tests.conftest import PASSWORD
from tests.lifecycle import move_to
from tests.pledges.pledge_form_data import existing_rows, pledge_data, target_row


def _counts():
    return (
        Pledge.objects.count(),
        Target.objects.count(),
        PledgeStatusChange.objects.count(),
        ProgressUpdate.objects.count(),
    )


@pytest.fixture
def csrf_client(member):
    """A signed-in client that, like a browser, gets no CSRF exemption."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    return client


def _posts(pledge, lever):
    target = pledge.targets.first()
    upload_row = f"{pledge.pk},{target.pk},30/06/2026,5,Q1,,\n"
    return {
        "/pledges/new/": pledge_data(lever, targets=[target_row()], title="Cross-site pledge"),
        f"/pledges/{pledge.pk}/edit/": pledge_data(
            lever, targets=existing_rows(pledge), initial=2, version=pledge.version, title="Cross-site edit"
        ),
        f"/pledges/{pledge.pk}/submit/": {},
        f"/pledges/{pledge.pk}/progress/new/": {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5"},
        "/pledges/progress/upload/": {
            "file": SimpleUploadedFile(
                "p.csv", ("pledge_id,target_id,date,value,narrative\n" + upload_row).encode(), "text/csv"
            )
        },
        f"/pledges/{pledge.pk}/withdraw/": {"reason": "Cross-site"},
    }


@pytest.mark.parametrize("index", range(6))
def test_it_refuses_a_post_without_a_csrf_token(csrf_client, draft_pledge, published_pledge, lever, index):
    url, data = list(_posts(published_pledge, lever).items())[index]
    if "/edit/" in url or "/submit/" in url:
        # Editing and submitting act on drafts: make the pledge one again so only CSRF can refuse.
        Pledge.objects.filter(pk=published_pledge.pk).update(status="draft")
    counts = _counts()
    title = Pledge.objects.get(pk=published_pledge.pk).title
    response = csrf_client.post(url, data)
    assert response.status_code == 403, url
    assert _counts() == counts
    pledge = Pledge.objects.get(pk=published_pledge.pk)
    assert pledge.title == title and not pledge.withdrawal_requested


def test_it_accepts_the_same_post_with_the_token_from_the_form(csrf_client, published_pledge):
    csrf_client.get(f"/pledges/{published_pledge.pk}/progress/new/")
    token = csrf_client.cookies["csrftoken"].value
    target = published_pledge.targets.first()
    response = csrf_client.post(
        f"/pledges/{published_pledge.pk}/progress/new/",
        {"date": "2026-06-30", "narrative": "x", f"value_{target.pk}": "5", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.count() == 1


def test_it_refuses_sign_in_sign_out_and_password_reset_without_a_token(member):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code == 403
    assert client.post("/accounts/password_reset/", {"email": "alice@example.org"}).status_code == 403
    client.force_login(member)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/my/").status_code == 200  # still signed in: a cross-site sign-out did nothing
    data = {
        "old_password": PASSWORD,
        "new_password1": "x-new-long-passphrase",
        "new_password2": "x-new-long-passphrase",
    }
    assert client.post("/accounts/password_change/", data).status_code == 403
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_it_refuses_admin_posts_without_a_token(secretariat, submitted_for_review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = f"/admin/pledges/pledge/{submitted_for_review.pk}/review/"
    response = client.post(url, {"status": "published", "comment": ""})
    assert response.status_code == 403
    submitted_for_review.refresh_from_db()
    assert submitted_for_review.status == "submitted"


@pytest.fixture
def submitted_for_review(draft_pledge):
    move_to(draft_pledge, "submitted")
    draft_pledge.refresh_from_db()
    return draft_pledge


# --- Methods -----------------------------------------------------------------------------------


def test_it_refuses_get_on_the_submit_action(member_client, draft_pledge):
    response = member_client.get(f"/pledges/{draft_pledge.pk}/submit/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    draft_pledge.refresh_from_db()
    assert draft_pledge.status == "draft"


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize(
    "template",
    [
        "/pledges/new/",
        "/pledges/{pk}/edit/",
        "/pledges/{pk}/submit/",
        "/pledges/{pk}/withdraw/",
        "/pledges/{pk}/progress/new/",
        "/pledges/progress/upload/",
    ],
)
def test_it_refuses_other_methods_on_the_forms(member_client, draft_pledge, method, template):
    response = getattr(member_client, method)(template.format(pk=draft_pledge.pk))
    assert response.status_code == 405
    assert Pledge.objects.filter(pk=draft_pledge.pk).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/my/",
        "/pledges/progress/upload/template.csv",
        "/pledges/",
        "/pledges/export.csv",
        "/pledges/export.json",
        "/dashboard/",
        "/dashboard/data.json",
        "/community/meetings.ics",
    ],
)
def test_it_refuses_post_on_read_only_pages(member_client, published_pledge, url):
    assert member_client.post(url).status_code == 405


def test_it_signs_out_only_by_post(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    assert member_client.get("/my/").status_code == 200  # a link or image cannot sign anyone out


def test_it_refuses_post_on_evidence_downloads(member_client, published_pledge):
    assert member_client.post("/pledges/progress/1/evidence/").status_code == 405
