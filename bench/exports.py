"""Benchmark of the open data exports at the dashboard benchmark's size, against a PostgreSQL COPY of the same rows.

Fills (or, with --reuse, keeps) the database of bench/dashboard.py: 1,000 organisations, 100,000 pledges (75 %
public), 300,000 targets and 500,000 progress updates, so about 225,000 public target rows. Then, in one run,
times (median of --runs, default 3):

- **COPY**: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)` of the same rows and columns (pledges joined to
  their organisation, lever, approach, targets and measures, with the latest update's date and RAG), read to the
  end through psycopg2, as the floor any export could reach;
- **CSV**: `/pledges/export.csv` through Django's test client, its streamed body read to the end;
- **JSON**: `/pledges/export.json`, the same way;

and writes the ratios CSV : COPY and JSON : COPY (the goal is within 5×). It checks the CSV has one row per
public target (plus pledges with none), and that its cells are formula-safe.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_api_bench .venv/bin/python bench/exports.py          # fill, then time
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/essex_api_bench .venv/bin/python bench/exports.py --reuse  # time only

It drops and recreates the database named in DATABASE_URL (never the one in settings' default). Results go to
stdout and bench/results/exports-<date>.json; bench/README.md records them. Not part of `make test`.
"""

import argparse
import csv
import datetime
import io
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dashboard import fill, recreate_database  # noqa: E402 (sets the environment up first)

COPY_SQL = """
COPY (
    SELECT p.id, p.title, p.commitment, o.name, o.slug, o.sector, l.name, a.name, p.status, p.start_date,
           p.target_date, p.published_at::date, p.public_contact,
           (SELECT u.date FROM pledges_progressupdate u WHERE u.pledge_id = p.id ORDER BY u.date DESC, u.id DESC LIMIT 1),
           (SELECT u.rag FROM pledges_progressupdate u WHERE u.pledge_id = p.id ORDER BY u.date DESC, u.id DESC LIMIT 1),
           t.id, COALESCE(m.name, t.custom_measure), COALESCE(m.unit, t.custom_unit), t.baseline, t.target_value,
           t.target_date, t.latest_value, t.latest_on
    FROM pledges_pledge p
    JOIN pledges_organisation o ON o.id = p.organisation_id
    JOIN pledges_lever l ON l.id = p.lever_id
    LEFT JOIN pledges_approach a ON a.id = p.approach_id
    LEFT JOIN pledges_target t ON t.pledge_id = p.id
    LEFT JOIN pledges_measure m ON m.id = t.measure_id
    WHERE p.status IN ('published', 'achieved', 'not_achieved', 'withdrawn')
    ORDER BY p.id, t.id
) TO STDOUT WITH (FORMAT csv, HEADER)
"""


class Counter(io.RawIOBase):
    """A sink that counts what is written to it (the COPY's output), keeping nothing."""

    def __init__(self):
        self.bytes = 0
        self.lines = 0

    def writable(self):
        return True

    def write(self, data):
        self.bytes += len(data)
        self.lines += bytes(data).count(b"\n")
        return len(data)


def time_copy() -> tuple[float, int, int]:
    from django.db import connection

    sink = Counter()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(COPY_SQL, sink)
    return time.perf_counter() - started, sink.lines, sink.bytes


def time_export(client, url: str, keep: bool = False) -> tuple[float, int, bytes]:
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200 and response.streaming, url
    size, kept = 0, []
    for chunk in response.streaming_content:
        size += len(chunk)
        if keep:
            kept.append(chunk)
    return time.perf_counter() - started, size, b"".join(kept)


def median(values):
    return round(statistics.median(values), 3)


def measure(runs: int) -> dict:
    from django.test import Client

    from pledges.models import Pledge, Target

    client = Client()
    public_targets = Target.objects.filter(pledge__in=Pledge.objects.public()).count()
    without_targets = Pledge.objects.public().filter(targets__isnull=True).count()
    copy_times, csv_times, json_times = [], [], []
    copy_lines = copy_bytes = csv_bytes = json_bytes = 0
    csv_body = b""
    for run in range(runs):
        seconds, copy_lines, copy_bytes = time_copy()
        copy_times.append(seconds)
        seconds, csv_bytes, body = time_export(client, "/pledges/export.csv", keep=run == 0)
        csv_times.append(seconds)
        csv_body = body or csv_body
        seconds, json_bytes, _ = time_export(client, "/pledges/export.json")
        json_times.append(seconds)
        print(
            f"run {run + 1}: COPY {copy_times[-1]:.2f} s, CSV {csv_times[-1]:.2f} s, JSON {json_times[-1]:.2f} s",
            flush=True,
        )
    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert len(rows) - 1 == public_targets + without_targets == copy_lines - 1, (len(rows), public_targets, copy_lines)
    assert not any(cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)
    result = {
        "rows": public_targets + without_targets,
        "copy_seconds": median(copy_times),
        "csv_seconds": median(csv_times),
        "json_seconds": median(json_times),
        "copy_mb": round(copy_bytes / 1e6, 1),
        "csv_mb": round(csv_bytes / 1e6, 1),
        "json_mb": round(json_bytes / 1e6, 1),
        "all_runs": {"copy": copy_times, "csv": csv_times, "json": json_times},
    }
    result["csv_to_copy"] = round(result["csv_seconds"] / result["copy_seconds"], 2)
    result["json_to_copy"] = round(result["json_seconds"] / result["copy_seconds"], 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep an already-filled database; only time")
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    if not arguments.reuse:
        recreate_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.db import connection

    report = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "load_average": os.getloadavg(),
    }
    report["fill"] = "reused" if arguments.reuse else fill()
    print("fill:", json.dumps(report["fill"]), flush=True)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        report["postgresql"] = cursor.fetchone()[0]
    report.update(measure(arguments.runs))
    print(json.dumps(report, indent=2, default=str))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"exports-{report['date']}.json").write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
