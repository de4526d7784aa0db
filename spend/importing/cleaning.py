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


def clean(sheet: Sheet, columns: dict[str, int], year: int, *, max_errors: int = 1000) -> Cleaned:
    """The sheet's payment lines in financial year `year`; bad rows and out-of-year payments reported, not kept."""
    frame = sheet.frame

    def column(name: str) -> pl.Expr:
        if name in columns:
            return pl.col(f"c{columns[name]}").fill_null("").str.strip_chars()
        return pl.lit("", dtype=pl.String)

    all_cells = pl.concat_str([pl.col(name).fill_null("") for name in frame.columns]).str.strip_chars()
    typed = frame.select(
        row=pl.int_range(sheet.first_row, sheet.first_row + pl.len(), dtype=pl.UInt32),
        blank=all_cells == "",
        summary=(column("supplier") == "")
        & (column("date") == "")
        & pl.concat_str([pl.col(name).fill_null("") for name in frame.columns], separator=" ")
        .str.to_lowercase()
        .str.contains(r"\b(grand )?totals?\b|\bsub-?total\b"),
        supplier_text=column("supplier"),
        amount_text=column("amount"),
        date_text=column("date"),
        postcode=column("postcode"),
        service_area=column("service_area").str.slice(0, TEXT_LENGTHS["service_area"]),
        expense_type=column("expense_type").str.slice(0, TEXT_LENGTHS["expense_type"]),
        transaction_number=column("transaction_number").str.slice(0, TEXT_LENGTHS["transaction_number"]),
        vat_number=column("vat_number").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", ""),
        company_number=column("company_number").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", ""),
        charity_number=column("charity_number").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", ""),
    ).with_columns(
        amount=amount_expr(pl.col("amount_text")),
        payment_date=date_expr(pl.col("date_text")),
    )
    result = Cleaned(lines=pl.DataFrame())
    result.blank_rows = int(typed["blank"].sum())
    result.summary_rows = int((typed["summary"] & ~typed["blank"]).sum())
    typed = typed.filter(~pl.col("blank") & ~pl.col("summary"))

    problems = typed.select(
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
    bad = problems.filter(pl.any_horizontal(pl.col("supplier", "amount", "date").is_not_null()))
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
    normalised = classify.normalised_name_expr(pl.col("payee_name"))
    result.lines = (
        typed.filter(in_year)
        .select(
            pl.lit(sheet.name[:100]).alias("sheet"),
            pl.col("row").alias("row_number"),
            pl.col("supplier_text").alias("payee_name"),
            "amount",
            "payment_date",
            "postcode",
            "service_area",
            "expense_type",
            "transaction_number",
            "vat_number",
            "company_number",
            "charity_number",
        )
        .with_columns(
            # A name of punctuation or legal words alone ("Ltd") is kept as written rather than matched to all such.
            normalised_name=pl.when(normalised == "")
            .then(pl.col("payee_name").str.to_lowercase())
            .otherwise(normalised),
            postcode_district=classify.postcode_district_expr(pl.col("postcode")),
        )
        .with_columns(excluded=classify.exclusion_expr(pl.col("normalised_name")))
    )
    return result
