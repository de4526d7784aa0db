"""Match and load: a file's clean lines matched to suppliers and written to the database in bulk.

Matching is set-based (polars joins over the whole file and the supplier table): a supplier is found
by VAT, company or charity number when the file has one, else by normalised name; the rest are made
new. Lines are written with one COPY on PostgreSQL and in large batches elsewhere. Both run inside the
transaction of spend.services.spend_file_import, so a refused or killed import leaves nothing behind.
"""

import io

import polars as pl
from django.db import connection
from django.utils import timezone

from spend import classify
from spend.models import Flag, SpendLine, Supplier

LINE_COLUMNS = [
    "spend_file_id",
    "supplier_id",
    "payee_name",
    "amount",
    "payment_date",
    "postcode_district",
    "service_area",
    "expense_type",
    "transaction_number",
    "excluded",
    "sheet",
    "row_number",
]
NUMBER_FIELDS = ["vat_number", "company_number", "charity_number"]


def _existing_suppliers() -> pl.DataFrame:
    rows = Supplier.objects.values_list("pk", "normalised_name", *NUMBER_FIELDS)
    return pl.DataFrame(
        list(rows),
        schema={"id": pl.Int64, "normalised_name": pl.String, **{name: pl.String for name in NUMBER_FIELDS}},
        orient="row",
    )


def _first_non_empty(name: str) -> pl.Expr:
    return pl.col(name).filter(pl.col(name) != "").first().fill_null("")


def match_suppliers(lines: pl.DataFrame) -> tuple[pl.DataFrame, dict]:
    """`lines` with a supplier_id for every payee in the market (excluded payees get none).

    Returns the lines and how many suppliers were matched which way and made new.
    """
    in_market = lines.filter(pl.col("excluded") == "")
    payees = in_market.group_by("normalised_name").agg(
        name=pl.col("payee_name").first(),
        postcode=_first_non_empty("postcode"),
        **{name: _first_non_empty(name) for name in NUMBER_FIELDS},
    )
    existing = _existing_suppliers()
    matched = payees.with_columns(supplier_id=pl.lit(None, dtype=pl.Int64))
    counts = {}
    for key in [*NUMBER_FIELDS, "normalised_name"]:
        lookup = existing.filter(pl.col(key) != "").group_by(key).agg(found=pl.col("id").min())
        matched = matched.join(lookup, on=key, how="left")
        newly = matched.filter(pl.col("supplier_id").is_null() & pl.col("found").is_not_null()).height
        counts[f"by_{key}"] = newly
        matched = matched.with_columns(supplier_id=pl.coalesce("supplier_id", "found")).drop("found")
    new = matched.filter(pl.col("supplier_id").is_null()).with_columns(
        vcse=classify.vcse_expr(pl.col("normalised_name"), pl.col("charity_number")),
        postcode_district=classify.postcode_district_expr(pl.col("postcode")),
    )
    counts["new"] = new.height
    now = timezone.now()
    created = Supplier.objects.bulk_create(
        [
            Supplier(
                name=row["name"][:300],
                normalised_name=row["normalised_name"],
                postcode=row["postcode"][:10],
                postcode_district=row["postcode_district"],
                vcse=row["vcse"],
                source="file",
                created_at=now,
                **{name: row[name][:20] for name in NUMBER_FIELDS},
            )
            for row in new.iter_rows(named=True)
        ],
        batch_size=2000,
    )
    if created and created[0].pk is None:  # a database that does not return ids from a bulk insert
        ids = dict(Supplier.objects.filter(created_at=now).values_list("normalised_name", "pk"))
    else:
        ids = {supplier.normalised_name: supplier.pk for supplier in created}
    new_ids = pl.DataFrame(
        {"normalised_name": list(ids), "new_id": list(ids.values())},
        schema={"normalised_name": pl.String, "new_id": pl.Int64},
    )
    matched = matched.join(new_ids, on="normalised_name", how="left").with_columns(
        supplier_id=pl.coalesce("supplier_id", "new_id")
    )
    _learn_vcse(matched)
    lines = lines.join(matched.select("normalised_name", "supplier_id"), on="normalised_name", how="left").with_columns(
        supplier_id=pl.when(pl.col("excluded") == "").then(pl.col("supplier_id")).otherwise(None)
    )
    return lines, counts


def _learn_vcse(matched: pl.DataFrame) -> None:
    """A known supplier still unknown as VCSE becomes one when this file gives it a charity number or VCSE name."""
    vcse = matched.filter(classify.vcse_expr(pl.col("normalised_name"), pl.col("charity_number")) == "yes")
    ids = vcse["supplier_id"].to_list()
    for start in range(0, len(ids), 5000):
        Supplier.objects.filter(pk__in=ids[start : start + 5000], vcse=Flag.UNKNOWN).update(vcse=Flag.YES)


def write_lines(spend_file_id: int, lines: pl.DataFrame) -> int:
    """Write the lines of a file: one COPY on PostgreSQL, batched inserts elsewhere. Returns the count."""
    table = lines.with_columns(spend_file_id=pl.lit(spend_file_id, dtype=pl.Int64)).select(LINE_COLUMNS)
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        table.write_csv(buffer, include_header=False, null_value=r"\N")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {SpendLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                buffer,
            )
        return table.height
    placeholders = ", ".join(["%s"] * len(LINE_COLUMNS))
    sql = f"INSERT INTO {SpendLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in table.iter_slices(20000):
            cursor.executemany(sql, batch.rows())
    return table.height
