"""The classification rules of RULES_VERSION (spend.models), written once as polars expressions.

Each rule is used by the import (over a whole file at once) and, through the small wrappers at the
bottom, for one value at a time (a supplier saved in the admin, the methods page's examples).
/spend/methods/ shows these rules; raise spend.models.RULES_VERSION when one changes.
"""

import re

import polars as pl

# Words that say nothing about who a supplier is: dropped before names are compared.
_LEGAL_SUFFIXES = r"\b(limited|ltd|plc|llp|llc|inc)\b"


def normalised_name_expr(column: pl.Expr) -> pl.Expr:
    """Case, punctuation, "&"/"and", a leading "The" and "Ltd"/"Limited"/"PLC" do not tell suppliers apart."""
    text = column.fill_null("").str.to_lowercase().str.replace_all("&", " and ", literal=True)
    # Initials written with full stops are one word: "C.I.C." is "cic", "J.P." is "jp".
    text = text.str.replace_all(r"\b([a-z])\.", "$1")
    text = text.str.replace_all(r"[^a-z0-9 ]+", " ")
    text = text.str.replace_all(_LEGAL_SUFFIXES, " ")
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return text.str.replace(r"^the ", "")


# UK postcodes: outward code (the district, e.g. CM1, SS0, E1W) then the inward code (9AA).
_POSTCODE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})?$"


def postcode_district_expr(column: pl.Expr) -> pl.Expr:
    """The district (outward code) of a postcode, or "" when the value is not a UK postcode."""
    text = column.fill_null("").str.to_uppercase().str.replace_all(r"[^A-Z0-9 ]", "").str.strip_chars()
    return text.str.extract(_POSTCODE, 1).fill_null("")


# Payees that are not suppliers in the market, set apart from the baseline as "excluded" (in order:
# the first rule that matches names the reason). Each is (code, label, pattern over the normalised name).
EXCLUSIONS = [
    (
        "personal",
        "Redacted or personal data",
        r"^(redacted|withheld|name withheld|personal data|data protection|private individual|individual|"
        r"redacted personal data|not disclosed|confidential)$|\bredacted\b",
    ),
    (
        "pooled",
        "Pooled payments to many people",
        r"\b(foster(ing)? (care )?(carers?|allowances?|payments?|fees?)|direct payments?|employee expenses?|"
        r"staff expenses?|payments? to (an )?individuals?|individual payments?|personal budgets?|"
        r"carers? payments?|special guardianship|kinship care|adoption allowances?|payroll)\b",
    ),
    (
        "public_body",
        "Other public bodies",
        r"\b(hmrc|hm revenue|revenue and customs|nhs|integrated care board|clinical commissioning group|"
        r"county council|borough council|district council|city council|parish council|town council|"
        r"metropolitan council|combined authority|police|fire and rescue|department for|department of|"
        r"ministry of|cabinet office|environment agency|dvla|hm courts|hm land registry|"
        r"local government pension|pension fund|teachers pensions|valuation office)\b|\bcouncil$",
    ),
]
EXCLUSION_LABELS = {code: label for code, label, _ in EXCLUSIONS}
# The rules in plain words, for /spend/methods/.
EXCLUSION_EXAMPLES = {
    "personal": "Redacted, withheld or personal-data payees, and payees named only as an individual.",
    "pooled": "Foster carers' payments and allowances, direct payments, personal budgets, employee or staff "
    "expenses, payments to individuals, special guardianship, kinship care and adoption allowances, payroll.",
    "public_body": "HMRC, NHS bodies, integrated care boards, councils (county, borough, district, city, parish, "
    "town), combined authorities, police, fire and rescue, government departments and agencies, pension funds.",
}


# Voluntary bodies whose names end like a public body's ("Sale and District Scout Council", "Parochial
# Church Council", "Youth Council"): suppliers in the market, whatever the rules above say.
MARKET_NAMES = r"\b(scouts?|guides?|youth|church|parochial|students?|pupils?|tenants?|residents?|sports?|arts?)( and [a-z]+)? council$"


def exclusion_expr(normalised: pl.Expr) -> pl.Expr:
    """The code of the first exclusion rule the normalised payee name matches, else ""."""
    expression = pl.lit("")
    for code, _label, pattern in reversed(EXCLUSIONS):
        expression = pl.when(normalised.str.contains(pattern)).then(pl.lit(code)).otherwise(expression)
    return pl.when(normalised.str.contains(MARKET_NAMES)).then(pl.lit("")).otherwise(expression)


# A supplier is a VCSE when it has a charity number, or its name says it is one of these forms.
VCSE_NAME_PATTERN = (
    r"\b(cic|community interest company|charitable incorporated organisation|cio|charity|charitable trust|"
    r"community benefit society|co operative|cooperative|registered society)\b"
)


def vcse_expr(normalised: pl.Expr, charity_number: pl.Expr) -> pl.Expr:
    """ "yes" for a charity number or a VCSE legal form in the name; otherwise "unknown" (never "no" from a name)."""
    has_charity = charity_number.fill_null("").str.strip_chars() != ""
    return (
        pl.when(has_charity | normalised.str.contains(VCSE_NAME_PATTERN))
        .then(pl.lit("yes"))
        .otherwise(pl.lit("unknown"))
    )


def _one(expression, value: str) -> str:
    return pl.select(expression(pl.lit(value or "", dtype=pl.String))).item()


def normalise_name(name: str) -> str:
    """normalised_name_expr for one name: "The Widget Co. Ltd" -> "widget co"."""
    return _one(normalised_name_expr, name)


def postcode_district(postcode: str) -> str:
    """postcode_district_expr for one postcode: "cm1 1aa" -> "CM1"."""
    return _one(postcode_district_expr, postcode)


def exclusion(name: str) -> str:
    """exclusion_expr for one payee name."""
    return pl.select(exclusion_expr(normalised_name_expr(pl.lit(name or "", dtype=pl.String)))).item()


def clean_number(value: str) -> str:
    """A company, charity or VAT number as matched: capitals and digits only ("GB 123 4567 89" -> "GB123456789")."""
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())
