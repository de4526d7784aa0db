"""Reading and checking a CSV file of progress values for many pledges at once.

The whole file is checked before anything is saved: every problem is reported with the row
number a spreadsheet shows (the header is row 1) and the column, and one bad row means nothing
is saved. Everything here is a plain function of the file's bytes and a `lookup` of the
pledges it names, so it is tested without a view or a request; only pledge_facts() reads the
database, and the view saves the result through services.progress_post().

Columns: pledge_id, target_id, date, value, narrative, rag (optional), evidence_link (optional).
Rows sharing a pledge_id and date form one progress update; its narrative, RAG rating and
evidence link come from the first of those rows.
"""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .models import EVIDENCE_LINK_MAX_LENGTH, NARRATIVE_MAX_LENGTH, RAG, Pledge, PledgeStatus, Target

COLUMNS = ("pledge_id", "target_id", "date", "value", "narrative", "rag", "evidence_link")
REQUIRED_COLUMNS = ("pledge_id", "target_id", "date", "value", "narrative")
# The template CSV adds these so a person can tell the rows apart; their content is not read.
IGNORED_COLUMNS = ("pledge_title", "measure", "unit")
MAX_ROWS = 10_000
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# The largest value a Target/TargetProgress decimal (16 digits, 2 after the point) can hold.
MAX_VALUE = Decimal("99999999999999.99")
RAG_WORDS = {"red": RAG.RED, "r": RAG.RED, "amber": RAG.AMBER, "a": RAG.AMBER, "green": RAG.GREEN, "g": RAG.GREEN}


@dataclass(frozen=True)
class RowError:
    """One problem in the file: a row number as a spreadsheet shows it (None for the whole file) and a column."""

    row: int | None
    column: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        if not self.column:
            return f"Row {self.row}: {self.message}"
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class PledgeFacts:
    """What checking a row needs to know about the pledge it names."""

    published: bool
    start_date: datetime.date
    target_ids: frozenset[int]


@dataclass
class UpdateRows:
    """One progress update to post: the rows of one pledge and date."""

    pledge_id: int
    date: datetime.date
    narrative: str
    rag: str
    evidence_link: str
    values: dict[int, Decimal] = field(default_factory=dict)
    rows: dict[int, int] = field(default_factory=dict)  # target id -> row number, to name duplicates


@dataclass
class CheckResult:
    updates: list[UpdateRows]
    errors: list[RowError]

    @property
    def value_count(self) -> int:
        return sum(len(update.values) for update in self.updates)


class FileProblem(Exception):
    """The file as a whole cannot be read (not text, no header, too many rows)."""


def decode(data: bytes) -> str:
    """The file's text: UTF-8 with or without a byte order mark, else Windows-1252 (Excel's "CSV" on Windows)."""
    if not data.strip():
        raise FileProblem("The file is empty.")
    if b"\x00" in data:
        raise FileProblem(
            "The file is not a CSV file (it holds binary data). Save it from your spreadsheet as “CSV” and try again."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise FileProblem(
            "The file's characters cannot be read. Save it as “CSV UTF-8” from your spreadsheet and try again."
        ) from error


def _header(cells: list[str]) -> list[str]:
    names = [cell.strip().lower().replace(" ", "_") for cell in cells]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    unknown = [name or "(blank)" for name in names if name not in COLUMNS and name not in IGNORED_COLUMNS]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"the header is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if unknown:
        problems.append(f"the header has unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    if repeated:
        problems.append(f"the header repeats the column{'s' if len(repeated) > 1 else ''} {', '.join(repeated)}")
    if problems:
        raise FileProblem(f"Row 1: {'; '.join(problems)}. The columns are: {', '.join(COLUMNS)}.")
    return names


def parse_date(text: str) -> datetime.date | None:
    """31/03/2026 or 2026-03-31 (None if neither)."""
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), date_format).date()
        except ValueError:
            continue
    return None


def parse_value(text: str) -> Decimal | None:
    """A number as people type it in a spreadsheet: 1234.56, 1,234.56, £1,234 (None if not a number)."""
    cleaned = text.strip().replace(",", "").replace("£", "").replace(" ", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _positive_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None


def _rows(text: str) -> Iterable[tuple[int, dict[str, str], bool]]:
    """(row number, cells by column, whether it has more cells than columns) for each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise FileProblem("The file is empty.")
    names = _header(header)
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if number > MAX_ROWS + 1:
            raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
        overflow = any(cell.strip() for cell in cells[len(names) :])
        yield number, dict(zip(names, cells, strict=False)), overflow


def check_file(
    data: bytes, *, lookup: Callable[[set[int]], Mapping[int, PledgeFacts]], today: datetime.date
) -> CheckResult:
    """Check every row of the file and group the good ones into updates; any error means nothing to save."""
    try:
        rows = list(_rows(decode(data)))
    except FileProblem as problem:
        return CheckResult(updates=[], errors=[RowError(None, "", str(problem))])
    except csv.Error as problem:
        # The csv module's own words ("field larger than field limit (131072)") mean little to most people.
        message = (
            f"The file cannot be read as CSV ({problem}): a cell may be far too long, or a quote left open. "
            "Save it from your spreadsheet as “CSV” and try again."
        )
        return CheckResult(updates=[], errors=[RowError(None, "", message)])
    if not rows:
        return CheckResult(
            updates=[], errors=[RowError(None, "", "The file has no rows of progress below the header.")]
        )
    pledges = lookup({pledge_id for _, cells, _ in rows if (pledge_id := _positive_int(cells.get("pledge_id", "")))})
    errors: list[RowError] = []
    updates: dict[tuple[int, datetime.date], UpdateRows] = {}
    for number, cells, overflow in rows:
        row_errors, parsed = _check_row(number, cells, overflow, pledges, today)
        errors += row_errors
        if row_errors:
            continue
        pledge_id, target_id, date, value = parsed
        update = updates.get((pledge_id, date))
        if update is None:
            update = updates[(pledge_id, date)] = UpdateRows(
                pledge_id=pledge_id,
                date=date,
                narrative=cells["narrative"].strip(),
                rag=RAG_WORDS.get(cells.get("rag", "").strip().lower(), ""),
                evidence_link=cells.get("evidence_link", "").strip(),
            )
        if target_id in update.values:
            errors.append(
                RowError(
                    number,
                    "target_id",
                    f"target {target_id} of pledge {pledge_id} already has a value for {date:%d/%m/%Y} "
                    f"in row {update.rows[target_id]}",
                )
            )
            continue
        update.values[target_id] = value
        update.rows[target_id] = number
    if errors:
        return CheckResult(updates=[], errors=errors)
    return CheckResult(updates=list(updates.values()), errors=[])


def _check_row(
    number: int, cells: dict[str, str], overflow: bool, pledges: Mapping[int, PledgeFacts], today: datetime.date
):
    """The errors in one row, and (pledge id, target id, date, value) when there are none."""
    errors = []

    def error(column, message):
        errors.append(RowError(number, column, message))

    if overflow:
        error("", "the row has more cells than the header has columns")
    pledge_text = cells.get("pledge_id", "").strip()
    pledge_id = _positive_int(pledge_text)
    facts = pledges.get(pledge_id) if pledge_id else None
    if not pledge_text:
        error("pledge_id", "give the pledge's number")
    elif pledge_id is None:
        error("pledge_id", f"“{pledge_text}” is not a pledge number")
    elif facts is None:
        # The same words whether the pledge does not exist or belongs to someone else: ids reveal nothing.
        error("pledge_id", f"pledge {pledge_id} is not one of your organisation's pledges")
    elif not facts.published:
        error("pledge_id", f"pledge {pledge_id} does not take progress: only published pledges do")
    target_text = cells.get("target_id", "").strip()
    target_id = _positive_int(target_text)
    if not target_text:
        error("target_id", "give the target's number")
    elif target_id is None:
        error("target_id", f"“{target_text}” is not a target number")
    elif facts is not None and target_id not in facts.target_ids:
        error("target_id", f"target {target_id} is not a target of pledge {pledge_id}")
    date_text = cells.get("date", "").strip()
    date = parse_date(date_text)
    if not date_text:
        error("date", "give the date of the progress")
    elif date is None:
        error("date", f"“{date_text}” is not a date: write it as 31/03/2026 or 2026-03-31")
    elif date > today:
        error("date", f"{date:%d/%m/%Y} is in the future")
    elif facts is not None and date < facts.start_date:
        error("date", f"{date:%d/%m/%Y} is before the pledge started on {facts.start_date:%d/%m/%Y}")
    value_text = cells.get("value", "").strip()
    value = parse_value(value_text)
    if not value_text:
        error("value", "give the value reached")
    elif value is None:
        error("value", f"“{value_text}” is not a number")
    elif value < 0:
        error("value", f"{value_text} is negative: enter 0 or more")
    elif value > MAX_VALUE:
        error("value", f"{value_text} is too large")
    elif value != value.quantize(Decimal("0.01")):
        error("value", f"{value_text} has more than 2 decimal places")
    narrative = cells.get("narrative", "").strip()
    if not narrative:
        error("narrative", "write a narrative: what has happened since the last update")
    elif len(narrative) > NARRATIVE_MAX_LENGTH:
        error("narrative", f"the narrative has {len(narrative):,} characters: write at most {NARRATIVE_MAX_LENGTH:,}")
    rag_text = cells.get("rag", "").strip()
    if rag_text and rag_text.lower() not in RAG_WORDS:
        error("rag", f"“{rag_text}” is not a RAG rating: use red, amber or green, or leave it empty")
    link = cells.get("evidence_link", "").strip()
    if len(link) > EVIDENCE_LINK_MAX_LENGTH:
        error("evidence_link", f"the web address is longer than {EVIDENCE_LINK_MAX_LENGTH} characters")
    elif link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            error("evidence_link", f"“{link}” is not a web address starting with https://")
    if errors:
        return errors, None
    return [], (pledge_id, target_id, date, value)


def summary(errors: list[RowError]) -> str:
    """One sentence for the form's error: how many problems, and that nothing was saved."""
    if len(errors) == 1:
        return f"{str(errors[0]).rstrip('.')}. Nothing has been saved: correct the file and upload it again."
    return f"The file has {len(errors)} problems, listed below. Nothing has been saved: correct the file and upload it again."


def pledge_facts(ids: set[int], *, organisation) -> dict[int, PledgeFacts]:
    """The facts about the pledges a file names, limited to `organisation`'s (every pledge for None, the secretariat)."""
    pledges = Pledge.objects.filter(pk__in=ids)
    if organisation is not None:
        pledges = pledges.filter(organisation=organisation)
    found = {pk: (status, start) for pk, status, start in pledges.values_list("pk", "status", "start_date")}
    targets: dict[int, set[int]] = {pk: set() for pk in found}
    for pledge_id, target_id in Target.objects.filter(pledge_id__in=found).values_list("pledge_id", "pk"):
        targets[pledge_id].add(target_id)
    return {
        pk: PledgeFacts(published=status == PledgeStatus.PUBLISHED, start_date=start, target_ids=frozenset(targets[pk]))
        for pk, (status, start) in found.items()
    }
