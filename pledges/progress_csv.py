"""Reading and checking a CSV file of progress values for many pledges at once.

The whole file is checked before anything is saved: every problem is reported with the row
number a spreadsheet shows (the header is row 1) and the column, and one bad row means nothing
is saved. The file is read strictly: a quote left open or a row with the wrong number of cells
is an error, never a guess. This module only reads: each row's cells are parsed by the shared
forms.ProgressRowForm and checked by services.progress_problems(), the rules progress_post()
applies, so the upload refuses exactly what the web form refuses.

Everything here is a plain function of the file's bytes and a `lookup` of the pledges it names,
so it is tested without a view or a request; only pledge_facts() reads the database, and the
view saves the result through services.progress_post().

Columns: pledge_id, target_id, date, value, narrative, rag (optional), evidence_link (optional).
Rows sharing a pledge_id and date form one progress update; its narrative, RAG rating and
evidence link come from the first of those rows.
"""

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .forms import ProgressRowForm
from .models import Pledge, Target
from .services import progress_problems, value_field

COLUMNS = ("pledge_id", "target_id", "date", "value", "narrative", "rag", "evidence_link")
REQUIRED_COLUMNS = ("pledge_id", "target_id", "date", "value", "narrative")
# The template CSV adds these so a person can tell the rows apart; their content is not read
# (so the apostrophe the template puts before formula-like text never needs taking off).
IGNORED_COLUMNS = ("pledge_title", "measure", "unit")
MAX_ROWS = 10_000
# Ids in ASCII digits only: int() also reads "٣" as 3, and "²" passes str.isdigit() but not int().
ID = re.compile(r"[0-9]+")


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
    """The file cannot be read past this point (not text, no header, too many rows, bad CSV); `row` names where."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


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


def _positive_int(text: str) -> int | None:
    text = text.strip()
    return int(text) if ID.fullmatch(text) and int(text) > 0 else None


def _unreadable(problem: csv.Error, row: int) -> FileProblem:
    if "unexpected end of data" in str(problem):
        message = (
            'a quote (") opens a cell here that is never closed, so the rest of the file would be read as '
            "one cell. Close the quote, or save the file from your spreadsheet as “CSV” again."
        )
    else:
        # The csv module's own words ("field larger than field limit (131072)") mean little to most people.
        message = (
            f"the row cannot be read as CSV ({problem}): a cell may be far too long, or a quote misplaced. "
            "Save the file from your spreadsheet as “CSV” and try again."
        )
    return FileProblem(message, row=row)


def _rows(text: str) -> Iterable[tuple[int, dict[str, str], str]]:
    """(row number, cells by column, what is wrong with the row's shape or "") for each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as problem:
        raise _unreadable(problem, 1) from problem
    if not header or not any(cell.strip() for cell in header):
        raise FileProblem("The file is empty.")
    names = _header(header)
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            raise _unreadable(problem, number) from problem
        if not any(cell.strip() for cell in cells):
            continue
        if number > MAX_ROWS + 1:
            raise FileProblem(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
        shape = ""
        if len(cells) != len(names):
            shape = f"the row has {len(cells)} cells but the header has {len(names)} columns"
        yield number, dict(zip(names, cells, strict=False)), shape


def check_file(
    data: bytes, *, lookup: Callable[[set[int]], Mapping[int, PledgeFacts]], today: datetime.date
) -> CheckResult:
    """Check every row of the file and group the good ones into updates; any error means nothing to save."""
    try:
        rows = list(_rows(decode(data)))
    except FileProblem as problem:
        return CheckResult(updates=[], errors=[RowError(problem.row, "", str(problem))])
    if not rows:
        return CheckResult(
            updates=[], errors=[RowError(None, "", "The file has no rows of progress below the header.")]
        )
    pledges = lookup({pledge_id for _, cells, _ in rows if (pledge_id := _positive_int(cells.get("pledge_id", "")))})
    errors: list[RowError] = []
    updates: dict[tuple[int, datetime.date], UpdateRows] = {}
    for number, cells, shape in rows:
        if shape:
            # The cells may have slipped into the wrong columns: checking them would only mislead.
            errors.append(RowError(number, "", shape))
            continue
        row_errors, parsed = _check_row(number, cells, pledges, today)
        errors += row_errors
        if row_errors:
            continue
        pledge_id, target_id, post = parsed
        date = post["date"]
        update = updates.get((pledge_id, date))
        if update is None:
            update = updates[(pledge_id, date)] = UpdateRows(
                pledge_id=pledge_id,
                date=date,
                narrative=post["narrative"],
                rag=post["rag"],
                evidence_link=post["evidence_link"],
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
        update.values[target_id] = post["values"][target_id]
        update.rows[target_id] = number
    if errors:
        return CheckResult(updates=[], errors=errors)
    return CheckResult(updates=list(updates.values()), errors=[])


def _column(name: str) -> str:
    """The CSV column of a field of ProgressRowForm or of services.progress_problems()."""
    if name == "values" or name.startswith("value_"):
        return "value"
    return {"targets": "target_id"}.get(name, name)


def _check_row(number: int, cells: dict[str, str], pledges: Mapping[int, PledgeFacts], today: datetime.date):
    """The errors in one row, and (pledge id, target id, progress_post arguments) when there are none."""
    errors = []

    def error(column, message):
        errors.append(RowError(number, column, message))

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
    # A row without a good target id still has its value read (as target 0), to report all its problems.
    form = ProgressRowForm(
        {
            "date": cells.get("date", ""),
            "narrative": cells.get("narrative", ""),
            "rag": cells.get("rag", ""),
            "evidence_link": cells.get("evidence_link", ""),
            value_field(target_id or 0): cells.get("value", ""),
        },
        target_ids=[target_id or 0],
    )
    unread = set()
    if not form.is_valid():
        for name, messages in form.errors.items():
            error(_column(name), " ".join(messages))
            unread.add(_column(name))
    post = form.post_values()
    problems = progress_problems(
        start_date=facts.start_date if facts else None,
        target_ids=facts.target_ids if facts and target_id else None,
        today=today,
        **post,
    )
    for name, messages in problems.items():
        # A cell that could not be read at all has said so once already.
        if _column(name) not in unread:
            error(_column(name), " ".join(messages))
    if errors:
        return errors, None
    return [], (pledge_id, target_id, post)


def summary(errors: list[RowError]) -> str:
    """One sentence for the form's error: how many problems, and that nothing was saved."""
    if len(errors) == 1:
        return f"{str(errors[0]).rstrip('.')}. Nothing has been saved: correct the file and upload it again."
    return f"The file has {len(errors)} problems, listed below. Nothing has been saved: correct the file and upload it again."


def pledge_facts(ids: set[int], *, organisation) -> dict[int, PledgeFacts]:
    """The facts about the pledges a file names, limited to `organisation`'s (every pledge for None, the secretariat)."""
    pledges = Pledge.objects.filter(pk__in=ids).only("pk", "status", "start_date")
    if organisation is not None:
        pledges = pledges.filter(organisation=organisation)
    found = {pledge.pk: pledge for pledge in pledges}
    targets: dict[int, set[int]] = {pk: set() for pk in found}
    for pledge_id, target_id in Target.objects.filter(pledge_id__in=found).values_list("pledge_id", "pk"):
        targets[pledge_id].add(target_id)
    return {
        pk: PledgeFacts(
            published=pledge.accepts_progress, start_date=pledge.start_date, target_ids=frozenset(targets[pk])
        )
        for pk, pledge in found.items()
    }
