"""Settings read from the environment that need more than one line: the read replica and the file storages.

Plain functions of a mapping (the environment), so settings.py calls them with os.environ and the tests
call them with a dict. Nothing here imports Django's models or the apps: settings.py imports it.
"""

from collections.abc import Mapping

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

REPLICA_ALIAS = "replica"
LOCAL_PRIVATE_STORAGE = "essex_anchors.lib.storage.PrivateStorage"
S3_PRIVATE_STORAGE = "essex_anchors.lib.s3_storage.PrivateS3Storage"
S3_STORAGE = "storages.backends.s3.S3Storage"


def replica_database(environ: Mapping[str, str], *, conn_max_age: int) -> dict | None:
    """The replica's DATABASES entry from DATABASE_REPLICA_URL, or None when there is no replica."""
    url = environ.get("DATABASE_REPLICA_URL", "").strip()
    if not url:
        return None
    return dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=conn_max_age > 0)


def storages(environ: Mapping[str, str], *, production: bool) -> dict:
    """Django's STORAGES: media ("default") and private files on local disk, or on S3-compatible storage.

    MEDIA_STORAGE=s3 puts both in the bucket MEDIA_S3_BUCKET (django-storages; the endpoint of any
    S3-compatible service in MEDIA_S3_ENDPOINT_URL, its region in MEDIA_S3_REGION; the credentials come
    from boto3's own environment, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role), media
    under media/ and private files under private/. Nothing in the bucket is public: the private files are
    served only by the views that check who is asking, as on disk.
    """
    kind = environ.get("MEDIA_STORAGE", "local").strip() or "local"
    static = {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    if kind == "local":
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": LOCAL_PRIVATE_STORAGE},
            "staticfiles": static,
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be 'local' or 's3', got {kind!r}")
    bucket = environ.get("MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_S3_BUCKET must be set when MEDIA_STORAGE=s3")
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if endpoint := environ.get("MEDIA_S3_ENDPOINT_URL", "").strip():
        options["endpoint_url"] = endpoint
    if region := environ.get("MEDIA_S3_REGION", "").strip():
        options["region_name"] = region
    return {
        "default": {"BACKEND": S3_STORAGE, "OPTIONS": {**options, "location": "media"}},
        "private": {"BACKEND": S3_PRIVATE_STORAGE, "OPTIONS": {**options, "location": "private"}},
        "staticfiles": static,
    }
