"""Writes that span the spend models: take in an upload, import it, publish or hold its baseline."""

import csv
import datetime
import io
import json
import logging
from collections.abc import Callable
from pathlib import Path

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from essex_anchors.lib.ahead import Ahead
from essex_anchors.lib.frames import frame_of
from essex_anchors.lib.roles import is_secretariat, organisation_of
from pledges.cache import invalidate_public_figures
from pledges.models import Organisation

from . import evidence
from .classify import postcode_district
from .importing import cleaning, columns, loading, reading, summing
from .models import (
    RULES_VERSION,
    Baseline,
    BaselineStatus,
    ClassificationDispute,
    ColumnMapping,
    Disputed,
    DisputeStatus,
    Flag,
    SpendFile,
    SpendFileStatus,
    SpendLine,
    Stage,
    Supplier,
    may_upload_for,
)

logger = logging.getLogger(__name__)

Progress = Callable[[str, int], None]
# Rows cleaned, matched and written at a time: large enough for polars to work on whole columns, small
# enough that a million-row file never has all its lines in memory at once. The first batch is
# smaller, so the COPY starts sooner.
FIRST_BATCH_ROWS = 50_000
BATCH_ROWS = 100_000


def _remembered(spend_file: SpendFile) -> dict[str, str]:
    """The organisation's last mapping, overridden by any made for this file."""
    saved = ColumnMapping.objects.filter(organisation_id=spend_file.organisation_id).first()
    return {**(saved.mapping if saved else {}), **spend_file.mapping}


def headers_of(spend_file: SpendFile) -> list[tuple[str, list[str], dict[str, int]]]:
    """Each sheet's name, headers and recognised fields ({field: column index}), for the mapping form."""
    remembered = _remembered(spend_file)
    with spend_file.file.open("rb") as handle:
        sheets = reading.peek(handle.read(), remembered)
    return [(name, headers, columns.recognise(headers, remembered)) for name, headers in sheets]


def spend_file_create(*, organisation: Organisation, financial_year: int, upload, user) -> SpendFile:
    """Store an uploaded payments file; queue its import, or ask for its columns when a required one is not recognised.

    The upload's type and size have been checked by content (spend.forms.SpendUploadForm); reading
    the header rows here refuses a file with none before anything is queued.
    """
    if not may_upload_for(user, organisation):
        raise PermissionDenied("You can upload spend files only for your own organisation.")
    spend_file = SpendFile.objects.create(
        organisation=organisation,
        financial_year=financial_year,
        file=upload,
        original_name=upload.name[:255],
        uploaded_by=user,
        status=SpendFileStatus.QUEUED,
    )
    try:
        sheets = headers_of(spend_file)
    except reading.FileRefused as refusal:
        _refuse(spend_file, {"refusal": str(refusal)})
        return spend_file
    if any(columns.missing_required(found) for _name, _headers, found in sheets):
        SpendFile.objects.filter(pk=spend_file.pk).update(status=SpendFileStatus.NEEDS_MAPPING)
        spend_file.status = SpendFileStatus.NEEDS_MAPPING
        return spend_file
    _enqueue(spend_file)
    return spend_file


def spend_file_map_columns(*, spend_file: SpendFile, mapping: dict[str, str], user) -> SpendFile:
    """Record which header holds each field, remember it for the organisation's next upload, and queue the import."""
    if not may_upload_for(user, spend_file.organisation):
        raise PermissionDenied("You can match the columns only of your own organisation's files.")
    if spend_file.status != SpendFileStatus.NEEDS_MAPPING:
        raise ValidationError("This file's columns have already been matched.")
    mapping = {name: header for name, header in mapping.items() if header and name in columns.FIELDS_BY_NAME}
    missing = [columns.FIELDS_BY_NAME[name].label for name in columns.REQUIRED if name not in mapping]
    if missing:
        raise ValidationError(f"Choose the column for: {', '.join(missing)}.")
    if len(set(mapping.values())) < len(mapping):
        raise ValidationError("Each column can stand for one field only.")
    ColumnMapping.objects.update_or_create(organisation=spend_file.organisation, defaults={"mapping": mapping})
    spend_file.mapping = mapping
    spend_file.status = SpendFileStatus.QUEUED
    spend_file.save(update_fields=["mapping", "status"])
    _enqueue(spend_file)
    return spend_file


def _enqueue(spend_file: SpendFile) -> None:
    from .tasks import import_spend_file

    import_spend_file.enqueue(spend_file.pk)


def _stage(spend_file: SpendFile, stage: str, rows_read: int | None = None, progress: Progress | None = None) -> None:
    """Record the stage the import is at, outside its transaction so the file's page can show it."""
    values = {"stage": stage, "status": SpendFileStatus.RUNNING, "stage_changed_at": timezone.now()}
    if rows_read is not None:
        values["rows_read"] = rows_read
        spend_file.rows_read = rows_read
    SpendFile.objects.filter(pk=spend_file.pk).update(**values)
    spend_file.stage = stage
    if progress:
        progress(stage, spend_file.rows_read)


def _refuse(spend_file: SpendFile, report: dict) -> None:
    spend_file.status = SpendFileStatus.REFUSED
    spend_file.report = report
    spend_file.finished_at = timezone.now()
    spend_file.stage = ""
    spend_file.save(update_fields=["status", "report", "finished_at", "stage"])


FAULT = (
    "The import stopped because of a fault in the portal. Nothing has been changed. "
    "Try again, and tell the secretariat if it happens again."
)


def spend_file_import(*, spend_file: SpendFile, progress: Progress | None = None) -> SpendFile:
    """Read, check, match and load a queued file, replace its year's lines and compute the baseline.

    A file with any bad row is refused whole, with every bad row in its report, and changes nothing
    else. The replacement of the year's lines and the new baseline happen in one transaction: an
    import that fails or is killed part way leaves the previous lines and baseline as they were.
    A fault (an exception) marks the file failed, then is raised again for the log.
    """
    try:
        return _import(spend_file, progress)
    except Exception:
        logger.exception("Import of spend file %s failed", spend_file.pk)
        SpendFile.objects.filter(pk=spend_file.pk).update(
            status=SpendFileStatus.FAILED, stage="", finished_at=timezone.now(), report={"refusal": FAULT}
        )
        raise


def _local_path(spend_file: SpendFile) -> Path | None:
    """The stored file's path, when its storage keeps it on this machine's disk."""
    try:
        return Path(spend_file.file.path)
    except NotImplementedError:
        return None


def _import(spend_file: SpendFile, progress: Progress | None) -> SpendFile:
    _stage(spend_file, Stage.READING, 0, progress)
    remembered = _remembered(spend_file)
    path = _local_path(spend_file)
    with spend_file.file.open("rb") as handle:
        # A CSV file on this machine's disk is streamed from there; the rest is read into memory.
        data = handle.read() if path is None else handle.read(reading.HEAD_BYTES)
    try:
        result = reading.read(data, remembered, streamed=True, path=path)
    except reading.FileRefused as refusal:
        _refuse(spend_file, {"refusal": str(refusal)})
        return spend_file
    del data
    report = {
        "encoding": result.encoding,
        "skipped_sheets": result.skipped_sheets,
        "sheets": [],
        "errors": [],
        "error_count": 0,
        "blank_rows": 0,
        "summary_rows": 0,
        "out_of_year": {"rows": 0, "amount": "0", "first": "", "last": ""},
    }
    sheets = []
    for sheet in result.sheets:
        found = columns.recognise(sheet.headers, remembered)
        missing = columns.missing_required(found)
        if missing:
            labels = ", ".join(columns.FIELDS_BY_NAME[name].label for name in missing)
            where = f"Sheet “{sheet.name}” has" if sheet.name else "The file has"
            report["refusal"] = f"{where} no column for: {labels}. Match the columns and import it again."
            _refuse(spend_file, report)
            return spend_file
        sheets.append((sheet, found))
    del result
    _stage(spend_file, Stage.CHECKING, sum(sheet.height for sheet, _found in sheets), progress)
    try:
        with transaction.atomic():
            _load(spend_file, sheets, report, progress)
    except _Refused:
        _refuse(spend_file, report)
        return spend_file
    except reading.FileRefused as refusal:  # a row of a streamed CSV file that cannot be read at all
        report["refusal"] = str(refusal)
        _refuse(spend_file, report)
        return spend_file
    return spend_file


class _Refused(Exception):
    """The file has bad rows or no row in its year: undo everything the import wrote (the report says why)."""


def _load(spend_file: SpendFile, sheets: list[tuple[reading.Sheet, dict]], report: dict, progress) -> None:
    """Check, match and write the lines batch by batch, then the suppliers and the baseline; in the caller's transaction.

    Every batch is checked; once one has a bad row, no more lines are written, the rest are still
    checked for the report, and _Refused undoes what was written.
    """
    # One import per organisation at a time: the second waits here, then replaces the first.
    Organisation.objects.select_for_update().filter(pk=spend_file.organisation_id).first()
    loading.lock_suppliers()
    matcher = loading.SupplierMatcher()
    partials = []
    memo = {}  # each distinct date, name and postcode of the file read once

    def cleaned_batches():
        for sheet, found in sheets:
            entry = {
                "sheet": sheet.name,
                "header_row": sheet.header_row,
                "rows": 0,
                "lines": 0,
                "columns": {name: sheet.headers[index] for name, index in found.items()},
            }
            report["sheets"].append(entry)
            for part in sheet.batches(BATCH_ROWS, first=FIRST_BATCH_ROWS):
                cleaned = cleaning.clean(
                    part, found, spend_file.financial_year, max_errors=1000 - len(report["errors"]), memo=memo
                )
                entry["rows"] += part.frame.height
                report["errors"] += cleaned.errors
                report["error_count"] += cleaned.error_count
                report["blank_rows"] += cleaned.blank_rows
                report["summary_rows"] += cleaned.summary_rows
                _add_out_of_year(report["out_of_year"], cleaned)
                if report["error_count"]:
                    continue
                entry["lines"] += cleaned.lines.height
                yield cleaned.lines
            sheet.frame = sheet.csv_data = None  # done with: free them before the next sheet

    def matched_batches(batches):
        for lines in batches:
            lines = matcher.match(lines)
            partials.append(summing.partial_sums(lines))
            yield lines

    _progress_only(progress, Stage.LOADING, spend_file)
    # Three threads at once: this one sends the COPY, one matches and writes out the lines (loading), and
    # one reads and cleans the next batches (Ahead): each step's polars work runs while the others wait.
    with Ahead(cleaned_batches()) as cleaned:
        report["lines"] = loading.write_lines(spend_file.pk, matched_batches(cleaned))
    if report["error_count"]:
        raise _Refused
    if report["lines"] == 0:
        report["refusal"] = (
            f"No payment in the file is dated in the financial year {spend_file.financial_year_label} "
            "(1 April to 31 March): check the year chosen."
        )
        raise _Refused
    _progress_only(progress, Stage.BASELINE, spend_file)
    report["suppliers"] = matcher.save()
    _replace_year(spend_file)
    _baseline_create(spend_file, summing.combine(partials))
    spend_file.status = SpendFileStatus.IMPORTED
    spend_file.stage = Stage.DONE
    spend_file.report = report
    spend_file.rows_read = sum(entry["rows"] for entry in report["sheets"])  # as read, not as first counted
    spend_file.finished_at = timezone.now()
    spend_file.save(update_fields=["status", "stage", "report", "rows_read", "finished_at"])


def _progress_only(progress: Progress | None, stage: str, spend_file: SpendFile) -> None:
    """Tell the command line where the import is (inside the transaction the file's page cannot see it)."""
    if progress:
        progress(stage, spend_file.rows_read)


def _add_out_of_year(total: dict, cleaned: cleaning.Cleaned) -> None:
    if not cleaned.out_of_year:
        return
    total["rows"] += cleaned.out_of_year
    total["amount"] = str(cleaning.Decimal(total["amount"]) + cleaned.out_of_year_amount)
    total["first"] = min(filter(None, [total["first"], cleaned.out_of_year_first]))
    total["last"] = max(filter(None, [total["last"], cleaned.out_of_year_last]))


def _replace_year(spend_file: SpendFile) -> None:
    """Mark the year's earlier file replaced, supersede its baseline (kept as history), and queue its lines' removal.

    A replaced file's lines count for nothing from the moment this commits (every reader of lines
    goes through a current file); deleting a million of them is the task worker's job afterwards
    (replaced_lines_purge), so the import does not wait for it. Superseding a published baseline
    changes the public figures: its save renews them (pledges.cache).
    """
    earlier = SpendFile.objects.filter(
        organisation_id=spend_file.organisation_id,
        financial_year=spend_file.financial_year,
        status=SpendFileStatus.IMPORTED,
    ).exclude(pk=spend_file.pk)
    earlier_ids = list(earlier.values_list("pk", flat=True))
    if not earlier_ids:
        return
    earlier.update(status=SpendFileStatus.REPLACED)
    from .tasks import purge_replaced_lines

    purge_replaced_lines.enqueue()  # in this transaction: the worker sees it once the import commits
    current = Baseline.objects.current().filter(
        organisation_id=spend_file.organisation_id, financial_year=spend_file.financial_year
    )
    for baseline in current:
        baseline.superseded_at = timezone.now()
        baseline.save(update_fields=["superseded_at"])


def _baseline_create(spend_file: SpendFile, partials: pl.DataFrame) -> Baseline:
    """The baseline of a file's lines, as the rules of RULES_VERSION classify them. Held until the secretariat publishes it."""
    partials = partials.with_columns(spend_file_id=pl.lit(spend_file.pk, dtype=pl.Int64))
    suppliers = evidence.supplier_frame(partials["supplier_id"].drop_nulls().unique().to_list())
    return Baseline.objects.create(
        organisation_id=spend_file.organisation_id,
        financial_year=spend_file.financial_year,
        spend_file=spend_file,
        rules_version=RULES_VERSION,
        is_demo=spend_file.is_demo,
        **summing.baseline_fields(partials, suppliers, [spend_file.pk])[spend_file.pk],
    )


def replaced_lines_purge() -> int:
    """Delete the lines of every replaced file (the task worker runs it after each re-upload). Returns how many."""
    replaced = SpendFile.objects.filter(status=SpendFileStatus.REPLACED).values("pk")
    deleted, _by_model = SpendLine.objects.filter(spend_file_id__in=replaced).delete()
    return deleted


def baseline_publish(*, baseline: Baseline, user) -> Baseline:
    """Make a current baseline public (the secretariat only)."""
    if not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can publish a baseline.")
    if baseline.superseded_at is not None:
        raise ValidationError("This baseline has been replaced by a later upload and cannot be published.")
    if baseline.status != BaselineStatus.PUBLISHED:
        baseline.status = BaselineStatus.PUBLISHED
        baseline.published_at = timezone.now()
        baseline._change_reason = "Published"
        baseline.save(update_fields=["status", "published_at"])
    return baseline


def baseline_hold(*, baseline: Baseline, user) -> Baseline:
    """Take a baseline off the public pages (the secretariat only)."""
    if not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can hold a baseline.")
    if baseline.status != BaselineStatus.HELD:
        baseline.status = BaselineStatus.HELD
        baseline.published_at = None
        baseline._change_reason = "Held"
        baseline.save(update_fields=["status", "published_at"])
    return baseline


def may_dispute(user, supplier: Supplier) -> bool:
    """Anchor staff may dispute the classification of a supplier their organisation's current files pay."""
    organisation = organisation_of(user)
    if organisation is None:
        return False
    return SpendLine.objects.filter(
        supplier=supplier, spend_file__organisation=organisation, spend_file__status=SpendFileStatus.IMPORTED
    ).exists()


def _proposed_problem(field: str, proposed: str) -> str | None:
    """Why `proposed` cannot be the new value of the supplier's `field`, or None."""
    if field == Disputed.POSTCODE:
        if not proposed:
            return "Enter the supplier's postcode, like CM1 1AA."
        if postcode_district(proposed) == "":
            return f"“{proposed}” is not a UK postcode: write it like CM1 1AA."
        return None
    if proposed not in (Flag.YES, Flag.NO):
        return "Choose yes or no."
    return None


def dispute_raise(*, supplier: Supplier, user, field: str, proposed_value: str, reason: str) -> ClassificationDispute:
    """An anchor's flag on one classification of a supplier, for the secretariat to settle."""
    if not may_dispute(user, supplier):
        raise PermissionDenied("Only staff of an organisation that paid this supplier can dispute its classification.")
    organisation = organisation_of(user)
    errors = {}
    if field not in Disputed.values:
        errors["field"] = "Choose what you dispute: the postcode, SME or VCSE."
    else:
        proposed_value = (proposed_value or "").strip().upper() if field == Disputed.POSTCODE else proposed_value
        problem = _proposed_problem(field, proposed_value)
        if problem:
            errors["proposed_value"] = problem
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why: what you know about this supplier that the portal does not."
    elif len(reason) > 1000:
        errors["reason"] = f"Keep the reason to 1,000 characters (it has {len(reason):,})."
    if (
        not errors
        and ClassificationDispute.objects.open()
        .filter(supplier=supplier, organisation=organisation, field=field)
        .exists()
    ):
        errors["field"] = "Your organisation already has an open dispute about this; the secretariat will settle it."
    if errors:
        raise ValidationError(errors)
    dispute = ClassificationDispute(
        supplier=supplier,
        organisation=organisation,
        field=field,
        current_value=getattr(supplier, field),
        proposed_value=proposed_value,
        reason=reason,
        raised_by=user,
    )
    dispute._change_reason = "Raised"
    dispute.save()
    return dispute


def dispute_settle(*, dispute: ClassificationDispute, user, accept: bool, reason: str) -> ClassificationDispute:
    """The secretariat's decision on an open dispute: accepted, the supplier's field takes the proposed value
    (the manual override, in the supplier's history); rejected, it stands. Either way with a reason."""
    if not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can settle a dispute.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"decision_reason": "Give the reason for the decision: the anchor who raised it sees it."}
        )
    if len(reason) > 1000:
        raise ValidationError({"decision_reason": "Keep the reason to 1,000 characters."})
    with transaction.atomic():
        dispute = ClassificationDispute.objects.select_for_update().get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            raise ValidationError(f"This dispute was settled already ({dispute.get_status_display()}).")
        dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
        dispute.decision_reason = reason
        dispute.settled_by = user
        dispute.settled_at = timezone.now()
        dispute._change_reason = dispute.get_status_display()
        dispute.save()
        if accept:
            supplier = Supplier.objects.select_for_update().get(pk=dispute.supplier_id)
            setattr(supplier, dispute.field, dispute.proposed_value)
            supplier._change_reason = f"Dispute {dispute.pk} accepted: {reason}"[:100]
            supplier.save()
    return dispute


PARTIALS_SCHEMA = {
    "spend_file_id": pl.Int64,
    "supplier_id": pl.Int64,
    "postcode_district": pl.String,
    "excluded": pl.String,
    "amount": pl.Decimal(38, 2),
    "lines": pl.UInt32,
}


def _partials_of(spend_file_ids: list[int]) -> pl.DataFrame:
    """The files' lines summed by file, supplier, line district and exclusion, in SQL: one GROUP BY for them all
    (summing.partial_sums' rows, with their spend_file_id), read in bulk (millions of rows for a whole network)."""
    grouped = (
        # The range as well as the list: PostgreSQL 15's BRIN index on spend_file_id serves a range, not an IN list.
        SpendLine.objects.filter(spend_file_id__gte=min(spend_file_ids), spend_file_id__lte=max(spend_file_ids))
        .filter(spend_file_id__in=spend_file_ids)
        .values_list("spend_file_id", "supplier_id", "postcode_district", "excluded")
        .annotate(amount=Sum("amount"), lines=Count("row_number"))
        .order_by()
    )
    return frame_of(grouped, PARTIALS_SCHEMA)


def _write_figures(baselines: list[Baseline], names: list[str]) -> None:
    """Write the fields `names` of every one of `baselines` at once. On PostgreSQL: COPY into a temporary table and
    one UPDATE from it (Django's bulk_update builds a CASE per field over each batch's ids in Python, which takes
    seconds for a network's thousands of baselines: bench/README.md, "Recompute"); elsewhere bulk_update."""
    if connection.vendor != "postgresql":
        Baseline.objects.bulk_update(baselines, names, batch_size=100)
        return
    fields = [Baseline._meta.get_field(name) for name in names]
    columns = ", ".join(f'"{field.column}"' for field in fields)
    rows = io.StringIO()
    writer = csv.writer(rows)
    for baseline in baselines:
        writer.writerow([baseline.pk, *(_copy_value(field, getattr(baseline, field.attname)) for field in fields)])
    rows.seek(0)
    table = Baseline._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS recomputed_baselines")
        cursor.execute(f'CREATE TEMPORARY TABLE recomputed_baselines AS SELECT "id", {columns} FROM "{table}" LIMIT 0')
        cursor.copy_expert(f'COPY recomputed_baselines ("id", {columns}) FROM STDIN WITH (FORMAT csv)', rows)
        assignments = ", ".join(f'"{field.column}" = recomputed."{field.column}"' for field in fields)
        cursor.execute(
            f'UPDATE "{table}" SET {assignments} FROM recomputed_baselines recomputed WHERE "{table}"."id" = recomputed."id"'
        )
        cursor.execute("DROP TABLE recomputed_baselines")


def _copy_value(field, value):
    """A field's value as a COPY CSV field: None is NULL (an empty unquoted field), JSON as JSON text."""
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


# Files whose lines one GROUP BY of a recompute sums: bounds its memory (a network's 3,000 files at once held
# 1.5 GB; bench/README.md, "Recompute") at a few more queries.
RECOMPUTE_FILES = 250


def _recomputed_fields(file_ids: list[int]) -> dict[int, dict]:
    """summing.baseline_fields of each file of `file_ids` from its lines as they are now, RECOMPUTE_FILES at a time,
    each supplier's evidence looked up once."""
    fields: dict[int, dict] = {}
    suppliers = evidence.supplier_frame([])
    file_ids = sorted(file_ids)  # each group's ids close together: a narrow range of the lines to read
    for start in range(0, len(file_ids), RECOMPUTE_FILES):
        chunk = file_ids[start : start + RECOMPUTE_FILES]
        partials = _partials_of(chunk)
        unseen = (
            partials.select(pl.col("supplier_id").drop_nulls().unique())
            .join(suppliers, left_on="supplier_id", right_on="id", how="anti")["supplier_id"]
            .to_list()
        )
        suppliers = pl.concat([suppliers, evidence.supplier_frame(unseen)])
        fields.update(summing.baseline_fields(partials, suppliers, chunk))
    return fields


def baseline_recompute(*, baselines, user) -> list[Baseline]:
    """Compute current baselines again from their files' lines, with the suppliers, local areas, registers and rules
    as they are now (the secretariat only; all of them or none). Set-based whatever their number: one GROUP BY over
    the lines of each RECOMPUTE_FILES files, the suppliers' evidence in two queries (per 5,000 on SQLite), the sums in
    polars, one write of all the figures.
    Each keeps its earlier figures, with the version they were computed with, in its history; a published one
    stays published, with the new figures."""
    if not is_secretariat(user):
        raise PermissionDenied("Only the secretariat can recompute a baseline.")
    with transaction.atomic():
        chosen = list(Baseline.objects.select_for_update().filter(pk__in=[b.pk for b in baselines]).order_by("pk"))
        replaced = [str(baseline) for baseline in chosen if baseline.superseded_at is not None]
        if replaced:
            raise ValidationError(f"{', '.join(replaced)}: replaced by a later upload, so the lines are gone.")
        fields = _recomputed_fields([baseline.spend_file_id for baseline in chosen])
        now = timezone.now()
        for baseline in chosen:
            previous = baseline.rules_version
            for name, value in fields[baseline.spend_file_id].items():
                setattr(baseline, name, value)
            baseline.rules_version = RULES_VERSION
            baseline.computed_at = now
            baseline._change_reason = f"Recomputed with rules {RULES_VERSION} (was {previous})"
        _write_figures(chosen, [*summing.BASELINE_FIELDS, "rules_version", "computed_at"])
        Baseline.history.bulk_history_create(chosen, batch_size=500, update=True, default_user=user)
        if any(baseline.is_published for baseline in chosen):
            invalidate_public_figures()  # a bulk update sends no post_save: renew the public figures here
    return chosen
