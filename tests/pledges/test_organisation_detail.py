def test_it_lists_the_organisations(client, reference_data):
    body = client.get("/organisations/").content.decode()
    assert "Essex County Council" in body
    assert "Anglia Ruskin University" in body
    assert "The 22 organisations" in body


def test_it_shows_one_organisation(client, organisation):
    body = client.get(organisation.get_absolute_url()).content.decode()
    assert "<h1>Essex County Council</h1>" in body
    assert "Local government" in body


def test_it_escapes_html_in_a_description(client, organisation):
    organisation.description = "<script>alert('x')</script>"
    organisation.save()
    body = client.get(organisation.get_absolute_url()).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


# --- The organisation's public pledges (issue 4, public pages) ---


def test_it_lists_the_organisations_public_pledges_only(client, published_pledge, other_organisation, lever):
    from pledges.models import PledgeStatus

    from .pledge_builders import make_pledges

    make_pledges(1, organisation=published_pledge.organisation, lever=lever, status=PledgeStatus.DRAFT, title="Secret")
    make_pledges(1, organisation=other_organisation, lever=lever, title="Basildon's")
    body = client.get(published_pledge.organisation.get_absolute_url()).content.decode()
    assert "Published pledges of Essex County Council" in body
    assert published_pledge.get_absolute_url() in body
    assert "Secret 0" not in body
    assert "Basildon&#x27;s 0" not in body
    assert 'rel="next"' not in body


def test_it_pages_through_many_pledges(client, organisation, lever, django_assert_max_num_queries):
    import re

    from .pledge_builders import make_pledges

    make_pledges(25, organisation=organisation, lever=lever)
    # The organisation, its pledges' page, its baselines, its SVLC membership and representatives, its shared
    # resources (with their levers and approaches) and the approaches it has in common with others.
    with django_assert_max_num_queries(10):
        body = client.get(organisation.get_absolute_url()).content.decode()
    assert body.count('role="progressbar"') == 10
    assert '<a href="/pledges/?organisation=essex-county-council">Filter the pledges of Essex County Council</a>' in body
    seen, url = [], organisation.get_absolute_url()
    while True:
        body = client.get(url).content.decode()
        seen += re.findall(r'href="/pledges/(\d+)/"', body)
        found = re.search(r'href="(\?cursor=[^"]+)" rel="next"', body)
        if not found:
            break
        url = organisation.get_absolute_url() + found.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)) == 25


def test_it_says_when_there_are_no_pledges(client, organisation):
    assert (
        "Essex County Council has no published pledges yet."
        in client.get(organisation.get_absolute_url()).content.decode()
    )


def test_it_never_links_a_website_that_is_not_a_web_address(client, organisation):
    from pledges.models import Organisation

    # Saved before web links were checked (the admin and imports now refuse it).
    Organisation.objects.filter(pk=organisation.pk).update(website="javascript:alert(1)")
    body = client.get(organisation.get_absolute_url()).content.decode()
    assert "javascript:" not in body


def test_no_page_links_a_stored_link_that_is_not_a_web_address(client, secretariat_client, published_pledge, member):
    from pledges.models import ProgressUpdate

    from .pledge_builders import post_progress

    update = post_progress(published_pledge, member, {"spend-smes": "1500000"}, evidence_link="https://example.org/r")
    ProgressUpdate.objects.filter(pk=update.pk).update(evidence_link="javascript:alert(1)")
    assert 'href="javascript:' not in client.get(published_pledge.get_absolute_url()).content.decode()
