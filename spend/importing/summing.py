"""Baseline: the sums of a file's lines by class, computed from the lines as the import loads them.

The one definition of what each baseline amount counts (SpendFigures says what each share is of):
- local / partial / not local by the line's postcode district, else the supplier's; a district with an
  active LocalArea is local or partial as that area says; any other district is not local; no district
  at all is unknown; by the same district, East of England when its ONS region is (PostcodeDistrict);
- SME and VCSE by the supplier's flags (yes / no / unknown);
- excluded payees (spend.classify.EXCLUSIONS) count only as excluded, never in any other class;
- the evidence counts: the in-scope spend of each answer by the evidence path that decided it
  (spend.evidence.paths; "line_postcode" for a line counted by its own postcode).
The import never holds a whole file's lines: each batch is summed by supplier, district and exclusion
as it goes to the database (partial_sums), and the baseline is computed from those few rows once the
file's suppliers are known. That is the arithmetic the database would do over the lines just written,
without reading a million rows back (bench/README.md). A recompute sums the lines of all its files
in one GROUP BY and computes every baseline from those rows at once (baseline_fields, by spend_file_id).
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


def _classified(partials: pl.DataFrame, suppliers: pl.DataFrame) -> pl.DataFrame:
    """`partials` (with spend_file_id) joined to the suppliers' flags and evidence paths and to the local areas:
    each row with its district, locality, SME and VCSE answers and the evidence path of each."""
    frame = (
        partials.join(
            suppliers.select(
                "id",
                "sme",
                "vcse",
                "local_path",
                "sme_path",
                "vcse_path",
                pl.col("postcode_district").alias("supplier_district"),
            ),
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
    return frame.with_columns(
        market=pl.col("excluded") == "",
        local_value=pl.when(pl.col("district") == "")
        .then(pl.lit("unknown"))
        .otherwise(pl.col("locality").fill_null("not_local")),
        local_path=pl.when(pl.col("postcode_district") != "")
        .then(pl.lit("line_postcode"))
        .otherwise(pl.col("local_path").fill_null("no_postcode")),
        sme=pl.col("sme").fill_null("unknown"),
        vcse=pl.col("vcse").fill_null("unknown"),
        sme_path=pl.col("sme_path").fill_null("none"),
        vcse_path=pl.col("vcse_path").fill_null("none"),
    )


def _sum_expressions() -> dict[str, pl.Expr]:
    amount = pl.col("amount")
    market = pl.col("market")
    local = pl.col("local_value")
    sme = pl.col("sme")
    vcse = pl.col("vcse")

    def total(condition: pl.Expr) -> pl.Expr:
        return amount.filter(condition).sum()

    return {
        "lines": pl.col("lines").sum(),
        "excluded_lines": pl.col("lines").filter(~market).sum(),
        "suppliers": pl.col("supplier_id").drop_nulls().n_unique(),
        "total": amount.sum(),
        "excluded": total(~market),
        "local": total(market & (local == "local")),
        "partial": total(market & (local == "partial")),
        "not_local": total(market & (local == "not_local")),
        "east_of_england": total(market & pl.col("east").fill_null(False)),
        "local_unknown": total(market & (local == "unknown")),
        "sme": total(market & (sme == "yes")),
        "not_sme": total(market & (sme == "no")),
        "sme_unknown": total(market & (sme == "unknown")),
        "vcse": total(market & (vcse == "yes")),
        "not_vcse": total(market & (vcse == "no")),
        "vcse_unknown": total(market & (vcse == "unknown")),
    }


COUNTS = {"lines", "excluded_lines", "suppliers"}
SUM_NAMES = tuple(_sum_expressions())
ZERO = Decimal("0.00")
# The answers of each question in the order the pages show them, with the column that holds each.
ANSWERS = {
    "local": ("local_value", "local_path", ["local", "partial", "not_local", "unknown"]),
    "sme": ("sme", "sme_path", ["yes", "no", "unknown"]),
    "vcse": ("vcse", "vcse_path", ["yes", "no", "unknown"]),
}


def baseline_fields(partials: pl.DataFrame, suppliers: pl.DataFrame, file_ids: list[int]) -> dict[int, dict]:
    """Every amount and count of a Baseline, its excluded spend by rule and its evidence counts, for each file of
    `file_ids`, from the lines summed in `partials` (partial_sums' rows with their spend_file_id).

    `suppliers` has, for each supplier_id of the lines, its sme, vcse, postcode_district and evidence paths
    (spend.evidence.supplier_frame). All files at once: set-based, whatever their number.
    """
    frame = _classified(partials, suppliers).lazy()
    market = frame.filter(pl.col("market"))
    queries = [
        frame.group_by("spend_file_id").agg(**_sum_expressions()),
        frame.filter(~pl.col("market"))
        .group_by("spend_file_id", "excluded")
        .agg(pl.col("amount").sum(), pl.col("lines").sum())
        .sort("spend_file_id", "excluded"),
    ]
    for value, path, order in ANSWERS.values():
        queries.append(
            market.group_by("spend_file_id", pl.col(value).alias("value"), pl.col(path).alias("path"))
            .agg(
                suppliers=pl.col("supplier_id").drop_nulls().n_unique(),
                lines=pl.col("lines").sum(),
                amount=pl.col("amount").sum(),
            )
            .with_columns(rank=pl.col("value").replace_strict(order, list(range(len(order))), default=len(order)))
            .sort("spend_file_id", "rank", "amount", descending=[False, False, True])
        )
    sums, excluded, *answers = pl.collect_all(queries)  # in parallel, sharing the joins
    fields = {file_id: _empty_fields() for file_id in file_ids}
    for row in sums.iter_rows(named=True):
        file_id = row.pop("spend_file_id")
        fields[file_id].update({name: int(v) if name in COUNTS else _pence(v) for name, v in row.items()})
    for row in excluded.iter_rows(named=True):
        fields[row["spend_file_id"]]["excluded_by_rule"][row["excluded"]] = {
            "amount": str(_pence(row["amount"])),
            "lines": row["lines"],
        }
    for question, counted in zip(ANSWERS, answers, strict=True):
        for row in counted.drop("rank").iter_rows(named=True):
            file_id = row.pop("spend_file_id")
            fields[file_id]["evidence"][question].append({**row, "amount": str(_pence(row["amount"]))})
    return fields


def _empty_fields() -> dict:
    return {
        **{name: 0 if name in COUNTS else ZERO for name in SUM_NAMES},
        "excluded_by_rule": {},
        "evidence": {question: [] for question in ANSWERS},
    }


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(PENCE)


# The Baseline fields baseline_fields sets, in its order.
BASELINE_FIELDS = tuple(_empty_fields())
