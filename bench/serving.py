"""What the HTTP benchmarks share: the portal served by gunicorn as in production, and the clients.

bench/pages.py, bench/load.py and bench/faults.py all serve the portal the same way: gunicorn on
127.0.0.1 with production settings (DEBUG off, a throwaway key, plain HTTP on loopback), the database
bench/dashboard.py fills, and the cache and sessions on Redis. Their clients are threads in the
script over http.client (keep-alive when the server allows it), each with its own cookies.
"""

import http.client
import http.cookies
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
# First, before bench/ itself: bench/dashboard.py must not hide the dashboard app.
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/essex_bench"
TIMEOUT = 30


def environment(database_url: str, redis_url: str, **extra: str) -> dict:
    """The environment the server (and the script's own Django, for setting up) runs with."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "essex_anchors.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only-key-" + "x" * 40,
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "REDIS_URL": redis_url,
        **extra,
    }


def setup_django(env: dict) -> None:
    """Django in this process, with the server's settings (to read ids, make users and sessions)."""
    os.environ.update(env)
    import django

    django.setup()


def prepare(env: dict) -> None:
    """migrate and collectstatic, as `make serve` does before it starts gunicorn."""
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def start_gunicorn(env: dict, *, port: int, workers: int = 4, extra_args: tuple = ()) -> subprocess.Popen:
    # Another server on the port would answer for this one (gunicorn retries its bind for a while).
    probe = socket.socket()
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: TIME_WAIT is no obstacle
    try:
        probe.bind((HOST, port))
    except OSError:
        raise SystemExit(f"port {port} is in use: another benchmark's server?") from None
    finally:
        probe.close()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "essex_anchors.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
    )
    wait_until_up(port)
    return server


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def gunicorn_workers(server: subprocess.Popen) -> list[int]:
    """The pids of the master's worker processes."""
    out = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def wait_until_up(port: int, path: str = "/accessibility/", seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", path, headers={"Host": HOST})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


class Response:
    __slots__ = ("status", "headers", "body", "seconds")

    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """One visitor: a keep-alive connection and a cookie jar. A failed connection counts as status "error"."""

    def __init__(self, port: int, cookies: dict | None = None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.connection = None

    def _connect(self):
        self.connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)

    def request(self, method: str, path: str, data: dict | None = None, *, referer: str = "") -> Response:
        if self.connection is None:
            self._connect()
        # With the port, as a browser sends it: Django's CSRF check compares the Origin with it.
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        if referer:
            headers["Referer"] = f"http://{HOST}:{self.port}{referer}"
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
            result = Response(response.status, {k.lower(): v for k, v in response.getheaders()}, content, 0.0)
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    jar = http.cookies.SimpleCookie()
                    jar.load(value)
                    for name, morsel in jar.items():
                        if morsel["max-age"] == "0" or morsel.value == "":
                            self.cookies.pop(name, None)
                        else:
                            self.cookies[name] = morsel.value
            if response.getheader("connection", "").lower() == "close":
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            result = Response("error", {}, repr(error).encode(), 0.0)
        result.seconds = time.perf_counter() - start
        return result

    def close(self):
        if self.connection is not None:
            self.connection.close()
        self.connection = None


class FormFields(HTMLParser):
    """The fields of a page's <form method="post"> that posts to `action` (or to the page itself), as a browser
    would send them unchanged; and the options of each <select>."""

    def __init__(self, action: str):
        super().__init__()
        self.action = action
        self.fields: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = {}
        self.in_form = self.done = False
        self.select = None
        self.select_chosen = False
        self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.in_form = (attrs.get("action") or "") in ("", self.action)
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select, self.select_chosen = name, False
            self.options[name] = []
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            self.options[self.select].append(value)
            if "selected" in attrs and not self.select_chosen:
                self.fields.append((self.select, value))
                self.select_chosen = True
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data):
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            if not self.select_chosen:
                options = self.options[self.select]
                self.fields.append((self.select, options[0] if options else ""))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.lstrip("\n")))
            self.textarea = None
        elif tag == "form" and self.in_form:
            self.in_form, self.done = False, True


def form_fields(html: bytes, action: str) -> tuple[dict, dict]:
    """(the fields, the options of each select) of the page's form that posts to `action`."""
    parser = FormFields(action)
    parser.feed(html.decode("utf-8", "replace"))
    return dict(parser.fields), parser.options


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def summarise(latencies: list[float], statuses: dict, elapsed: float) -> dict:
    """Requests/s, p50 / p95 / p99 in ms, and the errors (anything the caller did not expect)."""
    latencies = sorted(latencies)
    if not latencies:
        return {"requests": 0, "requests_per_second": 0.0, "statuses": statuses}
    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(latencies[-1] * 1000, 1),
        "statuses": {str(key): value for key, value in statuses.items()},
    }


def hammer(port: int, path: str, clients: int, seconds: float) -> dict:
    """`clients` keep-alive clients asking for one page as fast as they can for `seconds`; non-200s are errors."""
    latencies, statuses = [], {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        visitor = Client(port)
        mine, counts = [], {}
        while time.monotonic() < deadline:
            response = visitor.request("GET", path)
            mine.append(response.seconds)
            counts[response.status] = counts.get(response.status, 0) + 1
        visitor.close()
        with lock:
            latencies.extend(mine)
            for status, count in counts.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = summarise(latencies, statuses, time.perf_counter() - started)
    result["errors"] = sum(count for status, count in statuses.items() if status != 200)
    return result
