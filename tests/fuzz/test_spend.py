"""Fuzz the spend pages: the payments file upload, matching its columns, a supplier dispute and the supplier filters."""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from spend.models import SpendFile, SpendFileStatus, Supplier
from tests.spend.spend_builders import HEADER, SMALL_ROWS, import_payments, payments_csv, post_upload, upload_file

from . import strategies as fuzz
from .checks import assert_escaped, check, follow, fuzz_settings, page_form, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz

PAYMENTS = st.one_of(
    fuzz.csv_files(HEADER, SMALL_ROWS[0]),
    fuzz.xlsx_files(HEADER, SMALL_ROWS[0]),
    st.just(payments_csv(header=["Firm", "Where", "When", "How much"])),  # asks for its columns
)


@fuzz_settings(max_examples=50)
@given(
    content=PAYMENTS,
    name=fuzz.file_names("payments.csv"),
    year=st.one_of(st.just("2024"), fuzz.ids),
    twice=st.booleans(),
)
@example(content=payments_csv(), name="x" * 250 + ".csv", year="2024", twice=True)
@example(content=payments_csv(), name="payments.csv", year="9223372036854775808", twice=False)
def test_a_payments_file_is_stored_and_read_or_refused(member, content, name, year, twice):
    client = signed_in(member)
    with one_example():
        for _ in range(2 if twice else 1):
            before = row_counts()
            response = client.post("/spend/upload/", {"financial_year": year, "file": upload_file(content, name)})
            if check(response, before):
                follow(client, response)
                spend_file = SpendFile.objects.latest("pk")
                assert spend_file.original_name == name[:255] or spend_file.original_name


@pytest.fixture
def unmatched_file(member):
    """A file whose columns the portal does not recognise: it waits for the person to match them."""
    post_upload(signed_in(member), payments_csv(header=["Firm", "Where", "When", "How much"]))
    spend_file = SpendFile.objects.get()
    assert spend_file.status == SpendFileStatus.NEEDS_MAPPING
    return spend_file


@pytest.fixture
def supplier(organisation):
    """A supplier Essex County Council paid."""
    import_payments(organisation)
    return Supplier.objects.get(name="Chelmsford Widgets Ltd")


@fuzz_settings(max_examples=40)
@given(choices=st.data())
@example(choices=None)
def test_matching_the_columns_takes_any_choice(member, unmatched_file, choices):
    client = signed_in(member)
    spend_file = unmatched_file
    url = f"/spend/files/{spend_file.pk}/columns/"
    data, names = page_form(client.get(url), having="amount")
    data.update({"supplier": "Firm", "date": "When", "amount": "How much"})
    if choices is not None:
        data.update(
            choices.draw(
                fuzz.changes(names, st.one_of(st.sampled_from(["Firm", "Where", "When", "How much", ""]), fuzz.text))
            )
        )
    with one_example():
        before = row_counts()
        if check(post_form(client, url, data), before):
            assert client.get(f"/spend/files/{spend_file.pk}/").status_code == 200


@fuzz_settings(max_examples=40)
@given(fields=fuzz.changes(["field", "proposed_flag", "proposed_postcode", "reason"], max_size=4))
@example(fields={"field": "postcode", "proposed_postcode": "CM1 1AA", "reason": "<script>fuzz()</script>"})
def test_a_dispute_is_raised_whole_or_not_at_all(member, supplier, fields):
    client = signed_in(member)
    data = {"field": "sme", "proposed_flag": "yes", "reason": "It is a small family business.", **fields}
    with one_example():
        before = row_counts()
        response = post_form(client, f"/spend/suppliers/{supplier.pk}/", data)
        if check(response, before):
            follow(client, response)


@fuzz_settings(max_examples=30)
@given(query=fuzz.changes(["organisation", "year", "show", "page"], fuzz.anything))
@example(query={"year": "9223372036854775808"})
def test_the_supplier_list_takes_any_filter(member, secretariat, supplier, query):
    query = {
        name: str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace") for name, value in query.items()
    }
    for user in (member, secretariat):
        response = signed_in(user).get("/spend/suppliers/", query)
        assert response.status_code == 200
        assert_escaped(response)
