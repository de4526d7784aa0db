"""One pledge, /pledges/<id>/: who may see it, what it shows, and that user text stays text."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from pledges import services
from pledges.models import PledgeStatus, PledgeStatusChange, Target
from tests.lifecycle import move_to

from .pledge_builders import post_progress

STATUSES = [
    PledgeStatus.DRAFT,
    PledgeStatus.SUBMITTED,
    PledgeStatus.RETURNED,
    PledgeStatus.PUBLISHED,
    PledgeStatus.ACHIEVED,
    PledgeStatus.WITHDRAWN,
]
PUBLIC = {PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED, PledgeStatus.WITHDRAWN}


@pytest.fixture
def viewers(member, other_member, secretariat):
    """A client per person in the permissions matrix."""
    clients = {"anonymous": Client()}
    for name, user in [
        ("same organisation", member),
        ("other organisation", other_member),
        ("secretariat", secretariat),
    ]:
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("viewer", ["anonymous", "same organisation", "other organisation", "secretariat"])
def test_it_shows_a_pledge_only_to_those_who_may_see_it(viewers, draft_pledge, status, viewer):
    move_to(draft_pledge, status)
    response = viewers[viewer].get(draft_pledge.get_absolute_url())
    may_see = status in PUBLIC or viewer in ("same organisation", "secretariat")
    assert response.status_code == (200 if may_see else 404)
    if may_see:
        assert "<h1>Double our spend with Essex SMEs</h1>" in response.content.decode()


def test_it_gives_404_for_an_unknown_pledge(client, reference_data):
    assert client.get("/pledges/999999/").status_code == 404


def test_it_shows_the_pledge(client, published_pledge):
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert '<a href="/organisations/essex-county-council/">Essex County Council</a>' in body
    assert '<a href="/levers/procurement-of-goods-and-services/">Procurement of Goods &amp; Services</a>' in body
    assert "Meet the Buyers" in body
    assert "procurement@essex.gov.uk" in body
    assert "1 April 2026" in body
    assert "31 March 2028" in body
    assert "Spend with SMEs" in body
    assert "£1,000,000" in body and "£2,000,000" in body
    assert "8 events" in body or "Meet the buyer events held" in body
    assert "No progress has been reported yet." in body
    assert "No targets have changed since publication." in body


def test_it_shows_each_targets_progress_bar_and_evidence(client, published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "1450000"}, evidence_link="https://example.org/report")
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert 'role="progressbar" aria-label="Spend with SMEs: 45% of the way to target"' in body
    assert 'aria-valuenow="45" aria-valuemin="0" aria-valuemax="100"' in body
    assert '<span class="fw-bold">45%</span> of the way to target' in body
    assert "£1,450,000 on 30 June 2026" in body
    assert "Evidenced</span>" in body
    assert '<a href="https://example.org/report" rel="nofollow noopener">' in body


def test_it_estimates_the_social_value_of_the_progress_by_evidence(client, published_pledge, member, secretariat):
    from pledges.models import Measure

    Measure.objects.filter(slug="spend-smes").update(
        social_value_per_unit="0.02", social_value_source="Essex Partners' 2026 estimate of local multiplier"
    )
    Measure.objects.filter(slug="meet-the-buyer-events").update(
        social_value_per_unit="1200", social_value_source="Cost of an event to a supplier, 2025 survey"
    )
    post_progress(published_pledge, secretariat, {"spend-smes": "1500000"}, verified=True)
    post_progress(published_pledge, member, {"meet-the-buyer-events": "2"}, date=datetime.date(2026, 7, 31))
    body = " ".join(client.get(published_pledge.get_absolute_url()).content.decode().split())
    # £500,000 of progress × £0.02 = £10,000 verified; 2 events × £1,200 = £2,400 self-reported.
    assert (
        "<strong>£12,400 estimated social value</strong>: £10,000 from progress verified by the secretariat, "
        "£2,400 from self-reported progress."
    ) in body
    assert "An estimate, not a measured amount" in body
    assert (
        "<strong>£10,000</strong> (an estimate), from progress verified by the secretariat: £500,000 of progress "
        "from the baseline × £0.02 per unit. Source of the £ value: Essex Partners&#x27; 2026 estimate of local multiplier"
    ) in body
    assert "<strong>£2,400</strong> (an estimate), from self-reported progress: 2 events of progress" in body
    assert "Cost of an event to a supplier, 2025 survey" in body


def test_it_estimates_no_social_value_without_a_pound_value(client, published_pledge, member):
    post_progress(published_pledge, member, {"spend-smes": "1500000"})
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "estimated social value" not in body.lower()


def test_it_lists_updates_newest_first_with_rag_and_evidence(client, published_pledge, member, secretariat):
    post_progress(published_pledge, member, {"spend-smes": "1200000"}, date=datetime.date(2026, 5, 1), rag="amber")
    post_progress(
        published_pledge, secretariat, {"spend-smes": "1300000"}, date=datetime.date(2026, 7, 1), verified=True
    )
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert body.index("Update of 1 July 2026") < body.index("Update of 1 May 2026")
    assert "RAG: Amber – at risk" in body
    assert "Verified by the secretariat</span>" in body
    assert "Self-reported</span>" in body


def test_it_shows_changes_to_targets_since_publication(client, published_pledge, secretariat):
    target = published_pledge.targets.get(measure__slug="spend-smes")
    target.target_value = Decimal("1500000")
    services.target_record_changes(target=target, user=secretariat)
    target.save()
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "Changes to targets since publication" in body
    assert "Target value" in body
    assert "£2,000,000 → £1,500,000" in body
    assert "Charlie Partners, the secretariat" in body


def test_it_names_the_organisation_of_an_anchor_who_changed_a_target(client, published_pledge, member):
    target = published_pledge.targets.get(measure__slug="meet-the-buyer-events")
    target.target_date = datetime.date(2028, 6, 30)
    services.target_record_changes(target=target, user=member)
    target.save()
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "31 March 2028 → 30 June 2028" in body
    assert "Alice Anchor, Essex County Council" in body


def test_it_shows_the_public_only_the_history_since_publication(member_client, draft_pledge, member, secretariat):
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(
        pledge=draft_pledge, status=PledgeStatus.RETURNED, user=secretariat, comment="Add a date"
    )
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.SUBMITTED, user=member)
    services.pledge_change_status(pledge=draft_pledge, status=PledgeStatus.PUBLISHED, user=secretariat)
    assert PledgeStatusChange.objects.filter(pledge=draft_pledge).count() == 4
    public = Client().get(draft_pledge.get_absolute_url()).content.decode()
    assert "<h2>History</h2>" in public
    assert ": Published" in public
    assert "Add a date" not in public
    assert "Returned for changes" not in public
    inside = member_client.get(draft_pledge.get_absolute_url()).content.decode()
    assert "Comment: Add a date" in inside


def test_it_offers_progress_only_to_the_pledges_organisation(member_client, published_pledge, other_member):
    url = published_pledge.get_absolute_url()
    assert "Post a progress update" in member_client.get(url).content.decode()
    assert "Post a progress update" not in Client().get(url).content.decode()
    other = Client()
    other.force_login(other_member)
    assert "Post a progress update" not in other.get(url).content.decode()


def test_it_offers_edit_on_a_draft_to_its_organisation(member_client, draft_pledge):
    body = member_client.get(draft_pledge.get_absolute_url()).content.decode()
    assert f'href="/pledges/{draft_pledge.pk}/edit/">Edit</a>' in body
    assert "Post a progress update" not in body
    assert "Only your organisation and the secretariat can see this pledge." in body


def test_it_escapes_html_in_user_text(client, published_pledge, member):
    published_pledge.title = "<script>alert('title')</script>"
    published_pledge.commitment = "<script>alert('commitment')</script>\nSecond line"
    published_pledge.save()
    post_progress(published_pledge, member, {"spend-smes": "1100000"}, narrative="<b onmouseover=alert(1)>bold</b>")
    body = client.get(published_pledge.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in body
    assert "&lt;script&gt;alert(&#x27;commitment&#x27;)&lt;/script&gt;<br>Second line" in body
    assert "<b onmouseover" not in body
    assert "&lt;b onmouseover=alert(1)&gt;bold&lt;/b&gt;" in body


def test_it_keeps_queries_bounded_as_updates_grow(client, published_pledge, member, django_assert_max_num_queries):
    for day in range(1, 29):
        post_progress(
            published_pledge,
            member,
            {"spend-smes": 1000000 + day, "meet-the-buyer-events": 1},
            date=datetime.date(2026, 5, day),
        )
    target = Target.objects.filter(pledge=published_pledge).first()
    target.baseline = Decimal(5)
    services.target_record_changes(target=target, user=member)
    with django_assert_max_num_queries(9):
        response = client.get(published_pledge.get_absolute_url())
    assert response.content.decode().count("Update of ") == 28


def test_it_rejects_post(client, published_pledge):
    assert client.post(published_pledge.get_absolute_url()).status_code == 405
