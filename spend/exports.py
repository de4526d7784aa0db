"""Open data: the published spend baselines, per organisation and financial year, as CSV and JSON.

Aggregates only: payment lines are never published. The column list is also the documentation on
/open-data/, so the page and the files cannot drift apart.
"""

import csv

from django.http import HttpResponse, JsonResponse

from essex_anchors.lib.open_data import LICENCE, Column
from essex_anchors.lib.spreadsheet import csv_cell

from .models import RULES_VERSION, Baseline, Register, SpendFigures

BASELINE_COLUMNS = [
    Column("organisation", "The anchor organisation whose payments the baseline sums."),
    Column("organisation_slug", "A short, stable identifier of the organisation, as used in this site's addresses."),
    Column("financial_year", "The UK financial year, 1 April to 31 March, written 2023/24."),
    Column("demonstration", "yes when the figures are made-up demonstration data, not an organisation's real spend."),
    Column("total_spend", "All payments in the file dated in the year, in £ (credits subtracted)."),
    Column(
        "excluded_spend",
        "Payments to payees who are not suppliers in the market (personal data, pooled payments to people, other public bodies), in £.",
    ),
    Column("excluded_percent", "Excluded spend as a % of total spend."),
    Column("in_scope_spend", "Total spend less excluded spend, in £: what the shares below are of."),
    Column("local_spend", "Spend with suppliers whose postcode district is in Greater Essex, in £."),
    Column("local_percent", "Local spend as a % of in-scope spend."),
    Column("partly_local_spend", "Spend with suppliers in a border district (partly in Greater Essex), in £."),
    Column("partly_local_percent", "Partly local spend as a % of in-scope spend."),
    Column("not_local_spend", "Spend with suppliers whose postcode district is outside Greater Essex, in £."),
    Column(
        "locality_unknown_percent",
        "In-scope spend with suppliers of no known postcode, as a % (never counted as not local).",
    ),
    Column(
        "east_of_england_spend",
        "Spend with suppliers whose postcode district is in the East of England region, in £: the national index's "
        "definition of local, beside the Greater Essex one (blank for a baseline computed with rules before 2026.2).",
    ),
    Column("east_of_england_percent", "East of England spend as a % of in-scope spend."),
    Column("sme_spend", "Spend with suppliers known to be small or medium-sized enterprises, in £."),
    Column("sme_percent", "SME spend as a % of in-scope spend."),
    Column("sme_unknown_percent", "In-scope spend with suppliers not yet known to be SMEs or not, as a %."),
    Column("vcse_spend", "Spend with voluntary, community and social enterprise suppliers, in £."),
    Column("vcse_percent", "VCSE spend as a % of in-scope spend."),
    Column("vcse_unknown_percent", "In-scope spend with suppliers not yet known to be VCSEs or not, as a %."),
    Column("payments", "The number of payment lines the baseline sums."),
    Column("rules_version", "The version of the classification method (see /spend/methods/)."),
    Column("published_at", "When the secretariat published the baseline."),
]


def figures_values(figures: SpendFigures) -> dict:
    """The sums and shares of a baseline or of the network's year, under the export's column names."""
    return {
        "total_spend": figures.total,
        "excluded_spend": figures.excluded,
        "excluded_percent": figures.share("excluded"),
        "in_scope_spend": figures.in_scope,
        "local_spend": figures.local,
        "local_percent": figures.share("local"),
        "partly_local_spend": figures.partial,
        "partly_local_percent": figures.share("partial"),
        "not_local_spend": figures.not_local,
        "locality_unknown_percent": figures.share("local_unknown"),
        "sme_spend": figures.sme,
        "sme_percent": figures.share("sme"),
        "sme_unknown_percent": figures.share("sme_unknown"),
        "vcse_spend": figures.vcse,
        "vcse_percent": figures.share("vcse"),
        "vcse_unknown_percent": figures.share("vcse_unknown"),
    }


def baseline_values(baseline: Baseline) -> dict:
    """One baseline's row of the export, in BASELINE_COLUMNS' order."""
    values = {
        "organisation": baseline.organisation.name,
        "organisation_slug": baseline.organisation.slug,
        "financial_year": baseline.financial_year_label,
        "demonstration": baseline.is_demo,
        **figures_values(baseline.figures),
        "east_of_england_spend": baseline.east_of_england,
        "east_of_england_percent": baseline.east_of_england_percent,
        "payments": baseline.lines,
        "rules_version": baseline.rules_version,
        "published_at": baseline.published_at,
    }
    return {column.name: values[column.name] for column in BASELINE_COLUMNS}


def _published():
    return Baseline.objects.published().select_related("organisation").order_by("-financial_year", "organisation__name")


def baselines_csv() -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="essex-anchors-spend-baselines.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([column.name for column in BASELINE_COLUMNS])
    for baseline in _published():
        writer.writerow([csv_cell(value) for value in baseline_values(baseline).values()])
    return response


def _json(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return float(value)


# The JSON's one field beyond the columns: each baseline's in-scope spend by answer and evidence.
EVIDENCE_DESCRIPTION = (
    "JSON only: for each of local, sme and vcse, the in-scope spend of each answer by the evidence that decided "
    "it (see /spend/methods/), each {answer, evidence, suppliers, payments, amount, percent}; null for a baseline "
    "computed before these were counted."
)


def evidence_values(baseline: Baseline) -> dict | None:
    """A baseline's evidence counts as open data: {question: [{answer, evidence, suppliers, payments, amount,
    percent}]}, from Baseline.evidence_tables (None when they were not counted)."""
    if baseline.evidence is None:
        return None
    return {
        table["question"]: [
            {
                "answer": row["answer"],
                "evidence": row["evidence"],
                "suppliers": row["suppliers"],
                "payments": row["lines"],
                "amount": _json(row["amount"]),
                "percent": _json(row["percent"]),
            }
            for row in table["rows"]
        ]
        for table in baseline.evidence_tables()
    }


def baselines_json() -> JsonResponse:
    document = {
        "licence": LICENCE,
        "rules_version": RULES_VERSION,
        "documentation": "/open-data/#spend",
        "baselines": [
            {**{name: _json(value) for name, value in baseline_values(b).items()}, "evidence": evidence_values(b)}
            for b in _published()
        ],
    }
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


def network_totals() -> list[dict]:
    """The network's published baselines summed per financial year, newest first, as plain data (JSON-ready)."""
    return [
        {
            "financial_year": row["label"],
            "organisations": row["organisations"],
            "demonstration": row["demo"],
            **{name: _json(value) for name, value in figures_values(row["figures"]).items()},
        }
        for row in Baseline.objects.published().network_by_year()
    ]


def sector_totals() -> list[dict]:
    """The published baselines summed per sector of the organisations and financial year (sectors in their
    order, newest year first), as plain data: the dashboard's comparison of sectors year on year."""
    from pledges.models import Sector

    rows = Baseline.objects.published().network_by_year(by_sector=True)
    order = {value: index for index, value in enumerate(Sector.values)}
    return [
        {
            "sector": Sector(row["sector"]).label,
            "financial_year": row["label"],
            "organisations": row["organisations"],
            "demonstration": row["demo"],
            **{name: _json(value) for name, value in figures_values(row["figures"]).items()},
        }
        for row in sorted(rows, key=lambda row: (order.get(row["sector"], 99), -row["year"]))
    ]


def registers_used():
    """The VCSE registers the published figures rest on, for the open-data page's credits (ODbL asks for them)."""
    return Register.objects.all()
