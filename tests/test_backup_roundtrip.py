"""scripts/backup-roundtrip dumps the PostgreSQL database, restores it into a scratch database and finds every
table with the same number of rows (README: Backups)."""

import subprocess
from pathlib import Path

import pytest
from django.db import connection

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "backup-roundtrip"


def _url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="Backups are of PostgreSQL; the PostgreSQL run runs it.")
def test_it_restores_every_row_of_a_real_database(transactional_db, published_pledge, tmp_path):
    dump = tmp_path / "portal.dump"
    result = subprocess.run(
        [str(SCRIPT), _url()], capture_output=True, text=True, env={"KEEP_DUMP": str(dump), "PATH": "/usr/bin:/bin"}
    )
    assert result.returncode == 0, result.stderr
    assert "every table has the same number of rows" in result.stdout
    assert dump.stat().st_size > 0


def test_it_refuses_an_address_that_is_not_postgresql(tmp_path):
    result = subprocess.run([str(SCRIPT), "sqlite:///db.sqlite3"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "is not a postgres:// address" in result.stderr
