"""Fuzz the filter forms sent by GET (pledge list, dashboard and its data, exports, meetings, the approach matrix):
anything in the query string shows the page (or a 404 for a page past the end), never a server error."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from . import strategies as fuzz
from .checks import assert_escaped, fuzz_settings, signed_in

pytestmark = pytest.mark.fuzz

PAGES = {
    "/pledges/": ["lever", "organisation", "status", "approach", "q", "page", "cursor", "sort"],
    "/dashboard/": ["lever", "organisation", "sector", "year", "period"],
    "/dashboard/data.json": ["lever", "organisation", "sector", "year"],
    "/pledges/export.csv": ["lever", "organisation", "sector", "year", "status"],
    "/community/meetings/": ["page", "year", "status"],
    "/levers/matrix/": ["sort"],
    "/spend/methods/": ["x"],
    "/organisations/": ["sector", "page"],
}
queries = st.sampled_from(sorted(PAGES)).flatmap(
    lambda url: st.tuples(
        st.just(url),
        st.lists(st.tuples(st.sampled_from(PAGES[url]), fuzz.anything), max_size=4),
    )
)


def _clean(value) -> str:
    return str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace")


@fuzz_settings(max_examples=30)
@given(query=queries, signed=st.booleans())
@example(query=("/pledges/", [("organisation", "9223372036854775808")]), signed=False)
@example(query=("/dashboard/", [("organisation", "1"), ("organisation", "99999999999999999999")]), signed=False)
@example(query=("/pledges/", [("lever", "\x00")]), signed=True)
def test_a_filter_takes_anything(member, published_pledge, query, signed):
    url, pairs = query
    client = signed_in(member if signed else None)
    response = client.get(url, [(name, _clean(value)) for name, value in pairs] and _as_query(pairs))
    assert response.status_code in (200, 404), (url, pairs, response.status_code)
    if response["Content-Type"].startswith("text/html"):
        assert_escaped(response)


def _as_query(pairs) -> dict:
    query: dict[str, list[str]] = {}
    for name, value in pairs:
        query.setdefault(name, []).append(_clean(value))
    return query
