"""Fuzz the Django admin as the secretariat uses it: the add and change form of every model it may add or change
(inlines included), the autocomplete lookups, and the CSV imports (django-import-export)."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from hypothesis import example, given
from hypothesis import strategies as st

from tests.admin_pages import form_data

from . import strategies as fuzz
from .checks import check, fuzz_settings, post_form, row_counts, signed_in
from .checks import example as one_example

pytestmark = pytest.mark.fuzz

ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
MODELS = [model._meta.label_lower for model, _admin in ADMINS]
IMPORTS = [model._meta.label_lower for model, model_admin in ADMINS if hasattr(model_admin, "import_action")]


def _admin_of(label):
    return next(model_admin for model, model_admin in ADMINS if model._meta.label_lower == label)


def _url(label: str, what: str) -> str:
    app_label, model_name = label.split(".")
    return f"/admin/{app_label}/{model_name}/{what}/"


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _submitted(data: dict) -> dict:
    """What the admin page's form sends (lists for repeated names), as one value per name or a list."""
    return {
        name: values[0] if isinstance(values, list) and len(values) == 1 else values for name, values in data.items()
    }


# The meeting page (one attendance row per member, agenda, decisions, actions) takes a second to render: fewer examples.
SLOW = {"learning_community.meeting"}


@pytest.mark.parametrize("label", [label for label in MODELS if label not in SLOW])
@fuzz_settings(max_examples=6)
@given(data=st.data())
def test_an_admin_form_saves_whole_or_not_at_all(secretariat, draft_pledge, label, data):
    _fuzz_admin_form(secretariat, label, data)


@pytest.mark.parametrize("label", sorted(SLOW))
@fuzz_settings(max_examples=2)
@given(data=st.data())
def test_a_slow_admin_form_saves_whole_or_not_at_all(secretariat, draft_pledge, label, data):
    _fuzz_admin_form(secretariat, label, data)


def _fuzz_admin_form(secretariat, label, data):
    model_admin = _admin_of(label)
    client = signed_in(secretariat)
    existing = model_admin.model._default_manager.order_by("pk").first()
    may_add = model_admin.has_add_permission(_request(secretariat))
    may_change = existing is not None and model_admin.has_change_permission(_request(secretariat), existing)
    if not (may_add or may_change):
        return  # a model only services write: its pages are read-only (tests/security covers them)
    adding = may_add and (not may_change or data.draw(st.booleans(), label="adding"))
    url = _url(label, "add") if adding else _url(label, f"{existing.pk}/change")
    page = client.get(url)
    assert page.status_code == 200, url
    sent = _submitted(form_data(page, model_admin.model._meta.model_name))
    names = sorted(name for name in sent if name != "_save" and not name.endswith(("-MIN_NUM_FORMS", "-MAX_NUM_FORMS")))
    if names:
        sent.update(data.draw(fuzz.changes(names), label="changes"))

    def edited():
        return list(model_admin.model._default_manager.filter(pk=getattr(existing, "pk", None)).values())

    with one_example():
        before, edited_before = row_counts(), edited()
        response = post_form(client, url, sent)
        if check(response, before, rows=edited, rows_before=edited_before):
            assert client.get(response["Location"]).status_code == 200


@fuzz_settings(max_examples=40)
@given(
    term=fuzz.text,
    field=st.sampled_from(
        [
            ("pledges", "target", "measure"),
            ("pledges", "target", "pledge"),
            ("learning_community", "attendance", "attendees"),
            ("pledges", "pledge", "lever"),
        ]
    ),
    junk=fuzz.changes(["app_label", "model_name", "field_name", "page"], fuzz.anything, max_size=2),
)
@example(term="x", field=("pledges", "target", "measure"), junk={"page": "9223372036854775808"})
@example(term="\x00", field=("pledges", "target", "measure"), junk={})
@example(term="x" * 100_000, field=("pledges", "target", "measure"), junk={})
def test_an_autocomplete_lookup_takes_any_term(secretariat, draft_pledge, term, field, junk):
    client = signed_in(secretariat)
    app_label, model_name, field_name = field
    query = {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name, **junk}
    query = {
        name: str(value).encode("utf-8", "surrogatepass").decode("utf-8", "replace") for name, value in query.items()
    }
    response = client.get("/admin/autocomplete/", query)
    assert response.status_code in (200, 403, 404), response.status_code


def _export_csv(client, label) -> tuple[list[str], list[str]]:
    """The header and first row the admin exports for `label`, the good file an import is fuzzed around."""
    response = client.post(_url(label, "export"), {"format": "0", "resource": "0"}, follow=False)
    lines = response.content.decode("utf-8-sig").splitlines() if response.status_code == 200 else []
    import csv

    rows = list(csv.reader(lines))
    header = rows[0] if rows else ["id", "name"]
    first = rows[1] if len(rows) > 1 else ["" for _ in header]
    return header or ["id"], first or [""]


@pytest.mark.parametrize("label", IMPORTS)
@fuzz_settings(max_examples=6)
@given(data=st.data())
@example(data=None)
def test_an_admin_import_saves_whole_or_not_at_all(secretariat, draft_pledge, label, data):
    client = signed_in(secretariat)
    header, first = _export_csv(client, label)
    if data is None:  # a first row with no cells: the import had no headers to read rows by
        content, name = b'\r\n""\r\n', "import.csv"
    else:
        content = data.draw(st.one_of(fuzz.csv_files(header, first), fuzz.xlsx_files(header, first)), label="file")
        name = data.draw(fuzz.file_names("import.csv"), label="name")
    file_format = "1" if content.startswith(b"PK") else "0"
    with one_example():
        before = row_counts()
        upload = SimpleUploadedFile(name, content)
        response = client.post(_url(label, "import"), {"import_file": upload, "format": file_format, "resource": "0"})
        check(response, before)
        assert response.status_code == 200
        body = response.content.decode(errors="replace")
        if response.status_code == 200 and 'name="process_import"' in body:
            confirm = _confirm_fields(body)
            confirmed = client.post(_url(label, "process_import"), confirm)
            check(confirmed, before)


def _confirm_fields(body: str) -> dict:
    """The hidden fields of the import's confirm form (the file's stored name, its format, the resource)."""
    import re

    fields = {}
    form = re.search(r'<form[^>]*action="[^"]*process_import[^"]*".*?</form>', body, re.S)
    for tag in re.findall(r"<input[^>]*>", form.group(0) if form else ""):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name.group(1) != "csrfmiddlewaretoken":
            fields[name.group(1)] = value.group(1) if value else ""
    return fields
