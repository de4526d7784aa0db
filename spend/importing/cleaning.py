"""Clean: a sheet's text cells into typed payment lines, every bad row collected with its reason.

All of it is polars expressions over whole columns, so a million rows take a moment, not minutes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl

from essex_anchors.lib.financial_year import financial_year_bounds
from spend import classify

from .columns import FIELDS_BY_NAME
from .reading import Sheet

# Amounts above this (in £) are refused as mistakes: no single payment of an anchor is a trillion.
MAX_AMOUNT = Decimal("1000000000000")
MAX_NAME = 300
# Descriptive text is kept to these lengths (the columns of SpendLine).
TEXT_LENGTHS = {"service_area": 200, "expense_type": 200, "transaction_number": 100}
AMOUNT = pl.Decimal(16, 2)

# "1234.5", "£1,234.56", " 27,000.00 ", "-20.00", "(20.00)", "161,413.00-", "- 20.00"
_AMOUNT_TEXT = r"^-?[0-9]+(\.[0-9]{1,2})?$"
AMOUNT_EXAMPLES = "1234.56, £1,234.56, -20.00, (20.00) or 20.00-"
DATE_EXAMPLES = "31/03/2023, 31-Mar-2023 or 2023-03-31"
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d-%B-%Y"]


@dataclass
class Cleaned:
    lines: pl.DataFrame
    errors: list[dict] = field(default_factory=list)  # [{"sheet", "row", "column", "value", "why"}], capped
    error_count: int = 0
    blank_rows: int = 0
    summary_rows: int = 0
    out_of_year: int = 0
    out_of_year_amount: Decimal = Decimal(0)
    out_of_year_first: str = ""
    out_of_year_last: str = ""


def amount_expr(text: pl.Expr) -> pl.Expr:
    """Text to a signed amount in pounds and pence; null when it is not one."""
    value = text.str.replace_all(r"[£\s,]", "").str.replace_all("\u00a3", "")
    negative = value.str.contains(r"^\(.*\)$") | value.str.ends_with("-")
    value = value.str.strip_chars("()").str.strip_chars_end("-")
    value = pl.when(negative & ~value.str.starts_with("-")).then(pl.lit("-") + value).otherwise(value)
    return pl.when(value.str.contains(_AMOUNT_TEXT)).then(value).otherwise(None).cast(AMOUNT, strict=False)


def date_expr(text: pl.Expr) -> pl.Expr:
    """Text to a date in any of DATE_FORMATS, or with a time after it; null when it is not one."""
    first_part = text.str.replace(r"[T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?(\.[0-9]+)?$", "")
    two_digit_year = first_part.str.contains(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}$")
    candidates = [first_part.str.to_date(pattern, strict=False) for pattern in DATE_FORMATS]
    parsed = pl.coalesce(candidates)
    return pl.when(two_digit_year).then(first_part.str.to_date("%d/%m/%y", strict=False)).otherwise(parsed)


def _stripped(cell: pl.Expr) -> pl.Expr:
    """A cell's text as the rules read it: an empty cell is "", and spaces around the text do not count."""
    return cell.fill_null("").str.strip_chars()


def _worked_out(cells: pl.Series, rules: dict[str, pl.Expr]) -> pl.DataFrame:
    """The distinct `cells` with a column per rule, each rule over the columns before it (lazily, so a shared
    sub-expression runs once)."""
    lazy = cells.unique().to_frame().lazy()
    for name, rule in rules.items():
        lazy = lazy.with_columns(rule.alias(name))
    return lazy.collect()


def rows_in(cells: pl.Series, values: pl.DataFrame) -> pl.Series:
    """For each of `cells`, the row of `values` (one row per cell, in a column of the cells' name) that has it, or null.

    Joined on the cells alone, to row numbers: a join that carried the text columns would copy them, a
    gather of them by row number does not.
    """
    rows = values.select(cells.name, _row=pl.int_range(pl.len(), dtype=pl.UInt32))
    return cells.to_frame().join(rows, on=cells.name, how="left", maintain_order="left", nulls_equal=True)["_row"]


def _by_distinct(frame: pl.DataFrame, source: str, rules: dict[str, pl.Expr], memo: dict | None = None) -> pl.DataFrame:
    """`frame` with a column per rule ({name: expression over `source` and the rules before it}), worked out once
    per distinct value of `source`.

    Payments files repeat the same dates, names and postcodes many times: a million rows hold a few
    hundred dates and tens of thousands of names, so the regular expressions run on those only. With
    a `memo` (one dict for all the batches of a file) a value is worked out once for the whole file:
    each batch is looked up in what the batches before worked out, and only the values not seen
    before are worked out.
    """
    cells = frame[source]
    known = memo.get(source) if memo is not None else None
    if known is None:
        known = _worked_out(cells, rules)
    places = rows_in(cells, known)
    new_rows = places.is_null().arg_true()
    if new_rows.len():
        new_cells = cells.gather(new_rows)
        new = _worked_out(new_cells, rules)
        places = places.scatter(new_rows, rows_in(new_cells, new) + known.height)
        known = pl.concat([known, new], rechunk=True)
    if memo is not None:
        memo[source] = known
    return frame.with_columns(known[name].gather(places) for name in rules)


def _amounts(typed: pl.DataFrame) -> pl.DataFrame:
    """`typed` with its amounts: plain ones ("1234.56", "£1,234.56": most of most files) cast at once, the rest by amount_expr.

    Taking out the pound signs, commas and spaces leaves a plain amount exactly when amount_expr would
    read it as one; brackets, trailing minus signs and other spaces go the longer way (amount_expr
    takes out all spaces, so it reads a cell as read as it reads its stripped text).
    """
    plain_text = typed["amount_cell"].str.replace_many([",", "£", " "], ["", "", ""])
    plain = plain_text.str.contains(_AMOUNT_TEXT).fill_null(False)
    amount = pl.select(pl.when(plain).then(plain_text).cast(AMOUNT, strict=False)).to_series()
    others = (~plain).arg_true()
    if others.len():
        other_cells = typed["amount_cell"].gather(others)
        amount = amount.scatter(others, pl.select(amount_expr(pl.lit(other_cells))).to_series())
    return typed.with_columns(amount=amount)


def _cell(frame: pl.DataFrame, columns: dict[str, int], name: str) -> pl.Expr:
    """The field's cells as read (null when empty), or "" in every row when the file has no such column."""
    if name in columns and f"c{columns[name]}" in frame.columns:
        return pl.col(f"c{columns[name]}")
    return pl.lit("", dtype=pl.String)


def _kept_text(frame: pl.DataFrame, columns: dict[str, int], name: str) -> pl.Expr:
    """A descriptive field's stripped text, cut to its length in TEXT_LENGTHS (cut only when a cell is longer)."""
    text = _stripped(_cell(frame, columns, name))
    column = f"c{columns[name]}" if name in columns else ""
    if column in frame.columns and (frame[column].str.len_bytes().max() or 0) > TEXT_LENGTHS[name]:
        return text.str.slice(0, TEXT_LENGTHS[name])
    return text  # no cell has more bytes than the length allows characters


def _normalised_name(name: pl.Expr) -> pl.Expr:
    normalised = classify.normalised_name_expr(name)
    # A name of punctuation or legal words alone ("Ltd") is kept as written rather than matched to all such.
    return pl.when(normalised == "").then(name.str.to_lowercase()).otherwise(normalised)


# What is worked out once per distinct cell of a column (_by_distinct), from the cell as read.
NAME_RULES = {
    "supplier_text": _stripped(pl.col("supplier_cell")),
    "supplier_length": pl.col("supplier_text").str.len_chars(),
    "normalised_name": _normalised_name(pl.col("supplier_text")),
    "excluded": classify.exclusion_expr(pl.col("normalised_name")),
}
DATE_RULES = {"date_text": _stripped(pl.col("date_cell")), "payment_date": date_expr(pl.col("date_text"))}
POSTCODE_RULES = {
    "postcode": _stripped(pl.col("postcode_cell")),
    "postcode_district": classify.postcode_district_expr(pl.col("postcode")),
}
NUMBER_FIELDS = ("vat_number", "company_number", "charity_number")


def _error_rows(typed: pl.DataFrame) -> pl.DataFrame:
    """The rows with a problem, each with its reason per field (null where the field is fine)."""
    bad = typed.filter(
        (pl.col("supplier_text") == "")
        | (pl.col("supplier_length") > MAX_NAME)
        | pl.col("amount").is_null()
        | (pl.col("amount").abs() >= MAX_AMOUNT)
        | pl.col("payment_date").is_null()
    )
    return (
        bad.with_columns(amount_text=_stripped(pl.col("amount_cell")))
        .select(
            "row",
            "supplier_text",
            "amount_text",
            "date_text",
            supplier=pl.when(pl.col("supplier_text") == "")
            .then(pl.lit("The supplier name is empty."))
            .when(pl.col("supplier_text").str.len_chars() > MAX_NAME)
            .then(pl.lit(f"The supplier name is longer than {MAX_NAME} characters.")),
            amount=pl.when(pl.col("amount_text") == "")
            .then(pl.lit("The amount is empty."))
            .when(pl.col("amount").is_null())
            .then(pl.lit(f"This is not an amount of money (write it like {AMOUNT_EXAMPLES})."))
            .when(pl.col("amount").abs() >= MAX_AMOUNT)
            .then(pl.lit("The amount is too large to be one payment.")),
            date=pl.when(pl.col("date_text") == "")
            .then(pl.lit("The payment date is empty."))
            .when(pl.col("payment_date").is_null())
            .then(pl.lit(f"This is not a date (write it like {DATE_EXAMPLES}).")),
        )
        .sort("row")
    )


# A total row has no date, and no supplier or "Total" where the supplier would be, and says "total" somewhere.
_TOTAL_SUPPLIER = r"^((grand |sub-?)?totals?:?)?$"
_TOTAL_WORD = r"\b(grand )?totals?\b|\bsub-?total\b"


def clean(
    sheet: Sheet, columns: dict[str, int], year: int, *, max_errors: int = 1000, memo: dict | None = None
) -> Cleaned:
    """The sheet's payment lines in financial year `year`; bad rows and out-of-year payments reported, not kept.

    `memo`: one dict for the batches of a file, so each distinct date, name and postcode is read once.
    """
    frame = sheet.frame
    typed = frame.select(
        row=pl.int_range(sheet.first_row, sheet.first_row + pl.len(), dtype=pl.UInt32),
        supplier_cell=_cell(frame, columns, "supplier"),
        amount_cell=_cell(frame, columns, "amount"),
        date_cell=_cell(frame, columns, "date"),
        postcode_cell=_cell(frame, columns, "postcode"),
        **{name: _kept_text(frame, columns, name) for name in TEXT_LENGTHS},
        **{name: _cell(frame, columns, name).fill_null("") for name in NUMBER_FIELDS},
    )
    typed = _by_distinct(typed, "supplier_cell", NAME_RULES, memo)
    typed = _by_distinct(typed, "date_cell", DATE_RULES, memo)
    typed = _by_distinct(typed, "postcode_cell", POSTCODE_RULES, memo)
    result = Cleaned(lines=pl.DataFrame())
    # A blank or total row has no date and no supplier name (or "Total" in its place): look closer at those only.
    maybe_skipped = typed.select((pl.col("date_text") == "") & (pl.col("supplier_length") <= 20)).to_series()
    if maybe_skipped.any():
        mapped = {f"c{index}" for index in columns.values()}
        others = [name for name in frame.columns if name not in mapped]
        skipped_frame = frame.filter(maybe_skipped)
        candidates = typed.filter(maybe_skipped).select(
            "row",
            "supplier_text",
            amount_text=_stripped(pl.col("amount_cell")),
            date_text="date_text",
            postcode="postcode",
            **{name: pl.col(name) for name in TEXT_LENGTHS},
            **{name: _stripped(pl.col(name)) for name in NUMBER_FIELDS},
            # Cells of the columns not read, which tell a blank or total row from a bad one.
            other_cells=pl.concat_str(
                [skipped_frame[name].fill_null("") for name in others], separator=" "
            ).str.strip_chars()
            if others
            else pl.lit(""),
        )
        cells = [name for name in candidates.columns if name != "row"]
        blank = pl.all_horizontal([pl.col(name) == "" for name in cells])
        summary = (
            ~blank
            & pl.col("supplier_text").str.to_lowercase().str.contains(_TOTAL_SUPPLIER)
            & pl.concat_str([pl.col(name) for name in cells], separator=" ")
            .str.to_lowercase()
            .str.contains(_TOTAL_WORD)
        )
        flags = candidates.select("row", blank=blank, summary=summary)
        result.blank_rows = int(flags["blank"].sum())
        result.summary_rows = int(flags["summary"].sum())
        drop = flags.filter(pl.col("blank") | pl.col("summary")).select("row")
        if drop.height:
            typed = typed.join(drop, on="row", how="anti", maintain_order="left")
    typed = _amounts(typed)

    bad = _error_rows(typed)
    result.error_count = sum(int(bad[name].is_not_null().sum()) for name in ("supplier", "amount", "date"))
    for row in bad.head(max_errors).iter_rows(named=True):
        for name, text_column in (("supplier", "supplier_text"), ("amount", "amount_text"), ("date", "date_text")):
            if row[name] and len(result.errors) < max_errors:
                result.errors.append(
                    {
                        "sheet": sheet.name,
                        "row": row["row"],
                        "column": sheet.headers[columns[name]] if name in columns else FIELDS_BY_NAME[name].label,
                        "value": (row[text_column] or "")[:200],
                        "why": row[name],
                    }
                )
    if result.error_count:
        return result

    first, last = financial_year_bounds(year)
    in_year = pl.col("payment_date").is_between(first, last)
    outside = typed.filter(~in_year)
    if outside.height:
        result.out_of_year = outside.height
        result.out_of_year_amount = Decimal(str(outside["amount"].sum()))
        result.out_of_year_first = outside["payment_date"].min().isoformat()
        result.out_of_year_last = outside["payment_date"].max().isoformat()
        typed = typed.filter(in_year)
    numbers = [pl.col(name).str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "").alias(name) for name in NUMBER_FIELDS]
    result.lines = typed.select(
        pl.lit(sheet.name[:100]).alias("sheet"),
        pl.col("row").alias("row_number"),
        pl.col("supplier_text").alias("payee_name"),
        "amount",
        "payment_date",
        "postcode",
        *TEXT_LENGTHS,
        *numbers,
        "normalised_name",
        "excluded",
        "postcode_district",
    )
    return result
