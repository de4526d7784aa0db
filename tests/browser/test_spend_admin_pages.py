"""axe finds no violation on the secretariat's spend admin pages: disputes (an open one, with its decision
form), the VCSE registers (list, one, the load page, a refused load listing its bad rows), their entries,
and suppliers."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from spend import registers, services
from spend.models import ClassificationDispute, RegisterEntry, RegisterKind, Supplier

from .test_admin_pages import axe_failures
from .test_community import sign_in
from .test_spend_pages import imported

pytestmark = pytest.mark.browser

PAYMENTS = (
    b"Supplier Name,Supplier Postcode,Payment Date,Amount\r\nChelmsford Widgets Ltd,CM1 1AA,15/05/2024,1500.00\r\n"
)
MUTUALS = b"org_id_a,org_id_b,org_name,relationship\nGB-MPR-1R,GB-COH-IP00001R,Chelmsford Co-operative,sameas\n"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_axe_finds_nothing_on_the_spend_admin_pages(page, axe, organisation, member, secretariat, tmp_path):
    imported(organisation, member, PAYMENTS, "payments.csv")
    supplier = Supplier.objects.get()
    services.dispute_raise(supplier=supplier, user=member, field="sme", proposed_value="yes", reason="Ten staff.")
    loaded = registers.register_load(kind=RegisterKind.MUTUALS, data=MUTUALS, file_name="mutuals.csv")
    sign_in(page, "charlie")
    page.set_viewport_size({"width": 1280, "height": 900})
    pages = [
        ("disputes", reverse("admin:spend_classificationdispute_changelist")),
        (
            "open dispute",
            reverse("admin:spend_classificationdispute_change", args=[ClassificationDispute.objects.get().pk]),
        ),
        ("registers", reverse("admin:spend_register_changelist")),
        ("register", reverse("admin:spend_register_change", args=[loaded.register.pk])),
        ("register load", reverse("admin:spend_register_load")),
        ("register entries", reverse("admin:spend_registerentry_changelist")),
        ("register entry", reverse("admin:spend_registerentry_change", args=[RegisterEntry.objects.get().pk])),
        ("suppliers", reverse("admin:spend_supplier_changelist")),
        ("supplier", reverse("admin:spend_supplier_change", args=[supplier.pk])),
    ]
    assert axe_failures(page, axe, pages) == []

    # A refused load lists its bad rows; that page too.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(MUTUALS + b"GB-MPR-2R,GB-XYZ-2,Broken Row,sameas\n")
    page.goto(reverse("admin:spend_register_load"))
    page.get_by_label("Which register").select_option(
        label="FCA Mutuals Public Register (co-operatives and community benefit societies)"
    )
    page.get_by_label("Register file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Load the register").click()
    expect(page.get_by_role("alert")).to_contain_text("1 problem in the file: nothing was loaded.")
    expect(page.get_by_role("table", name="Rows with a problem (up to 100)")).to_contain_text("Expected one GB-MPR id")
    results = axe.run(page)
    assert results.response["violations"] == [], results.generate_report()
