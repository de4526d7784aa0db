"""The spend admin: the secretariat's pages for local areas, suppliers, files and baselines, and its imports.

The supplier register and the local areas are imported as CSV through django-import-export: the
import form shows a preview (a dry run) with a Confirm button, and the confirm step saves. A file with
any bad row is refused whole, naming the row and the field.
"""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from spend.models import Flag, LocalArea, Locality, SpendFile, Supplier

from .spend_builders import import_payments

SUPPLIER_HEADER = "name,company_number,charity_number,vat_number,postcode,sme,vcse\n"
LOCAL_AREA_HEADER = "district,authority,locality,note,active\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def spend_file(organisation, member):
    return import_payments(organisation, name="essex-payments.csv", user=member)


def _import(client, model: str, content: str):
    upload = SimpleUploadedFile(f"{model}.csv", content.encode(), "text/csv")
    return client.post(f"/admin/spend/{model}/import/", {"resource": "0", "format": "0", "import_file": upload})


def _confirm(client, model: str, preview):
    """The confirm step: post back the hidden fields of the preview's confirm form."""
    body = preview.content.decode()
    form = re.search(rf'<form action="/admin/spend/{model}/process_import/".*?</form>', body, re.S).group(0)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    fields.pop("csrfmiddlewaretoken", None)
    return client.post(f"/admin/spend/{model}/process_import/", {**fields, "confirm": "Confirm import"})


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.parametrize("model", ["localarea", "supplier", "spendfile", "baseline"])
def test_it_opens_the_changelist_and_change_pages_for_the_secretariat(secretariat_client, spend_file, model):
    objects = {
        "localarea": LocalArea.objects.get(district="CM1"),
        "supplier": Supplier.objects.get(name="Chelmsford Widgets Ltd"),
        "spendfile": spend_file,
        "baseline": spend_file.baseline,
    }
    pk = objects[model].pk
    for url in (
        f"/admin/spend/{model}/",
        f"/admin/spend/{model}/{pk}/change/",
        f"/admin/spend/{model}/?q=e",
    ):
        assert secretariat_client.get(url).status_code == 200, url
    if model in ("localarea", "supplier", "baseline"):
        assert secretariat_client.get(f"/admin/spend/{model}/{pk}/history/").status_code == 200


def test_it_links_a_file_and_a_baseline_to_the_files_page(secretariat_client, spend_file):
    for url in (
        f"/admin/spend/spendfile/{spend_file.pk}/change/",
        f"/admin/spend/baseline/{spend_file.baseline.pk}/change/",
    ):
        body = secretariat_client.get(url).content.decode()
        assert f'<a href="/spend/files/{spend_file.pk}/">The file, its report and baseline</a>' in body


def test_it_adds_no_file_or_baseline_and_deletes_none(secretariat_client, spend_file):
    assert secretariat_client.get("/admin/spend/spendfile/add/").status_code == 403
    assert secretariat_client.get("/admin/spend/baseline/add/").status_code == 403
    assert secretariat_client.get(f"/admin/spend/spendfile/{spend_file.pk}/delete/").status_code == 403
    supplier = Supplier.objects.first()
    assert secretariat_client.get(f"/admin/spend/supplier/{supplier.pk}/delete/").status_code == 403
    area = LocalArea.objects.get(district="CM1")
    assert secretariat_client.get(f"/admin/spend/localarea/{area.pk}/delete/").status_code == 403


def test_it_keeps_a_member_out_of_the_spend_admin(member_client, spend_file):
    for url in ("/admin/spend/supplier/", "/admin/spend/spendfile/", "/admin/spend/supplier/import/"):
        response = member_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_it_imports_the_supplier_register_after_the_preview(secretariat_client, reference_data):
    content = SUPPLIER_HEADER + (
        "Acme Widgets Ltd,01234567,,GB 123 4567 89,CM1 1AA,yes,no\nHelping Hands CIC,,1100001,,SS1 2AA,Y,\n"
    )
    preview = _import(secretariat_client, "supplier", content)
    assert preview.status_code == 200
    assert "Confirm import" in preview.content.decode()
    assert not Supplier.objects.exists()  # a dry run until confirmed

    response = _confirm(secretariat_client, "supplier", preview)
    assert response.status_code == 302
    acme = Supplier.objects.get(name="Acme Widgets Ltd")
    assert (acme.company_number, acme.vat_number, acme.postcode_district) == ("01234567", "GB123456789", "CM1")
    assert (acme.sme, acme.vcse, acme.source) == (Flag.YES, Flag.NO, "register")
    hands = Supplier.objects.get(name="Helping Hands CIC")
    assert (hands.charity_number, hands.sme, hands.vcse) == ("1100001", Flag.YES, Flag.UNKNOWN)
    assert Supplier.objects.count() == 2


def test_it_updates_a_supplier_the_register_names_by_its_company_number(secretariat_client, spend_file):
    known = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    known.company_number = "09876543"
    known.save()
    count = Supplier.objects.count()
    preview = _import(
        secretariat_client, "supplier", SUPPLIER_HEADER + "Chelmsford Widgets,09876543,,,CM1 1AA,yes,no\n"
    )
    _confirm(secretariat_client, "supplier", preview)
    known.refresh_from_db()
    assert Supplier.objects.count() == count
    assert (known.sme, known.vcse, known.source) == (Flag.YES, Flag.NO, "register")


def test_it_imports_nothing_when_a_supplier_row_has_a_bad_flag_and_names_it(secretariat_client, reference_data):
    content = (
        SUPPLIER_HEADER + "Acme Widgets Ltd,01234567,,,CM1 1AA,yes,no\nHelping Hands CIC,,1100001,,SS1 2AA,maybe,\n"
    )
    response = _import(secretariat_client, "supplier", content)
    text = _text(response)
    assert response.status_code == 200
    assert "Some rows failed to validate" in text
    assert "<td>2 </td>" in response.content.decode()  # the row, counting data rows from 1
    assert "sme “maybe” is not yes, no or unknown." in text
    assert "Confirm import" not in text
    assert not Supplier.objects.exists()


def test_it_refuses_a_supplier_file_with_an_unknown_column(secretariat_client, reference_data):
    response = _import(secretariat_client, "supplier", "name,colour\nAcme Widgets Ltd,blue\n")
    text = _text(response)
    assert "The file has column this import does not know: colour." in text
    assert "The columns are: name, company_number, charity_number, vat_number, postcode, sme, vcse." in text
    assert "Confirm import" not in text
    assert not Supplier.objects.exists()


def test_it_refuses_a_supplier_row_with_no_name(secretariat_client, reference_data):
    response = _import(secretariat_client, "supplier", SUPPLIER_HEADER + "Acme Ltd,,,,,yes,no\n ,,,,,no,no\n")
    assert "Confirm import" not in _text(response)
    assert not Supplier.objects.exists()


def test_it_imports_local_areas_after_the_preview(secretariat_client, reference_data):
    content = LOCAL_AREA_HEADER + "cm1,Chelmsford,partial,Now partly local,1\nZZ9,Nowhere,local,,1\n"
    preview = _import(secretariat_client, "localarea", content)
    assert "Confirm import" in preview.content.decode()
    _confirm(secretariat_client, "localarea", preview)
    assert LocalArea.objects.get(district="CM1").locality == Locality.PARTIAL
    assert LocalArea.objects.get(district="ZZ9").authority == "Nowhere"


@pytest.mark.parametrize(
    "row, message",
    [
        ("XYZ99,Nowhere,local,,1", "district: “XYZ99” is not a postcode district (like CM1 or SS0)."),
        ("SS0,Southend-on-Sea,nearby,,1", "locality: “nearby” is not local or partial."),
    ],
)
def test_it_refuses_a_local_area_file_with_a_bad_row(secretariat_client, reference_data, row, message):
    before = list(LocalArea.objects.order_by("district").values_list("district", "locality"))
    response = _import(secretariat_client, "localarea", LOCAL_AREA_HEADER + "CM2,Chelmsford,partial,,1\n" + row + "\n")
    text = _text(response)
    assert message in text
    assert "Line number: 2" in text
    assert "Confirm import" not in text
    assert list(LocalArea.objects.order_by("district").values_list("district", "locality")) == before


def test_it_shows_the_import_pages_to_the_secretariat(secretariat_client, reference_data):
    assert secretariat_client.get("/admin/spend/supplier/import/").status_code == 200
    assert secretariat_client.get("/admin/spend/localarea/import/").status_code == 200


def test_it_lists_files_with_their_status(secretariat_client, spend_file):
    body = secretariat_client.get("/admin/spend/spendfile/").content.decode()
    assert "essex-payments.csv" in body and "Imported" in body
    assert SpendFile.objects.count() == 1


def test_it_cleans_a_suppliers_numbers_however_it_is_saved(db):
    """The admin form and the register import both save through Supplier.save: numbers are matched as cleaned."""
    supplier = Supplier.objects.create(
        name="The Widget Co. Ltd", vat_number="gb 123 4567 89", company_number="01-234567"
    )
    supplier.refresh_from_db()
    assert (supplier.vat_number, supplier.company_number, supplier.normalised_name) == (
        "GB123456789",
        "01234567",
        "widget co",
    )


def test_it_refuses_a_district_that_is_not_one_in_the_admin_form_too(db):
    area = LocalArea(district="1cm", authority="Chelmsford")
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert refused.value.message_dict["district"] == ["“1CM” is not a postcode district (like CM1 or SS0)."]
    LocalArea(district="cm1", authority="Chelmsford").full_clean()  # upper-cased, then fine
