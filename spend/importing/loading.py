"""Match and load: a file's clean lines matched to suppliers and written to the database in bulk.

Matching is set-based (polars joins over the whole file and the supplier table): a supplier is found
by VAT, company or charity number when the file has one, else by normalised name; the rest are made
new. Lines are written with one streamed COPY on PostgreSQL and in large batches elsewhere. Both run
inside the transaction of spend.services.spend_file_import, so a refused or killed import leaves
nothing behind.
"""

import io
import queue
import threading

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
SUPPLIER_SCHEMA = {
    "id": pl.Int64,
    "normalised_name": pl.String,
    **{name: pl.String for name in NUMBER_FIELDS},
    "sme": pl.String,
    "vcse": pl.String,
    "postcode_district": pl.String,
}
# Rows per slice of the COPY stream: big enough to keep the server busy, small enough to bound memory.
COPY_SLICE = 100_000


def _existing_suppliers() -> pl.DataFrame:
    rows = Supplier.objects.values_list(*SUPPLIER_SCHEMA)
    return pl.DataFrame(list(rows), schema=SUPPLIER_SCHEMA, orient="row")


def _first_non_empty(name: str) -> pl.Expr:
    return pl.col(name).filter(pl.col(name) != "").first().fill_null("")


def match_suppliers(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """`lines` with a supplier_id for every payee in the market (excluded payees get none).

    Returns the lines, the file's suppliers (id, sme, vcse, postcode_district) and how many suppliers
    were matched which way and made new.
    """
    payees = (
        lines.filter(pl.col("excluded") == "")
        .group_by("normalised_name")
        .agg(
            name=pl.col("payee_name").first(),
            postcode=_first_non_empty("postcode"),
            **{name: _first_non_empty(name) for name in NUMBER_FIELDS},
        )
        .with_columns(rule_vcse=classify.vcse_expr(pl.col("normalised_name"), pl.col("charity_number")))
    )
    existing = _existing_suppliers()
    matched = payees.with_columns(supplier_id=pl.lit(None, dtype=pl.Int64))
    counts = {}
    for key in [*NUMBER_FIELDS, "normalised_name"]:
        lookup = existing.filter(pl.col(key) != "").group_by(key).agg(found=pl.col("id").min())
        matched = matched.join(lookup, on=key, how="left")
        counts[f"by_{key}"] = matched.filter(pl.col("supplier_id").is_null() & pl.col("found").is_not_null()).height
        matched = matched.with_columns(supplier_id=pl.coalesce("supplier_id", "found")).drop("found")
    new = matched.filter(pl.col("supplier_id").is_null()).with_columns(
        postcode_district=classify.postcode_district_expr(pl.col("postcode"))
    )
    counts["new"] = new.height
    new_ids = _create_suppliers(new)
    matched = matched.join(new_ids, on="normalised_name", how="left").with_columns(
        supplier_id=pl.coalesce("supplier_id", "new_id")
    )
    learnt = _learn_vcse(matched, existing)
    suppliers = pl.concat(
        [
            existing.join(matched.select(pl.col("supplier_id").alias("id")), on="id", how="semi").select(
                "id", "sme", "vcse", "postcode_district"
            ),
            new.join(new_ids, on="normalised_name").select(
                pl.col("new_id").alias("id"),
                pl.lit(Flag.UNKNOWN.value).alias("sme"),
                pl.col("rule_vcse").alias("vcse"),
                "postcode_district",
            ),
        ]
    ).with_columns(vcse=pl.when(pl.col("id").is_in(learnt)).then(pl.lit(Flag.YES.value)).otherwise(pl.col("vcse")))
    lines = lines.join(matched.select("normalised_name", "supplier_id"), on="normalised_name", how="left").with_columns(
        supplier_id=pl.when(pl.col("excluded") == "").then(pl.col("supplier_id")).otherwise(None)
    )
    return lines, suppliers, counts


def _create_suppliers(new: pl.DataFrame) -> pl.DataFrame:
    """Make the file's new suppliers; returns their ids by normalised name."""
    now = timezone.now()
    created = Supplier.objects.bulk_create(
        [
            Supplier(
                name=row["name"][:300],
                normalised_name=row["normalised_name"],
                postcode=row["postcode"][:10],
                postcode_district=row["postcode_district"],
                vcse=row["rule_vcse"],
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
    return pl.DataFrame(
        {"normalised_name": list(ids), "new_id": list(ids.values())},
        schema={"normalised_name": pl.String, "new_id": pl.Int64},
    )


def _learn_vcse(matched: pl.DataFrame, existing: pl.DataFrame) -> list[int]:
    """A known supplier still unknown as VCSE becomes one when this file gives it a charity number or VCSE name."""
    unknown = existing.filter(pl.col("vcse") == Flag.UNKNOWN.value).select(pl.col("id").alias("supplier_id"))
    ids = (
        matched.filter(pl.col("rule_vcse") == "yes")
        .join(unknown, on="supplier_id", how="semi")["supplier_id"]
        .to_list()
    )
    for start in range(0, len(ids), 5000):
        Supplier.objects.filter(pk__in=ids[start : start + 5000], vcse=Flag.UNKNOWN).update(vcse=Flag.YES)
    return ids


class _CsvStream:
    """A file-like object that COPY reads: the table written as CSV a slice at a time, never whole in memory.

    A thread writes the slices (polars works outside the GIL) while COPY sends the ones before, so the
    client's CSV writing overlaps the server's loading.
    """

    def __init__(self, table: pl.DataFrame):
        self._queue: queue.Queue = queue.Queue(maxsize=3)
        self._stop = threading.Event()
        self._buffer = b""
        self._position = 0
        self._finished = False
        self._thread = threading.Thread(target=self._produce, args=(table,), daemon=True)
        self._thread.start()

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, table: pl.DataFrame) -> None:
        try:
            for part in table.iter_slices(COPY_SLICE):
                out = io.BytesIO()
                part.write_csv(out, include_header=False, null_value=r"\N")
                if not self._put(out.getvalue()):
                    return
        except Exception as error:  # handed to the reader, which raises it in the import's thread
            self._put(error)
            return
        self._put(None)

    def read(self, size: int = -1) -> bytes:
        if self._position >= len(self._buffer):
            if self._finished:
                return b""
            item = self._queue.get()
            if isinstance(item, Exception):
                raise item
            if item is None:
                self._finished = True
                return b""
            self._buffer, self._position = item, 0
        end = len(self._buffer) if size < 0 else self._position + size
        chunk = self._buffer[self._position : end]
        self._position = end
        return chunk

    readline = read

    def close(self) -> None:
        """Stop the writer thread (after the COPY, or when it failed part way)."""
        self._stop.set()
        self._thread.join()


def write_lines(spend_file_id: int, lines: pl.DataFrame) -> int:
    """Write the lines of a file: one COPY on PostgreSQL, batched inserts elsewhere. Returns the count."""
    table = lines.with_columns(spend_file_id=pl.lit(spend_file_id, dtype=pl.Int64)).select(LINE_COLUMNS)
    if connection.vendor == "postgresql":
        sql = f"COPY {SpendLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        stream = _CsvStream(table)
        try:
            with connection.cursor() as cursor:
                cursor.copy_expert(sql, stream, size=1 << 20)
        finally:
            stream.close()
        return table.height
    placeholders = ", ".join(["%s"] * len(LINE_COLUMNS))
    sql = f"INSERT INTO {SpendLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for batch in table.iter_slices(20000):
            cursor.executemany(sql, batch.rows())
    return table.height
