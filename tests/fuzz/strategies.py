"""What the fuzz suite types into forms and uploads: text, numbers, dates and files as people (and scripts) send them."""

import csv
import datetime
import io
import zipfile

from hypothesis import strategies as st

from .checks import ATTRIBUTE, SCRIPT

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n\t",
    "\u202eevil\u202c",  # right-to-left override
    "مرحبا بالعالم",
    "שלום",
    "👩🏽‍💻🎉🏴󠁧󠁢󠁥󠁮󠁧󠁿",
    "\ufeffBOM",
    "\u200b\u200d",
    "Ω≈ç√∫",
    "'; DROP TABLE pledges_pledge; --",
    "%s %(x)s {0} {{ x }} {% if %}",
    "../../etc/passwd",
    SCRIPT,
    ATTRIBUTE,
    '=HYPERLINK("http://x")',
    "\ud800",  # a lone surrogate (sent as invalid UTF-8 where a client allows it)
    "\udfff tail",
]

# Any text: every unicode category, control characters and NUL included (surrogates only from NASTY).
any_text = st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=60)


def long_text(at_least=150):
    """Text around and well over the fields' limits (200, 1,000, 5,000 characters), up to a megabyte."""
    sizes = st.sampled_from([at_least, 199, 200, 201, 255, 256, 300, 1000, 1001, 5000, 5001, 100_000, 1_000_000])
    return st.tuples(sizes, st.sampled_from(["x", "é", "😀", "<", " "])).map(lambda pair: pair[1] * pair[0])


text = st.one_of(st.sampled_from(NASTY), any_text, long_text(), any_text.map(lambda t: f"{SCRIPT}{t}"))

NUMBER_WORDS = [
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "-sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-inf",
    "1e309",
    "-1e309",
    "1E5",
    "1e-7",
    "1e999999999",
    "1e-999999999",
    "9" * 30,
    "-" + "9" * 30,
    "0",
    "-0",
    "-1",
    "0.001",
    "0.005",
    "12.345",
    "1,000,000.00",
    "1.000.000,00",
    "1,00,000",
    "£1,234",
    "$5",
    "1_000",
    "0x10",
    "٣",
    "１２",
    " 12 ",
    "12 34",
    "+5",
    "--5",
    "5-",
    "1/2",
    "½",
    "2147483648",
    "9223372036854775808",
    "18446744073709551616",
    "",
]
numbers = st.one_of(
    st.sampled_from(NUMBER_WORDS),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%m/%d/%Y", "%d/%m/%y", "%d%m%Y", "%d.%m.%Y", "%d %B %Y", "%B %d, %Y", "%Y%m%d"]
IMPOSSIBLE_DATES = [
    "31/02/2026",
    "29/02/2027",
    "00/00/0000",
    "32/01/2026",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-1/01/2026",
    "31/12/99999",
    "1/1/1",
    "today",
    "2026-02-30T25:61",
    "2026/04/01",
    "٢٠٢٦-٠٤-٠١",
    "",
    "   ",
]
dates = st.one_of(
    st.sampled_from(IMPOSSIBLE_DATES),
    st.tuples(st.dates(), st.sampled_from(DATE_FORMATS)).map(lambda pair: pair[0].strftime(pair[1])),
)
times = st.sampled_from(["10:00", "25:00", "23:59:60", "noon", "10.30", "-1:00", "", "10:00:00.999999999"])

ids = st.one_of(
    st.sampled_from(["0", "-1", "1.5", "abc", "", "1e3", "9" * 20, "2147483648", "9223372036854775808", "1,2"]),
    st.integers().map(str),
)

# A value for any field of any form.
anything = st.one_of(text, numbers, dates, ids)


def changes(names, values=anything, max_size=4):
    """Some of a form's fields (`names`) given other values."""
    return st.dictionaries(st.sampled_from(sorted(names)), values, max_size=max_size)


# ---- files ------------------------------------------------------------------------------------------------------

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"]


def _csv(rows, encoding) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding, "replace")


def _xlsx_bytes(rows) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", str(cell)[:32000]) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


cells = st.one_of(text.map(lambda t: t[:300]), numbers, dates)


def csv_files(header, good_row):
    """CSV files around a good one: its header and rows with some cells changed, wrong or huge headers, NUL
    bytes, in many encodings."""
    headers = st.one_of(
        st.just(header),
        st.lists(cells, max_size=8),
        st.just([h.upper() for h in header]),
        st.just(["x" * 100_000, *header[1:]]),
        st.just(header + header),
        st.just([]),
    )
    rows = st.lists(
        st.lists(st.one_of(cells, st.sampled_from(good_row)), min_size=0, max_size=len(header) + 2).map(
            lambda row: row or good_row
        ),
        max_size=5,
    )
    built = st.builds(lambda h, r, e: _csv([h, good_row, *r], e), headers, rows, st.sampled_from(ENCODINGS))
    return st.one_of(
        built,
        built.map(lambda data: data.replace(b",", b"\x00,", 1)),  # a NUL byte in a cell
        built.map(lambda data: data[: len(data) // 2]),  # cut short
        st.binary(max_size=2000),
    )


def xlsx_files(header, good_row):
    """Real workbooks with junk cells, and truncated or damaged ones (a zip cut short, a zip that is not a workbook)."""
    rows = st.lists(st.lists(cells, max_size=len(header) + 1), max_size=3)
    books = st.builds(lambda r: _xlsx_bytes([header, good_row, *r]), rows)

    def plain_zip(names):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name in names:
                archive.writestr(name, b"<x/>")
        return out.getvalue()

    return st.one_of(
        books,
        st.tuples(books, st.floats(0.05, 0.95)).map(lambda pair: pair[0][: int(len(pair[0]) * pair[1])]),
        st.lists(st.sampled_from(["[Content_Types].xml", "xl/workbook.xml", "a.txt"]), max_size=3, unique=True).map(
            plain_zip
        ),
        st.binary(max_size=500).map(lambda junk: b"PK\x03\x04" + junk),
    )


def file_names(default):
    return st.one_of(
        st.just(default),
        st.sampled_from(
            [
                "x" * 250 + ".csv",
                "évidence ✓.csv",
                "../../etc/passwd.csv",
                "a\x00b.csv",
                ".csv",
                "noext",
                "CON.csv",
                "file.CSV",
                "f.xlsx",
                "f.pdf",
                "<script>.csv",
                "a" * 99 + ".xlsx",
            ]
        ),
    )


def today_plus(days: int) -> str:
    return (datetime.date.today() + datetime.timedelta(days=days)).strftime("%d/%m/%Y")
