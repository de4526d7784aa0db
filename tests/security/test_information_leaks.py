"""Information leaks: what is not public never reaches a public page, feed, export or figure.

Drafts, pledges under review and pledges returned for changes belong to their organisation and
the secretariat; members-only meeting details (the join link above all) stay with SVLC members.
"""

import datetime
import json

import pytest
from django.core.cache import cache
from django.test import Client

from learning_community.models import AgendaItem, Meeting, MeetingStatus
from pledges import services
from pledges.models import PledgeStatus, ProgressUpdate

from .conftest import make_pledge


def _body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _public_urls(organisation, lever):
    return [
        "/",
        "/pledges/",
        "/pledges/?status=draft",
        "/pledges/?status=submitted",
        "/pledges/?status=returned",
        f"/pledges/?organisation={organisation.slug}",
        "/pledges/export.csv",
        f"/pledges/export.csv?organisation={organisation.slug}",
        "/pledges/export.json",
        "/dashboard/",
        f"/dashboard/?organisation={organisation.slug}",
        "/dashboard/data.json",
        f"/dashboard/data.json?organisation={organisation.slug}",
        "/open-data/",
        "/organisations/",
        f"/organisations/{organisation.slug}/",
        "/levers/",
        f"/levers/{lever.slug}/",
        "/community/",
        "/community/meetings/",
        "/community/meetings.ics",
        "/resources/",
    ]


@pytest.mark.parametrize("viewer", ["anonymous", "member of another organisation"])
def test_it_never_shows_unpublished_pledges_on_public_pages(
    client, member, hidden_pledges, other_published, other_organisation, lever, viewer
):
    if viewer != "anonymous":
        client.force_login(member)  # alice works for Essex; the hidden pledges are Basildon's
    for url in _public_urls(other_organisation, lever):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        assert "HIDDEN-" not in body, url
    assert other_published.title in _body(client.get("/pledges/"))  # the page is not just empty


def test_it_hides_unpublished_pledges_page_by_page(client, member, hidden_pledges):
    for pledge in hidden_pledges.values():
        assert client.get(f"/pledges/{pledge.pk}/").status_code == 404
    client.force_login(member)
    for pledge in hidden_pledges.values():
        assert client.get(f"/pledges/{pledge.pk}/").status_code == 404


def test_it_counts_only_public_pledges_in_the_figures(client, hidden_pledges, other_published, other_organisation):
    data = json.loads(client.get(f"/dashboard/data.json?organisation={other_organisation.slug}").content)
    assert data["figures"]["pledges"] == 1
    assert data["figures"]["targets"] == 1
    assert [row["pledges"] for row in data["figures"]["by_organisation"]] == [1]
    exported = json.loads(_body(client.get("/pledges/export.json")))
    assert [pledge["pledge_id"] for pledge in exported["pledges"]] == [other_published.pk]
    rows = _body(client.get("/pledges/export.csv")).splitlines()
    assert len(rows) == 2  # the header and the one public pledge's one target


def test_it_keeps_progress_on_a_pledge_taken_out_of_public_view_off_the_dashboard(
    client, other_published, other_member
):
    services.progress_post(
        pledge=other_published,
        user=other_member,
        date=datetime.date(2026, 6, 30),
        narrative="HIDDEN-NARRATIVE",
        values={other_published.targets.get().pk: 5},
    )
    # Only the admin can take a pledge back out of public view; its progress must follow it.
    type(other_published).objects.filter(pk=other_published.pk).update(status=PledgeStatus.RETURNED)
    cache.clear()
    for url in ("/", "/dashboard/", "/dashboard/data.json", "/pledges/export.json", "/pledges/export.csv"):
        assert "HIDDEN-NARRATIVE" not in _body(client.get(url)), url


def test_it_shows_the_public_only_the_steps_since_publication(
    client, other_member_client, other_draft, other_member, secretariat
):
    services.pledge_change_status(pledge=other_draft, status=PledgeStatus.SUBMITTED, user=other_member)
    services.pledge_change_status(
        pledge=other_draft, status=PledgeStatus.RETURNED, user=secretariat, comment="HIDDEN-REVIEW-COMMENT"
    )
    assert "HIDDEN-REVIEW-COMMENT" in other_member_client.get(f"/pledges/{other_draft.pk}/").content.decode()
    services.pledge_change_status(pledge=other_draft, status=PledgeStatus.SUBMITTED, user=other_member)
    services.pledge_change_status(pledge=other_draft, status=PledgeStatus.PUBLISHED, user=secretariat)
    body = Client().get(f"/pledges/{other_draft.pk}/").content.decode()
    assert other_draft.title in body
    assert "HIDDEN-REVIEW-COMMENT" not in body
    assert "Returned for changes" not in body


def test_it_keeps_a_withdrawal_reason_from_the_public(client, other_member, other_published):
    services.pledge_request_withdrawal(pledge=other_published, user=other_member, reason="HIDDEN-WITHDRAWAL-REASON")
    cache.clear()
    for url in (f"/pledges/{other_published.pk}/", "/pledges/export.csv", "/pledges/export.json", "/dashboard/"):
        assert "HIDDEN-WITHDRAWAL-REASON" not in _body(client.get(url)), url


def test_it_keeps_one_organisations_drafts_off_anothers_dashboard(member_client, hidden_pledges):
    body = member_client.get("/my/").content.decode()
    assert "HIDDEN-" not in body


def test_it_has_no_sitemap_or_nav_link_that_lists_pledges_by_id(client, hidden_pledges):
    assert client.get("/sitemap.xml").status_code == 404
    nav = client.get("/").content.decode()
    for pledge in hidden_pledges.values():
        assert f"/pledges/{pledge.pk}/" not in nav


# --- Meetings: the join link and members-only details ------------------------------------------


@pytest.fixture
def meetings(reference_data):
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    upcoming = Meeting.objects.create(
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        join_link="https://meet.example.org/HIDDEN-JOIN-upcoming",
        minutes="HIDDEN-MINUTES",
    )
    AgendaItem.objects.create(meeting=upcoming, order=1, title="HIDDEN-AGENDA", description="HIDDEN-AGENDA-TEXT")
    past = Meeting.objects.create(
        starts_at=soon - datetime.timedelta(days=60),
        ends_at=soon - datetime.timedelta(days=60) + datetime.timedelta(hours=2),
        join_link="https://meet.example.org/HIDDEN-JOIN-past",
        status=MeetingStatus.HELD,
        minutes="HIDDEN-MINUTES",
    )
    return upcoming, past


def test_it_never_puts_a_join_link_or_agenda_in_the_public_calendar_feed(client, member_client, meetings):
    for who in (client, member_client):
        feed = who.get("/community/meetings.ics").content.decode()
        assert feed.count("BEGIN:VEVENT") == 2
        assert "HIDDEN-" not in feed
        assert "meet.example.org" not in feed


@pytest.mark.parametrize("url", ["/", "/community/", "/community/meetings/", "/community/meetings.ics"])
def test_it_keeps_join_links_off_every_public_meeting_page(client, meetings, url):
    body = client.get(url).content.decode()
    assert "HIDDEN-" not in body and "meet.example.org" not in body


def test_it_keeps_members_only_details_off_the_meeting_pages_for_the_public(client, meetings):
    for meeting in meetings:
        body = client.get(meeting.get_absolute_url()).content.decode()
        assert "HIDDEN-" not in body, meeting


# --- Accounts: no enumeration -----------------------------------------------------------------


def test_it_answers_a_wrong_password_and_an_unknown_user_alike(client, member):
    known = client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).content.decode()
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}).content.decode()
    message = "Your username and password did not match."
    assert message in known and message in unknown


def test_it_does_not_count_a_draft_of_anyone_in_the_progress_template(member_client, other_draft, hidden_pledges):
    body = member_client.get("/pledges/progress/upload/template.csv").content.decode()
    assert "HIDDEN-" not in body and other_draft.title not in body
    assert not ProgressUpdate.objects.exists()


def test_it_gives_a_draft_to_its_own_organisation(client, other_member, hidden_pledges):
    client.force_login(other_member)
    for status, pledge in hidden_pledges.items():
        assert client.get(f"/pledges/{pledge.pk}/").status_code == 200, status


def test_it_does_not_show_hidden_pledges_in_organisation_pages_when_there_are_many(
    client, other_organisation, lever, hidden_pledges
):
    for number in range(12):
        make_pledge(other_organisation, lever, status=PledgeStatus.PUBLISHED, title=f"Public {number}")
    body = client.get(f"/organisations/{other_organisation.slug}/").content.decode()
    assert "HIDDEN-" not in body
    assert "Public 11" in body or "Public 0" in body
