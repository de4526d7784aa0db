"""Fuzz progress updates: the web form (with an evidence document) and the progress CSV upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from pledges.models import ProgressUpdate
from pledges.progress_csv import COLUMNS

from . import strategies as fuzz
from .checks import check, follow, fuzz_settings, multipart_safe, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz

FORM_FIELDS = ["date", "narrative", "rag", "evidence_link", "verified"]


def _good(pledge) -> dict:
    target = pledge.targets.order_by("pk").first()
    return {"date": "30/06/2026", "narrative": "On our way.", f"value_{target.pk}": "5", "rag": "green"}


@fuzz_settings(max_examples=50)
@given(fields=st.data())
@example(fields=None)
def test_a_progress_update_is_posted_whole_or_not_at_all(member, published_pledge, fields):
    client = signed_in(member)
    values = [f"value_{pk}" for pk in published_pledge.targets.values_list("pk", flat=True)] + ["value_999999999999"]
    data = _good(published_pledge)
    if fields is not None:
        data.update(fields.draw(fuzz.changes(FORM_FIELDS + values)))
    with one_example():
        before = row_counts()
        response = post_form(client, f"/pledges/{published_pledge.pk}/progress/new/", data)
        if check(response, before):
            follow(client, response)
            update = ProgressUpdate.objects.latest("pk")
            assert update.narrative.strip() == str(data["narrative"]).strip().replace("\r\n", "\n")


EVIDENCE = st.one_of(
    st.binary(max_size=3000),
    st.just(b"%PDF-1.4\n" + b"x" * 100),
    st.just(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50),
    fuzz.xlsx_files(["a", "b"], ["1", "2"]),
    fuzz.csv_files(["a", "b"], ["1", "2"]),
)
EVIDENCE_NAMES = fuzz.file_names("evidence.pdf").map(lambda name: name.replace(".csv", ".pdf", 1))


@fuzz_settings(max_examples=40)
@given(content=EVIDENCE, name=EVIDENCE_NAMES, twice=st.booleans())
@example(content=b"%PDF-1.4\n%%EOF\n", name="x" * 250 + ".pdf", twice=True)
def test_an_evidence_document_is_stored_or_refused_never_a_server_error(member, published_pledge, content, name, twice):
    client = signed_in(member)
    with one_example():
        for _ in range(2 if twice else 1):
            before = row_counts()
            data = {**_good(published_pledge), "evidence_file": SimpleUploadedFile(name, content)}
            response = client.post(f"/pledges/{published_pledge.pk}/progress/new/", multipart_safe(data))
            if check(response, before):
                follow(client, response)
                update = ProgressUpdate.objects.latest("pk")
                if update.evidence_file:
                    assert client.get(f"/pledges/progress/{update.pk}/evidence/").status_code == 200


def _csv_row(pledge) -> list[str]:
    target = pledge.targets.order_by("pk").first()
    return [str(pledge.pk), str(target.pk), "30/06/2026", "5", "On our way.", "green", ""]


@fuzz_settings(max_examples=50)
@given(data=st.data())
def test_a_progress_file_is_saved_whole_or_not_at_all(member, published_pledge, data):
    client = signed_in(member)
    content = data.draw(fuzz.csv_files(list(COLUMNS), _csv_row(published_pledge)))
    name = data.draw(fuzz.file_names("progress.csv"))
    with one_example():
        before = row_counts()
        response = client.post("/pledges/progress/upload/", {"file": SimpleUploadedFile(name, content, "text/csv")})
        if check(response, before):
            follow(client, response)


__all__ = ["post_form"]
