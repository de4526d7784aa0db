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
