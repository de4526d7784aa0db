"""Each baseline's evidence counts: the in-scope spend of each answer (local / partial / not local / unknown,
SME, VCSE) by the evidence that decided it, as counts of suppliers and payments and £.

The paths are spend.evidence.paths, the same that put each supplier's evidence into words; the baseline
counts them for all its suppliers at once (spend.evidence.supplier_frame, spend.importing.summing).
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spend import registers, services
from spend.models import Baseline, ClassificationDispute, Disputed, Flag, RegisterKind, Supplier

from .spend_builders import import_payments, payments_csv

CHARITY_REGISTER = (
    b"org_id_a,org_id_b,org_name,relationship\n"
    b"GB-CHC-1000611,GB-COH-01234567,Denton Burn Community Association,sameas\n"
)
# FY 2024/25, £4,450 in all: £500 excluded (HMRC); of the £3,950 in scope:
ROWS = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2024", "1,000.00"],  # local by the line's own postcode
    ["Register Row Ltd", "", "16/05/2024", "2,000.00"],  # local by the register's postcode SS1; an SME by it
    ["Harlow Hope CIC", "", "20/06/2024", "250.00"],  # no postcode at all; a VCSE by its name
    ["Denton Burn Community Association", "", "21/06/2024", "400.00"],  # no postcode; a VCSE by the register
    ["Essex Food Bank", "", "22/06/2024", "300.00"],  # not local by a file's postcode E1; a VCSE by charity number
    ["HM Revenue & Customs", "", "01/07/2024", "500.00"],  # excluded: counted in no answer
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _counts(baseline: Baseline, question: str) -> list[tuple]:
    return [
        (row["value"], row["path"], row["suppliers"], row["lines"], Decimal(row["amount"]))
        for row in baseline.evidence[question]
    ]


@pytest.fixture
def known_suppliers(reference_data):
    Supplier.objects.create(name="Register Row Ltd", postcode="SS1 1AA", sme=Flag.YES, source="register")
    Supplier.objects.create(name="Denton Burn Community Association", company_number="01234567")
    Supplier.objects.create(name="Essex Food Bank", postcode="E1 6AN", charity_number="1234567", vcse=Flag.YES)
    registers.register_load(kind=RegisterKind.CHARITY_COMPANY, data=CHARITY_REGISTER, file_name="charities.csv")


@pytest.fixture
def imported(known_suppliers, organisation, member):
    return import_payments(organisation, payments_csv(ROWS), user=member)


@pytest.mark.django_db
def test_the_local_answers_are_counted_by_where_the_postcode_came_from(imported):
    baseline = imported.baseline
    assert _counts(baseline, "local") == [
        ("local", "register_postcode", 1, 1, Decimal("2000.00")),
        ("local", "line_postcode", 1, 1, Decimal("1000.00")),
        ("not_local", "file_postcode", 1, 1, Decimal("300.00")),
        ("unknown", "no_postcode", 2, 2, Decimal("650.00")),
    ]
    assert (baseline.local, baseline.not_local, baseline.local_unknown) == (
        Decimal("3000.00"),
        Decimal("300.00"),
        Decimal("650.00"),
    )


@pytest.mark.django_db
def test_the_sme_and_vcse_answers_are_counted_by_the_rule_or_register_that_gave_them(imported):
    baseline = imported.baseline
    assert _counts(baseline, "sme") == [
        ("yes", "supplier_register", 1, 1, Decimal("2000.00")),
        ("unknown", "none", 4, 4, Decimal("1950.00")),
    ]
    assert _counts(baseline, "vcse") == [
        ("yes", "register:charity_company", 1, 1, Decimal("400.00")),
        ("yes", "charity_number", 1, 1, Decimal("300.00")),
        ("yes", "name_rule", 1, 1, Decimal("250.00")),
        ("unknown", "none", 2, 2, Decimal("3000.00")),
    ]


@pytest.mark.django_db
def test_each_questions_counts_add_up_to_the_in_scope_spend_and_no_excluded_payee_is_in_them(imported):
    baseline = imported.baseline
    in_scope = baseline.total - baseline.excluded
    assert in_scope == Decimal("3950.00")
    for question in ("local", "sme", "vcse"):
        assert sum(Decimal(row["amount"]) for row in baseline.evidence[question]) == in_scope
        assert sum(row["lines"] for row in baseline.evidence[question]) == baseline.lines - baseline.excluded_lines


@pytest.mark.django_db
def test_an_accepted_dispute_is_counted_as_the_secretariats_override_after_a_recompute(
    reference_data, organisation, member, secretariat
):
    Supplier.objects.create(name="Moved Away Ltd", postcode="M1 1AE")
    spend_file = import_payments(organisation, payments_csv([["Moved Away Ltd", "", "15/05/2024", "800.00"]]))
    baseline = spend_file.baseline
    assert _counts(baseline, "local") == [("not_local", "file_postcode", 1, 1, Decimal("800.00"))]

    dispute = services.dispute_raise(
        supplier=Supplier.objects.get(name="Moved Away Ltd"),
        user=member,
        field=Disputed.POSTCODE,
        proposed_value="CM2 0AA",
        reason="They moved to Chelmsford in 2023.",
    )
    services.dispute_settle(dispute=dispute, user=secretariat, accept=True, reason="Companies House agrees.")
    services.baseline_recompute(baselines=[baseline], user=secretariat)

    baseline.refresh_from_db()
    assert _counts(baseline, "local") == [("local", "override", 1, 1, Decimal("800.00"))]
    earlier = baseline.history.order_by("history_date")[0]
    assert earlier.evidence["local"][0]["path"] == "file_postcode"
    assert ClassificationDispute.objects.get().status == "accepted"


@pytest.mark.django_db
def test_a_baseline_computed_before_the_counts_says_so_until_a_recompute_counts_them(imported, member, secretariat):
    Baseline.objects.filter(pk=imported.baseline.pk).update(evidence=None)
    page = _client(member).get(imported.get_absolute_url()).content.decode()
    assert "was not counted when this baseline was computed" in page

    services.baseline_recompute(baselines=[imported.baseline], user=secretariat)
    page = _client(member).get(imported.get_absolute_url()).content.decode()
    assert "was not counted" not in page
    assert "Postcode from the supplier register" in page


@pytest.mark.django_db
def test_the_files_page_shows_each_answer_by_its_evidence_with_its_share(imported, member):
    page = _client(member).get(imported.get_absolute_url()).content.decode()
    assert "Why each supplier counts" in page
    assert "Local or not, by the evidence for it" in page
    # Register: £2,000 of £3,950 in scope is 50.6%.
    assert "Postcode from the supplier register</td>" in page
    assert '<td>Postcode from the supplier register</td><td class="text-end">1</td>' in page
    assert '£2,000</td><td class="text-end">50.6%' in page
    assert "Register: Charity and company numbers (charities that are companies)" in page
    assert "VCSE legal form in the name" in page


@pytest.mark.django_db
def test_the_public_organisation_page_shows_the_counts_of_a_published_baseline_only(
    imported, organisation, secretariat, client, django_capture_on_commit_callbacks
):
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Why each supplier counts" not in page
    with django_capture_on_commit_callbacks(execute=True):  # publishing renews the cached public pages
        services.baseline_publish(baseline=imported.baseline, user=secretariat)
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Why each supplier counts (2024/25)" in page
    assert "Charity number" in page
    # Aggregates only: no supplier's name.
    assert "Register Row Ltd" not in page and "Essex Food Bank" not in page


@pytest.mark.django_db
def test_the_supplier_page_names_the_register_entry_that_makes_it_a_vcse(imported, member):
    supplier = Supplier.objects.get(name="Denton Burn Community Association")
    page = _client(member).get(supplier.get_absolute_url()).content.decode()
    assert "Matched by company number to “Denton Burn Community Association” (GB-CHC-1000611)" in page


def _rows_of_year(year: int) -> list[list[str]]:
    return [[name, postcode, f"15/05/{year}", amount] for name, postcode, _date, amount in ROWS]


@pytest.mark.django_db
def test_a_recompute_of_many_baselines_takes_the_same_queries_as_of_two(known_suppliers, organisation, secretariat):
    files = [import_payments(organisation, payments_csv(_rows_of_year(year)), year=year) for year in range(2018, 2024)]
    baselines = [spend_file.baseline for spend_file in files]
    with CaptureQueriesContext(connection) as two:
        services.baseline_recompute(baselines=baselines[:2], user=secretariat)
    with CaptureQueriesContext(connection) as six:
        services.baseline_recompute(baselines=baselines, user=secretariat)
    assert len(six) == len(two)
    for baseline in Baseline.objects.filter(pk__in=[b.pk for b in baselines]).order_by("financial_year"):
        assert baseline.total - baseline.excluded == Decimal("3950.00")
        assert _counts(baseline, "sme")[0] == ("yes", "supplier_register", 1, 1, Decimal("2000.00"))
        # Created, then recomputed once or twice: each earlier version in its history.
        assert baseline.history.count() == (3 if baseline.financial_year < 2020 else 2)


@pytest.mark.django_db
def test_the_methods_page_lists_every_evidence_path_in_its_order(reference_data, client):
    from spend.evidence import LOCAL_PATHS, SME_PATHS, VCSE_PATHS

    page = client.get("/spend/methods/").content.decode()
    assert "The evidence behind each answer" in page
    for paths in (LOCAL_PATHS, SME_PATHS, VCSE_PATHS):
        listed = "".join(f"<li>{label}</li>" for label in paths.values())
        assert f"<ol>{listed}</ol>" in page


@pytest.mark.django_db
def test_a_recompute_in_several_groups_of_files_gives_the_figures_of_one(
    known_suppliers, organisation, secretariat, monkeypatch
):
    files = [import_payments(organisation, payments_csv(_rows_of_year(year)), year=year) for year in range(2019, 2024)]
    baselines = [spend_file.baseline for spend_file in files]
    fields = ["total", "excluded", "local", "not_local", "local_unknown", "sme", "vcse", "suppliers", "evidence"]
    imported = [[getattr(baseline, name) for name in fields] for baseline in baselines]
    monkeypatch.setattr(services, "RECOMPUTE_FILES", 2)  # 5 files: groups of 2, 2 and 1
    recomputed = services.baseline_recompute(baselines=baselines, user=secretariat)
    assert [[getattr(baseline, name) for name in fields] for baseline in recomputed] == imported


@pytest.mark.django_db
def test_the_json_export_carries_each_published_baselines_evidence_counts(
    imported, secretariat, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.baseline_publish(baseline=imported.baseline, user=secretariat)
    [baseline] = client.get("/spend/export.json").json()["baselines"]
    assert baseline["evidence"]["vcse"][0] == {
        "answer": "Yes",
        "evidence": "Register: Charity and company numbers (charities that are companies)",
        "suppliers": 1,
        "payments": 1,
        "amount": 400.0,
        "percent": 10.1,
    }
    assert [row["evidence"] for row in baseline["evidence"]["sme"]] == ["The supplier register", "No evidence"]
    page = client.get("/open-data/").content.decode()
    assert "<code>evidence</code>" in page
