"""Storage for files that must never have a public URL (members-only resources, spend files)."""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT, so no public URL serves them; a view streams them after
    checking who is asking (ToR: "a collaborative and safe space to share sensitive and complex data")."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, Path(settings.MEDIA_ROOT).parent / "private-media")

    def url(self, name):
        raise ValueError("Private files have no public URL: link to the view that serves them.")


_private_storage = PrivateStorage()


def private_storage():
    """The one private storage (a callable, so migrations do not record a path)."""
    return _private_storage
