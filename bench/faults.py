"""Faults under load: a gunicorn worker killed, PostgreSQL restarted, Redis stopped, the spend import killed.

Serves the portal as bench/load.py does (gunicorn, production settings, Redis database 4, the database
bench/dashboard.py fills), with persistent database connections as the README recommends for production
(`DB_CONN_MAX_AGE`, `--conn-max-age` 60; 0 to try without), and runs bench/load.py's readers and writers
(`--readers` 20, `--writers` 5) throughout each scenario. Each scenario: `--before` seconds (10) of load,
the fault, the load until the service is back and `--after` seconds (15) more; then:

- **worker**: SIGKILL the gunicorn worker that is streaming the full `/pledges/export.csv` to the script
  (found from the connection with `ss`, so it is certainly mid-request); back when the master has its
  workers again;
- **postgres**: `pg_ctlcluster 15 main restart`; back when `pg_isready` says so;
- **database**: the bench database alone cut off for `--pg-down` seconds (5): `ALTER DATABASE … WITH
  ALLOW_CONNECTIONS false` and its connections ended (`pg_terminate_backend`), then allowed again; what a
  restart does to the portal, without stopping the server everyone shares;
- **redis**: `redis-cli shutdown nosave`, `--redis-down` seconds (10) without it, then started again the
  way it runs here (`redis-server --daemonize yes …`, from /var/lib/redis); back at `redis-cli ping`.
  With `--private-redis PORT` the script starts a Redis of its own the same way on that port, serves the
  portal on it, and stops that one instead (nobody else is affected, so it does not wait);
- **import**: in a scratch database (`essex_load_spend`, made afresh), import a payments file
  (bench/spend_import.py's generator; `--small-rows`), then start `manage.py import_spend` on a large one
  (`--large-rows`), SIGKILL it while it loads, and check the first file's lines and baseline are as they
  were, nothing of the second is left but its file marked as running (the page calls it stalled after
  30 minutes), and that another import then runs to the end with no manual step.

For every request it records the status and, for a 5xx, the body, checked for the portal's error page and
for any sign of a traceback; a failed connection (a killed worker's clients) is "error". It measures how
long after the service was back the last failure came. Afterwards every write acknowledged with a 302 is
looked for in the database (and no draft of the run lacks its target, no update its value).

Stopping the machine's PostgreSQL or Redis (`postgres`, `redis`) affects everyone: the script refuses to unless
`pgrep -af "pytest|make test|bench/"` shows only itself (it waits, polling every 60 s, up to `--wait`
minutes), and brings each back at once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_bench .venv/bin/python bench/faults.py
    .venv/bin/python bench/faults.py --only worker database import
    .venv/bin/python bench/faults.py --only redis --private-redis 6391 --port 8769

Figures go to stdout and bench/results/faults-<date>.json; bench/README.md records what they say.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent))
import load  # noqa: E402
from serving import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    ROOT,
    environment,
    gunicorn_workers,
    prepare,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
)

PORT = 8767
SPEND_URL = "postgres://postgres@127.0.0.1:5432/essex_load_spend"
ERROR_PAGE = "Sorry, there is a problem with the service"
LEAKS = ("Traceback", 'File "/', "psycopg2", "redis.exceptions", "OperationalError", "django/")
REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1 -::1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
    "--logfile",
    "/var/log/redis/ci.log",
    "--pidfile",
    "/var/run/redis.pid",
]


def others_running() -> list[str]:
    out = subprocess.run(["pgrep", "-af", "pytest|make test|bench/"], capture_output=True, text=True).stdout
    mine, pid = set(), os.getpid()
    while pid > 1:  # this script and every process above it (the shell that started it)
        mine.add(pid)
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return [line for line in out.splitlines() if line and int(line.split()[0]) not in mine and "pgrep" not in line]


def wait_for_quiet(minutes: float) -> None:
    deadline = time.monotonic() + minutes * 60
    while True:
        others = others_running()
        if not others:
            return
        if time.monotonic() > deadline:
            raise SystemExit("others are still running tests or benchmarks:\n" + "\n".join(others))
        print(f"waiting for others to finish ({len(others)} processes): {others[0][:100]}", flush=True)
        time.sleep(60)


def until(check, seconds: float = 120, step: float = 0.1) -> float:
    """Poll check() until it is true; the monotonic time it was first true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return time.monotonic()
        time.sleep(step)
    raise SystemExit(f"gave up waiting for {check.__name__}")


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0


# The Redis the fault stops: the machine's own (6379), or with --private-redis one this script starts on
# another port the same way, which stops nobody else's tests.
REDIS_PORT = [6379]


def redis_start_command() -> tuple[list[str], str]:
    """The command that starts the Redis on REDIS_PORT as this machine starts its own, and its directory."""
    port = REDIS_PORT[0]
    if port == 6379:
        return REDIS_START, "/var/lib/redis"
    results = ROOT / "bench/results"
    results.mkdir(exist_ok=True)
    command = [*REDIS_START]
    for flag, value in (
        ("--port", str(port)),
        ("--logfile", str(results / f"redis-{port}.log")),
        ("--pidfile", str(results / f"redis-{port}.pid")),
    ):
        command[command.index(flag) + 1] = value
    return command, str(results)


def redis_ready() -> bool:
    result = subprocess.run(["redis-cli", "-p", str(REDIS_PORT[0]), "ping"], capture_output=True, text=True)
    return result.stdout.strip() == "PONG"


def analyse(recorder: load.Recorder, fault_at: float, back_at: float, since: float, stop_at: float) -> dict:
    """What users got from the fault on: failures, what the 5xx pages said, when requests succeeded again."""
    failures = [e for e in recorder.events if e[0] >= since and not e[4]]
    statuses: dict[str, int] = {}
    plain, leaking, other_bodies = 0, 0, []
    for _started, name, status, _seconds, _ok, body in failures:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        if isinstance(status, int) and status >= 500:
            if any(leak in body for leak in LEAKS):
                leaking += 1
            if ERROR_PAGE in body:
                plain += 1
            elif len(other_bodies) < 3:
                other_bodies.append({"name": name, "status": status, "body": body[:300]})
    after = [e for e in recorder.events if e[0] >= since]
    last_failure_end = max((e[0] + e[3] for e in failures), default=None)
    during = [e for e in after if fault_at <= e[0] < back_at]
    recovered = [e for e in after if e[0] >= (last_failure_end or back_at)]
    return {
        "requests": len(after),
        "requests_while_down": len(during),
        "ok_while_down": sum(1 for e in during if e[4]),
        "failures": len(failures),
        "failure_statuses": statuses,
        "error_pages_5xx_plain": plain,
        "error_pages_5xx_leaking_detail": leaking,
        "other_5xx_bodies": other_bodies,
        "failures_by_page": _count(f[1] for f in failures),
        "seconds_down": round(back_at - fault_at, 2),
        "last_failure_seconds_after_back": None if last_failure_end is None else round(last_failure_end - back_at, 2),
        "requests_ok_after_last_failure": sum(1 for e in recovered if e[4]),
        "p95_ms_before": _p95([e for e in recorder.events if since - 10 <= e[0] < fault_at]),
        "p95_ms_while_down": _p95(during),
        "p95_ms_after": _p95([e for e in after if e[0] >= back_at + 2 and e[0] < stop_at]),
    }


def _count(names) -> dict:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts


def _p95(events) -> float | None:
    times = sorted(e[3] for e in events)
    return round(times[min(len(times) - 1, int(0.95 * len(times)))] * 1000, 1) if times else None


def under_load(args, sample, server_holder, fault) -> dict:
    """Run the mix, call fault() after --before seconds; it returns (fault_at, back_at)."""
    recorder = load.Recorder()
    stop = threading.Event()
    mix = threading.Thread(
        target=load.run_mix,
        args=(PORT, sample, recorder),
        kwargs={"readers": args.readers, "writers": args.writers, "seconds": 600, "think": 1.0, "stop": stop},
    )
    since = time.monotonic()
    mix.start()
    try:
        time.sleep(args.before)
        fault_at, back_at, notes = fault()
        time.sleep(args.after)
    finally:
        stop.set()
        mix.join()
    stop_at = time.monotonic()
    result = analyse(recorder, fault_at, back_at, fault_at, stop_at)
    result["notes"] = notes
    result["writes"] = load.check_writes(recorder, sample.tag)
    result["p95_ms_before"] = _p95([e for e in recorder.events if since <= e[0] < fault_at])
    return result


def worker_serving(client_port: int) -> int | None:
    """The pid of the gunicorn worker holding the connection from our local port `client_port`."""
    out = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{PORT} and dport = :{client_port} )"],
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"pid=(\d+)", out)
    return int(found.group(1)) if found else None


def kill_worker(server_holder, recorder_events: list):
    """SIGKILL the worker that is streaming the full pledge export to us (so certainly mid-request)."""

    def fault():
        server = server_holder[0]
        workers = gunicorn_workers(server)
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection.request("GET", "/pledges/export.csv", headers={"Host": f"127.0.0.1:{PORT}"})
        local_port = connection.sock.getsockname()[1]
        response = connection.getresponse()
        first = response.read(65536)  # the download has started
        victim = worker_serving(local_port)
        fault_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        try:
            rest = response.read()
            outcome = f"download ended after {len(first) + len(rest):,} bytes without an error"
        except (OSError, http.client.HTTPException) as error:
            outcome = f"download broken off after at least {len(first):,} bytes: {error!r}"
        connection.close()

        def respawned():
            now = gunicorn_workers(server)
            return victim not in now and len(now) == len(workers)

        back_at = until(respawned)
        return fault_at, back_at, {"killed_pid": victim, "status": response.status, "the_killed_request": outcome}

    return fault


def restart_postgres(args):
    def fault():
        wait_for_quiet(args.wait)
        fault_at = time.monotonic()
        result = subprocess.run(["pg_ctlcluster", "15", "main", "restart"], capture_output=True, text=True)
        back_at = until(pg_ready)
        return (
            fault_at,
            back_at,
            {"command": "pg_ctlcluster 15 main restart", "rc": result.returncode, "stderr": result.stderr[-300:]},
        )

    return fault


def cut_off_database(args):
    """The bench database alone goes away for --pg-down seconds, as in a restart, without stopping the server
    everyone shares: its connections are ended and new ones refused, then allowed again."""
    import dj_database_url
    import psycopg2

    name = dj_database_url.parse(args.database_url)["NAME"]

    def fault():
        admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
        admin.autocommit = True
        with admin.cursor() as cursor:
            fault_at = time.monotonic()
            cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s", [name])
            ended = cursor.fetchone()[0]
            try:
                time.sleep(args.pg_down)
            finally:
                cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            back_at = time.monotonic()
        admin.close()
        return fault_at, back_at, {"connections_ended": ended, "refused_for_seconds": args.pg_down}

    return fault


def stop_redis(args):
    def fault():
        if REDIS_PORT[0] == 6379:
            wait_for_quiet(args.wait)
        fault_at = time.monotonic()
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT[0]), "shutdown", "nosave"], capture_output=True)
        try:
            until(lambda: not redis_ready(), 10)
            down_at = time.monotonic()
            time.sleep(args.redis_down)
        finally:
            command, directory = redis_start_command()
            started = subprocess.run(command, cwd=directory, capture_output=True, text=True)
            back_at = until(redis_ready, 30)
        return fault_at, back_at, {"down_for_seconds": round(back_at - down_at, 1), "restart_rc": started.returncode}

    return fault


def import_fault(args) -> dict:
    """Import a file, kill the import of a second mid-way, check nothing changed, import again."""
    import spend_import

    scratch = Path(tempfile.mkdtemp(prefix="essex-faults-spend-"))
    env = {**os.environ, **environment(SPEND_URL, "")}
    env.pop("REDIS_URL")
    env.update(
        MEDIA_ROOT=str(scratch / "media"),
        CACHE_LOCATION=str(scratch / "cache"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    spend_import.recreate_database(SPEND_URL)
    for command in (["migrate", "--noinput", "-v0"], ["load_reference_data", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    organisation = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from pledges.models import Organisation; print(Organisation.objects.order_by('pk').first().slug)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    small, large = scratch / "small.csv", scratch / "large.csv"
    spend_import.generate_csv(small, args.small_rows)
    spend_import.generate_csv(large, args.large_rows, seed=7)

    def run_import(path, **kwargs):
        return subprocess.Popen(
            [sys.executable, "manage.py", "import_spend", str(path), "--organisation", organisation, "--year", "2023"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            **kwargs,
        )

    def state() -> dict:
        code = (
            "import json; from spend.models import SpendFile, SpendLine, Baseline, Supplier;"
            "print(json.dumps({'files': [[f.pk, f.status, f.stage, f.lines.count()] for f in SpendFile.objects.order_by('pk')],"
            "'lines': SpendLine.objects.count(), 'suppliers': Supplier.objects.count(),"
            "'baselines': [[b.spend_file_id, b.status, b.lines, str(b.total), str(b.local), str(b.sme), str(b.vcse)]"
            " for b in Baseline.objects.order_by('pk')]}))"
        )
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return json.loads(out.strip().splitlines()[-1])

    first = run_import(small)
    first_out = first.communicate()[0]
    before = state()
    victim = run_import(large)
    seen, started = [], time.monotonic()
    for line in victim.stdout:
        seen.append(line.rstrip())
        if "Saving the payments" in line:
            time.sleep(args.kill_after)
            break
    killed_at = time.monotonic() - started
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    after_kill = state()
    again = run_import(small)
    again_started = time.monotonic()
    again_out = again.communicate()[0]
    again_seconds = time.monotonic() - again_started
    after_again = state()
    spend_import.recreate_database(SPEND_URL, drop_only=True)
    old_file = before["files"][0][0]
    return {
        "organisation": organisation,
        "small_rows": args.small_rows,
        "large_rows": args.large_rows,
        "first_import_tail": first_out.strip().splitlines()[-2:],
        "before_kill": before,
        "killed_after_seconds": round(killed_at, 1),
        "killed_during": seen[-1] if seen else "",
        "after_kill": after_kill,
        "old_lines_intact": [f for f in after_kill["files"] if f[0] == old_file]
        == [f for f in before["files"] if f[0] == old_file],
        "baselines_intact": after_kill["baselines"] == before["baselines"],
        "lines_of_killed_import": sum(f[3] for f in after_kill["files"] if f[0] != old_file),
        "suppliers_unchanged": after_kill["suppliers"] == before["suppliers"],
        "next_import_seconds": round(again_seconds, 1),
        "next_import_tail": again_out.strip().splitlines()[-2:],
        "after_next_import": after_again,
    }


def main() -> None:
    global PORT
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--only", nargs="*", default=["worker", "postgres", "redis", "import"])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--conn-max-age", default="60")
    parser.add_argument("--before", type=float, default=10)
    parser.add_argument("--after", type=float, default=15)
    parser.add_argument("--pg-down", type=float, default=5, help="seconds the database refuses connections")
    parser.add_argument("--redis-down", type=float, default=10)
    parser.add_argument(
        "--private-redis", type=int, default=0, metavar="PORT", help="start and stop a Redis of this script's own"
    )
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--wait", type=float, default=30, help="minutes to wait for others' tests to finish")
    parser.add_argument("--small-rows", type=int, default=50_000)
    parser.add_argument("--large-rows", type=int, default=1_000_000)
    parser.add_argument("--kill-after", type=float, default=1.0, help="seconds into loading to kill the import")
    args = parser.parse_args()
    PORT = args.port

    results = {
        "machine": {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "load_average_at_start": os.getloadavg(),
            "conn_max_age": args.conn_max_age,
            "readers": args.readers,
            "writers": args.writers,
        }
    }
    web = [name for name in args.only if name != "import"]
    if web:
        redis_url = load.REDIS_URL
        if args.private_redis:
            REDIS_PORT[0] = args.private_redis
            command, directory = redis_start_command()
            subprocess.run(command, cwd=directory, check=True)
            until(redis_ready, 10)
            redis_url = f"redis://127.0.0.1:{args.private_redis}/4"
        env = environment(args.database_url, redis_url, DB_CONN_MAX_AGE=args.conn_max_age)
        setup_django(env)
        from django.core.cache import cache

        cache.clear()
        sample = load.Sample(args.writers, uuid.uuid4().hex[:8])
        from django.db import connections

        connections.close_all()  # this process's own connection would not survive a restart either
        prepare(env)
        holder = [start_gunicorn(env, port=PORT, workers=args.workers)]
        try:
            for name in web:
                if name == "postgres" or (name == "redis" and not args.private_redis):
                    wait_for_quiet(args.wait)  # before the load starts, so it does not run while waiting
                fault = {
                    "worker": lambda: kill_worker(holder, []),
                    "postgres": lambda: restart_postgres(args),
                    "database": lambda: cut_off_database(args),
                    "redis": lambda: stop_redis(args),
                }[name]()
                print(f"scenario {name}…", flush=True)
                results[name] = under_load(args, sample, holder, fault)
                connections.close_all()
                print(name, json.dumps(results[name], indent=1, default=str), flush=True)
        finally:
            stop_gunicorn(holder[0])
            if not pg_ready() or not redis_ready():
                print("WARNING: a service is not back:", pg_ready(), redis_ready(), flush=True)
            if args.private_redis:
                subprocess.run(["redis-cli", "-p", str(args.private_redis), "shutdown", "nosave"], capture_output=True)
    if "import" in args.only:
        print("scenario import…", flush=True)
        results["import"] = import_fault(args)
        print("import", json.dumps(results["import"], indent=1, default=str), flush=True)
    results["machine"]["load_average_at_end"] = os.getloadavg()
    out = ROOT / "bench/results" / f"faults-{datetime.date.today()}-{int(time.time())}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
