"""Storage for files that must never have a public URL (members-only resources, evidence documents, spend
files), and the admin widget that links such a file to the view serving it.

Which storage holds them is settings.STORAGES["private"] (local disk, or S3-compatible storage:
essex_anchors.lib.environment.storages); either way no URL serves them, only the views that check who asks.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.storage import FileSystemStorage, storages
from django.db.models.fields.files import FieldFile
from django.utils.functional import cached_property


class PrivateStorage(FileSystemStorage):
    """Files kept outside MEDIA_ROOT, so no public URL serves them; a view streams them after
    checking who is asking (ToR: "a collaborative and safe space to share sensitive and complex data")."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, Path(settings.MEDIA_ROOT).parent / "private-media")

    def url(self, name):
        raise ValueError("Private files have no public URL: link to the view that serves them.")

    def get_valid_name(self, name):
        """The uploaded name, cut to fit the file system: at most 255 bytes in a name, and Django adds "_" and
        7 characters to a name already taken (an uploaded name of 250 characters failed on its second upload)."""
        name = super().get_valid_name(name)
        stem, suffix = Path(name).stem, Path(name).suffix
        if len(suffix.encode()) > 16:
            stem, suffix = name, ""
        room = NAME_BYTES - len(suffix.encode())
        return (stem.encode()[:room].decode(errors="ignore") or "file") + suffix


# The longest name (in bytes, before Django's "_abcdefg" for a taken name) PrivateStorage stores a file under.
NAME_BYTES = 200


@functools.cache
def private_storage():
    """The one private storage, built once from settings.STORAGES["private"] (a callable, so migrations do
    not record a path)."""
    return storages.create_storage(settings.STORAGES["private"])


@dataclass(frozen=True)
class DownloadLink:
    """What the admin's file widget links to in place of a file URL: the download view and the file's name."""

    url: str
    name: str

    def __str__(self):
        return self.name


class PrivateFileWidget(AdminFileWidget):
    """The admin's file input for a file in the private storage. The current file links to the view that
    checks who is asking (`download_url(instance)`): the stock widget asks the storage for a URL, which a
    private file does not have, and the page fails."""

    def __init__(self, download_url, attrs=None):
        self.download_url = download_url
        super().__init__(attrs)

    def is_initial(self, value):
        return isinstance(value, FieldFile) and bool(value.name)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.is_initial(value):
            context["widget"]["value"] = DownloadLink(self.download_url(value.instance), Path(value.name).name)
        return context
