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
import json
import os
import platform
import sys
import threading
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
from serving import ROOT, environment, hammer, prepare, setup_django, start_gunicorn, stop_gunicorn  # noqa: E402

PORT = 8765
REDIS_URL = "redis://127.0.0.1:6379/3"


def sample_paths(database_url: str) -> list[tuple[str, str]]:
    """The pages to measure, with ids and slugs taken from the database."""
    setup_django(environment(database_url, REDIS_URL))
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
        # The read API's pledges, first page and the same depth (the same keyset order and cursor).
        ("api pledges", "/api/v1/pledges?limit=25"),
        ("api pledges, deep page", f"/api/v1/pledges?limit=25&cursor={deep}"),
    ]


def renew_generation_forever(stop: threading.Event) -> None:
    """What every public write does to the cache, once a second (pledges.cache._new_generation)."""
    from pledges.cache import _new_generation

    while not stop.wait(1.0):
        _new_generation()


def load(path: str, clients: int, seconds: float) -> dict:
    return hammer(PORT, path, clients, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1/essex_bench")
    )
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
    env = environment(args.database_url, REDIS_URL)
    prepare(env)
    server = start_gunicorn(env, port=PORT, workers=args.workers)
    results = {"pages": {}, "while_writing": {}}
    try:
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
        stop_gunicorn(server)
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
    print(
        f"\n{'page':22} {'req/s':>7} {'share':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>6}   while writing: req/s p95"
    )
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
