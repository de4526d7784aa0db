"""Production settings: `check --deploy` is clean, cookies and headers are locked down, errors reveal nothing.

This module is also the URLconf of the error-page test: the portal's URLs plus one view that fails.
"""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import include, path

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent


def _boom(request):
    raise RuntimeError("SECRET-INTERNAL-DETAIL in the traceback")


urlpatterns = [path("boom/", _boom), path("", include("essex_anchors.urls"))]
handler404 = "essex_anchors.views.page_not_found"
handler500 = "essex_anchors.views.server_error"


def _production(*args):
    """manage.py with the production environment of the brief: 50 random characters of secret key."""
    key = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(50))
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a production server never has it.
    dropped = ("DEBUG", "SECRET_KEY", "DJANGO_ENV", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_ENV="production", DEBUG="False", SECRET_KEY=key, ALLOWED_HOSTS="x")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_it_passes_check_deploy_at_warning_level():
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_locks_down_cookies_and_transport_in_production():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.X_FRAME_OPTIONS, s.ALLOWED_HOSTS)"
    )
    result = _production("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True True True True True DENY ['x']"


def test_it_sends_hsts_a_strict_csp_and_the_other_headers_in_production():
    code = (
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='x');"
        "print(r['Content-Type'], '|', r['Strict-Transport-Security'], '|', r['Content-Security-Policy'], '|',"
        " r['X-Frame-Options'], '|', r['Referrer-Policy'])"
    )
    result = _production("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    # /healthz renders no template, so no collected static files are needed (its status is the database's).
    content_type, hsts, csp, frames, referrer = result.stdout.strip().splitlines()[-1].split(" | ")
    assert content_type == "application/json"
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert (frames, referrer) == ("DENY", "same-origin")


def test_it_marks_both_cookies_secure_and_http_only_in_production():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY)"
    )
    result = _production("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "True True True True", result.stderr


def test_it_sends_the_security_headers_on_every_page(client, reference_data):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_marks_the_session_cookie_http_only(client, member):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"


@pytest.mark.urls("tests.security.test_production_settings")
def test_it_shows_a_plain_error_page_without_details(client, reference_data):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "<h1>Sorry, there is a problem with the service</h1>" in body
    assert "SECRET-INTERNAL-DETAIL" not in body and "Traceback" not in body


def test_it_shows_a_plain_not_found_page(client, reference_data):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode() and "urlpatterns" not in response.content.decode()


def test_it_reports_the_database_without_details(client, db):
    response = client.get("/healthz")
    assert (response.json()["status"], response.json()["database"]) == ("ok", "ok")


def test_it_keeps_the_cache_and_sessions_on_redis_when_redis_url_is_set(tmp_path):
    """With REDIS_URL (this machine runs Redis on 127.0.0.1:6379), the settings use it for real."""
    code = (
        "from django.conf import settings as s; from django.core.cache import cache;"
        "from django.contrib.sessions.backends.cached_db import SessionStore;"
        "cache.set('redis-check', 'kept', 30); session = SessionStore(); session['who'] = 'alice'; session.save();"
        "print(s.CACHES['default']['BACKEND'], s.SESSION_ENGINE, cache.get('redis-check'),"
        " cache.get(session.cache_key)['who'])"
    )
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(REDIS_URL="redis://127.0.0.1:6379/15", DATABASE_URL=f"sqlite:///{tmp_path / 'check.sqlite3'}")

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )

    assert manage("migrate", "-v0").returncode == 0
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    # The session is in Redis itself, not only in the database.
    assert result.stdout.split()[-4:] == [
        "essex_anchors.lib.cache.ResilientRedisCache",
        "django.contrib.sessions.backends.cached_db",
        "kept",
        "alice",
    ]
