"""What type an uploaded file really is, judged by its content, and the one check every upload calls.

A file's name says what its sender wants it taken for; its bytes say what it is. A ZIP renamed
.docx, an HTML page renamed .pdf or an empty file must not be stored as a document and handed
back to other people as one.
"""

import zipfile
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError

# The bytes read to recognise a file by its signature (filetype looks at most at the first 8 KB).
HEAD_BYTES = 8192

# Office Open XML packages are ZIPs; what makes one a Word, Excel or PowerPoint file is the content
# type its [Content_Types].xml gives the main part. Macro-enabled files (docm, xlsm…) name another one.
OOXML_MAIN_PARTS = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
# [Content_Types].xml is a short list; reading no more than this stops a packed "bomb" being unpacked.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024

# Markup a browser would run if the file were ever shown inline.
MARKUP = (b"<html", b"<!doctype html", b"<script", b"<svg", b"<body", b"<iframe")

# The name people know each type by, for messages.
TYPE_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
    "doc": "Word 97-2003 (DOC)",
    "xls": "Excel 97-2003 (XLS)",
    "ppt": "PowerPoint 97-2003 (PPT)",
    "odt": "OpenDocument text (ODT)",
    "ods": "OpenDocument spreadsheet (ODS)",
    "odp": "OpenDocument presentation (ODP)",
    "csv": "CSV",
    "txt": "text (TXT)",
    "png": "PNG",
    "jpg": "JPEG",
    "jpeg": "JPEG",
}

# Office 97-2003 files are OLE compound files; filetype tells Word, Excel and PowerPoint apart when it
# can, and an OLE file it cannot place ("ole") is taken for any of the three rather than refused.
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_TYPES = ("doc", "xls", "ppt")

# The sniffed type each file extension must have: CSV and text files have no signature, only "text".
EXTENSION_TYPES = {"csv": "text", "txt": "text", "jpeg": "jpg"}


def sniffed_type(file) -> str | None:
    """The type of an uploaded file by its content: "pdf", "docx", "png", "zip", "html", "text"…, or
    None when it is empty or nothing known. The file is read from the start and left at the start."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        return None
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(file, head)
    known = filetype.guess(head)
    if known is not None:
        return known.extension
    if head.startswith(OLE_SIGNATURE):
        return "ole"
    lowered = head.lower()
    if any(tag in lowered for tag in MARKUP):
        return "html"
    if b"\x00" in head:
        return None
    return "text"


def _zip_type(file, head: bytes) -> str | None:
    """An OOXML type when [Content_Types].xml names its main part, an OpenDocument type by its
    "mimetype" entry (filetype reads that), else "zip"; None for a damaged archive."""
    known = filetype.guess(head)
    if known is not None and known.extension in ("odt", "ods", "odp"):
        return known.extension
    try:
        with zipfile.ZipFile(file) as archive:
            with archive.open("[Content_Types].xml") as entry:
                content_types = entry.read(CONTENT_TYPES_MAX_BYTES)
    except KeyError:
        return "zip"  # no [Content_Types].xml: not an Office document
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError):
        return None  # damaged, encrypted or cut short: nothing we can say it is
    finally:
        file.seek(0)
    for extension, main_part in OOXML_MAIN_PARTS.items():
        if main_part in content_types:
            return extension
    return "zip"


def type_labels(extensions) -> str:
    """ "PDF, Word (DOCX) or CSV" for the given extensions, in their order, each label once."""
    labels = list(dict.fromkeys(TYPE_LABELS.get(extension, extension.upper()) for extension in extensions))
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"


def check_upload_type(file, allowed, *, label: str = "The file") -> str:
    """The file's extension (lower case, no dot) when both its name and its content are one of the
    `allowed` extensions; a ValidationError naming the file and the types allowed otherwise."""
    name = Path(file.name).name
    extension = Path(name).suffix.lower().lstrip(".")
    kinds = type_labels(allowed)
    if extension not in allowed:
        raise ValidationError(f"{label} must be a {kinds} file: “{name}” is not.", code="file_type")
    found = sniffed_type(file)
    if found is None and not file.size:
        raise ValidationError(f"{label} “{name}” is empty. Upload a {kinds} file.", code="file_type")
    if found == "ole" and extension in OLE_TYPES:
        return extension
    if found != EXTENSION_TYPES.get(extension, extension):
        raise ValidationError(
            f"{label} is not a real {extension.upper()} file. “{name}” holds {_described(found)}. Upload a {kinds} file.",
            code="file_type",
        )
    return extension


def _described(found: str | None) -> str:
    if found is None:
        return "binary data of no known type"
    if found == "html":
        return "a web page (HTML)"
    if found == "text":
        return "plain text"
    if found == "ole":
        return "an Office 97-2003 file of another kind"
    if found == "zip":
        return "a ZIP archive, not an Office document"
    return f"a file of another type ({TYPE_LABELS.get(found, found.upper())})"
