"""The good practice library: anchors share resources for their own organisation, the secretariat reviews
them, and who sees what follows one rule (ResourceQuerySet.visible_to) on every page and for files.

The visibility matrix: anonymous, a member's staff (Essex County Council), a non-member anchor's staff
(outsider), the secretariat × public / members only × published / awaiting review / unpublished, for
the list, the lever and organisation pages and the file download.
"""

import itertools

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from learning_community.models import Resource, ResourceKind, ResourceStatus, Visibility
from pledges.models import Approach, Lever, Organisation
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _resource(title, visibility, status, organisation=None, lever=None):
    resource = Resource(
        title=title,
        kind=ResourceKind.TOOL,
        summary="A *useful* tool.",
        visibility=visibility,
        status=status,
        organisation=organisation or Organisation.objects.get(slug="basildon-borough-council"),
    )
    resource.file.save(f"{title}.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    resource.save()
    resource.levers.set([lever or Lever.objects.get(slug="employer")])
    return resource


ROLES = ["anonymous", "member", "outsider", "secretariat"]
CASES = list(itertools.product(Visibility.values, ResourceStatus.values))


def _expected(role, visibility, status):
    """What DESIGN asks, written out case by case (not by calling the rule under test)."""
    if role == "secretariat":
        return True
    if status != ResourceStatus.PUBLISHED:
        return False
    return visibility == Visibility.PUBLIC or role == "member"


@pytest.fixture
def as_role(client, member, outsider, secretariat):
    def sign_in(role):
        client.logout()
        if role != "anonymous":
            client.force_login({"member": member, "outsider": outsider, "secretariat": secretariat}[role])
        return client

    return sign_in


@pytest.fixture
def library(reference_data):
    return {case: _resource(f"{case[0]}-{case[1]}", *case) for case in CASES}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_exactly_the_resources_the_rule_allows_on_every_page(role, as_role, library):
    client = as_role(role)
    pages = {
        "list": client.get("/resources/").content.decode(),
        "lever": client.get("/levers/employer/").content.decode(),
        "organisation": client.get("/organisations/basildon-borough-council/").content.decode(),
    }
    for (visibility, status), resource in library.items():
        for name, body in pages.items():
            shown = f'<h2 class="h5 card-title">{resource.title}</h2>' in body or f">{resource.title}</h3>" in body
            expected = _expected(role, visibility, status)
            if name != "list":
                expected = expected and status == ResourceStatus.PUBLISHED  # other pages show published ones only
            assert shown == expected, (role, name, visibility, status)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_a_file_exactly_when_it_may_see_the_resource(role, as_role, library):
    client = as_role(role)
    for (visibility, status), resource in library.items():
        response = client.get(f"/resources/{resource.pk}/file/")
        if _expected(role, visibility, status):
            assert response.status_code == 200, (role, visibility, status)
            assert b"".join(response.streaming_content) == b"a,b\n1,2\n"
        elif role == "anonymous":
            assert response.status_code == 302, (visibility, status)
            assert response["Location"].startswith("/accounts/login/")
        elif status == ResourceStatus.PUBLISHED:
            assert response.status_code == 403, (role, visibility, status)
        else:
            assert response.status_code == 404, (role, visibility, status)


def test_staff_see_their_own_organisations_resources_whatever_their_status(other_member_client, library):
    body = other_member_client.get("/resources/").content.decode()  # Basildon shared all of them
    for resource in library.values():
        assert resource.title in body
    assert "Awaiting review" in body and "Unpublished" in body


def _share(client, **overrides):
    approach = (
        Approach.objects.get(slug="good-employment-charter")
        if Approach.objects.filter(slug="good-employment-charter").exists()
        else Approach.objects.first()
    )
    data = {
        "title": "Our social value policy",
        "kind": ResourceKind.POLICY,
        "summary": "How we **weigh** social value.\n\n- 10 % of the score\n- checked yearly",
        "approaches": [approach.pk],
        "link": "https://www.essex.gov.uk/social-value",
        "visibility": Visibility.MEMBERS,
    }
    data.update(overrides)
    return client.post("/resources/new/", data), approach


def test_an_anchor_shares_a_resource_and_the_secretariat_publishes_it_from_the_email_link(
    member_client, member, secretariat, outsider, django_capture_on_commit_callbacks
):
    secretariat.email = "charlie@essexpartners.example"
    secretariat.save()
    with django_capture_on_commit_callbacks(execute=True):
        response, approach = _share(member_client)
    assert response.status_code == 302
    resource = Resource.objects.get(title="Our social value policy")
    assert resource.status == ResourceStatus.AWAITING_REVIEW
    assert resource.organisation == member.profile.organisation
    assert resource.added_by == member
    assert list(resource.approaches.all()) == [approach]
    assert list(resource.levers.all()) == [approach.lever]  # the approach's lever, added for them
    (message,) = mail.outbox
    assert message.to == ["charlie@essexpartners.example"]
    review_url = f"/resources/{resource.pk}/review/"
    assert review_url in message.body
    # Nobody else sees it yet: another anchor's staff, say.
    client = Client()
    client.force_login(outsider)
    assert "Our social value policy" not in client.get("/resources/").content.decode()

    client.force_login(secretariat)
    page = client.get(review_url).content.decode()
    assert "<strong>weigh</strong>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url, {"decision": "publish"})
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    assert resource.moderated_by == secretariat and resource.moderated_at is not None
    assert mail.outbox[-1].to == [member.email]
    assert "published" in mail.outbox[-1].subject
    assert resource.history.count() >= 2


def test_unpublishing_needs_a_reason_and_tells_the_organisation(
    secretariat_client, member, reference_data, django_capture_on_commit_callbacks
):
    resource = _resource("Old policy", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    resource.added_by = member
    resource.save()
    response = secretariat_client.post(f"/resources/{resource.pk}/review/", {"decision": "unpublish", "reason": "  "})
    assert response.status_code == 200
    assert (
        "Why it is not to be published" in response.content.decode()
        and "There is a problem" in response.content.decode()
    )
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            f"/resources/{resource.pk}/review/", {"decision": "unpublish", "reason": "Replaced by the 2026 policy"}
        )
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.UNPUBLISHED
    assert resource.moderation_reason == "Replaced by the 2026 policy"
    assert "Replaced by the 2026 policy" in mail.outbox[-1].body


def test_only_the_secretariat_reviews(member_client, reference_data):
    resource = _resource("Theirs", Visibility.PUBLIC, ResourceStatus.AWAITING_REVIEW)
    assert member_client.get(f"/resources/{resource.pk}/review/").status_code == 403
    assert member_client.post(f"/resources/{resource.pk}/review/", {"decision": "publish"}).status_code == 403
    resource.refresh_from_db()
    assert resource.status == ResourceStatus.AWAITING_REVIEW


def test_an_anchor_cannot_share_in_another_organisations_name(member_client, member):
    basildon = Organisation.objects.get(slug="basildon-borough-council")
    response, _approach = _share(member_client, organisation=basildon.pk)
    assert response.status_code == 302
    assert Resource.objects.get().organisation == member.profile.organisation


def test_the_secretariat_shares_for_any_organisation_and_it_is_published_at_once(secretariat_client):
    basildon = Organisation.objects.get(slug="basildon-borough-council")
    response, _approach = _share(secretariat_client, organisation=basildon.pk)
    assert response.status_code == 302
    resource = Resource.objects.get()
    assert (resource.organisation, resource.status) == (basildon, ResourceStatus.PUBLISHED)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "   "}, "title", "This field is required."),
        ({"link": "javascript:alert(1)", "file": None}, "link", "Enter a valid URL"),
        ({"link": "", "file": None}, None, "Give a link or upload a file"),
        ({"kind": "virus"}, "kind", "Select a valid choice"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(member_client, overrides, field, message):
    overrides = {key: value for key, value in overrides.items() if value is not None}
    response, _approach = _share(member_client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not Resource.objects.exists()


def test_a_renamed_program_and_an_oversized_file_are_refused(member_client, settings):
    program = SimpleUploadedFile("policy.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")
    response, _approach = _share(member_client, link="", file=program)
    assert "is not a real PDF file. “policy.pdf” holds a file of another type (EXE)" in response.content.decode()
    settings.MAX_UPLOAD_BYTES = 1000
    big = SimpleUploadedFile("data.csv", b"a,b\n" + b"1,2\n" * 1000, content_type="text/csv")
    response, _approach = _share(member_client, link="", file=big)
    assert "The file is too large" in response.content.decode()
    assert not Resource.objects.exists()


def test_html_in_the_summary_is_neutralised_when_shown(client, reference_data):
    resource = _resource("Tricky", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    resource.summary = (
        'Hello <script>alert("x")</script><img src=x onerror=alert(1)> [click](javascript:alert(1)) **ok**'
    )
    resource.save()
    body = client.get("/resources/").content.decode()
    assert "<script>alert" not in body and "onerror" not in body and "javascript:" not in body
    assert "<strong>ok</strong>" in body


def test_the_admin_publishes_through_the_same_rule(secretariat_client, secretariat, reference_data):
    waiting = _resource("Waiting", Visibility.PUBLIC, ResourceStatus.AWAITING_REVIEW)
    response = secretariat_client.post(
        "/admin/learning_community/resource/",
        {"action": "publish", "_selected_action": [waiting.pk]},
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == ResourceStatus.PUBLISHED and waiting.moderated_by == secretariat
    # The status cannot be set by hand on the change form: it is read-only there.
    page = secretariat_client.get(f"/admin/learning_community/resource/{waiting.pk}/change/").content.decode()
    assert 'name="status"' not in page
    assert f"/resources/{waiting.pk}/review/" in page


def test_search_finds_words_in_the_title_and_summary(client, reference_data):
    procurement = _resource("Procurement toolkit", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    apprentices = _resource("Apprenticeships guide", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    apprentices.summary = "How we run procurement for apprenticeships."
    apprentices.save()
    _resource("Carbon plan", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    body = client.get("/resources/", {"q": "procurement"}).content.decode()
    assert "Procurement toolkit" in body and "Apprenticeships guide" in body and "Carbon plan" not in body
    # A match in the title comes before one in the summary, on both databases.
    assert body.index(procurement.title) < body.index(apprentices.title)
    assert "No resources match your search" in client.get("/resources/", {"q": "zebra"}).content.decode()


def test_the_list_filters_by_approach_and_organisation(
    client, reference_data, member, django_capture_on_commit_callbacks
):
    essex = Organisation.objects.get(slug="essex-county-council")
    ours = _resource("Ours", Visibility.PUBLIC, ResourceStatus.PUBLISHED, organisation=essex)
    approach = Approach.objects.first()
    ours.approaches.set([approach])
    _resource("Theirs", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    by_org = client.get("/resources/", {"organisation": essex.pk}).content.decode()
    assert "Ours" in by_org and "Theirs" not in by_org
    by_approach = client.get("/resources/", {"approach": approach.pk}).content.decode()
    assert "Ours" in by_approach and "Theirs" not in by_approach


def test_the_lever_page_lists_its_resources_in_a_fixed_number_of_queries(
    client, reference_data, django_assert_max_num_queries
):
    for index in range(8):
        _resource(f"Tool {index}", Visibility.PUBLIC, ResourceStatus.PUBLISHED)
    with django_assert_max_num_queries(9):
        body = client.get("/levers/employer/").content.decode()
    assert body.count('class="h5 card-title">Tool') == 5
    assert "All the resources under" in body


def test_signing_in_is_needed_to_share(client, reference_data):
    response = client.get("/resources/new/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert PASSWORD  # the cast's password, for the browser test's sign-in
