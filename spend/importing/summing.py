"""Baseline: the sums of a file's lines by class, computed from the lines as the import loads them.

The one definition of what each baseline amount counts (SpendFigures says what each share is of):
- local / partial / not local by the line's postcode district, else the supplier's; a district with an
  active LocalArea is local or partial as that area says; any other district is not local; no district
  at all is unknown; by the same district, East of England when its ONS region is (PostcodeDistrict);
- SME and VCSE by the supplier's flags (yes / no / unknown);
- excluded payees (spend.classify.EXCLUSIONS) count only as excluded, never in any other class.
The import never holds a whole file's lines: each batch is summed by supplier, district and exclusion
as it goes to the database (partial_sums), and the baseline is computed from those few rows once the
file's suppliers are known. That is the arithmetic the database would do over the lines just written,
without reading a million rows back (bench/README.md).
"""

from decimal import Decimal

import polars as pl

from spend.models import EAST_OF_ENGLAND, LocalArea, PostcodeDistrict

PENCE = Decimal("0.01")


def _areas() -> pl.DataFrame:
    rows = list(LocalArea.objects.filter(active=True).values_list("district", "locality"))
    return pl.DataFrame(rows, schema={"district": pl.String, "locality": pl.String}, orient="row")


def _east_of_england() -> pl.DataFrame:
    rows = list(PostcodeDistrict.objects.filter(region=EAST_OF_ENGLAND).values_list("district", flat=True))
    return pl.DataFrame(
        {"district": rows, "east": [True] * len(rows)}, schema={"district": pl.String, "east": pl.Boolean}
    )


PARTIAL_KEYS = ["supplier_id", "postcode_district", "excluded"]


def partial_sums(lines: pl.DataFrame) -> pl.DataFrame:
    """A batch of lines summed by supplier, line postcode district and exclusion: amount and lines."""
    return lines.group_by(PARTIAL_KEYS).agg(amount=pl.col("amount").sum(), lines=pl.len())


def combine(partials: list[pl.DataFrame]) -> pl.DataFrame:
    """The partial sums of several batches as one (the sums of the lines of all of them)."""
    if not partials:
        return pl.DataFrame(
            schema={
                "supplier_id": pl.Int64,
                "postcode_district": pl.String,
                "excluded": pl.String,
                "amount": pl.Decimal(38, 2),
                "lines": pl.UInt32,
            }
        )
    return pl.concat(partials).group_by(PARTIAL_KEYS).agg(pl.col("amount").sum(), pl.col("lines").sum())


def line_sums(partials: pl.DataFrame, suppliers: pl.DataFrame) -> dict:
    """Every amount and count of a Baseline for the lines summed in `partials` (see partial_sums).

    `suppliers` has, for each supplier_id of the lines, its sme, vcse and postcode_district.
    """
    frame = (
        partials.join(
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
        .join(_east_of_england(), on="district", how="left")
    )
    amount = pl.col("amount")
    market = pl.col("excluded") == ""
    locality = pl.col("locality")
    sme = pl.col("sme").fill_null("unknown")
    vcse = pl.col("vcse").fill_null("unknown")

    def total(condition: pl.Expr) -> pl.Expr:
        return amount.filter(condition).sum()

    sums = frame.select(
        lines=pl.col("lines").sum(),
        excluded_lines=pl.col("lines").filter(~market).sum(),
        suppliers=pl.col("supplier_id").drop_nulls().n_unique(),
        total=amount.sum(),
        excluded=total(~market),
        local=total(market & (locality == "local")),
        partial=total(market & (locality == "partial")),
        not_local=total(market & locality.is_null() & (pl.col("district") != "")),
        east_of_england=total(market & pl.col("east").fill_null(False)),
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


def excluded_by_rule(partials: pl.DataFrame) -> dict[str, dict]:
    """The excluded spend by the rule that set it apart: {rule code: {"amount": "123.45", "lines": 3}}."""
    rows = (
        partials.filter(pl.col("excluded") != "")
        .group_by("excluded")
        .agg(pl.col("amount").sum(), pl.col("lines").sum())
        .sort("excluded")
    )
    return {
        row["excluded"]: {"amount": str(_pence(row["amount"])), "lines": row["lines"]}
        for row in rows.iter_rows(named=True)
    }


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(PENCE)
