"""The private files' storage on S3-compatible storage (MEDIA_STORAGE=s3; essex_anchors.lib.environment).

Its own module so that boto3 is imported only when the portal is configured to use it.
"""

from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Private files in the bucket: no URL, signed or not; the views that check who is asking stream them."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL: link to the view that serves them.")
