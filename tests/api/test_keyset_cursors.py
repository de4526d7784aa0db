"""essex_anchors.lib.keyset as the API uses it: cursors over dates as well as times, and refusing a bad cursor."""

import datetime

import pytest

from essex_anchors.lib.keyset import BadCursor, keyset_page, read_cursor
from pledges.models import Pledge, ProgressUpdate
from tests.pledges.pledge_builders import make_pledges, post_progress

ORDER = ["-date", "-pk"]


def test_a_list_ordered_by_a_date_pages_through_every_row_once(organisation, lever, member):
    pledges = make_pledges(3, organisation=organisation, lever=lever, with_progress=False)
    for day, pledge in enumerate(pledges * 2, start=1):
        post_progress(
            pledge, member, {t.measure.slug: "1" for t in pledge.targets.all()}, date=datetime.date(2026, 5, day)
        )
    seen, cursor = [], None
    while True:
        page = keyset_page(ProgressUpdate.objects.all(), ORDER, cursor, 4)
        seen += [row.pk for row in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == list(ProgressUpdate.objects.order_by(*ORDER).values_list("pk", flat=True)) and len(seen) == 6
    direction, position, values = read_cursor(cursor, ORDER)
    assert direction == "after" and position == 4 and isinstance(values[0], datetime.date)
    back = keyset_page(ProgressUpdate.objects.all(), ORDER, page.previous_cursor, 4)
    assert [row.pk for row in back.rows] == seen[:4]


@pytest.mark.parametrize("cursor", ["", "nonsense", "eyJhIjoxfQ:1abc:def"])
def test_a_cursor_it_did_not_sign_is_refused(cursor):
    with pytest.raises(BadCursor):
        read_cursor(cursor, ORDER)


def test_a_cursor_of_another_ordering_is_refused(organisation, lever):
    make_pledges(3, organisation=organisation, lever=lever, with_progress=False)
    page = keyset_page(Pledge.objects.all(), ["-created_at", "-published_at", "title", "-pk"], None, 1)
    with pytest.raises(BadCursor):
        read_cursor(page.next_cursor, ORDER)
