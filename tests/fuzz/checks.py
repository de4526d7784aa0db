"""What every fuzz example checks: no server error, and nothing saved unless the request was accepted.

Each example runs in its own savepoint, rolled back at its end, so examples do not see each other's rows
and a shrunk example is run against the same database as the first.
"""

import contextlib
import re
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from hypothesis import settings

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


class _Forms(HTMLParser):
    """Each <form>'s method, action and the fields a browser would send with it (as tests/admin_pages.py reads one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.current = [], None
        self._select, self._selected, self._first, self._textarea, self._text = None, [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "id": attrs.get("id") or "",
                "fields": [],
                "names": set(),
            }
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = attrs.get("name")
        if name and tag in ("input", "select", "textarea"):
            self.current["names"].add(name)
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.current["fields"].append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, [], None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = attrs.get("value", "")
            if "selected" in attrs:
                self._selected.append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select" and self._select is not None:
            chosen = self._selected or ([] if self._multiple or self._first is None else [self._first])
            self.current["fields"] += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.current["fields"].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def page_form(response, *, having: str) -> tuple[dict, set[str]]:
    """The POST form of a page that has a field named `having`: ({name: value or [values]} as a browser would send
    it, without the CSRF token; every field name in it, file inputs included)."""
    reader = _Forms()
    reader.feed(response.content.decode())
    for form in reader.forms:
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
