"""/spend/files/<pk>/columns/: a file whose required columns were not recognised is matched by hand.

The choice is remembered for the organisation (ColumnMapping), so its next file with the same headers
is imported straight away.
"""

import re

import pytest

from spend.models import Baseline, ColumnMapping, SpendFile, SpendFileStatus, SpendLine

from .spend_builders import error_summary, payments_csv, post_upload

UNUSUAL_HEADER = ["Organisation Paid", "Sum", "When", "Area Code"]
UNUSUAL_ROWS = [
    ["Chelmsford Widgets Ltd", "1,000.00", "15/05/2024", "CM1 1AA"],
    ["Faraway Supplies Ltd", "250.00", "20/06/2024", "M1 1AE"],
]
MAPPING = {"supplier": "Organisation Paid", "amount": "Sum", "date": "When", "postcode": "Area Code"}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unmapped(member_client):
    """Essex County Council's upload of a file whose headers the portal does not recognise."""
    post_upload(member_client, payments_csv(UNUSUAL_ROWS, header=UNUSUAL_HEADER), name="unusual.csv")
    spend_file = SpendFile.objects.get()
    assert spend_file.status == SpendFileStatus.NEEDS_MAPPING
    return spend_file


def _url(spend_file) -> str:
    return f"/spend/files/{spend_file.pk}/columns/"


def _options(body: str, field: str) -> list[str]:
    select = re.search(rf'<select name="{field}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"', select)


def test_it_offers_the_files_headers_for_each_field(member_client, unmapped):
    response = member_client.get(_url(unmapped))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The portal did not recognise the column for: <strong>Supplier name, Amount, Payment date</strong>" in body
    assert "Organisation Paid, Sum, When, Area Code" in body
    for field in ("supplier", "amount", "date", "postcode", "vat_number"):
        assert _options(body, field)[1:] == UNUSUAL_HEADER
    assert _options(body, "supplier")[0] == ""  # "Choose a column"
    assert "Not in this file" in body


def test_it_links_the_files_page_to_the_column_page(member_client, unmapped):
    body = member_client.get(unmapped.get_absolute_url()).content.decode()
    assert "Needs its columns matched" in body
    assert f'<a class="btn btn-primary" href="{_url(unmapped)}">Match the columns</a>' in body
    assert member_client.get(f"/spend/files/{unmapped.pk}/status.json").json()["status"] == "needs_mapping"


def test_it_imports_the_file_with_the_columns_chosen_and_remembers_them(member_client, unmapped, organisation):
    response = member_client.post(_url(unmapped), MAPPING)
    assert response.status_code == 302
    assert response["Location"] == unmapped.get_absolute_url()
    unmapped.refresh_from_db()
    assert unmapped.status == SpendFileStatus.IMPORTED
    assert unmapped.mapping == MAPPING
    assert ColumnMapping.objects.get(organisation=organisation).mapping == MAPPING
    lines = SpendLine.objects.filter(spend_file=unmapped).order_by("row_number")
    assert [(line.payee_name, str(line.amount), line.postcode_district) for line in lines] == [
        ("Chelmsford Widgets Ltd", "1000.00", "CM1"),
        ("Faraway Supplies Ltd", "250.00", "M1"),
    ]
    baseline = Baseline.objects.get(spend_file=unmapped)
    assert (str(baseline.total), str(baseline.local)) == ("1250.00", "1000.00")
    page = member_client.get(response["Location"]).content.decode()
    assert '<th scope="row">Supplier name</th><td>Organisation Paid</td>' in page

    # The next file with the same headers goes straight through.
    again = post_upload(member_client, payments_csv(UNUSUAL_ROWS[:1], header=UNUSUAL_HEADER), name="next.csv")
    second = SpendFile.objects.get(original_name="next.csv")
    assert again["Location"] == second.get_absolute_url()
    assert second.status == SpendFileStatus.IMPORTED
    assert Baseline.objects.get(spend_file=second, superseded_at__isnull=True).total == 1000


def test_it_names_a_column_chosen_for_two_fields_and_imports_nothing(member_client, unmapped, organisation):
    response = member_client.post(_url(unmapped), {**MAPPING, "amount": "Sum", "postcode": "Sum"})
    assert response.status_code == 200
    assert "Each column can stand for one field only" in error_summary(response)
    unmapped.refresh_from_db()
    assert unmapped.status == SpendFileStatus.NEEDS_MAPPING
    assert not ColumnMapping.objects.exists()
    assert not SpendLine.objects.exists()


def test_it_names_a_required_field_left_empty(member_client, unmapped):
    response = member_client.post(_url(unmapped), {**MAPPING, "date": ""})
    assert response.status_code == 200
    assert "Payment date: This field is required." in error_summary(response)
    unmapped.refresh_from_db()
    assert unmapped.status == SpendFileStatus.NEEDS_MAPPING
    assert not ColumnMapping.objects.exists()


def test_it_names_every_required_field_of_an_empty_post(member_client, unmapped):
    """Before the fix an empty POST left the form unbound: the page came back with no word of why."""
    response = member_client.post(_url(unmapped), {})
    summary = error_summary(response)
    assert response.status_code == 200
    for label in ("Supplier name", "Amount", "Payment date"):
        assert f"{label}: This field is required." in summary
    assert not ColumnMapping.objects.exists()


def test_it_refuses_a_header_the_file_does_not_have(member_client, unmapped):
    response = member_client.post(_url(unmapped), {**MAPPING, "supplier": "Vendor"})
    assert response.status_code == 200
    assert "Supplier name: Select a valid choice. Vendor is not one of the available choices." in error_summary(
        response
    )
    assert not ColumnMapping.objects.exists()


def test_it_lets_the_secretariat_match_any_organisations_file(secretariat_client, unmapped, organisation):
    assert secretariat_client.get(_url(unmapped)).status_code == 200
    response = secretariat_client.post(_url(unmapped), MAPPING)
    assert response["Location"] == unmapped.get_absolute_url()
    unmapped.refresh_from_db()
    assert unmapped.status == SpendFileStatus.IMPORTED
    assert ColumnMapping.objects.get().organisation == organisation


def test_it_sends_a_file_already_matched_back_to_its_page(member_client, unmapped):
    member_client.post(_url(unmapped), MAPPING)
    for response in (member_client.get(_url(unmapped)), member_client.post(_url(unmapped), MAPPING)):
        assert response.status_code == 302
        assert response["Location"] == unmapped.get_absolute_url()
    assert SpendLine.objects.count() == 2


def test_it_hides_another_organisations_file(member_client, unmapped, other_member):
    member_client.force_login(other_member)
    assert member_client.get(_url(unmapped)).status_code == 404
    assert member_client.post(_url(unmapped), MAPPING).status_code == 404
    unmapped.refresh_from_db()
    assert unmapped.status == SpendFileStatus.NEEDS_MAPPING
    assert not ColumnMapping.objects.exists()


def test_it_sends_an_anonymous_visitor_to_sign_in(client, unmapped):
    client.logout()
    for response in (client.get(_url(unmapped)), client.post(_url(unmapped), MAPPING)):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={_url(unmapped)}"
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_it_refuses_other_methods(member_client, unmapped, method):
    assert getattr(member_client, method)(_url(unmapped)).status_code == 405


def test_it_answers_404_for_a_file_that_does_not_exist(member_client, organisation):
    assert member_client.get("/spend/files/999999/columns/").status_code == 404


def test_it_imports_a_windows_1252_file_matched_by_a_header_with_an_accent(member_client):
    """The page offers the headers as the import reads them (it once offered "B\ufffdn\ufffdficiaire")."""
    header = ["Bénéficiaire", "Somme", "Jour"]
    post_upload(member_client, payments_csv([["Café Ltd", "10.00", "15/05/2024"]], header=header, encoding="cp1252"))
    spend_file = SpendFile.objects.get()
    body = member_client.get(_url(spend_file)).content.decode()
    assert "Bénéficiaire" in _options(body, "supplier")
    member_client.post(_url(spend_file), {"supplier": "Bénéficiaire", "amount": "Somme", "date": "Jour"})
    spend_file.refresh_from_db()
    assert spend_file.status == SpendFileStatus.IMPORTED
