"""/my/: the signed-in member's organisation: its pledges by status and what needs doing."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from pledges import services
from pledges.models import Pledge, PledgeStatus, ProgressUpdate, Target
from tests.lifecycle import move_to

URL = "/my/"


def copy_pledge(pledge, *, status=PledgeStatus.DRAFT, published_at=None, **fields):
    """Another pledge of the same organisation with a copy of its targets, saved with `fields`, taken to
    `status` through the review, and dated as published at `published_at`."""
    values = {
        "organisation": pledge.organisation,
        "lever": pledge.lever,
        "title": pledge.title,
        "commitment": pledge.commitment,
        "start_date": pledge.start_date,
        "target_date": pledge.target_date,
        "public_contact": pledge.public_contact,
        **fields,
    }
    copy = Pledge.objects.create(**values)
    for target in pledge.targets.all():
        target.pk, target.pledge = None, copy
        target.save()
    copy = move_to(copy, status)
    if published_at is not None:
        Pledge.objects.filter(pk=copy.pk).update(published_at=published_at)
    return copy


def long_ago(days=200):
    return timezone.now() - datetime.timedelta(days=days)


def test_it_shows_the_organisations_pledges_grouped_by_status(member_client, draft_pledge):
    copy_pledge(draft_pledge, title="Published one", status=PledgeStatus.PUBLISHED, published_at=timezone.now())
    copy_pledge(draft_pledge, title="Submitted one", status=PledgeStatus.SUBMITTED)
    copy_pledge(draft_pledge, title="Achieved one", status=PledgeStatus.ACHIEVED, published_at=long_ago())
    response = member_client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Essex County Council</h1>" in body
    headings = ["Drafts", "Returned for changes", "Submitted for review", "Published", "Closed"]
    positions = [body.index(f'class="h4 mt-4">{heading} ') for heading in headings]
    assert positions == sorted(positions)
    for title, group in [
        ("Double our spend with Essex SMEs", "Drafts"),
        ("Submitted one", "Submitted for review"),
        ("Published one", "Published"),
        ("Achieved one", "Closed"),
    ]:
        start = body.index(f'class="h4 mt-4">{group} ')
        end = body.find('class="h4 mt-4"', start + 1)
        assert title in body[start:end], f"{title} should be under {group}"
    assert f'href="/pledges/{draft_pledge.pk}/edit/"' in body
    assert "New pledge" in body and 'href="/pledges/new/"' in body


def test_it_lists_what_needs_doing(member_client, member, secretariat, draft_pledge):
    returned = copy_pledge(draft_pledge, title="Returned one")
    Target.objects.create(
        pledge=returned, measure=draft_pledge.targets.first().measure, target_value=3, target_date="2028-01-01"
    )
    services.pledge_change_status(pledge=returned, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(
        pledge=returned, status=PledgeStatus.RETURNED, user=secretariat, comment="Add a <em>baseline</em> source."
    )
    due = copy_pledge(draft_pledge, title="Quiet one", status=PledgeStatus.PUBLISHED, published_at=long_ago())
    copy_pledge(
        draft_pledge,
        title="Leaving one",
        status=PledgeStatus.PUBLISHED,
        published_at=timezone.now(),
        withdrawal_requested=True,
        withdrawal_reason="Funding ended",
    )
    body = member_client.get(URL).content.decode()
    needs = body[body.index("What needs doing") : body.index("Our pledges")]
    assert "Returned for changes:</strong> “Returned one”" in needs
    assert "Add a &lt;em&gt;baseline&lt;/em&gt; source." in needs
    assert f'href="/pledges/{returned.pk}/edit/"' in needs
    assert "Draft not yet submitted:</strong> “Double our spend with Essex SMEs”" in needs
    assert f'action="/pledges/{draft_pledge.pk}/submit/"' in needs
    assert "Progress due:</strong> no update on “Quiet one” in the last 90 days." in needs
    assert f'href="/pledges/{due.pk}/progress/new/"' in needs
    assert "Withdrawal requested:</strong> you asked to withdraw “Leaving one”" in needs


def test_it_says_when_nothing_needs_doing(member_client, reference_data):
    assert "Nothing needs doing right now." in member_client.get(URL).content.decode()


def test_it_counts_progress_due_only_after_ninety_quiet_days(member, draft_pledge, published_pledge):
    Pledge.objects.filter(pk=published_pledge.pk).update(published_at=long_ago())
    today = timezone.localdate()
    since = today - datetime.timedelta(days=90)
    pledges = Pledge.objects.for_organisation(published_pledge.organisation)
    assert list(pledges.needing_progress(since)) == [published_pledge]
    ProgressUpdate.objects.create(pledge=published_pledge, date=today - datetime.timedelta(days=100), narrative="Old")
    assert list(pledges.needing_progress(since)) == [published_pledge]
    ProgressUpdate.objects.create(pledge=published_pledge, date=today - datetime.timedelta(days=10), narrative="New")
    assert list(pledges.needing_progress(since)) == []


def test_it_does_not_ask_for_progress_on_a_pledge_just_published(member_client, published_pledge):
    assert "Progress due" not in member_client.get(URL).content.decode()


def test_it_shows_only_the_members_own_organisation(other_member_client, draft_pledge, published_pledge):
    body = other_member_client.get(URL).content.decode()
    assert "<h1>Basildon Borough Council</h1>" in body
    assert "Double our spend with Essex SMEs" not in body


def test_it_shows_titles_as_text(member_client, draft_pledge):
    Pledge.objects.filter(pk=draft_pledge.pk).update(title="<script>alert('x')</script>")
    body = member_client.get(URL).content.decode()
    assert "<script>alert(" not in body and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body


def test_it_points_the_secretariat_to_the_review_queue(secretariat_client, draft_pledge, member):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    body = secretariat_client.get(URL).content.decode()
    assert "<h1>Secretariat</h1>" in body
    assert "1</strong>\n        pledge waiting for review." in body
    assert 'href="/admin/pledges/pledge/?status__exact=submitted"' in body


def test_it_helps_a_user_without_an_organisation(client, reference_data):
    client.force_login(User.objects.create_user("dora", "dora@example.org", "x"))
    body = client.get(URL).content.decode()
    assert "<h1>Your account is not linked to an organisation</h1>" in body
    assert "review queue" not in body


def test_it_redirects_anonymous_users_to_sign_in(client, reference_data):
    response = client.get(URL)
    assert response.status_code == 302 and response.url == "/accounts/login/?next=/my/"


def test_it_rejects_post(member_client, reference_data):
    assert member_client.post(URL).status_code == 405


def test_it_is_in_the_navigation_only_when_signed_in(client, member_client, reference_data):
    assert 'aria-current="page">My organisation</a>' in member_client.get(URL).content.decode()
    member_client.logout()
    assert "My organisation" not in client.get("/").content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_it_keeps_queries_bounded(member_client, draft_pledge, django_assert_max_num_queries, count):
    for number in range(count):
        copy_pledge(draft_pledge, title=f"Published {number}", status=PledgeStatus.PUBLISHED, published_at=long_ago())
        copy_pledge(draft_pledge, title=f"Draft {number}")
    with django_assert_max_num_queries(10):
        response = member_client.get(URL)
    assert response.content.decode().count("Progress due:") == count
