"""Benchmark of the public dashboard at the size of every anchor in England.

Fills a PostgreSQL database with 1,000 organisations, 100,000 pledges, 300,000 targets and 500,000
progress updates, then times /dashboard/ through Django's test client (median of 20 requests, with
the figures' cache emptied before each request, and with it warm), and the same aggregates run as
one raw SQL query. Results go to stdout and bench/results/dashboard-<date>.json; bench/README.md
records them.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_bench .venv/bin/python bench/dashboard.py

It drops and recreates the database named in DATABASE_URL (never the one in settings' default).
--reuse keeps an already-filled database and only times. Not part of `make test`.
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/essex_bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "essex_anchors.settings"
# Production settings (DEBUG off), as the portal runs: a throwaway key, the test client's host name.
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
# The default cache on disk, in a directory of its own.
os.environ.setdefault("CACHE_LOCATION", tempfile.mkdtemp(prefix="essex-bench-cache-"))
# WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at")

ORGANISATIONS = 1_000
PLEDGES = 100_000
TARGETS_PER_PLEDGE = 3
UPDATES = 500_000
REQUESTS = 20
STATUS_WEIGHTS = {
    "published": 55,
    "achieved": 10,
    "not_achieved": 5,
    "withdrawn": 5,
    "draft": 15,
    "submitted": 5,
    "returned": 5,
}
PUBLIC = ("published", "achieved", "not_achieved", "withdrawn")


def recreate_database(url: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if name in ("essex_anchors", "postgres", "template0", "template1"):
        raise SystemExit(f"Refusing to drop the database {name!r}: name a benchmark database in DATABASE_URL.")
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or "postgres",
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        password=config["PASSWORD"] or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def copy_cell(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_into(model, rows, *, batch: int = 100_000) -> int:
    """COPY dict rows into the model's table; columns not given take the field's default.

    Every concrete field is written, so a field added to a model later still gets its default.
    """
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    fields = model._meta.concrete_fields
    columns = ", ".join(f'"{field.column}"' for field in fields)
    defaults = {}
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        else:
            defaults[field.attname] = field.get_default()
    count = 0
    buffer = io.StringIO()

    def flush():
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN', buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        values = [row.get(field.attname, defaults[field.attname]) for field in fields]
        buffer.write("\t".join(copy_cell(value) for value in values) + "\n")
        count += 1
        if count % batch == 0:
            flush()
    flush()
    return count


def fill() -> dict:
    """Migrate, load the seed's reference data, then COPY in the generated network."""
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from pledges.models import Lever, Measure, Organisation, Pledge, ProgressUpdate, Sector, Target, TargetProgress

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    rng = random.Random(2024)
    sectors = [value for value, _ in Sector.choices]
    existing = Organisation.objects.count()
    copy_into(
        Organisation,
        (
            {
                "id": 10_000 + index,
                "name": f"Bench Anchor {index:04d}",
                "short_name": f"Anchor {index:04d}",
                "slug": f"bench-anchor-{index:04d}",
                "sector": sectors[index % len(sectors)],
                "active": True,
            }
            for index in range(ORGANISATIONS - existing)
        ),
    )
    organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
    levers = list(Lever.objects.values_list("pk", flat=True))
    measures = {lever: list(Measure.objects.filter(lever=lever).values_list("pk", flat=True)) for lever in levers}
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=PLEDGES)
    first_start = datetime.date(2022, 4, 1)
    now = timezone.now()
    pledges = []
    for index in range(PLEDGES):
        start = first_start + datetime.timedelta(days=rng.randrange(6 * 365))
        pledges.append(
            {
                "id": index + 1,
                "organisation_id": rng.choice(organisation_ids),
                "lever_id": rng.choice(levers),
                "title": f"Benchmark pledge {index + 1}",
                "commitment": "We will make every pound we spend do more for local people.",
                "start_date": start,
                "target_date": start + datetime.timedelta(days=730),
                "status": statuses[index],
                "public_contact": "contact@example.org",
                "published_at": now if statuses[index] in PUBLIC else None,
            }
        )
    copy_into(Pledge, pledges)
    targets = []
    for pledge in pledges:
        for _ in range(TARGETS_PER_PLEDGE):
            baseline = rng.randrange(0, 1000)
            change = rng.randrange(10, 1000)
            # About one target in six is a reduction (tonnes CO2e, waste to landfill).
            target_value = (
                baseline - min(change, baseline) if rng.random() < 0.16 and baseline > 10 else baseline + change
            )
            targets.append(
                {
                    "id": len(targets) + 1,
                    "pledge_id": pledge["id"],
                    "measure_id": rng.choice(measures[pledge["lever_id"]]),
                    "baseline": Decimal(baseline),
                    "target_value": Decimal(target_value),
                    "target_date": pledge["target_date"],
                }
            )
    copy_into(Target, targets)
    public = [pledge for pledge in pledges if pledge["status"] in PUBLIC]
    updates, values = [], []
    for index in range(UPDATES):
        pledge = rng.choice(public)
        day = pledge["start_date"] + datetime.timedelta(days=rng.randrange(0, 900))
        updates.append(
            {
                "id": index + 1,
                "pledge_id": pledge["id"],
                "date": day,
                "narrative": "Work is under way with local partners.",
                "rag": rng.choice(["green", "amber", "red", ""]),
                "evidence": "self_reported",
            }
        )
        target = targets[(pledge["id"] - 1) * TARGETS_PER_PLEDGE + rng.randrange(TARGETS_PER_PLEDGE)]
        span = target["target_value"] - target["baseline"]
        values.append(
            {
                "id": index + 1,
                "update_id": index + 1,
                "target_id": target["id"],
                "value": target["baseline"] + span * Decimal(rng.randrange(0, 121)) / 100,
            }
        )
    copy_into(ProgressUpdate, updates)
    copy_into(TargetProgress, values)
    with connection.cursor() as cursor:
        # What services.progress_post keeps on each target: the value of its newest update, and what backs it.
        cursor.execute(
            """
            UPDATE pledges_target t SET latest_value = x.value, latest_on = x.date, latest_evidence = x.evidence
            FROM (
                SELECT DISTINCT ON (tp.target_id) tp.target_id, tp.value, u.date, u.evidence
                FROM pledges_targetprogress tp JOIN pledges_progressupdate u ON u.id = tp.update_id
                ORDER BY tp.target_id, u.date DESC, u.id DESC
            ) x
            WHERE x.target_id = t.id
            """
        )
        # And on each pledge: the date of its newest update (Pledge.refresh_newest_update).
        cursor.execute(
            """
            UPDATE pledges_pledge p SET newest_update_on = x.newest
            FROM (SELECT pledge_id, max(date) AS newest FROM pledges_progressupdate GROUP BY pledge_id) x
            WHERE x.pledge_id = p.id
            """
        )
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [Organisation, Pledge, Target, ProgressUpdate, TargetProgress]
        ):
            cursor.execute(sql)
        cursor.execute("ANALYZE")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "organisations": Organisation.objects.count(),
        "pledges": Pledge.objects.count(),
        "public_pledges": Pledge.objects.public().count(),
        "targets": Target.objects.count(),
        "progress_updates": ProgressUpdate.objects.count(),
    }


# The dashboard's aggregates for all public pledges, as one statement: what a hand-tuned page would run.
RAW_SQL = """
WITH p AS MATERIALIZED (
    SELECT p.id, p.status, p.lever_id, p.organisation_id, p.start_date, o.sector
    FROM pledges_pledge p JOIN pledges_organisation o ON o.id = p.organisation_id
    WHERE p.status IN ('published', 'achieved', 'not_achieved', 'withdrawn')
),
t AS (
    SELECT p.lever_id,
           count(*) AS targets,
           count(*) FILTER (WHERE t.latest_value IS NOT NULL AND (
               (t.target_value > t.baseline AND t.latest_value >= t.target_value)
               OR (t.target_value < t.baseline AND t.latest_value <= t.target_value))) AS met,
           count(*) FILTER (WHERE t.latest_value IS NOT NULL) AS with_progress,
           sum(CASE
               WHEN t.latest_value IS NULL OR t.target_value = t.baseline THEN 0
               ELSE greatest(0, least(100, (t.latest_value - t.baseline)::float8 * 100
                                           / (t.target_value - t.baseline)::float8))
           END) AS share_sum
    FROM pledges_target t JOIN p ON p.id = t.pledge_id
    GROUP BY p.lever_id
)
SELECT json_build_object(
    'years', (SELECT json_build_array(min(start_date), max(start_date)) FROM p),
    'by_status', (SELECT json_object_agg(status, n) FROM (SELECT status, count(*) AS n FROM p GROUP BY status) s),
    'by_lever', (SELECT json_object_agg(lever_id, n) FROM (SELECT lever_id, count(*) AS n FROM p GROUP BY lever_id) s),
    'by_sector', (SELECT json_object_agg(sector, n) FROM (SELECT sector, count(*) AS n FROM p GROUP BY sector) s),
    'by_organisation', (
        SELECT json_agg(json_build_array(o.slug, o.name, o.sector, s.n))
        FROM (SELECT organisation_id, count(*) AS n FROM p GROUP BY organisation_id) s
        JOIN pledges_organisation o ON o.id = s.organisation_id
    ),
    'targets', (SELECT json_agg(t) FROM t),
    'recent_updates', (
        SELECT json_agg(r) FROM (
            SELECT u.id, u.date, u.rag, u.narrative, pl.title, o.name
            FROM pledges_progressupdate u
            JOIN pledges_pledge pl ON pl.id = u.pledge_id
            JOIN pledges_organisation o ON o.id = pl.organisation_id
            WHERE pl.status IN ('published', 'achieved', 'not_achieved', 'withdrawn')
            ORDER BY u.date DESC, u.id DESC LIMIT 8
        ) r
    )
)
"""

# For comparison: the per-lever target aggregate without the latest value kept on each target,
# finding each target's latest progress among the updates instead.
RAW_SQL_LATEST_FROM_UPDATES = """
WITH latest AS (
    SELECT DISTINCT ON (tp.target_id) tp.target_id, tp.value
    FROM pledges_targetprogress tp JOIN pledges_progressupdate u ON u.id = tp.update_id
    ORDER BY tp.target_id, u.date DESC, u.id DESC
)
SELECT p.lever_id, count(*), count(latest.value)
FROM pledges_target t
JOIN pledges_pledge p ON p.id = t.pledge_id AND p.status IN ('published', 'achieved', 'not_achieved', 'withdrawn')
LEFT JOIN latest ON latest.target_id = t.id
GROUP BY p.lever_id
"""


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(times), 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
    }


def measure() -> dict:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def raw(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    results = {}
    # No collectstatic here: serve static names unhashed, as outside production.
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        get("/dashboard/")  # warm-up: imports, template loading, the connection
        for name, url in [
            ("dashboard", "/dashboard/"),
            ("dashboard_filtered", "/dashboard/?lever=employer&sector=local_government&year=2025"),
            ("data_json", "/dashboard/data.json"),
        ]:

            def cold(url=url):
                cache.clear()
                started = time.perf_counter()
                get(url)
                return (time.perf_counter() - started) * 1000

            results[f"{name}_cold"] = summary([cold() for _ in range(REQUESTS)])
            get(url)
            results[f"{name}_warm"] = summary(timed(lambda url=url: get(url), REQUESTS))
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            get("/dashboard/")
        results["dashboard_cold_queries"] = len(queries.captured_queries)
        results["dashboard_cold_query_ms"] = sorted(
            ((round(float(query["time"]) * 1000, 1), query["sql"][:90]) for query in queries.captured_queries),
            reverse=True,
        )
    raw(RAW_SQL)
    results["raw_sql"] = summary(timed(lambda: raw(RAW_SQL), REQUESTS))
    raw(RAW_SQL_LATEST_FROM_UPDATES)
    results["raw_sql_latest_from_updates"] = summary(timed(lambda: raw(RAW_SQL_LATEST_FROM_UPDATES), 5))
    raw_figures = raw(RAW_SQL)[0][0]
    cache.clear()
    with override_settings(STORAGES=storages):
        page = get("/dashboard/data.json").json()["figures"]
    raw_targets = raw_figures["targets"]
    # The two ways must agree, or the comparison means nothing.
    assert sum(row["targets"] for row in raw_targets) == page["targets"]
    assert sum(row["met"] for row in raw_targets) == page["targets_met"]
    assert sum(raw_figures["by_status"].values()) == page["pledges"]
    assert len(raw_figures["by_organisation"]) == page["anchors"]
    results["ratio_cold_to_raw"] = round(results["dashboard_cold"]["median_ms"] / results["raw_sql"]["median_ms"], 2)
    results["ratio_warm_to_raw"] = round(results["dashboard_warm"]["median_ms"] / results["raw_sql"]["median_ms"], 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep an already-filled database; only time")
    arguments = parser.parse_args()
    if not arguments.reuse:
        recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.db import connection

    report = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
    }
    if arguments.reuse:
        report["fill"] = "reused"
    else:
        report["fill"] = fill()
        print("filled:", json.dumps(report["fill"]), flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        report["postgresql"] = cursor.fetchone()[0]
    report.update(measure())
    print(json.dumps(report, indent=2, default=str))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"dashboard-{report['date']}.json").write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
