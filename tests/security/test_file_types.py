"""One function says what type an upload is (essex_anchors.lib.uploads): by content, and an Office file
by the main part its [Content_Types].xml names, never because it is "some ZIP"."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from essex_anchors.lib.uploads import check_upload_type, sniffed_type
from learning_community.models import Resource
from pledges.models import ProgressUpdate
from spend.importing import reading

ALLOWED = ["pdf", "docx", "xlsx", "pptx", "csv"]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def content_types(main_part_name: str, main_content_type: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part_name}" ContentType="{main_content_type}"/>'
        "</Types>"
    )


def zipped(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx() -> bytes:
    """A minimal Word document: the package parts Word itself writes first."""
    return zipped(
        {
            "[Content_Types].xml": content_types("word/document.xml", DOCX_MAIN),
            "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
            "word/document.xml": '<?xml version="1.0"?><w:document/>',
        }
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload_type(upload(name, content), ALLOWED)
    return " ".join(refused.value.messages)


def test_it_accepts_a_real_word_document():
    assert sniffed_type(upload("report.docx", docx())) == "docx"
    assert check_upload_type(upload("Report.DOCX", docx()), ALLOWED) == "docx"


def test_it_refuses_a_plain_zip_renamed_docx_naming_the_file_and_the_types_allowed():
    message = refusal("report.docx", zipped({"notes.txt": "hello"}))
    assert "“report.docx” holds a ZIP archive, not an Office document" in message
    assert "is not a real DOCX file" in message
    assert "Upload a PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX) or CSV file." in message


def test_it_refuses_a_zip_with_word_parts_but_no_content_types():
    assert sniffed_type(upload("report.docx", zipped({"word/document.xml": "<w:document/>"}))) == "zip"


def test_it_refuses_a_workbook_renamed_docx():
    workbook = zipped({"[Content_Types].xml": content_types("xl/workbook.xml", XLSX_MAIN), "xl/workbook.xml": "<x/>"})
    assert sniffed_type(upload("book.docx", workbook)) == "xlsx"
    assert "“report.docx” holds a file of another type (Excel (XLSX))" in refusal("report.docx", workbook)


def test_it_refuses_a_macro_enabled_document_renamed_docx():
    macro = content_types("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml")
    assert "is not a real DOCX file" in refusal("report.docx", zipped({"[Content_Types].xml": macro}))


def test_it_refuses_an_html_page_renamed_pdf():
    message = refusal("minutes.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert "is not a real PDF file. “minutes.pdf” holds a web page (HTML)." in message


def test_it_refuses_an_empty_file_naming_it():
    assert sniffed_type(upload("empty.pdf", b"")) is None
    assert "“empty.pdf” is empty." in refusal("empty.pdf", b"")


def test_it_refuses_an_extension_not_allowed_naming_the_file():
    assert "must be a PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX) or CSV file: “run.exe” is not." in (
        refusal("run.exe", PDF)
    )


def test_it_refuses_binary_data_renamed_csv():
    assert "“figures.csv” holds binary data of no known type" in refusal("figures.csv", b"a,b\x00\x01\x02")


def test_it_accepts_a_pdf_and_a_csv_and_leaves_the_file_at_its_start():
    pdf = upload("report.pdf", PDF)
    assert check_upload_type(pdf, ALLOWED) == "pdf"
    assert pdf.read() == PDF
    assert check_upload_type(upload("figures.csv", b"supplier,amount\nAcme,100\n"), ALLOWED) == "csv"


def test_it_never_unpacks_more_than_a_bounded_content_types_list():
    bomb = zipped({"[Content_Types].xml": " " * 50_000_000 + DOCX_MAIN})
    assert sniffed_type(upload("bomb.docx", bomb)) == "zip"


# --- Every upload that checks types calls it --------------------------------------------------------


def _post_evidence(client, pledge, evidence):
    target = pledge.targets.order_by("pk").first()
    data = {"date": "2026-06-30", "narrative": "With evidence", f"value_{target.pk}": "5", "evidence_file": evidence}
    return client.post(f"/pledges/{pledge.pk}/progress/new/", data)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_it_refuses_a_zip_renamed_docx_as_evidence_and_saves_nothing(member_client, published_pledge, private_media):
    response = _post_evidence(member_client, published_pledge, upload("report.docx", zipped({"a.txt": "hello"})))
    assert response.status_code == 200
    assert "The evidence document is not a real DOCX file. “report.docx” holds a ZIP archive" in (
        response.content.decode()
    )
    assert not ProgressUpdate.objects.exists()


def test_it_takes_a_real_word_document_as_evidence(member_client, published_pledge, private_media):
    response = _post_evidence(member_client, published_pledge, upload("report.docx", docx()))
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().evidence_file.name.endswith(".docx")


def test_it_refuses_a_zip_renamed_docx_as_a_resource_file(secretariat_client, reference_data, private_media):
    data = {"title": "Toolkit", "kind": "tool", "summary": "s", "link": "", "visibility": "members",
            "added_on": "2026-01-13", "file": upload("toolkit.docx", zipped({"a.txt": "hello"}))}  # fmt: skip
    response = secretariat_client.post("/admin/learning_community/resource/add/", data)
    assert response.status_code == 200
    assert "The file is not a real DOCX file. “toolkit.docx” holds a ZIP archive" in response.content.decode()
    assert not Resource.objects.exists()


def test_it_takes_a_real_word_document_as_a_resource_file(secretariat_client, reference_data, private_media):
    data = {"title": "Toolkit", "kind": "tool", "summary": "s", "link": "", "visibility": "members",
            "added_on": "2026-01-13", "file": upload("toolkit.docx", docx())}  # fmt: skip
    response = secretariat_client.post("/admin/learning_community/resource/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Resource.objects.get().file_name == "toolkit.docx"


def test_it_refuses_a_spend_file_that_only_looks_like_a_workbook():
    # Both names a workbook has, but no main part of the workbook's type: today's "any ZIP with xl/workbook" is not enough.
    fake = zipped(
        {"[Content_Types].xml": content_types("xl/workbook.xml", "application/xml"), "xl/workbook.xml": "<x/>"}
    )
    with pytest.raises(reading.FileRefused, match="The file is a ZIP archive, not a CSV or Excel"):
        reading.sniff_kind(fake)


def test_it_names_a_word_document_sent_as_a_spend_file():
    with pytest.raises(reading.FileRefused, match=r"The file is a Word \(DOCX\) file, not a CSV or Excel"):
        reading.sniff_kind(docx())
