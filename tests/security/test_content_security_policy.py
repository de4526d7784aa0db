"""Content-Security-Policy: every page sends it without 'unsafe-inline', and no page needs it.

Every HTML page of the URL walk (tests/security/url_walk.py: the site as anonymous, an anchor and the
secretariat, the whole admin as the secretariat) must carry the policy of settings.CONTENT_SECURITY_POLICY,
and its HTML must hold nothing that policy refuses: no style="" attribute, no <style> element, no inline
<script> (without a src) lacking a nonce, no on…="" event handler and no javascript: link. So does the
admin's import preview, a form sent back with errors, and the rate-limit and lockout pages.
tests/browser/test_csp.py checks in Chromium that the pages raise no violation.
"""

import re
from html.parser import HTMLParser

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile

from .url_walk import fill, sign_in, url_patterns


class InlineFinder(HTMLParser):
    """Lists what in a page the policy refuses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        line = self.getpos()[0]
        if "style" in names:
            self.problems.append(f"line {line}: <{tag} style={names['style']!r}>")
        self.problems += [f"line {line}: <{tag} {name}=…> event handler" for name in names if name.startswith("on")]
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "script" and not names.get("src") and not names.get("nonce") and _runs(names.get("type")):
            self.problems.append(f"line {line}: inline <script> without a nonce")
        for name in ("href", "src", "action", "formaction"):
            if (names.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"line {line}: <{tag} {name}=javascript:…>")


# A <script> of another type (a data block, such as the API docs page's JSON settings) never runs, so the
# policy has nothing to refuse in it (HTML's "data block"; CSP governs only scripts that execute).
JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript"}


def _runs(script_type: str | None) -> bool:
    return (script_type or "").strip().lower() in JAVASCRIPT_TYPES


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def policy_problems(response) -> list[str]:
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    problems = []
    if not policy:
        problems.append("no Content-Security-Policy header")
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append(f"the policy allows unsafe sources: {policy}")
    for directive in ("default-src", "script-src", "style-src", "object-src", "frame-ancestors", "base-uri"):
        if directive not in directives:
            problems.append(f"the policy has no {directive}")
    return problems


def page_problems(response) -> list[str]:
    return policy_problems(response) + inline_problems(response.content.decode())


def test_the_checker_finds_what_the_policy_refuses():
    assert inline_problems(
        '<p style="width: 5%">x</p><script>alert(1)</script><a onclick="f()" href="javascript:f()">'
    ) == [
        "line 1: <p style='width: 5%'>",
        "line 1: inline <script> without a nonce",
        "line 1: <a onclick=…> event handler",
        "line 1: <a href=javascript:…>",
    ]
    assert (
        inline_problems('<script src="/static/js/a.js"></script><script nonce="abc">x()</script><p>style="x"</p>') == []
    )
    assert inline_problems('<script type="application/json" id="settings">{"a": 1}</script>') == []
    assert inline_problems('<script type="module">x()</script><script type="text/javascript">y()</script>') == [
        "line 1: inline <script> without a nonce",
        "line 1: inline <script> without a nonce",
    ]


def _html_pages(client, world, *, admin: bool):
    for pattern in url_patterns():
        if pattern.is_admin != admin:
            continue
        url = fill(pattern, world)
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            yield url, response


@pytest.mark.parametrize("role", ["anonymous", "anchor", "secretariat"])
def test_every_site_page_keeps_to_the_policy(client, world, role):
    sign_in(client, role, world)
    checked, problems = 0, []
    for url, response in _html_pages(client, world, admin=False):
        checked += 1
        problems += [f"{url}: {problem}" for problem in page_problems(response)]
    assert checked > 15
    assert problems == []


def test_every_admin_page_keeps_to_the_policy(client, world):
    sign_in(client, "secretariat", world)
    checked, problems, seen = 0, [], set()
    for url, response in _html_pages(client, world, admin=True):
        checked += 1
        seen |= {kind for kind in ("/change/", "/import/", "/export/", "/history/", "/review/") if url.endswith(kind)}
        problems += [f"{url}: {problem}" for problem in page_problems(response)]
    assert checked > 150 and seen == {"/change/", "/import/", "/export/", "/history/", "/review/"}
    assert problems == []


def test_the_admin_import_preview_keeps_to_the_policy(client, world):
    sign_in(client, "secretariat", world)
    data = tablib.Dataset(("Ann Example", "ann@example.org", "", "Officer"))
    data.headers = ["name", "email", "organisation", "job_title"]
    response = client.post(
        "/admin/learning_community/person/import/",
        {"import_file": SimpleUploadedFile("people.csv", data.export("csv").encode()), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200 and "process_import" in response.content.decode()
    assert page_problems(response) == []


def test_a_form_with_errors_keeps_to_the_policy(client, world):
    sign_in(client, "anchor", world)
    response = client.post("/pledges/new/", {"title": ""})
    assert response.status_code == 200 and "error" in response.content.decode().lower()
    assert page_problems(response) == []


def test_the_lockout_and_rate_limit_pages_keep_to_the_policy(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert locked.status_code == 429 and page_problems(locked) == []
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": (1, 3600)}
    client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    limited = client.post("/accounts/password_reset/", {"email": "alice@example.org"})
    assert limited.status_code == 429 and page_problems(limited) == []


def test_the_policy_is_sent_on_redirects_and_downloads_too(client, world):
    for url in ("/spend/export.csv", "/pledges/export.json", "/my/"):
        assert not policy_problems(client.get(url)), url
    assert re.search(r"frame-ancestors 'none'", client.get("/").get("Content-Security-Policy"))
