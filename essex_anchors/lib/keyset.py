"""Keyset pagination: a page of an ordered queryset found from the last (or first) row of the page before.

An OFFSET page makes the database walk past every row before it, so page 3,000 of 75,000 pledges costs
3,000 times page 1; a keyset page starts where the index says the previous page ended, so every page
costs the same. The price: a page is reached from its neighbours (previous / next), not by number.

The cursor in the address names the row a page starts after (or ends before) by the values of the
ordering fields, and the position of the page's first row, so the page can still say "26-50 of …".
It is signed, so a changed or made-up cursor is refused rather than trusted: the page falls back to
the first one.
"""

import dataclasses
import datetime

from django.core import signing
from django.db.models import Q

SALT = "essex_anchors.keyset"


@dataclasses.dataclass
class KeysetPage:
    rows: list
    start_index: int  # position of the first row (1-based), 0 when the page is empty
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.rows) - 1 if self.rows else 0

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


def _value(row, field: str):
    return getattr(row, "pk" if field == "pk" else field)


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        return datetime.datetime.fromisoformat(value["dt"]) if "dt" in value else datetime.date.fromisoformat(value["d"])
    return value


def _cursor(row, fields: list[str], direction: str, position: int) -> str:
    return signing.dumps([direction, position, [_encode(_value(row, name)) for name in fields]], salt=SALT)


def _beyond(fields: list[str], descending: list[bool], values: list, forwards: bool) -> Q:
    """Rows after `values` in the ordering (before them when not `forwards`).

    (a, b, c) after (x, y, z) is a ≷ x, or a = x and b ≷ y, or a = x, b = y and c ≷ z; the first field's
    ≷= is added alone as well, so the database can start its index scan there.
    """
    condition = Q()
    equal = Q()
    for name, desc, value in zip(fields, descending, values, strict=True):
        lookup = "lt" if desc == forwards else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    first_lookup = "lte" if descending[0] == forwards else "gte"
    return Q(**{f"{fields[0]}__{first_lookup}": values[0]}) & condition


class BadCursor(ValueError):
    """A cursor this ordering did not give: changed, made up, or from a list in another order."""


def read_cursor(cursor: str, ordering: list[str]) -> tuple[str, int, list]:
    """The direction ("after" or "before"), position and ordering values a cursor of `ordering` holds.

    Raises BadCursor for anything keyset_page() did not sign for this many ordering fields.
    """
    try:
        direction, position, raw = signing.loads(cursor, salt=SALT)
        values = [_decode(value) for value in raw]
        if direction not in ("after", "before") or len(values) != len(ordering) or position < 0:
            raise ValueError
    except (signing.BadSignature, ValueError, TypeError, KeyError) as error:
        raise BadCursor("This cursor was not given by this list: start again from the first page.") from error
    return direction, position, values


def keyset_page(queryset, ordering: list[str], cursor: str | None, size: int) -> KeysetPage:
    """The page of `queryset` in `ordering` (field names, "-" for descending; end with a unique one) at `cursor`.

    A cursor that read_cursor() refuses gives the first page (callers that must refuse it ask read_cursor first).
    """
    fields = [name.lstrip("-") for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    reverse = [name[1:] if name.startswith("-") else f"-{name}" for name in ordering]
    direction, position, values = "after", 0, None
    if cursor:
        try:
            direction, position, values = read_cursor(cursor, ordering)
        except BadCursor:
            direction, position, values = "after", 0, None
    if values is None:
        rows = list(queryset.order_by(*ordering)[: size + 1])
        more, start = len(rows) > size, 1
        rows = rows[:size]
        has_previous = False
    elif direction == "after":
        rows = list(queryset.filter(_beyond(fields, descending, values, True)).order_by(*ordering)[: size + 1])
        more, start = len(rows) > size, position + 1
        rows = rows[:size]
        has_previous = True
    else:
        rows = list(queryset.filter(_beyond(fields, descending, values, False)).order_by(*reverse)[: size + 1])
        has_previous = len(rows) > size
        rows = list(reversed(rows[:size]))
        start = max(1, position - len(rows))
        more = True
    if not rows:
        return KeysetPage([], 0, None, None)
    end = start + len(rows) - 1
    return KeysetPage(
        rows=rows,
        start_index=start,
        next_cursor=_cursor(rows[-1], fields, "after", end) if more else None,
        previous_cursor=_cursor(rows[0], fields, "before", start) if has_previous else None,
    )
