"""Query results as polars frames, read in bulk: on PostgreSQL by COPY, not row by row.

Turning tens of thousands of rows into Python tuples (and the garbage collector's walks over them) costs
more than the query; COPY … TO STDOUT hands the same rows over as CSV, which polars reads in a moment.
"""

import tempfile
from collections.abc import Iterator

import polars as pl
from django.db import connection
from django.db.models.expressions import RawSQL


def frame_of(rows, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of `rows` (a values_list queryset whose columns are those of `schema`, in order) as a frame.

    Text columns keep the empty string apart from null; schema types are polars types that CSV can carry
    (numbers, text, dates). Reads the default database (the writes' own transaction). A text of exactly
    `\\N` reads as null: COPY's marker for null, which no supplier name or district is.
    """
    if connection.vendor != "postgresql":
        return pl.DataFrame(list(rows), schema=schema, orient="row")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor, tempfile.TemporaryFile() as copied:
        query = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, NULL '\\N')", copied)
        copied.seek(0)
        return pl.read_csv(copied, has_header=False, schema=schema, null_values="\\N", empty_string_is_null=False)


def id_in(ids: list[int]) -> list[int] | RawSQL:
    """A value for an `__in` lookup of `ids`: on PostgreSQL one array parameter (`IN (SELECT unnest(%s))`), which
    Django compiles in a moment however many ids there are and the planner counts as it would a list; elsewhere
    the list."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))
    return list(ids)


def id_batches(ids: list[int], size: int = 5000) -> Iterator[list[int] | RawSQL]:
    """Values for an `__in` lookup that together cover `ids`: on PostgreSQL one, id_in(ids); elsewhere lists of
    `size` ids, within SQLite's limit on a query's parameters."""
    if not ids:
        return
    if connection.vendor == "postgresql":
        yield id_in(ids)
        return
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
