"""The network view: published baselines summed per sector of the organisations, year on year, on the dashboard
as charts with data tables (spend.exports.sector_totals, dashboard.charts.spend_by_sector)."""

from decimal import Decimal

import pytest

from pledges.models import Organisation
from spend import exports, services

from .spend_builders import import_payments, payments_csv

COUNCIL_2024 = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2024", "300.00"],
    ["Far Away Ltd", "M1 1AE", "16/05/2024", "700.00"],
]
COUNCIL_2025 = [
    ["Chelmsford Widgets Ltd", "CM1 1AA", "15/05/2025", "600.00"],
    ["Far Away Ltd", "M1 1AE", "16/05/2025", "400.00"],
]
NHS_2025 = [
    ["Colchester Care CIC", "CO1 1AA", "15/05/2025", "250.00"],
    ["Far Away Ltd", "M1 1AE", "16/05/2025", "750.00"],
]


@pytest.fixture
def published(organisation, other_organisation, member, secretariat):
    nhs = Organisation.objects.get(slug="mid-and-south-essex-nhs-foundation-trust")
    made = [
        import_payments(organisation, payments_csv(COUNCIL_2024), year=2024, user=member),
        import_payments(organisation, payments_csv(COUNCIL_2025), year=2025, user=member),
        import_payments(nhs, payments_csv(NHS_2025), year=2025, user=member),
        # Held: never in the public figures.
        import_payments(other_organisation, payments_csv(COUNCIL_2025), year=2025, user=member),
    ]
    for spend_file in made[:3]:
        services.baseline_publish(baseline=spend_file.baseline, user=secretariat)
    return made


@pytest.mark.django_db
def test_published_baselines_are_summed_per_sector_and_year(published):
    rows = exports.sector_totals()
    assert [(row["sector"], row["financial_year"], row["organisations"]) for row in rows] == [
        ("Local government", "2025/26", 1),
        ("Local government", "2024/25", 1),
        ("NHS", "2025/26", 1),
    ]
    assert [row["local_percent"] for row in rows] == [60.0, 30.0, 25.0]
    assert rows[2]["vcse_spend"] == 250.0


@pytest.mark.django_db
def test_the_dashboard_charts_each_share_by_sector_with_a_table(client, published):
    page = client.get("/dashboard/")
    charts = page.context["spend_charts"]
    assert [chart.title for chart in charts] == [
        "Local (Greater Essex) spend by sector, year on year",
        "SME spend by sector, year on year",
        "VCSE spend by sector, year on year",
    ]
    local = charts[0]
    assert local.table.rows[0] == ["Local government, 2025/26", "1", "60.0%", "0.0%"]
    assert local.summary.startswith("Highest: Local government in 2025/26, 60.0% of in-scope spend.")
    body = page.content.decode()
    assert "Local (Greater Essex) spend as a % of in-scope spend, by sector and financial year" in body
    assert Decimal(str(exports.sector_totals()[2]["vcse_percent"])) == Decimal("25.0")
