"""essex_anchors.lib.frames.frame_of: a values_list read into a polars frame, by COPY on PostgreSQL, as the ORM reads it."""

import polars as pl
import pytest
from django.db.models import Count

from essex_anchors.lib.frames import frame_of
from spend.models import Supplier

pytestmark = pytest.mark.django_db

SCHEMA = {"id": pl.Int64, "name": pl.String, "postcode": pl.String, "lines": pl.Int64}


def test_the_frame_holds_what_the_orm_reads_text_with_commas_quotes_and_line_ends_included():
    names = ['Smith, Jones & Co "Builders"', "Line\nbreak Ltd", "Tab\tand back\\slash", "Café Ünïcode Ltd"]
    for name in names:
        Supplier.objects.create(name=name, postcode="")  # an empty postcode stays empty, not null
    rows = Supplier.objects.values_list("id", "name", "postcode").annotate(lines=Count("lines")).order_by("id")

    frame = frame_of(rows, SCHEMA)

    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.rows() == list(rows)
    assert frame["postcode"].to_list() == [""] * len(names)


def test_no_rows_give_an_empty_frame_of_the_schema():
    frame = frame_of(Supplier.objects.values_list("id", "name", "postcode").annotate(lines=Count("lines")), SCHEMA)
    assert frame.height == 0 and frame.schema == pl.Schema(SCHEMA)


def test_id_batches_cover_every_id_once_in_one_query_on_postgresql_and_in_chunks_elsewhere():
    from django.db import connection

    from essex_anchors.lib.frames import id_batches

    made = Supplier.objects.bulk_create(Supplier(name=f"Batch {n} Ltd", normalised_name=f"batch {n}") for n in range(12))
    ids = sorted(supplier.pk for supplier in made)
    batches = list(id_batches(ids, size=5))

    found = [pk for batch in batches for pk in Supplier.objects.filter(pk__in=batch).values_list("pk", flat=True)]

    assert sorted(found) == ids
    assert len(batches) == (1 if connection.vendor == "postgresql" else 3)
    assert list(id_batches([])) == []
