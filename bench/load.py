"""Load run: 50 visitors browsing the public pages and 5 anchors writing through the site's forms, for 60 s.

Serves the portal as bench/pages.py does (gunicorn, production settings, the cache and the sessions on
Redis, here database 4) on the database bench/dashboard.py fills (1,000 organisations, 100,000 pledges,
300,000 targets, 500,000 updates), and runs, in threads of this process over http.client:

- **readers** (`--readers`, 50): visitors who are not signed in, each asking for one page after another
  with no pause: the home page, the dashboard (unfiltered, and with random filters), its JSON, the pledge
  list and its Next pages (the link followed from the page), a random public pledge, a random
  organisation, a lever, the community page, and, a small share, the pledge exports filtered by an
  organisation (`/pledges/export.csv?organisation=…`, the JSON the same way);
- **writers** (`--writers`, 5): anchor staff of five bench organisations, signed in by a session made
  directly in the database (no password, so django-axes and the rate limits are not involved), who in
  turn make a draft pledge (GET /pledges/new/, take the CSRF token, POST the form with one target, follow
  the redirect to /my/) and post progress on one of their published pledges (GET the form, POST a value,
  follow the redirect to the pledge), with `--think` seconds (1) between actions. Every progress post and
  every pledge saved renews the public figures' generation.

Phases, in one run of one server: the **ceiling** (`--ceiling-seconds`, 15: every reader on
/accessibility/, a template and nothing else), the readers **alone** (`--baseline-seconds`, 30), then
readers and writers **together** (`--seconds`, 60). Every phase stops itself at its deadline; a request
times out after 30 s. Afterwards every write the site acknowledged (a 302 to the right page) is looked
for in the database: each draft with its one target, each update with its one value.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_bench .venv/bin/python bench/load.py

Figures go to stdout and bench/results/load-<date>.json; bench/README.md records them.
"""

import argparse
import datetime
import html
import json
import os
import platform
import random
import re
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
from serving import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    ROOT,
    Client,
    environment,
    form_fields,
    hammer,
    prepare,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    summarise,
)

PORT = 8766
REDIS_URL = "redis://127.0.0.1:6379/4"
BENCH_USER = "bench-load-anchor-{}"
NEXT_LINK = re.compile(r'href="([^"]*)" rel="next"')

# The readers' mix: (name, weight). Exports are a small share, as they are for real.
READER_MIX = [
    ("home", 10),
    ("dashboard", 10),
    ("dashboard filtered", 10),
    ("dashboard data.json", 4),
    ("pledges", 10),
    ("pledge", 16),
    ("organisation", 12),
    ("lever", 6),
    ("community", 6),
    ("export.csv (one organisation)", 2),
    ("export.json (one organisation)", 1),
]


class Sample:
    """Ids, slugs and filters taken from the database, and the writers' sessions."""

    def __init__(self, writers: int, tag: str):
        from django.db.models import Count, Q
        from django.utils import timezone

        from dashboard.figures import start_date_range
        from dashboard.filters import financial_year_choices
        from pledges.models import Lever, Organisation, Pledge, PledgeStatus, Sector

        self.tag = tag
        public = Pledge.objects.public()
        self.pledge_ids = list(public.values_list("pk", flat=True))
        self.organisations = list(Organisation.objects.values_list("slug", flat=True))
        self.levers = list(Lever.objects.values_list("slug", flat=True))
        self.sectors = [value for value, _ in Sector.choices]
        dates = start_date_range(public)
        self.years = [value for value, _ in financial_year_choices(dates["first"], dates["last"], timezone.localdate())]
        today = timezone.localdate()
        # The writers' organisations: five with published pledges that accept progress today.
        postable = Q(pledges__status=PledgeStatus.PUBLISHED, pledges__start_date__lte=today)
        chosen = (
            Organisation.objects.annotate(n=Count("pledges", filter=postable)).filter(n__gte=5).order_by("pk")[:writers]
        )
        self.writers = []
        for number, organisation in enumerate(chosen, start=1):
            pledges = list(
                Pledge.objects.filter(organisation=organisation, status=PledgeStatus.PUBLISHED, start_date__lte=today)
                .filter(targets__isnull=False)
                .distinct()
                .values_list("pk", flat=True)[:20]
            )
            self.writers.append({"session": signed_in_session(number, organisation), "pledges": pledges})

    def reader_path(self, name: str, rng: random.Random) -> str:
        if name == "home":
            return "/"
        if name == "dashboard":
            return "/dashboard/"
        if name in ("dashboard filtered", "dashboard data.json"):
            # One filter, as the dashboard's own links set them, or a lever and a sector together.
            kind = rng.choice(["lever", "sector", "year", "lever+sector"])
            query = {}
            if "lever" in kind:
                query["lever"] = rng.choice(self.levers)
            if "sector" in kind:
                query["sector"] = rng.choice(self.sectors)
            if kind == "year":
                query["year"] = rng.choice(self.years)
            base = "/dashboard/" if name == "dashboard filtered" else "/dashboard/data.json"
            return base + "?" + "&".join(f"{key}={value}" for key, value in sorted(query.items()))
        if name == "pledges":
            return "/pledges/"
        if name == "pledge":
            return f"/pledges/{rng.choice(self.pledge_ids)}/"
        if name == "organisation":
            return f"/organisations/{rng.choice(self.organisations)}/"
        if name == "lever":
            return f"/levers/{rng.choice(self.levers)}/"
        if name == "community":
            return "/community/"
        if name.startswith("export.csv"):
            return f"/pledges/export.csv?organisation={rng.choice(self.organisations)}"
        if name.startswith("export.json"):
            return f"/pledges/export.json?organisation={rng.choice(self.organisations)}"
        raise ValueError(name)


def signed_in_session(number: int, organisation) -> str:
    """An anchor of `organisation` (made if missing) and a session signed in as them: the session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.utils.module_loading import import_string

    from pledges.models import Profile

    user, _ = User.objects.get_or_create(
        username=BENCH_USER.format(number), defaults={"email": f"bench{number}@example.org"}
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save()
    Profile.objects.update_or_create(user=user, defaults={"organisation": organisation})
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


class Recorder:
    """Every request: when, what, its status, how long, whether it was what the site should answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.events: list[tuple] = []  # (monotonic start, name, status, seconds, ok, detail)
        self.acknowledged = {"pledges": [], "progress": []}

    def add(self, name: str, response, ok: bool, started: float) -> None:
        detail = ""
        if not ok:
            detail = response.body[:3000].decode("utf-8", "replace") if isinstance(response.body, bytes) else ""
        with self.lock:
            self.events.append((started, name, response.status, response.seconds, ok, detail))

    def acknowledge(self, kind: str, value) -> None:
        with self.lock:
            self.acknowledged[kind].append(value)

    def table(self, since: float, until: float) -> dict:
        rows: dict[str, dict] = {}
        for started, name, status, seconds, ok, _ in self.events:
            if since <= started < until:
                row = rows.setdefault(name, {"latencies": [], "statuses": {}, "errors": 0})
                row["latencies"].append(seconds)
                row["statuses"][status] = row["statuses"].get(status, 0) + 1
                row["errors"] += not ok
        elapsed = until - since
        return {
            name: {**summarise(row["latencies"], row["statuses"], elapsed), "errors": row["errors"]}
            for name, row in sorted(rows.items())
        }


def get(client: Client, recorder: Recorder, name: str, path: str, expect=(200,)):
    started = time.monotonic()
    response = client.request("GET", path)
    recorder.add(name, response, response.status in expect, started)
    return response


def reader(
    port: int, sample: Sample, recorder: Recorder, deadline: float, seed: int, stop: threading.Event, think: float = 0
) -> None:
    rng = random.Random(seed)
    names = [name for name, _ in READER_MIX]
    weights = [weight for _, weight in READER_MIX]
    client = Client(port)
    while time.monotonic() < deadline and not stop.is_set():
        name = rng.choices(names, weights)[0]
        response = get(client, recorder, name, sample.reader_path(name, rng))
        if name == "pledges" and response.status == 200:
            # Next, one to three times, as the link on the page says.
            for _ in range(rng.randint(1, 3)):
                found = NEXT_LINK.search(response.body.decode("utf-8", "replace"))
                if not found or time.monotonic() >= deadline:
                    break
                response = get(client, recorder, "pledges, next page", "/pledges/" + html.unescape(found.group(1)))
                if response.status != 200:
                    break
        if think:
            stop.wait(rng.uniform(0, 2 * think))  # a person reading the page: `think` seconds on average
    client.close()


def writer(
    port: int, sample: Sample, number: int, recorder: Recorder, deadline: float, think: float, stop: threading.Event
) -> None:
    me = sample.writers[number]
    rng = random.Random(1000 + number)
    client = Client(port, cookies={"sessionid": me["session"]})
    turn = 0
    while time.monotonic() < deadline and not stop.is_set():
        turn += 1
        if turn % 2:
            make_pledge(client, recorder, sample.tag, number, turn)
        else:
            post_progress(client, recorder, sample.tag, number, turn, rng.choice(me["pledges"]), rng)
        stop.wait(think)
    client.close()


def _post(client: Client, recorder: Recorder, name: str, path: str, data: dict, redirect: str):
    started = time.monotonic()
    response = client.request("POST", path, data, referer=path)
    ok = response.status == 302 and re.fullmatch(redirect, response.location or "") is not None
    recorder.add(name, response, ok, started)
    return response, ok


def make_pledge(client: Client, recorder: Recorder, tag: str, number: int, turn: int) -> None:
    form = get(client, recorder, "write: pledge form", "/pledges/new/")
    if form.status != 200:
        return
    fields, options = form_fields(form.body, "/pledges/new/")
    title = f"Bench load {tag} writer {number} pledge {turn}"
    fields.update(
        {
            "lever": next(value for value in options["lever"] if value),
            "approach": "",
            "title": title,
            "commitment": "A draft made by bench/load.py through the site's form.",
            "start_date": "2026-04-01",
            "target_date": "2028-03-31",
            "public_contact": "bench@example.org",
            "targets-0-measure": next(value for value in options["targets-0-measure"] if value),
            "targets-0-baseline": "0",
            "targets-0-target_value": "100",
            "targets-0-target_date": "2028-03-31",
            "action": "draft",
        }
    )
    _, ok = _post(client, recorder, "write: pledge save", "/pledges/new/", fields, r"/my/")
    if ok:
        recorder.acknowledge("pledges", title)
        get(client, recorder, "write: /my/ after saving", "/my/")


def post_progress(client: Client, recorder: Recorder, tag: str, number: int, turn: int, pledge: int, rng) -> None:
    path = f"/pledges/{pledge}/progress/new/"
    form = get(client, recorder, "write: progress form", path)
    if form.status != 200:
        return
    fields, _ = form_fields(form.body, path)
    narrative = f"Bench load {tag} writer {number} update {turn}"
    value_name = next(name for name in fields if name.startswith("value_"))
    fields.update({value_name: str(rng.randint(1, 500)), "narrative": narrative, "rag": "green"})
    _, ok = _post(client, recorder, "write: progress post", path, fields, rf"/pledges/{pledge}/")
    if ok:
        recorder.acknowledge("progress", narrative)
        get(client, recorder, "write: pledge page after posting", f"/pledges/{pledge}/")


def run_mix(
    port: int,
    sample: Sample,
    recorder: Recorder,
    *,
    readers: int,
    writers: int,
    seconds: float,
    think: float,
    stop: threading.Event | None = None,
    reader_think: float = 0,
) -> tuple[float, float]:
    """Readers and writers for `seconds` (or until `stop`); returns the phase's (start, end) on the monotonic clock."""
    stop = stop or threading.Event()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=reader, args=(port, sample, recorder, deadline, index, stop, reader_think))
        for index in range(readers)
    ]
    threads += [
        threading.Thread(target=writer, args=(port, sample, index, recorder, deadline, think, stop))
        for index in range(min(writers, len(sample.writers)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return started, time.monotonic()


def check_writes(recorder: Recorder, tag: str) -> dict:
    """Every acknowledged write is in the database, whole; nothing of this run is there half-saved."""
    from pledges.models import Pledge, ProgressUpdate

    pledges = Pledge.objects.filter(title__startswith=f"Bench load {tag} ")
    updates = ProgressUpdate.objects.filter(narrative__startswith=f"Bench load {tag} ")
    saved_titles = set(pledges.values_list("title", flat=True))
    saved_narratives = set(updates.values_list("narrative", flat=True))
    return {
        "pledges_acknowledged": len(recorder.acknowledged["pledges"]),
        "pledges_saved": len(saved_titles),
        "pledges_acknowledged_missing": sorted(set(recorder.acknowledged["pledges"]) - saved_titles),
        "pledges_without_exactly_one_target": [
            p.title for p in pledges.prefetch_related("targets") if len(p.targets.all()) != 1
        ],
        "progress_acknowledged": len(recorder.acknowledged["progress"]),
        "progress_saved": len(saved_narratives),
        "progress_acknowledged_missing": sorted(set(recorder.acknowledged["progress"]) - saved_narratives),
        "progress_without_exactly_one_value": [
            u.narrative for u in updates.prefetch_related("values") if len(u.values.all()) != 1
        ],
    }


def error_examples(recorder: Recorder, limit: int = 5) -> list[dict]:
    examples = []
    for _started, name, status, seconds, ok, detail in recorder.events:
        if not ok and len(examples) < limit:
            examples.append({"name": name, "status": status, "seconds": round(seconds, 3), "body": detail[:500]})
    return examples


def print_table(title: str, table: dict, ceiling: dict | None = None) -> None:
    print(f"\n{title}")
    print(f"{'page':34} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>6} {'of ceiling':>10}")
    for name, row in table.items():
        share = ""
        if ceiling and row.get("mean_ms"):
            share = f"{ceiling['mean_ms'] / row['mean_ms']:.2f}"
        print(
            f"{name:34} {row['requests_per_second']:7.1f} {row.get('p50_ms', 0):7.1f} {row.get('p95_ms', 0):7.1f}"
            f" {row.get('p99_ms', 0):7.1f} {row['errors']:6d} {share:>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=30, help="readers alone before (0: skip)")
    parser.add_argument("--ceiling-seconds", type=float, default=15)
    parser.add_argument("--think", type=float, default=1.0, help="seconds each writer waits between actions")
    parser.add_argument("--reader-think", type=float, default=0, help="mean seconds a reader waits between pages (0)")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    env = environment(args.database_url, REDIS_URL)
    setup_django(env)
    from django.core.cache import cache

    cache.clear()  # Redis database 4: this script's own
    tag = uuid.uuid4().hex[:8]
    sample = Sample(args.writers, tag)
    load_at_start = os.getloadavg()
    prepare(env)
    server = start_gunicorn(env, port=PORT, workers=args.workers)
    recorder = Recorder()
    results = {}
    try:
        warm = Client(PORT)
        for name, _ in READER_MIX:  # the first request of each computes its figures, as after a restart
            warm.request("GET", sample.reader_path(name, random.Random(0)))
        warm.close()
        results["ceiling"] = hammer(PORT, "/accessibility/", args.readers, args.ceiling_seconds)
        print("ceiling", results["ceiling"], flush=True)
        if args.baseline_seconds:
            since, until = run_mix(
                PORT,
                sample,
                recorder,
                readers=args.readers,
                writers=0,
                seconds=args.baseline_seconds,
                think=args.think,
                reader_think=args.reader_think,
            )
            results["readers_alone"] = recorder.table(since, until)
            results["readers_alone_total"] = summarise_total(recorder, since, until)
        since, until = run_mix(
            PORT,
            sample,
            recorder,
            readers=args.readers,
            writers=args.writers,
            seconds=args.seconds,
            think=args.think,
            reader_think=args.reader_think,
        )
        results["with_writers"] = recorder.table(since, until)
        results["with_writers_total"] = summarise_total(recorder, since, until)
    finally:
        stop_gunicorn(server)
    results["writes"] = check_writes(recorder, tag)
    results["error_examples"] = error_examples(recorder)
    results["machine"] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
        "readers": args.readers,
        "writers": args.writers,
        "seconds": args.seconds,
        "reader_think": args.reader_think,
        "gunicorn_workers": args.workers,
        "tag": tag,
    }
    out = ROOT / "bench/results" / f"load-{datetime.date.today()}-{tag}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    ceiling = results["ceiling"]
    print(
        f"\nceiling /accessibility/: {ceiling['requests_per_second']} req/s, p50 {ceiling['p50_ms']} ms,"
        f" p95 {ceiling['p95_ms']} ms, errors {ceiling['errors']}"
    )
    if "readers_alone" in results:
        print_table("readers alone", results["readers_alone"], ceiling)
        print("total public:", results["readers_alone_total"])
    print_table("readers and writers", results["with_writers"], ceiling)
    print("total public:", results["with_writers_total"])
    print("writes:", json.dumps(results["writes"], indent=1))
    print("load average at start / end:", load_at_start, os.getloadavg())
    print(f"written to {out}")


def summarise_total(recorder: Recorder, since: float, until: float) -> dict:
    """All the readers' requests of a phase together (the writers' are apart)."""
    latencies, statuses, errors = [], {}, 0
    for started, name, status, seconds, ok, _ in recorder.events:
        if since <= started < until and not name.startswith("write:"):
            latencies.append(seconds)
            statuses[status] = statuses.get(status, 0) + 1
            errors += not ok
    return {**summarise(latencies, statuses, until - since), "errors": errors}


if __name__ == "__main__":
    main()
