"""What every fuzz example checks: no server error, and nothing saved unless the request was accepted.

Each example runs in its own savepoint, rolled back at its end, so examples do not see each other's rows
and a shrunk example is run against the same database as the first.
"""

import contextlib
import re
from urllib.parse import quote, urlsplit

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from hypothesis import settings

from tests.admin_pages import page_forms

# Rows a refused request writes on purpose: the session of a sign-in, django-axes' record of a failed one,
# the API's log of each use of a token (refusals included).
WRITTEN_ON_REFUSAL = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "api.apitokenuse",
}

# Markers the text strategies put in fields: a page that shows them must show them escaped.
SCRIPT = "<script>fuzz()</script>"
ATTRIBUTE = '"><img src=x onerror=fuzz()>'

ACCEPTED = {201, 301, 302, 303}
REFUSED = {200, 400, 403, 404, 405, 409, 413, 422, 429}


def fuzz_settings(**changes) -> settings:
    """The suite's hypothesis profile (tests/fuzz/conftest.py), with `changes`."""
    return settings(settings.get_profile("fuzz"), **changes)


def signed_in(user=None) -> Client:
    """A test client that answers a server error with the 500 page, as a browser would see it, instead of raising."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _tables() -> list[tuple[str, str]]:
    models = apps.get_models(include_auto_created=True)
    return sorted(
        (model._meta.label_lower, model._meta.db_table)
        for model in models
        if model._meta.label_lower not in WRITTEN_ON_REFUSAL and not model._meta.proxy and model._meta.managed
    )


def row_counts() -> dict[str, int]:
    """The number of rows of every table of the project (history tables included), in one query."""
    tables = _tables()
    quote_name = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote_name(table)})" for _label, table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        counts = cursor.fetchone()
    return {label: count for (label, _table), count in zip(tables, counts, strict=True)}


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {label: (before[label], after[label]) for label in before if before[label] != after[label]}


@contextlib.contextmanager
def example():
    """One example in a savepoint that is rolled back, however it ends (a server error may break the transaction)."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def check(response, before: dict[str, int], *, rows=None, rows_before=None) -> bool:
    """Fail on a server error; when the request was refused, fail if any table gained or lost a row (or `rows`,
    a callable giving the edited rows' values, changed). Returns whether the request was accepted."""
    status = response.status_code
    assert status < 500, f"server error {status}"
    assert status in ACCEPTED | REFUSED, f"unexpected status {status}"
    if status in ACCEPTED:
        return True
    assert changed(before, row_counts()) == {}, f"refused ({status}) yet rows were saved or deleted"
    if rows is not None:
        assert rows() == rows_before, f"refused ({status}) yet the edited rows changed"
    return False


def assert_escaped(response) -> None:
    """A page that shows typed text shows the markers escaped, never as markup."""
    body = response.content.decode(errors="replace")
    assert SCRIPT not in body and ATTRIBUTE not in body


def follow(client, response):
    """Fetch where an accepted request sent the person; it must show (200) and show typed text escaped."""
    location = response.headers.get("Location")
    if not location:
        return None
    page = client.get(urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else ""))
    assert page.status_code == 200, f"{location} answered {page.status_code} after an accepted post"
    assert_escaped(page)
    return page


def urlencoded(data: dict) -> bytes:
    """A form body as a browser would send it, built by hand so that a value may be any bytes or text, even a
    lone surrogate (sent as the invalid UTF-8 a careless client would write)."""
    parts = []
    for name, values in data.items():
        for value in values if isinstance(values, list | tuple) else [values]:
            raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
            parts.append(f"{quote(name)}={quote(raw)}")
    return "&".join(parts).encode()


def post_form(client, url: str, data: dict):
    return client.post(url, urlencoded(data), content_type="application/x-www-form-urlencoded")


def multipart_safe(data: dict) -> dict:
    """Form values the test client can write into a multipart body (it encodes text as UTF-8, strictly)."""
    safe = {}
    for name, value in data.items():
        if isinstance(value, str):
            value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        elif isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        safe[name] = value
    return safe


def page_form(response, *, having: str) -> tuple[dict, set[str]]:
    """The POST form of a page that has a field named `having`: ({name: value or [values]} as a browser would send
    it, without the CSRF token; every field name in it, file inputs included)."""
    for form in page_forms(response):
        if form["method"] == "post" and having in form["names"]:
            data: dict = {}
            for name, value in form["fields"]:
                if name != "csrfmiddlewaretoken":
                    data.setdefault(name, []).append(value)
            data = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
            return data, form["names"] - {"csrfmiddlewaretoken"}
    raise AssertionError(f"no POST form with a field {having!r} on the page")


def form_error_shown(response) -> bool:
    """Whether a re-rendered form says what is wrong (the site's error summary or the admin's error note)."""
    body = response.content.decode(errors="replace")
    return bool(re.search(r"error-summary|errornote|invalid-feedback|errorlist|alert-danger", body))
