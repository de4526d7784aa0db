"""Settings read from the environment (essex_anchors.lib.environment): the read replica and the storages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, storages

from essex_anchors.lib import environment
from essex_anchors.lib.s3_storage import PrivateS3Storage
from essex_anchors.lib.storage import PrivateStorage

ROOT = Path(__file__).resolve().parent.parent


def test_there_is_no_replica_unless_its_url_is_set():
    assert environment.replica_database({}, conn_max_age=0) is None
    assert environment.replica_database({"DATABASE_REPLICA_URL": " "}, conn_max_age=0) is None


def test_the_replica_url_gives_a_second_database():
    replica = environment.replica_database(
        {"DATABASE_REPLICA_URL": "postgres://reader:secret@replica.internal:5433/essex_anchors"}, conn_max_age=60
    )
    assert (replica["ENGINE"], replica["HOST"], replica["PORT"]) == (
        "django.db.backends.postgresql",
        "replica.internal",
        5433,
    )
    assert (replica["NAME"], replica["USER"], replica["PASSWORD"]) == ("essex_anchors", "reader", "secret")
    assert replica["CONN_MAX_AGE"] == 60


def test_files_stay_on_local_disk_by_default():
    result = environment.storages({}, production=False)
    assert result["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert result["private"] == {"BACKEND": "essex_anchors.lib.storage.PrivateStorage"}
    assert result["staticfiles"]["BACKEND"] == "django.contrib.staticfiles.storage.StaticFilesStorage"
    assert environment.storages({"MEDIA_STORAGE": "local"}, production=False) == result
    production = environment.storages({}, production=True)
    assert production["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_s3_puts_media_and_private_files_in_the_bucket_apart_and_private():
    result = environment.storages(
        {
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_BUCKET": "essex-anchors",
            "MEDIA_S3_ENDPOINT_URL": "https://s3.example.org",
            "MEDIA_S3_REGION": "eu-west-2",
        },
        production=True,
    )
    shared = {
        "bucket_name": "essex-anchors",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "endpoint_url": "https://s3.example.org",
        "region_name": "eu-west-2",
    }
    assert result["default"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**shared, "location": "media"},
    }
    assert result["private"] == {
        "BACKEND": "essex_anchors.lib.s3_storage.PrivateS3Storage",
        "OPTIONS": {**shared, "location": "private"},
    }
    # Static files stay with WhiteNoise on each app server.
    assert result["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_s3_without_an_endpoint_or_region_leaves_them_to_boto3():
    options = environment.storages({"MEDIA_STORAGE": "s3", "MEDIA_S3_BUCKET": "b"}, production=False)["private"][
        "OPTIONS"
    ]
    assert "endpoint_url" not in options and "region_name" not in options


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_S3_BUCKET must be set when MEDIA_STORAGE=s3"),
        ({"MEDIA_STORAGE": "S3 "}, "MEDIA_STORAGE must be 'local' or 's3', got 'S3'"),
        ({"MEDIA_STORAGE": "disk"}, "MEDIA_STORAGE must be 'local' or 's3', got 'disk'"),
    ],
)
def test_it_refuses_a_storage_it_cannot_use(env, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        environment.storages(env, production=False)
    assert str(refused.value) == message


def test_the_private_files_in_the_bucket_have_no_url():
    """Built as Django builds it (no network is needed to build one)."""
    options = environment.storages({"MEDIA_STORAGE": "s3", "MEDIA_S3_BUCKET": "b"}, production=False)
    private = storages.create_storage(options["private"])
    assert isinstance(private, PrivateS3Storage)
    assert (private.bucket_name, private.location, private.default_acl) == ("b", "private", "private")
    with pytest.raises(ValueError, match="no public URL"):
        private.url("evidence/2026/01/report.pdf")


def test_the_local_private_storage_is_the_default_in_this_run():
    from essex_anchors.lib.storage import private_storage

    assert type(private_storage()) is PrivateStorage
    assert type(storages["default"]) is FileSystemStorage


def test_a_server_reads_the_replica_and_the_bucket_from_its_environment(tmp_path):
    """The settings as a server reads them: a "replica" alias, and the file fields of the models use the bucket."""
    code = (
        "from django.core.files.storage import storages; d = storages['default'];"
        "from pledges.models import ProgressUpdate; from spend.models import SpendFile;"
        "from learning_community.models import Resource;"
        "fields = [ProgressUpdate._meta.get_field('evidence_file'), SpendFile._meta.get_field('file'),"
        " Resource._meta.get_field('file')];"
        "from django.conf import settings; print(*settings.DATABASES);"
        "print(type(d).__name__, d.location, *{(type(f.storage).__name__, f.storage.location) for f in fields})"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MEDIA_", "AWS_"))}
    env.update(DATABASE_REPLICA_URL=f"sqlite:///{tmp_path / 'replica.sqlite3'}")
    env.update(MEDIA_STORAGE="s3", MEDIA_S3_BUCKET="essex-anchors", MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["default", "replica", "S3Storage", "media", "('PrivateS3Storage',", "'private')"]
