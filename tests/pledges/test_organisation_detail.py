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
