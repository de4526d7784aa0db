"""`make serve`'s stack serves for real: gunicorn with production settings, static files from WhiteNoise,
the security headers, and /healthz, on a migrated database (README: Running in production)."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    """gunicorn on a free port, production settings, a fresh SQLite database; stopped after the test."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",  # no TLS proxy in front of it here
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        CACHE_LOCATION=str(tmp_path / "cache"),
    )
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = subprocess.run([sys.executable, "manage.py", *step], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "essex_anchors.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/accessibility/", timeout=10)
            break
        except OSError:  # not listening yet (refused), or still booting (timed out)
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)


def test_it_serves_pages_static_files_and_health_under_gunicorn(served):
    page = urllib.request.urlopen(served + "/", timeout=10)
    assert page.status == 200
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "Essex Anchors" in page.read().decode()

    static = urllib.request.urlopen(served + "/static/js/focus_on_load.js", timeout=10)
    assert static.status == 200
    assert "max-age" in static.headers["Cache-Control"] or static.headers["Last-Modified"]

    health = urllib.request.urlopen(served + "/healthz", timeout=10)
    assert health.status == 200
    assert b'"status": "ok"' in health.read().replace(b'":"', b'": "')


def test_it_shows_the_not_found_page_not_a_traceback(served):
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(served + "/no-such-page/", timeout=10)
    assert missing.value.code == 404
    assert "Traceback" not in missing.value.read().decode()
