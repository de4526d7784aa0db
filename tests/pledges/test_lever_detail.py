def test_it_shows_the_lever_with_its_approaches_and_measures(client, reference_data):
    response = client.get("/levers/employer/")
    body = response.content.decode()
    assert "<h1>Employer</h1>" in body
    for name in ("Job Carving", "Policies on family friendly working"):
        assert name in body
    assert "Local residents hired" in body


def test_it_lists_the_levers_in_order(client, reference_data):
    body = client.get("/levers/").content.decode()
    assert body.index("Workforce Developer") < body.index("Employer") < body.index("Estates and Environment")


def test_it_keeps_queries_bounded(client, reference_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/levers/")
    with django_assert_max_num_queries(6):
        client.get("/levers/employer/")


# --- The lever's public pledges (issue 4, public pages) ---


def test_it_lists_the_levers_public_pledges_only(client, published_pledge, draft_pledge, organisation, reference_data):
    from pledges.models import Lever, PledgeStatus

    from .pledge_builders import make_pledges

    make_pledges(
        1, organisation=organisation, lever=published_pledge.lever, status=PledgeStatus.SUBMITTED, title="Pending"
    )
    make_pledges(1, organisation=organisation, lever=Lever.objects.get(slug="employer"), title="Employer pledge")
    body = client.get(published_pledge.lever.get_absolute_url()).content.decode()
    assert published_pledge.get_absolute_url() in body
    assert "Pending 0" not in body
    assert "Employer pledge 0" not in body


def test_it_keeps_queries_bounded_with_many_pledges(client, organisation, lever, django_assert_max_num_queries):
    from .pledge_builders import make_pledges

    make_pledges(60, organisation=organisation, lever=lever)
    with django_assert_max_num_queries(6):
        body = client.get(lever.get_absolute_url()).content.decode()
    assert body.count('role="progressbar"') == 10
    assert f'<a href="/pledges/?lever={lever.slug}">Filter the pledges under' in body
    assert 'rel="next">Next' in body and 'rel="prev"' not in body
