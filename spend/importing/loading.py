"""Match and load: a file's clean lines matched to suppliers and written to the database in bulk.

Matching is set-based (polars joins of each batch against the supplier table and the payees already
seen): a supplier is found by VAT, company or charity number when the file has one, else by
normalised name; the rest are numbered as new. Lines are written with one streamed COPY on PostgreSQL
and in large batches elsewhere, while the next batches are cleaned and matched. All of it runs inside
the transaction of spend.services.spend_file_import, so a refused or killed import leaves nothing behind.
"""

import io
from collections.abc import Iterable, Iterator

import polars as pl
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from essex_anchors.lib.ahead import Ahead
from essex_anchors.lib.frames import frame_of
from spend import classify, registers
from spend.models import Flag, SpendLine, Supplier

from .cleaning import rows_in

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
COPY_SLICE = 50_000


def _existing_suppliers() -> pl.DataFrame:
    return frame_of(Supplier.objects.values_list(*SUPPLIER_SCHEMA).order_by(), SUPPLIER_SCHEMA)


def _first_non_empty(name: str) -> pl.Expr:
    return pl.col(name).filter(pl.col(name) != "").first().fill_null("")


NEW_SCHEMA = {
    "normalised_name": pl.String,
    "id": pl.Int64,
    "name": pl.String,
    "postcode": pl.String,
    "postcode_district": pl.String,
    **{name: pl.String for name in NUMBER_FIELDS},
    "rule_vcse": pl.String,
}
SEEN_SCHEMA = {"normalised_name": pl.String, "supplier_id": pl.Int64, "how": pl.String, "rule_vcse": pl.String}


def lock_suppliers() -> None:
    """Take the supplier table for this transaction's writes: others read it, and wait to change it.

    The import numbers the suppliers it makes itself (SupplierMatcher), so no one else may add one
    before it commits. SQLite has no table locks: a write (of no rows) takes the whole database.
    """
    table = Supplier._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        else:
            cursor.execute(f"UPDATE {table} SET id = id WHERE 1 = 0")  # noqa: S608


class SupplierMatcher:
    """Finds each payee's supplier as the batches of a file go by; makes the new ones when the file is done.

    A payee (a normalised name) is matched when first seen: by VAT, company or charity number when the
    file gives one, else by normalised name; the rest are numbered as new suppliers at once (so the
    lines can be written before the suppliers are) and created by save(). A new supplier's postcode is
    the first the file gives it. Call it inside the import's transaction, after lock_suppliers().
    """

    def __init__(self):
        self.existing = _existing_suppliers()
        self._lookups = {
            key: self.existing.filter(pl.col(key) != "").group_by(key).agg(found=pl.col("id").min())
            for key in [*NUMBER_FIELDS, "normalised_name"]
        }
        self._next_id = (Supplier.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        self.seen = pl.DataFrame(schema=SEEN_SCHEMA)
        self.new = pl.DataFrame(schema=NEW_SCHEMA)

    def match(self, lines: pl.DataFrame) -> pl.DataFrame:
        """`lines` with a supplier_id for every payee in the market (excluded payees get none).

        Each row is looked up in the payees seen before (by row number: cleaning.rows_in); only the
        rows of payees not seen before are grouped and matched.
        """
        market = lines["excluded"] == ""
        if not self.new.filter(pl.col("postcode") == "").is_empty():
            self._late_postcodes(lines.filter(market))
        ids = self.seen["supplier_id"].gather(rows_in(lines["normalised_name"], self.seen))
        unseen = (market & ids.is_null()).arg_true()
        if unseen.len():
            fresh = self._match_new(lines[unseen])
            ids = ids.scatter(
                unseen, fresh["supplier_id"].gather(rows_in(lines["normalised_name"].gather(unseen), fresh))
            )
        return lines.with_columns(supplier_id=pl.when(market).then(ids))

    def _match_new(self, lines: pl.DataFrame) -> pl.DataFrame:
        """The payees of `lines` (none seen before) matched by number or name, or numbered as new; added to `seen`."""
        payees = lines.group_by("normalised_name").agg(
            name=pl.col("payee_name").first(),
            postcode=_first_non_empty("postcode"),
            **{name: _first_non_empty(name) for name in NUMBER_FIELDS},
        )
        fresh = payees.with_columns(
            rule_vcse=classify.vcse_expr(pl.col("normalised_name"), pl.col("charity_number")),
            supplier_id=pl.lit(None, dtype=pl.Int64),
            how=pl.lit(None, dtype=pl.String),
        )
        for key in [*NUMBER_FIELDS, "normalised_name"]:
            fresh = (
                fresh.join(self._lookups[key], on=key, how="left")
                .with_columns(
                    how=pl.when(pl.col("supplier_id").is_null() & pl.col("found").is_not_null())
                    .then(pl.lit(f"by_{key}"))
                    .otherwise(pl.col("how")),
                    supplier_id=pl.coalesce("supplier_id", "found"),
                )
                .drop("found")
            )
        unmatched = fresh.filter(pl.col("supplier_id").is_null())
        new = unmatched.with_columns(
            id=pl.int_range(self._next_id, self._next_id + pl.len(), dtype=pl.Int64),
            postcode_district=classify.postcode_district_expr(pl.col("postcode")),
        ).select(list(NEW_SCHEMA))
        self._next_id += new.height
        self.new = pl.concat([self.new, new])
        fresh = fresh.join(new.select("normalised_name", "id"), on="normalised_name", how="left").with_columns(
            supplier_id=pl.coalesce("supplier_id", "id"),
            how=pl.col("how").fill_null("new"),
        )
        fresh = fresh.select(list(SEEN_SCHEMA))
        self.seen = pl.concat([self.seen, fresh], rechunk=True)
        return fresh

    def _late_postcodes(self, market: pl.DataFrame) -> None:
        """A new supplier first seen without a postcode takes the first one a later batch gives it."""
        without = self.new.filter(pl.col("postcode") == "").select("normalised_name")
        late = (
            market.filter(pl.col("postcode") != "")
            .join(without, on="normalised_name", how="semi")
            .group_by("normalised_name", maintain_order=True)
            .agg(pl.col("postcode").first())
        )
        if late.height:
            self.new = self.new.update(
                late.select(
                    "normalised_name", "postcode", postcode_district=classify.postcode_district_expr(pl.col("postcode"))
                ),
                on="normalised_name",
            )

    def save(self) -> dict:
        """Create the new suppliers and learn VCSE flags; returns how the file's suppliers were matched."""
        _create_suppliers(self.new)
        _learn_vcse(self.seen, self.existing)
        registers.vcse_from_registers()
        counts = {
            f"by_{key}": self.seen.filter(pl.col("how") == f"by_{key}").height
            for key in [*NUMBER_FIELDS, "normalised_name"]
        }
        counts["new"] = self.new.height
        return counts


def _create_suppliers(new: pl.DataFrame) -> None:
    """Make the file's new suppliers under the ids the matcher gave them, and move the id sequence past them.

    Written in bulk like the lines (a first upload brings tens of thousands). What Supplier.save would
    derive is derived here by the same rules: the normalised name and district by the matcher, the
    numbers cleaned by the cleaning (spend.classify either way).
    """
    if new.is_empty():
        return
    table = new.select(
        "id",
        pl.col("name").str.slice(0, 300),
        "normalised_name",
        pl.col("postcode").str.slice(0, 10),
        "postcode_district",
        *[pl.col(name).str.slice(0, 20) for name in NUMBER_FIELDS],
        sme=pl.lit(Flag.UNKNOWN.value),
        vcse=pl.col("rule_vcse"),
        source=pl.lit("file"),
        created_at=pl.lit(timezone.now()),
    )
    _insert(Supplier._meta.db_table, table)
    reset = connection.ops.sequence_reset_sql(no_style(), [Supplier])
    with connection.cursor() as cursor:
        for sql in reset:
            cursor.execute(sql)


def _insert(table: str, frame: pl.DataFrame) -> None:
    """Insert the rows of `frame` (columns named as the table's): COPY on PostgreSQL, batched inserts elsewhere."""
    names = ", ".join(frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = io.BytesIO(frame.write_csv(include_header=False, null_value=r"\N").encode())
            cursor.copy_expert(f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", data)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * frame.width)})"  # noqa: S608
        for part in frame.iter_slices(20000):
            cursor.executemany(sql, part.rows())


def _learn_vcse(seen: pl.DataFrame, existing: pl.DataFrame) -> list[int]:
    """A known supplier still unknown as VCSE becomes one when this file gives it a charity number or VCSE name."""
    unknown = existing.filter(pl.col("vcse") == Flag.UNKNOWN.value).select(pl.col("id").alias("supplier_id"))
    ids = seen.filter(pl.col("rule_vcse") == "yes").join(unknown, on="supplier_id", how="semi")["supplier_id"].to_list()
    for start in range(0, len(ids), 5000):
        Supplier.objects.filter(pk__in=ids[start : start + 5000], vcse=Flag.UNKNOWN).update(vcse=Flag.YES)
    return ids


def _line_table(spend_file_id: int, lines: pl.DataFrame) -> pl.DataFrame:
    return lines.with_columns(spend_file_id=pl.lit(spend_file_id, dtype=pl.Int64)).select(LINE_COLUMNS)


# COPY's text format: columns split by tabs, \N for null, and in the text a backslash, tab or line end escaped.
# The server reads it for less than CSV (no quotes to look for; bench/README.md).
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TO_ESCAPE = r"[\\\t\n\r]"
_FREE_TEXT = ["payee_name", "service_area", "expense_type", "transaction_number", "sheet"]


def _copy_text(lines: pl.DataFrame) -> bytes:
    """Lines (columns as LINE_COLUMNS) as the data of a COPY in text format."""
    escaped = [
        pl.col(name).str.replace_many(list(_ESCAPES), list(_ESCAPES.values()))
        for name in _FREE_TEXT
        if lines[name].str.contains(_TO_ESCAPE).any()
    ]
    out = io.BytesIO()
    lines.with_columns(escaped).write_csv(
        out, include_header=False, separator="\t", quote_style="never", null_value=r"\N"
    )
    return out.getvalue()


class _CopyStream:
    """A file-like object that COPY reads: the batches written in COPY's text format one at a time, never whole
    in memory.

    A thread draws the batches (cleaning and matching them: polars works outside the GIL) and writes
    them out while COPY sends the ones before, so the client's work overlaps the server's loading.
    """

    def __init__(self, spend_file_id: int, batches: Iterable[pl.DataFrame]):
        self.rows = 0
        # What stopped the batches (a bad row of a streamed file, a fault): the driver reports an exception
        # raised in read() as its own "error in .read() call", so write_lines raises this one instead.
        self.failure: BaseException | None = None
        self._ahead = Ahead(self._slices(spend_file_id, batches), depth=4)
        self._slices_ahead = iter(self._ahead)
        self._buffer = b""
        self._position = 0

    def _slices(self, spend_file_id: int, batches: Iterable[pl.DataFrame]) -> Iterator[bytes]:
        for batch in batches:
            for part in _line_table(spend_file_id, batch).iter_slices(COPY_SLICE):
                data = _copy_text(part)
                self.rows += part.height
                yield data

    def read(self, size: int = -1) -> bytes:
        if self._position >= len(self._buffer):
            try:
                self._buffer, self._position = next(self._slices_ahead, b""), 0
            except BaseException as error:
                self.failure = error
                raise
        end = len(self._buffer) if size < 0 else self._position + size
        chunk = self._buffer[self._position : end]
        self._position = end
        return chunk

    readline = read

    def close(self) -> None:
        """Stop the writer thread (after the COPY, or when it failed part way)."""
        self._ahead.close()


def write_lines(spend_file_id: int, batches: Iterable[pl.DataFrame]) -> int:
    """Write the lines of a file, batch by batch: one COPY on PostgreSQL, batched inserts elsewhere.

    The batches are drawn while the lines are written, so whatever makes them (the cleaning and
    matching of spend.services) runs beside the COPY. Returns the number of lines.
    """
    if connection.vendor == "postgresql":
        sql = f"COPY {SpendLine._meta.db_table} ({', '.join(LINE_COLUMNS)}) FROM STDIN"
        stream = _CopyStream(spend_file_id, batches)
        try:
            with connection.cursor() as cursor:
                cursor.copy_expert(
                    sql, stream, 1 << 20
                )  # positional: Django's debug cursor (DEBUG on) takes no keywords
        except Exception:
            if stream.failure is not None:
                raise stream.failure from None  # e.g. reading.FileRefused: a refusal, not a fault
            raise
        finally:
            stream.close()
        return stream.rows
    count = 0
    for batch in batches:
        table = _line_table(spend_file_id, batch)
        _insert(SpendLine._meta.db_table, table)
        count += table.height
    return count
