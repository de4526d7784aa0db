"""Read: the bytes of a CSV or XLSX payments file into sheets of text cells, each from its header row.

Real files carry title lines, blank rows and summary blocks above the header, spacer columns, several
sheets, a byte order mark or Windows-1252. Everything is read as text; spend.importing.cleaning
makes amounts and dates of it.
"""

import csv
import dataclasses
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import filetype
import polars as pl

from .columns import recognise

# The header is looked for in this many rows at the top of each sheet.
HEADER_SEARCH_ROWS = 60


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass
class Sheet:
    name: str  # "" for a CSV file
    header_row: int  # 1-based row number of the header in the sheet
    headers: list[str]
    frame: pl.DataFrame  # data rows below the header, every column text, named c0, c1, ...
    offset: int = 0  # rows of the sheet's data above this frame's first (a batch of a large sheet)

    @property
    def first_row(self) -> int:
        """The sheet's row number of the frame's first row."""
        return self.header_row + 1 + self.offset

    def batches(self, size: int, first: int | None = None) -> Iterator["Sheet"]:
        """The sheet in parts of `size` rows (the first of `first` rows), each numbering its rows as the sheet does."""
        offset, length = 0, first or size
        while offset < self.frame.height:
            yield dataclasses.replace(self, frame=self.frame.slice(offset, length), offset=self.offset + offset)
            offset, length = offset + length, size


@dataclass
class ReadResult:
    sheets: list[Sheet]
    skipped_sheets: list[dict] = field(default_factory=list)  # [{"sheet", "why"}]
    encoding: str = ""


def sniff_kind(data: bytes) -> str:
    """ "xlsx" or "csv" by content, never by name; FileRefused for anything else."""
    if not data or data.isspace():
        raise FileRefused("The file is empty.")
    if data[:4] == b"PK\x03\x04":
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as error:
            raise FileRefused("The file looks like a spreadsheet but is damaged.") from error
        # An Excel workbook is a ZIP holding [Content_Types].xml and xl/workbook.xml.
        if "[Content_Types].xml" in names and any(name.startswith("xl/workbook") for name in names):
            return "xlsx"
        raise FileRefused(
            "The file is a ZIP archive, not a CSV or Excel (.xlsx) file: unzip it and upload the file inside."
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRefused('The file is UTF-16 text (Excel\'s "Unicode text"): save it as "CSV UTF-8" and upload that.')
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("The file is an old Excel (.xls) workbook: save it as .xlsx or CSV and upload that.")
    known = filetype.guess(data[:8192])
    if known is not None:
        raise FileRefused(
            f"The file is a {known.extension.upper()} file ({known.mime}), not a CSV or Excel (.xlsx) file."
        )
    if b"\x00" in data[:65536]:
        raise FileRefused("The file is not a CSV or Excel (.xlsx) file: it holds binary data, not text.")
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileRefused(
            "The file's text is neither UTF-8 nor Windows-1252: save it as CSV (UTF-8) and upload it again."
        ) from error


def find_header(rows: list[list[str]], remembered: dict | None = None) -> int | None:
    """The index of the header row among the top rows: the one naming the most fields (at least two).

    A summary block above the header ("Service area, Total") names fewer fields than the header does.
    With none found, the first row of three or more text cells and no numbers (a header of unusual
    names, which the person then maps), else None.
    """
    best, best_score = None, 1
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len(recognise(row, remembered))
        if score > best_score:
            best, best_score = index, score
    if best is not None:
        return best
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [str(cell).strip() for cell in row if str(cell or "").strip()]
        if len(cells) >= 3 and not any(re.fullmatch(r"[-£$(),.\d\s/]+", cell) for cell in cells):
            return index
    return None


_LINE_END = re.compile(r"\r\n|\n|\r")


def _line_offsets(text: str, count: int) -> list[int]:
    """Character offsets of the starts of the first `count` physical lines."""
    offsets = [0]
    for match in _LINE_END.finditer(text):
        offsets.append(match.end())
        if len(offsets) > count:
            break
    return offsets


def _csv_head(text: str, remembered: dict | None) -> tuple[str, int, int, list[list[str]]]:
    """The top of a CSV text, the index of its header row, the physical line it starts on, and the rows read."""
    head = text[:262144]
    reader = csv.reader(io.StringIO(head))
    rows, line_numbers = [], []
    try:
        for row in reader:
            line_numbers.append(reader.line_num)
            rows.append(row)
            if len(rows) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error as error:
        raise FileRefused(f"The file is not a readable CSV file near its top: {error}.") from error
    header_index = find_header(rows, remembered)
    if header_index is None:
        raise FileRefused(
            "No header row was found in the top rows: the file needs a row naming its columns "
            "(for example Supplier Name, Amount, Payment Date)."
        )
    # The physical line the header starts on (a quoted cell above it may span lines).
    start_line = line_numbers[header_index - 1] if header_index else 0
    return head, header_index, start_line, rows


class _NotUtf8(Exception):
    """The bytes are not UTF-8: read them again as Windows-1252."""


def read_csv(data: bytes, remembered: dict | None = None) -> ReadResult:
    """The one sheet of a CSV file. UTF-8 is handed to polars as it is (no copy of a large file as text)."""
    try:
        return _read_utf8_csv(data, "UTF-8", remembered)
    except _NotUtf8:
        pass
    text, encoding = decode(data)
    return _read_utf8_csv(text.encode("utf-8"), encoding, remembered)


def _read_utf8_csv(data: bytes, encoding: str, remembered: dict | None) -> ReadResult:
    top = data[:1048576]
    try:
        top_text = top.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(data) <= len(top) or error.start < len(top) - 3:  # not just a character cut in two at the end
            raise _NotUtf8 from error
        top_text = top[: error.start].decode("utf-8-sig")
    _head, _header_index, start_line, _rows = _csv_head(top_text, remembered)
    try:
        # polars checks the UTF-8 of the rest, drops a byte order mark, and starts at the header's line.
        frame = pl.read_csv(
            data,
            has_header=False,
            infer_schema=False,
            skip_lines=start_line,
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as error:
        if "utf-8" in str(error).lower():
            raise _NotUtf8 from error
        raise FileRefused(_csv_problem(_body_text(data, start_line), error, start_line)) from error
    if frame.height <= 1:  # the header row is the frame's first
        raise FileRefused("The file has a header row but no rows below it.")
    frame = frame.rename({name: f"c{i}" for i, name in enumerate(frame.columns)})
    headers = [value or "" for value in frame.row(0)]
    sheet = Sheet(name="", header_row=start_line + 1, headers=headers, frame=frame.slice(1))
    return ReadResult(sheets=[sheet], encoding=encoding)


def _body_text(data: bytes, start_line: int) -> str:
    """The text from physical line `start_line` on (to say which row could not be read)."""
    text = data.decode("utf-8-sig", errors="replace")
    return text[_line_offsets(text, start_line)[start_line] :] if start_line else text


def _csv_problem(body: str, error: Exception, start_line: int = 0) -> str:
    """Say which row of a CSV polars could not read, found again with the csv module.

    `body` starts at the header, on physical line `start_line` + 1 of the file: rows are numbered from
    there as the cleaning numbers them, so the row named is the row of the file.
    """
    reader = csv.reader(io.StringIO(body), strict=True)
    width = None
    try:
        for index, row in enumerate(reader):
            if width is None:
                width = len(row)
            elif len(row) > width:
                return (
                    f"Row {start_line + 1 + index} has {len(row)} cells but the header has {width}: "
                    "a comma inside a value that is not in quotes? Nothing has been imported."
                )
    except csv.Error as csv_error:
        return (
            f"The file cannot be read as CSV at line {start_line + reader.line_num}: {csv_error}. "
            "Nothing has been imported."
        )
    return f"The file cannot be read as CSV ({str(error).splitlines()[0]}). Nothing has been imported."


def _cell_text(value) -> str:
    """An Excel cell as text: dates as ISO dates, whole numbers without ".0", others to ten places at most."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".10f").rstrip("0").rstrip(".")
    return str(value)


def read_xlsx(data: bytes, remembered: dict | None = None) -> ReadResult:
    """Every sheet of a workbook; a sheet with no header row is skipped and reported.

    Cells are read as Excel last saved them (python-calamine): formulas are never evaluated.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as error:
        raise FileRefused(f"The workbook cannot be read: {error}.") from error
    result = ReadResult(sheets=[], encoding="XLSX")
    for name in workbook.sheet_names:
        try:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as error:
            result.skipped_sheets.append({"sheet": name, "why": f"it cannot be read ({error})"})
            continue
        text_rows = [[_cell_text(value) for value in row] for row in rows]
        header_index = find_header(text_rows, remembered)
        if header_index is None:
            why = "it is empty" if not any(any(row) for row in text_rows) else "it has no header row naming its columns"
            result.skipped_sheets.append({"sheet": name, "why": why})
            continue
        width = max(len(row) for row in text_rows)
        body = [row + [""] * (width - len(row)) for row in text_rows[header_index:]]
        if len(body) < 2:
            result.skipped_sheets.append({"sheet": name, "why": "it has a header row but no rows below it"})
            continue
        frame = pl.DataFrame(
            {f"c{i}": [row[i] for row in body[1:]] for i in range(width)},
            schema={f"c{i}": pl.String for i in range(width)},
        )
        result.sheets.append(Sheet(name=name, header_row=header_index + 1, headers=body[0], frame=frame))
    if not result.sheets:
        raise FileRefused("No sheet of the workbook has a header row naming its columns, so nothing could be read.")
    return result


def peek(data: bytes, remembered: dict | None = None) -> list[tuple[str, list[str]]]:
    """Each sheet's name and header row, reading no more of a CSV file than its top."""
    if sniff_kind(data) == "xlsx":
        return [(sheet.name, sheet.headers) for sheet in read_xlsx(data, remembered).sheets]
    _head, header_index, _start, rows = _csv_head(_decode_top(data), remembered)
    return [("", rows[header_index])]


def _decode_top(data: bytes, size: int = 1048576) -> str:
    """The top of a CSV file decoded as decode() decodes the whole, so peek() and read() see the same headers."""
    top = data[:size]
    try:
        return top.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(data) > size and error.start >= size - 3:
            return top[: error.start].decode("utf-8-sig")  # a character cut in two at the end
        return top.decode("cp1252", errors="replace")


def read(data: bytes, remembered: dict | None = None) -> ReadResult:
    """The sheets of a CSV or XLSX file, by its content."""
    if sniff_kind(data) == "xlsx":
        return read_xlsx(data, remembered)
    return read_csv(data, remembered)
