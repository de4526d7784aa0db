"""Fuzz the good practice library: sharing a resource (with a file), the secretariat's review, and its filters."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from learning_community.models import Resource
from tests.security.conftest import make_pledge  # noqa: F401

from . import strategies as fuzz
from .checks import (
    assert_escaped,
    check,
    follow,
    fuzz_settings,
    multipart_safe,
    page_form,
    post_form,
    row_counts,
    signed_in,
)
from .checks import (
    example as one_example,
)

pytestmark = pytest.mark.fuzz

GOOD = {
    "title": "Our social value toolkit",
    "kind": "tool",
    "summary": "What we learnt.",
    "link": "https://example.org/toolkit",
    "visibility": "members",
}
FILES = st.one_of(
    st.none(),
    st.tuples(
        fuzz.file_names("toolkit.pdf").map(lambda name: name.replace(".csv", ".pdf", 1)), st.binary(max_size=2000)
    ),
    st.tuples(st.just("toolkit.pdf"), st.just(b"%PDF-1.4\n%%EOF\n")),
    st.tuples(fuzz.file_names("toolkit.csv"), fuzz.csv_files(["a", "b"], ["1", "2"])),
    st.tuples(st.just("toolkit.xlsx"), fuzz.xlsx_files(["a"], ["1"])),
)


@fuzz_settings(max_examples=50)
@given(fields=st.data(), upload=FILES, twice=st.booleans())
@example(fields=None, upload=("x" * 200 + ".pdf", b"%PDF-1.4\n%%EOF\n"), twice=True)
def test_a_shared_resource_is_saved_whole_or_not_at_all(member, fields, upload, twice):
    client = signed_in(member)
    page = client.get("/resources/new/")
    data, names = page_form(page, having="summary")
    data.update(GOOD)
    if fields is not None:
        data.update(fields.draw(fuzz.changes(names - {"file"})))
    with one_example():
        for _ in range(2 if twice else 1):
            sent = dict(data)
            if upload is not None:
                sent["file"] = SimpleUploadedFile(upload[0], upload[1])
            before = row_counts()
            response = client.post("/resources/new/", multipart_safe(sent))
            if check(response, before):
                follow(client, response)
                resource = Resource.objects.latest("pk")
                review = signed_in(resource.added_by).get(f"/resources/?q={resource.title[:50]}")
                assert review.status_code == 200
                assert_escaped(review)


@fuzz_settings(max_examples=30)
@given(decision=st.one_of(st.sampled_from(["publish", "unpublish", ""]), fuzz.text), reason=fuzz.text)
def test_the_review_of_a_resource_never_fails(member, secretariat, decision, reason):
    resource = Resource.objects.create(
        title="Shared",
        kind="tool",
        summary="x",
        link="https://example.org/",
        organisation=member.profile.organisation,
        added_by=member,
        status="awaiting_review",
    )
    client = signed_in(secretariat)
    with one_example():
        before = row_counts()
        response = post_form(client, f"/resources/{resource.pk}/review/", {"decision": decision, "reason": reason})
        if check(response, before):
            follow(client, response)


@fuzz_settings(max_examples=30)
@given(
    query=fuzz.changes(["q", "kind", "lever", "approach", "organisation", "visibility", "page", "sort"], fuzz.anything)
)
def test_the_library_filters_take_anything(member, query):
    client = signed_in(member)
    query = {
        name: str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace") for name, value in query.items()
    }
    response = client.get("/resources/", query)
    assert response.status_code in (200, 404)
    assert_escaped(response)
