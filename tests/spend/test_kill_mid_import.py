"""The kill test: an import killed while it saves the payments leaves the year's earlier import as it was.

spend.services.spend_file_import replaces a year's lines and baseline in one transaction. Here a real
`manage.py import_spend` process is killed with SIGKILL (no chance to clean up) once it has printed
"Saving the payments", part way through writing 300,000 lines; the earlier file's lines, its
baseline and the supplier table must then be exactly as before, and no line of the killed file left.

The process must see the database the test reads: on PostgreSQL that is pytest-django's test database
(transactional_db, so what the test writes is committed); on SQLite the test database is in memory and
invisible to another process, so the SQLite variant makes a database file of its own in tmp_path and
sets it up with manage.py in subprocesses too. Each variant runs on its own database and is skipped,
saying so, on the other.
"""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from spend.models import Baseline, SpendFile, SpendFileStatus, SpendLine, Supplier

from .spend_builders import payments_csv

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"
ORGANISATION = "essex-county-council"
YEAR = "2024"
ROWS = 300_000
SAVING = "Saving the payments"
# Long enough for any machine to get this far; the test fails rather than hang past it.
TIMEOUT = 600

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The PostgreSQL variant needs DATABASE_URL=postgres://...; on SQLite the SQLite variant runs.",
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="The SQLite variant runs on SQLite; on PostgreSQL the other one does."
)


def _big_file(path: Path) -> Path:
    """ROWS payments of 2024/25 to 5,000 suppliers the first file does not know (so new ones are made)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Supplier Name", "Supplier Postcode", "Payment Date", "Amount"])
        for number in range(ROWS):
            day, month = 1 + number % 28, 4 + number % 9  # April to December 2024
            writer.writerow(
                [f"Killed Import Supplier {number % 5000} Ltd", "CO1 1AB", f"{day:02d}/{month:02d}/2024", "12.34"]
            )
    return path


def _small_file(path: Path) -> Path:
    path.write_bytes(payments_csv())
    return path


def _environment(tmp_path: Path, database_url: str) -> dict:
    """The environment of a development run of manage.py on the given database, writing nothing in the repo."""
    environment = dict(os.environ)
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_ENV="development",
        DEBUG="True",
        DJANGO_SETTINGS_MODULE="essex_anchors.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
        CACHE_BACKEND="django.core.cache.backends.locmem.LocMemCache",
        CACHE_LOCATION="",
        PYTHONUNBUFFERED="1",
    )
    return environment


def _manage(environment: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env=environment,
        cwd=MANAGE.parent,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _import_and_kill(environment: dict, path: Path, tmp_path: Path) -> str:
    """Run import_spend, SIGKILL it once it is saving the payments; returns what it printed."""
    with open(tmp_path / "killed-stderr.txt", "w") as stderr:
        process = subprocess.Popen(
            [
                sys.executable,
                "-u",
                str(MANAGE),
                "import_spend",
                str(path),
                "--organisation",
                ORGANISATION,
                "--year",
                YEAR,
            ],
            env=environment,
            cwd=MANAGE.parent,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        watchdog = threading.Timer(TIMEOUT, process.kill)
        watchdog.start()
        printed = []
        try:
            for line in process.stdout:
                printed.append(line)
                if SAVING in line:
                    # Inside the transaction now: the earlier lines are being dropped and the new ones written.
                    time.sleep(0.3)
                    process.send_signal(signal.SIGKILL)
                    break
            process.wait(timeout=60)
            printed.append(process.stdout.read())
        finally:
            watchdog.cancel()
            process.stdout.close()
    output = "".join(printed)
    errors = (tmp_path / "killed-stderr.txt").read_text()
    assert SAVING in output, f"The import never reached “{SAVING}”:\n{output}\n{errors}"
    assert process.returncode == -signal.SIGKILL, (
        f"The import finished (exit status {process.returncode}) before it could be killed: "
        f"make the file bigger.\n{output}\n{errors}"
    )
    assert "Imported" not in output
    return output


# --- PostgreSQL: pytest-django's test database, seen by the subprocess ----------------------------


def _database_url() -> str:
    settings = connection.settings_dict
    user = quote(settings["USER"] or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    credentials = f"{user}{password}@" if user else ""
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{settings['NAME']}"


def _snapshot_orm() -> dict:
    return {
        "lines": list(SpendLine.objects.order_by("pk").values_list()),
        "baselines": list(Baseline.objects.order_by("pk").values()),
        "files": list(SpendFile.objects.order_by("pk").values_list("pk", "status")),
        "suppliers": list(Supplier.objects.order_by("pk").values_list()),
    }


@on_postgresql
def test_it_keeps_the_earlier_import_when_an_import_is_killed_on_postgresql(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_reference_data", verbosity=0, stdout=io.StringIO())
    call_command(
        "import_spend",
        str(_small_file(tmp_path / "first.csv")),
        "--organisation",
        ORGANISATION,
        "--year",
        YEAR,
        stdout=io.StringIO(),
    )
    first = SpendFile.objects.get()
    assert first.status == SpendFileStatus.IMPORTED
    assert SpendLine.objects.filter(spend_file=first).count() == 3
    before = _snapshot_orm()

    _import_and_kill(_environment(tmp_path, _database_url()), _big_file(tmp_path / "big.csv"), tmp_path)

    killed = SpendFile.objects.exclude(pk=first.pk).get()
    assert killed.status != SpendFileStatus.IMPORTED
    assert not SpendLine.objects.filter(spend_file=killed).exists()
    assert not Baseline.objects.filter(spend_file=killed).exists()
    after = _snapshot_orm()
    after["files"] = [row for row in after["files"] if row[0] != killed.pk]
    assert after == before
    current = Baseline.objects.current().get(organisation__slug=ORGANISATION, financial_year=int(YEAR))
    assert (current.spend_file_id, str(current.total)) == (first.pk, "4500.00")


# --- SQLite: a database file of the test's own, set up and read outside Django's test database -----


def _snapshot_sqlite(path: Path) -> dict:
    with sqlite3.connect(path) as database:
        return {
            "lines": database.execute(
                "SELECT * FROM spend_spendline ORDER BY spend_file_id, sheet, row_number"
            ).fetchall(),
            "baselines": database.execute("SELECT * FROM spend_baseline ORDER BY id").fetchall(),
            "files": database.execute("SELECT id, status FROM spend_spendfile ORDER BY id").fetchall(),
            "suppliers": database.execute("SELECT * FROM spend_supplier ORDER BY id").fetchall(),
        }


@on_sqlite
def test_it_keeps_the_earlier_import_when_an_import_is_killed_on_sqlite(tmp_path):
    database = tmp_path / "kill.sqlite3"
    environment = _environment(tmp_path, f"sqlite:///{database}")
    _manage(environment, "migrate", "--noinput", "--verbosity", "0")
    _manage(environment, "load_reference_data", "--verbosity", "0")
    printed = _manage(
        environment,
        "import_spend",
        str(_small_file(tmp_path / "first.csv")),
        "--organisation",
        ORGANISATION,
        "--year",
        YEAR,
    )
    assert "Imported 3 payments" in printed
    before = _snapshot_sqlite(database)
    assert len(before["lines"]) == 3 and len(before["baselines"]) == 1
    [(first_id, first_status)] = before["files"]
    assert first_status == SpendFileStatus.IMPORTED

    _import_and_kill(environment, _big_file(tmp_path / "big.csv"), tmp_path)

    after = _snapshot_sqlite(database)
    killed = [row for row in after["files"] if row[0] != first_id]
    assert len(killed) == 1 and killed[0][1] != SpendFileStatus.IMPORTED
    with sqlite3.connect(database) as connection_:
        assert connection_.execute(
            "SELECT COUNT(*) FROM spend_spendline WHERE spend_file_id = ?", [killed[0][0]]
        ).fetchone() == (0,)
        assert connection_.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after["files"] = [row for row in after["files"] if row[0] == first_id]
    assert after == before
