"""Read: the bytes of a CSV or XLSX payments file into sheets of text cells, each from its header row.

Real files carry title lines, blank rows and summary blocks above the header, spacer columns, several
sheets, a byte order mark or Windows-1252. Everything is read as text; spend.importing.cleaning
makes amounts and dates of it.
"""

import codecs
import csv
import dataclasses
import datetime
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from essex_anchors.lib.uploads import sniffed_type, type_labels

from .columns import recognise

# What read() needs of a file it can stream from the disk: enough to tell its kind and find its header.
HEAD_BYTES = 1 << 20
# The header is looked for in this many rows at the top of each sheet.
HEADER_SEARCH_ROWS = 60


class FileRefused(Exception):
    """The file as a whole cannot be read; the message says why in plain words."""


@dataclass
class Sheet:
    name: str  # "" for a CSV file
    header_row: int  # 1-based row number of the header in the sheet
    headers: list[str]
    # The data rows below the header, every column text, named c0, c1, ...: all of them in `frame`, or
    # (a CSV file read as a stream) `scan`, which reads them from `csv_data` a batch at a time.
    frame: pl.DataFrame | None = None
    offset: int = 0  # rows of the sheet's data above this frame's first (a batch of a large sheet)
    csv_data: bytes | Path | None = None  # a streamed CSV file: its bytes or its path
    csv_offset: int = 0  # where its header row starts, in bytes

    @property
    def first_row(self) -> int:
        """The sheet's row number of the frame's first row."""
        return self.header_row + 1 + self.offset

    @functools.cached_property
    def height(self) -> int:
        """How many data rows the sheet has (a streamed CSV file's are counted without being read)."""
        if self.csv_data is None:
            return self.frame.height
        scan = pl.scan_csv(self.csv_data, has_header=False, infer_schema=False, skip_lines=self.header_row - 1)
        try:
            return scan.select(pl.len()).collect().item() - 1
        except pl.exceptions.PolarsError:
            return 0  # the batches say what is wrong

    def batches(self, size: int, first: int | None = None) -> Iterator["Sheet"]:
        """The sheet in parts of `size` rows (the first of `first` rows), each numbering its rows as the sheet does."""
        if self.csv_data is not None:
            yield from self._streamed_batches(size, first or size)
            return
        offset, length = 0, first or size
        while offset < self.frame.height:
            yield dataclasses.replace(self, frame=self.frame.slice(offset, length), offset=self.offset + offset)
            offset, length = offset + length, size

    def _streamed_batches(self, size: int, first: int) -> Iterator["Sheet"]:
        """Batches as polars parses the CSV: the first of about `first` rows, then about `size` at a time.

        (About: pieces are cut by bytes, at the rows' measured size; the batches say where they start.)

        The file is cut into pieces that end where a record ends (a line end outside quotes), each
        parsed only when it is asked for, so memory holds one piece however large the file is.
        """
        offset, header_pending = 0, True
        schema = {f"c{i}": pl.String for i in range(len(self.headers))}
        wanted = [first * 100]  # bytes of the next piece: a guess for the first, then measured
        try:
            for piece in _record_pieces(self.csv_data, self.csv_offset, lambda: wanted[0]):
                frame = pl.read_csv(
                    piece, has_header=False, schema=schema, truncate_ragged_lines=False, raise_if_empty=False
                )
                if header_pending and frame.height:
                    frame, header_pending = frame.slice(1), False  # the header row
                if frame.height:
                    wanted[0] = size * max(1, len(piece) // frame.height)
                    yield dataclasses.replace(self, frame=frame, offset=offset, csv_data=None)
                offset += frame.height
        except pl.exceptions.PolarsError as error:
            start_line = self.header_row - 1
            raise FileRefused(_csv_problem(_body_text(self.csv_data, start_line), error, start_line)) from error


def _record_pieces(source: bytes | Path, start: int, piece_size) -> Iterator[bytes]:
    """The bytes of `source` from `start`, in pieces of about piece_size() bytes that each end a record.

    A record ends at a line end with an even number of double quotes before it in the piece (a
    quoted cell may hold line ends; an escaped quote is two quotes).
    """
    handle = open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)
    with handle:
        handle.seek(start)
        carry = b""
        # At least as much again as the carried bytes, so a record longer than a piece is still found.
        while block := handle.read(max(piece_size() - len(carry), len(carry), 64)):
            cut = _last_record_end(block, carry.count(b'"') % 2)
            if cut is None:
                carry += block
                continue
            yield carry + block[:cut]
            carry = block[cut:]
        if carry:
            yield carry


def _last_record_end(data: bytes, quotes_before: int = 0) -> int | None:
    """The index just after the last line end of `data` outside quotes, or None.

    `quotes_before`: 1 when the bytes before `data` leave a quoted cell open.
    """
    end = data.rfind(b"\n")
    while end >= 0:
        if (quotes_before + data.count(b'"', 0, end)) % 2 == 0:
            return end + 1
        end = data.rfind(b"\n", 0, end)
    return None


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
        found = sniffed_type(io.BytesIO(data))
        if found == "xlsx":
            return "xlsx"
        if found is None:
            raise FileRefused("The file looks like a spreadsheet but is damaged.")
        if found == "zip":
            raise FileRefused(
                "The file is a ZIP archive, not a CSV or Excel (.xlsx) file: unzip it and upload the file inside."
            )
        raise FileRefused(f"The file is a {type_labels([found])} file, not a CSV or Excel (.xlsx) file.")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRefused('The file is UTF-16 text (Excel\'s "Unicode text"): save it as "CSV UTF-8" and upload that.')
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("The file is an old Excel (.xls) workbook: save it as .xlsx or CSV and upload that.")
    found = sniffed_type(io.BytesIO(data))
    if found not in (None, "text", "html"):
        raise FileRefused(f"The file is a {type_labels([found])} file, not a CSV or Excel (.xlsx) file.")
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


def read_csv(
    data: bytes, remembered: dict | None = None, *, streamed: bool = False, path: Path | None = None
) -> ReadResult:
    """The one sheet of a CSV file. UTF-8 is handed to polars as it is (no copy of a large file as text).

    `streamed`: the sheet's rows are read a batch at a time when they are asked for (Sheet.batches), so a
    large file is never held as one frame; a row polars cannot read is then found by the batches. With
    a `path`, `data` is the top of that file (HEAD_BYTES), and a UTF-8 file is streamed from the disk.
    """
    try:
        return _read_utf8_csv(data, "UTF-8", remembered, streamed, path)
    except _NotUtf8:
        pass
    text, encoding = decode(path.read_bytes() if path is not None else data)
    return _read_utf8_csv(text.encode("utf-8"), encoding, remembered, streamed, None)


def _check_utf8(source: bytes | Path) -> None:
    """_NotUtf8 unless all of `source` is UTF-8 (checked a megabyte at a time, never decoded whole)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        if isinstance(source, Path):
            with open(source, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
        else:
            view = memoryview(source)
            for start in range(0, len(source), 1 << 20):
                decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise _NotUtf8 from error


def _read_utf8_csv(
    data: bytes, encoding: str, remembered: dict | None, streamed: bool, path: Path | None
) -> ReadResult:
    top = data[:1048576]
    try:
        top_text = top.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        size = path.stat().st_size if path is not None else len(data)
        if size <= len(top) or error.start < len(top) - 3:  # not just a character cut in two at the end
            raise _NotUtf8 from error
        top_text = top[: error.start].decode("utf-8-sig")
    _head, _header_index, start_line, _rows = _csv_head(top_text, remembered)
    offset = len(top_text[: _line_offsets(top_text, start_line)[start_line]].encode("utf-8")) if start_line else 0
    if offset and top.startswith(b"\xef\xbb\xbf"):
        offset += 3  # the byte order mark, which the decoded text has dropped
    result = _streamed_csv(path if path is not None else data, encoding, start_line, offset)
    if not streamed:  # read every batch now: the same reading, held as one frame
        sheet = result.sheets[0]
        sheet.frame = pl.concat([part.frame for part in sheet.batches(len(data), first=len(data))])
        sheet.csv_data = None
    return result


def _streamed_csv(source: bytes | Path, encoding: str, start_line: int, offset: int) -> ReadResult:
    if encoding == "UTF-8":
        _check_utf8(source)
    scan = pl.scan_csv(
        source,
        has_header=False,
        infer_schema=False,
        skip_lines=start_line,
        truncate_ragged_lines=False,
        raise_if_empty=False,
    )
    try:
        top = scan.head(2).collect()
    except pl.exceptions.PolarsError as error:
        raise FileRefused(_csv_problem(_body_text(source, start_line), error, start_line)) from error
    if top.height <= 1:  # the header row is the first
        raise FileRefused("The file has a header row but no rows below it.")
    sheet = Sheet(
        name="",
        header_row=start_line + 1,
        headers=[value or "" for value in top.row(0)],
        csv_data=source,
        csv_offset=offset,
    )
    return ReadResult(sheets=[sheet], encoding=encoding)


def _body_text(source: bytes | Path, start_line: int) -> str:
    """The text from physical line `start_line` on (to say which row could not be read)."""
    data = source.read_bytes() if isinstance(source, Path) else source
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


def read(
    data: bytes, remembered: dict | None = None, *, streamed: bool = False, path: Path | None = None
) -> ReadResult:
    """The sheets of a CSV or XLSX file, by its content (`streamed`, `path`: see read_csv).

    With a `path`, `data` may be only the top of the file; a workbook is then read whole from the path.
    """
    if path is not None and (not streamed or data[:4] == b"PK\x03\x04"):
        data, path = path.read_bytes(), None
    if sniff_kind(data) == "xlsx":
        return read_xlsx(data, remembered)
    return read_csv(data, remembered, streamed=streamed, path=path)
