"""Benchmark of the public pages under concurrent readers, and while the figures are renewed every second.

Serves the portal with gunicorn (production settings, Redis cache, 4 workers by default) on the
database the dashboard benchmark fills (bench/dashboard.py: 1,000 organisations, 100,000 pledges),
then for each page runs `--clients` concurrent keep-alive clients for `--seconds` and records
requests/s, p50, p95 and p99 and the errors. The ceiling is measured in the same run: /accessibility/,
a template and nothing else. Then the same pages again while a writer renews the public figures'
generation once a second, which is what each progress post, publication or admin save does to the
cache (pledges.cache): the stampede case.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_bench .venv/bin/python bench/dashboard.py  # fill once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_bench .venv/bin/python bench/pages.py

Results go to stdout and bench/results/pages-<date>.json; bench/README.md records them. Not part of
`make test`. The clients run in this process (threads over http.client); they use a part of the same two
cores, which is why the ceiling is measured the same way in the same run.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8765
REDIS_URL = "redis://127.0.0.1:6379/3"


def environment(database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "essex_anchors.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": "benchmark-only-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "REDIS_URL": REDIS_URL,
    }


def sample_paths(database_url: str) -> list[tuple[str, str]]:
    """The pages to measure, with ids and slugs taken from the database."""
    os.environ.update(environment(database_url))
    import django

    django.setup()
    from pledges.models import Lever, Organisation, Pledge

    busiest = Organisation.objects.order_by("-pk").first()
    lever = Lever.objects.order_by("order").first()
    pledge = Pledge.objects.public().order_by("pk")[499]
    from essex_anchors.lib.keyset import _cursor

    # A cursor to the last page but one, as a visitor who clicked "Next" 3,000 times would hold.
    ordering = Pledge._meta.ordering
    position = Pledge.objects.public().count() - 30
    deep_row = Pledge.objects.public().order_by(*ordering)[position - 1]
    deep = _cursor(deep_row, [name.lstrip("-") for name in ordering], "after", position)
    return [
        ("ceiling", "/accessibility/"),
        ("home", "/"),
        ("organisation", f"/organisations/{busiest.slug}/"),
        ("community", "/community/"),
        ("pledge", f"/pledges/{pledge.pk}/"),
        ("dashboard", "/dashboard/"),
        ("dashboard filtered", f"/dashboard/?lever={lever.slug}&sector=local_government"),
        ("lever", f"/levers/{lever.slug}/"),
        ("pledges", "/pledges/"),
        ("pledges, deep page", f"/pledges/?cursor={deep}"),
    ]


def renew_generation_forever(stop: threading.Event) -> None:
    """What every public write does to the cache, once a second (pledges.cache._new_generation)."""
    from pledges.cache import _new_generation

    while not stop.wait(1.0):
        _new_generation()


def load(path: str, clients: int, seconds: float) -> dict:
    latencies, errors, statuses = [], [0], {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = "error"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            mine.append(time.perf_counter() - start)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status != 200:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    def percentile(share):
        return round(latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000, 1)

    return {
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": percentile(0.95),
        "p99_ms": percentile(0.99),
        "errors": errors[0],
        "statuses": {str(key): value for key, value in statuses.items()},
    }


def wait_until_up() -> None:
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/accessibility/", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1/essex_bench"))
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="names of the pages to measure (default: all)")
    args = parser.parse_args()
    paths = sample_paths(args.database_url)
    if args.only:
        paths = [page for page in paths if page[0] in args.only or page[0] == "ceiling"]
    from django.core.cache import cache

    cache.clear()
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=environment(args.database_url), check=True)
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "essex_anchors.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment(args.database_url),
    )
    results = {"pages": {}, "while_writing": {}}
    try:
        wait_until_up()
        for _name, path in paths:  # one request each first: the first computes the figures, as after a restart
            load(path, 1, 0.01)
        for name, path in paths:
            results["pages"][name] = {"path": path, **load(path, args.clients, args.seconds)}
            print(name, results["pages"][name], flush=True)
        stop = threading.Event()
        writer = threading.Thread(target=renew_generation_forever, args=(stop,), daemon=True)
        writer.start()
        for name, path in paths:
            results["while_writing"][name] = {"path": path, **load(path, args.clients, args.seconds)}
            print("while writing:", name, results["while_writing"][name], flush=True)
        stop.set()
    finally:
        server.terminate()
        server.wait(timeout=30)
    ceiling = results["pages"]["ceiling"]["requests_per_second"]
    for table in ("pages", "while_writing"):
        for row in results[table].values():
            row["share_of_ceiling"] = round(row["requests_per_second"] / ceiling, 2)
    results["machine"] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "clients": args.clients,
        "seconds_per_page": args.seconds,
        "gunicorn_workers": args.workers,
    }
    out = ROOT / "bench/results" / f"pages-{datetime.date.today()}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\n{'page':22} {'req/s':>7} {'share':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>6}   while writing: req/s p95")
    for name, row in results["pages"].items():
        busy = results["while_writing"][name]
        print(
            f"{name:22} {row['requests_per_second']:7.1f} {row['share_of_ceiling']:6.2f} {row['p50_ms']:8.1f}"
            f" {row['p95_ms']:8.1f} {row['p99_ms']:8.1f} {row['errors']:6d}   {busy['requests_per_second']:7.1f}"
            f" {busy['p95_ms']:8.1f}"
        )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
