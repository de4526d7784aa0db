"""The suppliers behind a baseline: why each counts as it does, and disputes from an anchor to the secretariat.

Evidence paths (spend.evidence), the supplier list (/spend/suppliers/: own organisation only, biggest
spend first, filters by class), the supplier page (404 to an organisation that never paid it), and the
dispute journey: raised by anchor staff on the supplier page, settled by the secretariat in the admin
(accepted: the supplier changes and the evidence names the decision; rejected: it stands), with the
decision shown to both.
"""

from decimal import Decimal

import pytest
from django.test import Client

from spend import evidence, services
from spend.models import ClassificationDispute, DisputeStatus, Flag, LocalArea, Locality, Supplier

from .spend_builders import HYNDBURN, HYNDBURN_YEAR, SECRET_PAYEE, import_payments, payments_csv

ROWS = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2024", "1,000.00"],
    ["Chelmsford Widgets Ltd", "CM1 1AA", "16/05/2024", "500.00"],
    [SECRET_PAYEE, "M1 1AE", "20/06/2024", "3000.00"],
    ["Harlow Hope CIC", "CM20 1AA", "21/06/2024", "250.00"],
    ["Nowhere Known Ltd", "", "22/06/2024", "700.00"],
    ["HM Revenue & Customs", "", "01/07/2024", "500.00"],
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(organisation, member):
    return import_payments(organisation, payments_csv(ROWS), user=member)


def _evidence(supplier: Supplier) -> dict:
    supplier.refresh_from_db()
    return evidence.suppliers_evidence([supplier])[supplier.pk]


# What each classification rests on


@pytest.mark.django_db
def test_a_postcode_from_the_file_in_greater_essex_is_local_and_says_where_it_came_from(imported):
    found = _evidence(Supplier.objects.get(name="Chelmsford Widgets Ltd"))["local"]
    assert found.value == "local"
    assert found.why == (
        "Postcode CM1 1AA, from the first payments file that named this supplier. "
        "District CM1 (Chelmsford) is in Greater Essex."
    )


@pytest.mark.django_db
def test_a_postcode_outside_the_list_is_not_local_and_none_is_unknown(imported):
    assert _evidence(Supplier.objects.get(name=SECRET_PAYEE))["local"].why.endswith(
        "District M1 is not in the Greater Essex list."
    )
    unknown = _evidence(Supplier.objects.get(name="Nowhere Known Ltd"))["local"]
    assert (unknown.value, unknown.label) == ("unknown", "Unknown")
    assert "No postcode" in unknown.why


@pytest.mark.django_db
def test_a_border_district_is_partly_local(imported):
    LocalArea.objects.update_or_create(
        district="CM20", defaults={"authority": "Harlow", "locality": Locality.PARTIAL, "active": True}
    )
    found = _evidence(Supplier.objects.get(name="Harlow Hope CIC"))["local"]
    assert found.value == "partial"
    assert found.why.endswith("District CM20 (Harlow) is a border district, partly in Greater Essex.")


@pytest.mark.django_db
def test_a_register_postcode_and_register_flags_are_named_as_the_register(reference_data):
    supplier = Supplier.objects.create(name="Register Row Ltd", postcode="SS1 1AA", sme=Flag.YES, source="register")
    found = _evidence(supplier)
    assert "from the supplier register" in found["local"].why
    assert (found["sme"].label, found["sme"].why) == ("Yes", "The supplier register says so.")
    assert found["vcse"].value == "unknown"
    assert found["vcse"].why.startswith("No charity number, no VCSE legal form in its name")


@pytest.mark.django_db
def test_vcse_by_charity_number_then_by_the_name_rule(imported):
    charity = Supplier.objects.create(name="Essex Food Bank", charity_number="1234567", vcse=Flag.YES)
    assert _evidence(charity)["vcse"].why == "Charity number 1234567."
    cic = _evidence(Supplier.objects.get(name="Harlow Hope CIC"))["vcse"]
    assert (cic.value, cic.why) == ("yes", "Its name gives a VCSE legal form: “cic”.")


@pytest.mark.django_db
def test_sme_unknown_says_nothing_else_tells(imported):
    found = _evidence(Supplier.objects.get(name="Chelmsford Widgets Ltd"))["sme"]
    assert (found.value, found.why) == (
        "unknown",
        "Not in the supplier register with an SME answer: nothing else says.",
    )


# The supplier list


@pytest.mark.django_db
def test_the_list_shows_own_suppliers_biggest_spend_first_with_their_classes(imported, member_client):
    response = member_client.get("/spend/suppliers/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["supplier"].name for row in rows] == [
        SECRET_PAYEE,
        "Chelmsford Widgets Ltd",
        "Nowhere Known Ltd",
        "Harlow Hope CIC",
    ]
    widgets = rows[1]
    assert (widgets["supplier"].amount, widgets["supplier"].payments) == (Decimal("1500.00"), 2)
    assert [widgets["evidence"][name].label for name in ("local", "sme", "vcse")] == [
        "Local (Greater Essex)",
        "Unknown",
        "Unknown",
    ]
    # Excluded payees are not suppliers in the market.
    assert "HM Revenue" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("show", "names"),
    [
        ("local:unknown", ["Nowhere Known Ltd"]),
        ("local:not_local", [SECRET_PAYEE]),
        ("local:local", ["Chelmsford Widgets Ltd", "Harlow Hope CIC"]),
        ("vcse:yes", ["Harlow Hope CIC"]),
        ("any:unknown", [SECRET_PAYEE, "Chelmsford Widgets Ltd", "Nowhere Known Ltd", "Harlow Hope CIC"]),
    ],
)
def test_the_list_filters_by_class(imported, member_client, show, names):
    response = member_client.get("/spend/suppliers/", {"show": show, "year": "2024"})
    assert [row["supplier"].name for row in response.context["rows"]] == names


@pytest.mark.django_db
def test_another_organisation_sees_none_of_these_suppliers(imported, other_member_client):
    response = other_member_client.get("/spend/suppliers/")
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert SECRET_PAYEE not in response.content.decode()
    supplier = Supplier.objects.get(name=SECRET_PAYEE)
    assert other_member_client.get(f"/spend/suppliers/{supplier.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_secretariat_chooses_the_organisation(imported, organisation, secretariat_client):
    response = secretariat_client.get("/spend/suppliers/", {"organisation": str(organisation.pk)})
    assert response.context["organisation"] == organisation
    assert len(response.context["rows"]) == 4
    # Garbage in the query string falls back, it does not fail.
    assert secretariat_client.get("/spend/suppliers/", {"organisation": "9" * 30, "year": "x"}).status_code == 200


@pytest.mark.django_db
def test_the_list_takes_a_fixed_number_of_queries_whatever_the_suppliers(
    organisation, member, member_client, django_assert_max_num_queries
):
    rows = [[f"Supplier {number} Ltd", "CM1 1AA", "15/05/2024", "100.00"] for number in range(120)]
    import_payments(organisation, payments_csv(rows), user=member)
    with django_assert_max_num_queries(12):
        response = member_client.get("/spend/suppliers/")
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.num_pages == 3


@pytest.mark.django_db
def test_hyndburns_real_suppliers_are_mostly_not_local_or_unknown(organisation, member, member_client):
    """A North West council: next to none of its suppliers has a Greater Essex postcode."""
    import_payments(organisation, HYNDBURN.read_bytes(), year=HYNDBURN_YEAR, user=member)
    response = member_client.get("/spend/suppliers/", {"year": str(HYNDBURN_YEAR), "show": "local:local"})
    assert response.context["page"].paginator.count == 0
    everyone = member_client.get("/spend/suppliers/", {"year": str(HYNDBURN_YEAR)}).context["page"].paginator.count
    assert everyone > 100


# Disputes


def _dispute(client, supplier, **data):
    return client.post(
        f"/spend/suppliers/{supplier.pk}/",
        {"field": "sme", "proposed_flag": "yes", "reason": "It has 12 staff: Companies House accounts 2024.", **data},
    )


@pytest.mark.django_db
def test_an_anchor_disputes_a_classification_and_the_secretariat_accepts_it(imported, member, secretariat):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    response = _dispute(_client(member), supplier)
    assert response.status_code == 302
    dispute = ClassificationDispute.objects.get()
    assert (dispute.field, dispute.current_value, dispute.proposed_value, dispute.status) == (
        "sme",
        "unknown",
        "yes",
        DisputeStatus.OPEN,
    )

    admin = _client(secretariat)
    page = admin.get(f"/admin/spend/classificationdispute/{dispute.pk}/change/")
    assert page.status_code == 200 and "Your decision" in page.content.decode()
    response = admin.post(
        f"/admin/spend/classificationdispute/{dispute.pk}/change/",
        {"decision": "accept", "why": "Checked at Companies House: a small company."},
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.sme == Flag.YES
    assert supplier.history.first().history_change_reason.startswith(f"Dispute {dispute.pk} accepted")
    found = _evidence(supplier)["sme"]
    assert found.value == "yes"
    assert "on a dispute from Essex County Council" in found.why
    assert "Checked at Companies House" in found.why
    # The anchor sees the decision.
    page = _client(member).get(f"/spend/suppliers/{supplier.pk}/").content.decode()
    assert "Accepted: the classification was changed" in page
    assert "Checked at Companies House: a small company." in page


@pytest.mark.django_db
def test_a_rejected_dispute_leaves_the_supplier_and_says_why(imported, member, secretariat):
    supplier = Supplier.objects.get(name=SECRET_PAYEE)
    _dispute(_client(member), supplier, field="postcode", proposed_postcode="cm2 0aa", proposed_flag="")
    dispute = ClassificationDispute.objects.get()
    assert dispute.proposed_value == "CM2 0AA"
    services.dispute_settle(dispute=dispute, user=secretariat, accept=False, reason="Their invoices say Manchester.")
    supplier.refresh_from_db()
    assert supplier.postcode == "M1 1AE"
    listing = _client(member).get("/spend/suppliers/").content.decode()
    assert "Rejected: the classification stands: Their invoices say Manchester." in listing


@pytest.mark.django_db
def test_an_accepted_postcode_makes_the_supplier_local(imported, member, secretariat):
    supplier = Supplier.objects.get(name="Nowhere Known Ltd")
    _dispute(_client(member), supplier, field="postcode", proposed_postcode="SS14 3AA", proposed_flag="")
    services.dispute_settle(
        dispute=ClassificationDispute.objects.get(), user=secretariat, accept=True, reason="Its letterhead."
    )
    found = _evidence(supplier)["local"]
    assert found.value == "local"
    assert found.why.startswith("Set by the secretariat")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "This field is required."),
        ({"reason": "   "}, "reason", "This field is required."),
        ({"field": "postcode", "proposed_postcode": "12345"}, "proposed_postcode", "is not a UK postcode"),
        ({"field": "postcode", "proposed_postcode": ""}, "proposed_postcode", "Enter the supplier's postcode"),
        ({"proposed_flag": ""}, "proposed_flag", "Choose yes or no."),
        ({"field": "colour"}, "field", "Select a valid choice."),
        ({"reason": "x" * 1001}, "reason", "at most 1000 characters"),
    ],
)
def test_a_bad_dispute_is_refused_naming_the_field_and_saves_nothing(imported, member, data, field, message):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    response = _dispute(_client(member), supplier, **data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert "There is a problem" in response.content.decode()
    assert not ClassificationDispute.objects.exists()


@pytest.mark.django_db
def test_a_second_open_dispute_about_the_same_thing_is_refused(imported, member):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    _dispute(_client(member), supplier)
    response = _dispute(_client(member), supplier)
    assert "already has an open dispute" in response.content.decode()
    assert ClassificationDispute.objects.count() == 1


@pytest.mark.django_db
def test_html_in_a_reason_is_shown_as_text(imported, member):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    _dispute(_client(member), supplier, reason="<script>alert(1)</script> is small")
    page = _client(member).get(f"/spend/suppliers/{supplier.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is small" in page


@pytest.mark.django_db
def test_only_an_organisation_that_paid_the_supplier_may_dispute_it(imported, other_member, secretariat):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    assert _dispute(_client(other_member), supplier).status_code == 404
    # The secretariat sees the supplier but settles disputes rather than raising them.
    assert _client(secretariat).get(f"/spend/suppliers/{supplier.pk}/").status_code == 200
    assert _dispute(_client(secretariat), supplier).status_code == 403
    assert not ClassificationDispute.objects.exists()


@pytest.mark.django_db
def test_only_the_secretariat_settles_and_only_once(imported, member, secretariat):
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    _dispute(_client(member), supplier)
    dispute = ClassificationDispute.objects.get()
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.dispute_settle(dispute=dispute, user=member, accept=True, reason="Mine.")
    with pytest.raises(ValidationError):
        services.dispute_settle(dispute=dispute, user=secretariat, accept=True, reason="")
    services.dispute_settle(dispute=dispute, user=secretariat, accept=False, reason="No.")
    with pytest.raises(ValidationError, match="settled already"):
        services.dispute_settle(dispute=dispute, user=secretariat, accept=True, reason="Changed my mind.")


# Recomputing a baseline after a decision


@pytest.mark.django_db
def test_a_recompute_takes_an_accepted_dispute_into_the_baseline_and_keeps_the_old_figures(
    imported, member, secretariat
):
    baseline = imported.baseline
    assert (baseline.sme, baseline.sme_unknown) == (Decimal("0.00"), Decimal("5450.00"))
    supplier = Supplier.objects.get(name="Chelmsford Widgets Ltd")
    _dispute(_client(member), supplier)
    services.dispute_settle(dispute=ClassificationDispute.objects.get(), user=secretariat, accept=True, reason="Yes.")
    baseline.refresh_from_db()
    assert baseline.sme == Decimal("0.00")  # no baseline changes by itself

    response = _client(secretariat).post(
        "/admin/spend/baseline/",
        {"action": "recompute_selected", "_selected_action": [str(baseline.pk)]},
        follow=True,
    )
    assert "Recomputed 1 baseline(s) with rules 2026.2" in response.content.decode()
    baseline.refresh_from_db()
    assert (baseline.sme, baseline.sme_unknown) == (Decimal("1500.00"), Decimal("3950.00"))
    assert baseline.rules_version == "2026.2"
    # Every other figure is what the import computed.
    assert (baseline.total, baseline.excluded, baseline.local, baseline.lines) == (
        Decimal("5950.00"),
        Decimal("500.00"),
        Decimal("1750.00"),
        6,
    )
    assert baseline.history.first().history_change_reason == "Recomputed with rules 2026.2 (was 2026.2)"
    [earlier] = baseline.earlier_figures()
    assert (earlier.rules_version, earlier.sme) == ("2026.2", Decimal("0.00"))
    page = _client(member).get(imported.get_absolute_url()).content.decode()
    assert "Earlier figures of this baseline" in page


@pytest.mark.django_db
def test_a_recompute_of_several_is_all_or_nothing_and_the_secretariats_alone(
    imported, organisation, member, secretariat
):
    from django.core.exceptions import PermissionDenied, ValidationError

    replaced = imported.baseline
    newer = import_payments(organisation, payments_csv(ROWS[:2]), user=member).baseline
    replaced.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.baseline_recompute(baselines=[newer], user=member)
    before = newer.computed_at
    with pytest.raises(ValidationError, match="replaced by a later upload"):
        services.baseline_recompute(baselines=[newer, replaced], user=secretariat)
    newer.refresh_from_db()
    assert newer.computed_at == before


@pytest.mark.django_db
def test_an_edit_in_the_admin_is_the_registers_answer_in_the_evidence(imported, secretariat):
    supplier = Supplier.objects.get(name="Nowhere Known Ltd")
    response = _client(secretariat).post(
        f"/admin/spend/supplier/{supplier.pk}/change/",
        {"name": supplier.name, "postcode": "CO1 1AA", "sme": "yes", "vcse": "unknown"},
    )
    assert response.status_code == 302
    found = _evidence(supplier)
    assert "Postcode CO1 1AA, from the supplier register." in found["local"].why
    assert found["sme"].why == "The supplier register says so."
