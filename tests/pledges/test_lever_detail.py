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
