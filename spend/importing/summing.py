"""Baseline: the sums of a file's lines by class, computed over the frame the import has just loaded.

The one definition of what each baseline amount counts (SpendFigures says what each share is of):
- local / partial / not local by the line's postcode district, else the supplier's; a district with an
  active LocalArea is local or partial as that area says; any other district is not local; no district
  at all is unknown;
- SME and VCSE by the supplier's flags (yes / no / unknown);
- excluded payees (spend.classify.EXCLUSIONS) count only as excluded, never in any other class.
Summing the frame in memory is the same arithmetic the database would do over the lines just written,
without reading a million rows back (bench/README.md).
"""

from decimal import Decimal

import polars as pl

from spend.models import LocalArea

PENCE = Decimal("0.01")


def _areas() -> pl.DataFrame:
    rows = list(LocalArea.objects.filter(active=True).values_list("district", "locality"))
    return pl.DataFrame(rows, schema={"district": pl.String, "locality": pl.String}, orient="row")


def line_sums(lines: pl.DataFrame, suppliers: pl.DataFrame) -> dict:
    """Every amount and count of a Baseline for `lines` (amount, excluded, supplier_id, postcode_district).

    `suppliers` has, for each supplier_id of the lines, its sme, vcse and postcode_district.
    """
    frame = (
        lines.select("amount", "excluded", "supplier_id", "postcode_district")
        .join(
            suppliers.select("id", "sme", "vcse", pl.col("postcode_district").alias("supplier_district")),
            left_on="supplier_id",
            right_on="id",
            how="left",
        )
        .with_columns(
            district=pl.when(pl.col("postcode_district") != "")
            .then(pl.col("postcode_district"))
            .otherwise(pl.col("supplier_district").fill_null(""))
        )
        .join(_areas(), on="district", how="left")
    )
    amount = pl.col("amount")
    market = pl.col("excluded") == ""
    locality = pl.col("locality")
    sme = pl.col("sme").fill_null("unknown")
    vcse = pl.col("vcse").fill_null("unknown")

    def total(condition: pl.Expr) -> pl.Expr:
        return amount.filter(condition).sum()

    sums = frame.select(
        lines=pl.len(),
        excluded_lines=(~market).sum(),
        suppliers=pl.col("supplier_id").drop_nulls().n_unique(),
        total=amount.sum(),
        excluded=total(~market),
        local=total(market & (locality == "local")),
        partial=total(market & (locality == "partial")),
        not_local=total(market & locality.is_null() & (pl.col("district") != "")),
        local_unknown=total(market & (pl.col("district") == "")),
        sme=total(market & (sme == "yes")),
        not_sme=total(market & (sme == "no")),
        sme_unknown=total(market & (sme == "unknown")),
        vcse=total(market & (vcse == "yes")),
        not_vcse=total(market & (vcse == "no")),
        vcse_unknown=total(market & (vcse == "unknown")),
    ).row(0, named=True)
    counts = {"lines", "excluded_lines", "suppliers"}
    return {name: int(value) if name in counts else _pence(value) for name, value in sums.items()}


def excluded_by_rule(lines: pl.DataFrame) -> dict[str, dict]:
    """The excluded spend by the rule that set it apart: {rule code: {"amount": "123.45", "lines": 3}}."""
    rows = (
        lines.filter(pl.col("excluded") != "")
        .group_by("excluded")
        .agg(amount=pl.col("amount").sum(), lines=pl.len())
        .sort("excluded")
    )
    return {
        row["excluded"]: {"amount": str(_pence(row["amount"])), "lines": row["lines"]}
        for row in rows.iter_rows(named=True)
    }


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(PENCE)
