"""Benchmark of the spend import at the size of a large council's year of payments.

Generates a "spending over £500" CSV file of --rows rows (default 1,000,000; fixed seed, so the same
file every time), makes a scratch database, migrates it and loads the reference data, then times in
turn, --repeat times each (alternating, median taken):

- a bare COPY of the same file into a table of text columns (PostgreSQL only): the floor for
  getting these bytes into the database, with nothing parsed, checked or matched;
- the full import, spend.services.spend_file_import: read, check every row, match suppliers, load
  the lines with COPY, compute the baseline. Each run imports the file again for the same
  organisation and year, so from the second run on it replaces the previous run's lines and
  supersedes its baseline (the real re-upload path); the first run also creates the suppliers.

Each is run in a child process of its own (a fresh interpreter), so its peak RSS is its own; the
import's stage timings come from its progress callback, and finer steps from timers put around the
import's functions in that child only. Results go to stdout and bench/results/; bench/README.md
records them.

    .venv/bin/python bench/spend_import.py                          # PostgreSQL, 1,000,000 rows
    .venv/bin/python bench/spend_import.py --rows 100000 --repeat 3
    .venv/bin/python bench/spend_import.py --database sqlite        # the import alone, on SQLite
    .venv/bin/python bench/spend_import.py --recompute              # recompute 1,000 anchors x 3 years of baselines

With --recompute it measures instead the secretariat's recompute of every baseline after a register
change (fill_network, time_group_by, time_recompute below; bench/README.md, "Recompute").

The PostgreSQL database (--database-url, default essex_bench_spend on 127.0.0.1) is dropped and
created anew, and dropped again at the end unless --keep. Not part of `make test`.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/essex_bench_spend"
ORGANISATION = "essex-county-council"
YEAR = 2023  # 1 April 2023 to 31 March 2024
SUPPLIERS = 20_000
SEED = 2023
HEADER = [
    "Supplier Name",
    "Supplier Postcode",
    "Payment Date",
    "Amount",
    "Service Area",
    "Expense Type",
    "Transaction Number",
]
COPY_TABLE = "bench_spend_copy"
STAGES = ["reading", "checking", "loading", "baseline"]


def set_environment(database_url: str, media_root: str) -> None:
    """Production settings (DEBUG off), as the task worker runs: inherited by the child processes."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "essex_anchors.settings"
    os.environ["DEBUG"] = "False"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-key-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    os.environ["MEDIA_ROOT"] = media_root  # uploads go to its sibling private-media/, in the temp dir
    os.environ.setdefault("CACHE_LOCATION", str(Path(media_root).parent / "cache"))


# --- The file ---------------------------------------------------------------------------------

_WORDS = (
    "Abbey Acorn Alder Anglia Apex Arden Ash Aspen Atlas Avon Badger Barley Beacon Beech Birch Blackwater "
    "Blue Bourne Bramble Brent Bridge Bright Brook Burnham Canvey Castle Cedar Chalk Chelmer Clacton Clear "
    "Coastal Colne Compass Copper Corner Crest Crown Dale Dawn Dengie Delta Eagle East Elm Epping Falcon "
    "Fen Fern Field Forest Fox Frinton Garden Gateway Golden Granite Green Grove Halstead Harbour Harlow "
    "Harwich Hawk Hazel Heath Heron Highland Holly Horizon Hunter Iron Ivy Juniper Kestrel Kings Lake "
    "Landmark Lark Laurel Lea Leigh Lime Linden Lion Maldon Manor Maple Marsh Meadow Mersea Mill Moor "
    "North Oak Orchard Orwell Osprey Otter Oxford Park Peak Pine Pioneer Plover Prime Quay Rayleigh Raven "
    "Redwood Ridge River Robin Rochford Rose Rowan Saffron Sand Saxon Severn Silver Skylark Southend "
    "Spring Stanway Star Stone Stort Summit Swan Thames Thorn Tiptree Tower Trinity Valley Vale Vista "
    "Walton Water Wessex West Willow Witham Wood Wren Writtle"
).split()
_TRADES = (
    "Building Care Catering Cleaning Construction Consulting Contractors Decorating Design Education "
    "Electrical Engineering Environmental Facilities Fencing Flooring Foods Glazing Grounds Healthcare "
    "Highways Homecare Hygiene IT Joinery Landscapes Laundry Legal Lighting Logistics Media Mechanical "
    "Office Packaging Paving Plant Plumbing Print Property Recruitment Roofing Safety Scaffolding Security "
    "Signs Software Surveying Systems Tarmac Taxis Telecom Timber Training Transport Travel Tree Tyres "
    "Vehicles Waste Water Windows Workwear"
).split()
_FORMS = ["Services", "Solutions", "Group", "Supplies", "Associates", "Partnership", "& Co", "& Sons", "UK", ""]
_LEGAL = ["Ltd", "Ltd", "Ltd", "Limited", "Limited", "PLC", "LLP", "", "", "CIC", "Trust"]
_SERVICE_AREAS = [
    "Adult Social Care",
    "Children and Families",
    "Education",
    "Highways",
    "Waste and Recycling",
    "Public Health",
    "Corporate Services",
    "Economic Growth",
    "Libraries",
    "Property and Facilities",
    "ICT",
    "Finance",
    "Legal Services",
    "Passenger Transport",
    "Climate Action",
]
_EXPENSE_TYPES = [
    "Residential Care",
    "Nursing Care",
    "Home Care",
    "Supported Living",
    "Day Care",
    "Respite Care",
    "Foster Care Agency",
    "School Transport",
    "Highways Maintenance",
    "Street Lighting",
    "Grounds Maintenance",
    "Building Repairs",
    "Cleaning",
    "Catering",
    "Electricity",
    "Gas",
    "Water Charges",
    "Rents",
    "Business Rates",
    "Software Licences",
    "Hardware",
    "Telephones",
    "Consultancy",
    "Legal Fees",
    "Agency Staff",
    "Training",
    "Printing and Stationery",
    "Vehicle Hire",
    "Fuel",
    "Grants to Voluntary Organisations",
    "Waste Disposal",
    "Professional Fees",
]
# Payees the exclusion rules set apart, and how often a payment goes to one of them.
_SPECIAL_PAYEES = [
    ("Redacted", 0.012),
    ("REDACTED PERSONAL DATA", 0.004),
    ("HMRC", 0.003),
    ("HM Revenue & Customs", 0.002),
    ("Essex Police", 0.001),
    ("Basildon Borough Council", 0.001),
    ("NHS Mid and South Essex ICB", 0.001),
    ("Direct Payments", 0.002),
    ("Essex Pension Fund", 0.001),
]
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# (weight, outward codes): Essex CM/SS/CO, London E, elsewhere, blank.
_POSTCODE_AREAS = [
    (30, [f"CM{n}" for n in (*range(0, 10), *range(11, 24), 77, 92, 99)]),
    (14, [f"SS{n}" for n in range(0, 18)]),
    (14, [f"CO{n}" for n in range(1, 17)]),
    (10, [f"E{n}" for n in range(1, 19)] + ["E1W", "E14", "E15", "E16", "E20"]),
    (16, ["B1", "M1", "LS1", "RG1", "CB1", "IP1", "IP4", "NW1", "SW1A", "EC1A", "N1", "RM1", "RM20", "CB10", "BS1"]),
    (16, [""]),
]


def _postcode(rng: random.Random) -> str:
    weights = [weight for weight, _ in _POSTCODE_AREAS]
    districts = rng.choices([codes for _, codes in _POSTCODE_AREAS], weights=weights)[0]
    outward = rng.choice(districts)
    if not outward:
        return ""
    inward = f"{rng.randrange(10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    style = rng.random()
    if style < 0.85:
        return f"{outward} {inward}"
    if style < 0.95:
        return f"{outward}{inward}"
    return f"{outward} {inward}".lower()


def _amount(rng: random.Random) -> str:
    pounds = max(500.0, min(rng.lognormvariate(7.8, 1.3), 4_000_000.0))
    if rng.random() < 0.35:
        pounds = float(round(pounds))
    negative = rng.random() < 0.03
    if negative:
        pounds = min(pounds, 20_000.0)
    plain = f"{pounds:.2f}"
    style = rng.random()
    if style < 0.55:
        text = plain
    elif style < 0.80:
        text = f"£{pounds:,.2f}"
    elif style < 0.95:
        text = f"{pounds:,.2f}"
    else:
        text = f" {pounds:,.2f} "
    if not negative:
        return text
    which = rng.random()
    if which < 0.4:
        return f"({text.strip()})"
    if which < 0.7:
        return f"{text.strip()}-"
    return f"-{plain}"


def generate_csv(path: Path, rows: int, seed: int = SEED) -> dict:
    """Write the payments file; returns what is in it (for the report)."""
    rng = random.Random(seed)
    bases = set()
    while len(bases) < SUPPLIERS:
        bases.add(f"{rng.choice(_WORDS)} {rng.choice(_TRADES)} {rng.choice(_FORMS)}".strip())
    suppliers = []
    for base in sorted(bases):
        legal = rng.choice(_LEGAL)
        name = f"{base} {legal}".strip()
        suppliers.append((name, _postcode(rng)))
    rng.shuffle(suppliers)
    # A few suppliers take most payments (care homes, the highways contractor), as in real files.
    cumulative, total = [], 0.0
    for rank in range(len(suppliers)):
        total += 1.0 / (rank + 1) ** 0.9
        cumulative.append(total)
    special_cumulative, special_total = [], 0.0
    for _name, share in _SPECIAL_PAYEES:
        special_total += share
        special_cumulative.append(special_total)
    first = datetime.date(YEAR, 4, 1)
    days = [(first + datetime.timedelta(days=n)).strftime("%d/%m/%Y") for n in range(366)]
    assert days[-1] == f"31/03/{YEAR + 1}"
    picks = rng.choices(range(len(suppliers)), cum_weights=cumulative, k=rows)
    special_rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            roll = rng.random()
            if roll < special_total:
                special_rows += 1
                slot = next(i for i, edge in enumerate(special_cumulative) if roll < edge)
                name, postcode = _SPECIAL_PAYEES[slot][0], ""
            else:
                name, postcode = suppliers[picks[index]]
                variant = rng.random()
                if variant < 0.08:
                    name = name.upper()
                elif variant < 0.11:
                    name = name.replace(" Ltd", " Limited")
            writer.writerow(
                [
                    name,
                    postcode,
                    rng.choice(days),
                    _amount(rng),
                    rng.choice(_SERVICE_AREAS),
                    rng.choice(_EXPENSE_TYPES),
                    f"ECC{23_000_000 + index}",
                ]
            )
    return {
        "rows": rows,
        "bytes": path.stat().st_size,
        "suppliers_in_file": len(set(picks)),
        "excluded_payee_rows": special_rows,
        "seed": seed,
    }


# --- The database -----------------------------------------------------------------------------


def _connect_args(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    return {
        "dbname": config["NAME"],
        "user": config["USER"] or "postgres",
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "password": config["PASSWORD"] or None,
    }


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg2

    args = _connect_args(url)
    name = args["dbname"]
    if name in ("essex_anchors", "postgres", "template0", "template1"):
        raise SystemExit(f"Refusing to drop the database {name!r}: name a benchmark database in --database-url.")
    admin = psycopg2.connect(**{**args, "dbname": "postgres"})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


# --- The children: each measurement in a fresh interpreter --------------------------------------


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1048576


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM, Linux).

    Not getrusage's ru_maxrss: that keeps the high-water mark of the image before exec, which for a
    child started by vfork is the parent's, so every child would read at least the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child_copy(csv_path: str) -> dict:
    """A bare COPY of the file into a fresh table of text columns, in one transaction."""
    import psycopg2

    connection = psycopg2.connect(**_connect_args(os.environ["DATABASE_URL"]))
    columns = ", ".join(f'"{name.lower().replace(" ", "_")}" text' for name in HEADER)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}; CREATE TABLE {COPY_TABLE} ({columns})")
    connection.commit()
    rss_before = _rss_mb()
    started = time.perf_counter()
    with open(csv_path, "rb") as handle, connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {COPY_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
        rows = cursor.rowcount
    connection.commit()
    seconds = time.perf_counter() - started
    connection.close()
    return {"seconds": seconds, "rows": rows, "rss_before_mb": rss_before, "peak_rss_mb": _peak_mb()}


def _time_calls(detail: dict, owner, name: str, label: str) -> None:
    """Replace owner.name by the same function, timed into detail[label] (this child process only)."""
    original = getattr(owner, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            detail[label] = detail.get(label, 0.0) + time.perf_counter() - started

    timed.__wrapped__ = original
    setattr(owner, name, timed)


def child_import(spend_file_id: int) -> dict:
    """spend_file_import of a SpendFile the parent made, with its stages timed."""
    import django

    django.setup()
    import polars as pl

    from spend import evidence, services
    from spend.importing import cleaning, loading, reading, summing
    from spend.models import SpendFile, SpendFileStatus, SpendLine

    detail: dict[str, float] = {}
    _time_calls(detail, reading, "_csv_head", "reading: find the header")
    _time_calls(detail, pl, "read_csv", "reading: polars read_csv")
    # The next four run in the writer thread, beside the COPY: their times overlap the COPY's.
    _time_calls(detail, cleaning, "clean", "loading: cleaning.clean of each batch (beside the COPY)")
    _time_calls(
        detail, loading.SupplierMatcher, "match", "loading: SupplierMatcher.match of each batch (beside the COPY)"
    )
    _time_calls(detail, summing, "partial_sums", "loading: summing.partial_sums of each batch (beside the COPY)")
    _time_calls(detail, pl.DataFrame, "write_csv", "loading: polars write_csv of the COPY slices (beside the COPY)")
    _time_calls(detail, loading, "write_lines", "loading: write_lines (all: the COPY and the work beside it)")
    _time_calls(detail, loading, "_create_suppliers", "baseline: create the new suppliers")
    _time_calls(detail, loading, "_learn_vcse", "baseline: learn VCSE flags")
    _time_calls(detail, services, "_replace_year", "baseline: delete the year's earlier lines")
    _time_calls(detail, evidence, "supplier_frame", "baseline: the suppliers' flags and evidence paths (SQL)")
    _time_calls(detail, summing, "baseline_fields", "baseline: baseline_fields (polars)")

    spend_file = SpendFile.objects.select_related("organisation").get(pk=spend_file_id)
    marks = []

    def progress(stage, rows):
        marks.append({"stage": str(stage), "at": time.perf_counter(), "rss_mb": _rss_mb(), "peak_mb": _peak_mb()})

    rss_before = _rss_mb()
    started = time.perf_counter()
    services.spend_file_import(spend_file=spend_file, progress=progress)
    finished = time.perf_counter()
    end_rss, end_peak = _rss_mb(), _peak_mb()
    spend_file.refresh_from_db()
    if spend_file.status != SpendFileStatus.IMPORTED:
        raise SystemExit(f"The import did not finish: {spend_file.status} {json.dumps(spend_file.report)[:2000]}")
    # The removal of the replaced file's lines, which the import leaves to the task worker: timed apart.
    purge_started = time.perf_counter()
    purged = services.replaced_lines_purge()
    purge_seconds = time.perf_counter() - purge_started
    lines = SpendLine.objects.filter(spend_file_id=spend_file_id).count()
    stages = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1] if index + 1 < len(marks) else {"at": finished, "rss_mb": end_rss, "peak_mb": end_peak}
        stages[mark["stage"]] = {
            "seconds": end["at"] - mark["at"],
            "rss_at_end_mb": end["rss_mb"],
            "peak_so_far_mb": end["peak_mb"],
        }
    detail["baseline: the rest (save, commit)"] = stages["baseline"]["seconds"] - sum(
        value for key, value in detail.items() if key.startswith("baseline: ")
    )
    return {
        "seconds": finished - started,
        "rows": spend_file.rows_read,
        "lines": lines,
        "purge": {"seconds": purge_seconds, "lines": purged},
        "suppliers": spend_file.report.get("suppliers"),
        "stages": stages,
        "detail": detail,
        "rss_before_mb": rss_before,
        "peak_rss_mb": end_peak,
    }


def run_child(*arguments: str) -> dict:
    """Run this script as a child; its result, with the OS's account of its CPU and peak memory."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", *arguments], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"child {arguments} failed ({process.returncode}):\n{output[-3000:]}")
    result = json.loads(output.strip().splitlines()[-1])
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    # The OS's ru_maxrss for the child, for reference only: it is at least the parent's own peak (see _peak_mb).
    result["ru_maxrss_mb"] = usage.ru_maxrss / 1024
    return result


# --- The parent ---------------------------------------------------------------------------------


def _median(runs: list[dict], key) -> float:
    return statistics.median(key(run) for run in runs)


def summarise(copies: list[dict], imports: list[dict]) -> dict:
    rows = imports[0]["rows"]
    report = {}
    import_seconds = _median(imports, lambda run: run["seconds"])
    report["import"] = {
        "median_seconds": round(import_seconds, 2),
        "min_seconds": round(min(run["seconds"] for run in imports), 2),
        "max_seconds": round(max(run["seconds"] for run in imports), 2),
        "rows_per_second": round(rows / import_seconds),
        "peak_rss_mb": round(max(run["peak_rss_mb"] for run in imports), 1),
        "ru_maxrss_mb": round(max(run["ru_maxrss_mb"] for run in imports), 1),
        "rss_after_setup_mb": round(_median(imports, lambda run: run["rss_before_mb"]), 1),
        "median_cpu_seconds": round(_median(imports, lambda run: run["cpu_seconds"]), 2),
        "stages_median_seconds": {
            stage: round(_median(imports, lambda run, stage=stage: run["stages"][stage]["seconds"]), 3)
            for stage in STAGES
        },
        "peak_rss_by_end_of_stage_mb": {
            stage: round(max(run["stages"][stage]["peak_so_far_mb"] for run in imports), 1) for stage in STAGES
        },
        "detail_median_seconds": {
            key: round(_median(imports, lambda run, key=key: run["detail"].get(key, 0.0)), 3)
            for key in imports[0]["detail"]
        },
        "runs": [
            {
                "seconds": round(run["seconds"], 2),
                "suppliers": run["suppliers"],
                "purge_after_seconds": round(run["purge"]["seconds"], 2),
                "purged_lines": run["purge"]["lines"],
                "stages": {stage: round(run["stages"][stage]["seconds"], 2) for stage in STAGES},
                "peak_rss_mb": round(run["peak_rss_mb"], 1),
                "detail": {key: round(value, 3) for key, value in run["detail"].items()},
            }
            for run in imports
        ],
    }
    if copies:
        copy_seconds = _median(copies, lambda run: run["seconds"])
        report["bare_copy"] = {
            "median_seconds": round(copy_seconds, 2),
            "min_seconds": round(min(run["seconds"] for run in copies), 2),
            "max_seconds": round(max(run["seconds"] for run in copies), 2),
            "rows_per_second": round(rows / copy_seconds),
            "peak_rss_mb": round(max(run["peak_rss_mb"] for run in copies), 1),
            "ru_maxrss_mb": round(max(run["ru_maxrss_mb"] for run in copies), 1),
            "runs_seconds": [round(run["seconds"], 2) for run in copies],
        }
        report["ratio_import_to_copy_rows_per_second"] = round(copy_seconds / import_seconds, 3)
    report["goal"] = {
        "ratio >= 0.5": report.get("ratio_import_to_copy_rows_per_second", 0) >= 0.5 if copies else None,
        ">= 150,000 rows/s": report["import"]["rows_per_second"] >= 150_000,
        "peak RSS < 400 MB": report["import"]["peak_rss_mb"] < 400,
    }
    return report


def print_summary(report: dict) -> None:
    imported = report["import"]
    rows = report["file"]["rows"]
    print(f"\n{rows:,} rows on {report['database']}, median of {len(imported['runs'])}:")
    if "bare_copy" in report:
        copy = report["bare_copy"]
        print(
            f"  bare COPY  {copy['median_seconds']:7.2f} s  {copy['rows_per_second']:>9,} rows/s  peak RSS {copy['peak_rss_mb']:.0f} MB"
        )
    print(
        f"  import     {imported['median_seconds']:7.2f} s  {imported['rows_per_second']:>9,} rows/s  peak RSS "
        f"{imported['peak_rss_mb']:.0f} MB  CPU {imported['median_cpu_seconds']:.1f} s"
    )
    if "ratio_import_to_copy_rows_per_second" in report:
        print(f"  ratio import : bare COPY (rows/s) {report['ratio_import_to_copy_rows_per_second']:.3f}")
    for stage in STAGES:
        print(
            f"  {stage:10s} {imported['stages_median_seconds'][stage]:7.2f} s  "
            f"(peak RSS by its end {imported['peak_rss_by_end_of_stage_mb'][stage]:.0f} MB)"
        )
    for key, seconds in imported["detail_median_seconds"].items():
        print(f"    {key:45s} {seconds:7.3f} s")
    for index, run in enumerate(imported["runs"], 1):
        print(
            f"  run {index}: {run['seconds']:.2f} s, then the worker's removal of {run['purged_lines']:,} "
            f"replaced lines {run['purge_after_seconds']:.2f} s"
        )
    print(
        "  goal: "
        + ", ".join(f"{goal} {'met' if met else 'NOT met'}" for goal, met in report["goal"].items() if met is not None)
    )


# --- Recompute every baseline (issue 11: a register or rule changed) -----------------------------

RECOMPUTE_URL = "postgres://postgres@127.0.0.1:5432/essex_bench_recompute"
RECOMPUTE_YEARS = (2022, 2023, 2024)


def fill_network(organisations: int, suppliers: int, lines_per_file: int) -> dict:
    """`organisations` anchors with a current baseline for each of RECOMPUTE_YEARS, their files' lines spread over
    `suppliers` suppliers, written in SQL (generate_series, seeded): as the import would leave them, at a scale no
    import run here could reach in minutes. A tenth of the suppliers carry a company number of the charity
    register (loaded from the repository's copy), a tenth a register postcode and SME answer."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from pledges.models import Organisation, Sector
    from spend.models import Baseline, BaselineStatus, SpendFile, SpendFileStatus, Supplier

    started = time.perf_counter()
    register = ROOT / "spend/data/registers/charity-company-numbers.csv"
    with open(register, newline="", encoding="utf-8") as handle:
        ids = [
            row["org_id_b"] if row["org_id_b"].startswith("GB-COH-") else row["org_id_a"]
            for row in csv.DictReader(handle)
        ]
    numbers = [i.removeprefix("GB-COH-") for i in ids if i.startswith("GB-COH-")][: suppliers // 10]
    sectors = [Sector.LOCAL_GOVERNMENT, Sector.NHS, Sector.EDUCATION, Sector.EMERGENCY_SERVICES]
    Organisation.objects.bulk_create(
        [
            Organisation(name=f"Bench Anchor {n:04d}", slug=f"bench-anchor-{n:04d}", sector=sectors[n % len(sectors)])
            for n in range(organisations)
        ]
    )
    rng = random.Random(SEED)
    districts = ["CM1", "CM2", "SS1", "CO1", "RM20", "CM23", "E1", "M1", "B1", "LS1", "NR1", "CB1"]
    Supplier.objects.bulk_create(
        [
            Supplier(
                name=f"Bench Supplier {n:05d} Ltd",
                normalised_name=f"bench supplier {n:05d}",
                company_number=numbers[n] if n < len(numbers) else "",
                postcode_district=rng.choice(districts) if n % 3 else "",
                postcode="",
                sme=rng.choice(["yes", "no"]) if n % 10 == 1 else "unknown",
                source="register" if n % 10 == 1 else "file",
            )
            for n in range(suppliers)
        ],
        batch_size=5000,
    )
    anchors = Organisation.objects.filter(slug__startswith="bench-anchor-")
    SpendFile.objects.bulk_create(
        [
            SpendFile(
                organisation=o,
                financial_year=y,
                file="bench.csv",
                original_name="bench.csv",
                status=SpendFileStatus.IMPORTED,
            )
            for o in anchors
            for y in RECOMPUTE_YEARS
        ],
        batch_size=5000,
    )
    files = SpendFile.objects.filter(organisation__in=anchors)
    Baseline.objects.bulk_create(
        [
            Baseline(
                organisation_id=f.organisation_id,
                financial_year=f.financial_year,
                spend_file=f,
                status=BaselineStatus.PUBLISHED,
                published_at=datetime.datetime.now(datetime.UTC),
            )
            for f in files
        ],
        batch_size=5000,
    )
    # The register marks the suppliers with its company numbers VCSEs, as loading it in the admin does.
    call_command("load_register", str(register), kind="charity_company", verbosity=0)
    first_supplier = Supplier.objects.order_by("pk").values_list("pk", flat=True)[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2023)")
        cursor.execute(
            """
            INSERT INTO spend_spendline (spend_file_id, supplier_id, payee_name, amount, payment_date, postcode_district,
                service_area, expense_type, transaction_number, excluded, sheet, row_number)
            SELECT f.id, %s + floor(random() * %s)::int, 'Bench payee', round((random() * 20000 - 1000)::numeric, 2),
                make_date(f.financial_year, 6, 1), CASE WHEN random() < 0.2 THEN 'CM1' ELSE '' END, '', '', '',
                CASE WHEN random() < 0.05 THEN 'personal' ELSE '' END, '', g
            FROM spend_spendfile f JOIN pledges_organisation o ON o.id = f.organisation_id AND o.slug LIKE 'bench-anchor-%%',
                generate_series(1, %s) g
            ORDER BY f.id, g  -- each file's lines together, as each file's COPY leaves them
            """,
            [first_supplier, suppliers, lines_per_file],
        )
        lines = cursor.rowcount
    # What autovacuum does soon after each import (autosummarize, migration 0010): the BRIN index summarised.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE spend_spendline")
    get_user_model().objects.create_user("bench-secretariat", is_staff=True)
    return {
        "organisations": organisations,
        "years": len(RECOMPUTE_YEARS),
        "baselines": files.count(),
        "suppliers": suppliers,
        "suppliers_with_register_company_numbers": len(numbers),
        "vcse_suppliers": Supplier.objects.filter(vcse="yes").count(),
        "lines": lines,
        "fill_seconds": round(time.perf_counter() - started, 1),
    }


def time_group_by() -> dict:
    """The reference: the one GROUP BY of every line the recompute needs, its rows copied out to a file, bare."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor, tempfile.TemporaryFile() as out:
        cursor.copy_expert(
            "COPY (SELECT spend_file_id, supplier_id, postcode_district, excluded, sum(amount), count(*) "
            "FROM spend_spendline GROUP BY 1, 2, 3, 4) TO STDOUT WITH (FORMAT csv)",
            out,
        )
        rows = cursor.rowcount
    return {"seconds": time.perf_counter() - started, "rows": rows}


def time_recompute() -> dict:
    """spend.services.baseline_recompute of every current baseline, as the secretariat's admin action runs it."""
    from django.contrib.auth import get_user_model

    from spend import evidence, services
    from spend.importing import summing
    from spend.models import Baseline

    detail: dict[str, float] = {}
    _time_calls(detail, services, "_partials_of", "the lines' GROUP BY, copied out (SQL)")
    _time_calls(detail, evidence, "supplier_frame", "the suppliers' flags and evidence paths (SQL)")
    _time_calls(detail, summing, "baseline_fields", "every baseline's figures (polars)")
    _time_calls(detail, services, "_write_figures", "the figures written: COPY and one UPDATE (SQL)")
    user = get_user_model().objects.get(username="bench-secretariat")
    started = time.perf_counter()
    done = services.baseline_recompute(baselines=list(Baseline.objects.current()), user=user)
    seconds = time.perf_counter() - started
    timed = (
        (services, "_partials_of"),
        (evidence, "supplier_frame"),
        (summing, "baseline_fields"),
        (services, "_write_figures"),
    )
    for owner, name in timed:
        setattr(owner, name, getattr(owner, name).__wrapped__)
    return {
        "seconds": seconds,
        "baselines": len(done),
        "peak_rss_mb": _peak_mb(),
        "detail": {k: round(v, 2) for k, v in detail.items()},
    }


def recompute_main(arguments) -> None:
    """The recompute benchmark: fill, then --repeat times the reference GROUP BY and the recompute, alternating."""
    url = arguments.database_url if arguments.database_url != DEFAULT_URL else RECOMPUTE_URL
    scratch = Path(tempfile.mkdtemp(prefix="essex-bench-recompute-"))
    set_environment(url, str(scratch / "media"))
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    report = {
        "date": datetime.date.today().isoformat(),
        "load_average_at_start": os.getloadavg(),
        **fill_network(arguments.organisations, SUPPLIERS, arguments.lines_per_file),
    }
    print(json.dumps(report), flush=True)
    references, recomputes = [], []
    for run in range(arguments.repeat):
        references.append(time_group_by())
        recomputes.append(time_recompute())
        connection.close()
        print(
            f"run {run + 1}: GROUP BY {references[-1]['seconds']:.2f} s, recompute {recomputes[-1]['seconds']:.2f} s"
            f" {recomputes[-1]['detail']}",
            flush=True,
        )
    reference = statistics.median(r["seconds"] for r in references)
    recompute = statistics.median(r["seconds"] for r in recomputes)
    report.update(
        {
            "load_average_at_end": os.getloadavg(),
            "group_by_seconds_median": round(reference, 2),
            "group_by_rows": references[-1]["rows"],
            "recompute_seconds_median": round(recompute, 2),
            "recompute_runs": [round(r["seconds"], 2) for r in recomputes],
            "recompute_detail_last_run": recomputes[-1]["detail"],
            "ratio_recompute_to_group_by": round(recompute / reference, 2),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in recomputes), 1),
        }
    )
    print(json.dumps(report, indent=2, default=str))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"spend-recompute-{report['date']}.json").write_text(json.dumps(report, indent=2, default=str))
    if not arguments.keep:
        connection.close()
        recreate_database(url, drop_only=True)
    shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default 3); the median is reported")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"the scratch PostgreSQL database ({DEFAULT_URL})")
    parser.add_argument("--keep", action="store_true", help="keep the database (and the CSV file) at the end")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument(
        "--recompute",
        action="store_true",
        help="instead: recompute every baseline of --organisations anchors x 3 years x 20,000 suppliers (PostgreSQL)",
    )
    parser.add_argument("--organisations", type=int, default=1000)
    parser.add_argument("--lines-per-file", type=int, default=1000)
    arguments = parser.parse_args()
    if arguments.recompute:
        recompute_main(arguments)
        return

    if arguments.child:
        kind, value = arguments.child
        result = child_copy(value) if kind == "copy" else child_import(int(value))
        print(json.dumps(result, default=str))
        return

    postgres = arguments.database == "postgresql"
    scratch = Path(tempfile.mkdtemp(prefix="essex-bench-spend-"))
    url = arguments.database_url if postgres else f"sqlite:///{scratch / 'bench.sqlite3'}"
    set_environment(url, str(scratch / "media"))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    csv_path = out / f"spend-import-{arguments.rows}.csv"
    started = time.perf_counter()
    made = generate_csv(csv_path, arguments.rows)
    print(f"file: {csv_path} ({made['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s", flush=True)
    if postgres:
        recreate_database(url)

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from pledges.models import Organisation
    from spend.models import SpendFile, SpendFileStatus, Supplier

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    organisation = Organisation.objects.get(slug=ORGANISATION)
    report = {
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.node()}: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}",
        "load_average_at_start": os.getloadavg(),
        "database": arguments.database,
        "file": made,
        "reupload": "each run imports the same file for the same organisation and year: from run 2 on it replaces run 1's lines",
    }
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if postgres else "SELECT sqlite_version()")
        report["database_version"] = cursor.fetchone()[0]
    import polars

    report["polars"] = polars.__version__
    connection.close()

    copies, imports = [], []
    for run in range(arguments.repeat):
        if postgres:
            copies.append(run_child("copy", str(csv_path)))
            print(f"run {run + 1}: bare COPY {copies[-1]['seconds']:.2f} s ({copies[-1]['rows']:,} rows)", flush=True)
        with open(csv_path, "rb") as handle:
            spend_file = SpendFile.objects.create(
                organisation=organisation,
                financial_year=YEAR,
                file=File(handle, name=csv_path.name),
                original_name=csv_path.name,
                status=SpendFileStatus.RUNNING,
            )
        connection.close()
        imports.append(run_child("import", str(spend_file.pk)))
        result = imports[-1]
        assert result["lines"] == arguments.rows, (result["lines"], arguments.rows)
        stages = ", ".join(f"{stage} {result['stages'][stage]['seconds']:.2f}" for stage in STAGES)
        print(
            f"run {run + 1}: import {result['seconds']:.2f} s ({stages}); peak RSS {result['peak_rss_mb']:.0f} MB;"
            f" suppliers {result['suppliers']}",
            flush=True,
        )
    report["load_average_at_end"] = os.getloadavg()
    report["parent_peak_rss_mb"] = round(_peak_mb(), 1)
    report["suppliers_in_table"] = Supplier.objects.count()
    connection.close()
    report.update(summarise(copies, imports))
    print(json.dumps(report, indent=2, default=str))
    print_summary(report)
    name = f"spend-import-{arguments.database}-{arguments.rows}-{report['date']}.json"
    (out / name).write_text(json.dumps(report, indent=2, default=str))
    if not arguments.keep:
        if postgres:
            recreate_database(url, drop_only=True)
        csv_path.unlink()
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print(f"kept: {url}, {csv_path}, uploads under {scratch}")


if __name__ == "__main__":
    main()
