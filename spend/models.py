"""Spend baselines: an anchor's payments file for a financial year in, local / SME / VCSE shares out.

ToR 2023 objective 3: "Set local spend, SME spend, VCSE spend baseline". The import pipeline is in
spend/importing/ (read → map → clean → load → classify → swap → baseline); this module holds the
data and the rules about it: which district is local, what a share is, who may see a file.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essex_anchors.lib.financial_year import financial_year_label
from essex_anchors.lib.roles import is_secretariat, organisation_of
from essex_anchors.lib.storage import private_storage
from pledges.models import Organisation

# The version of the classification method a baseline is computed with (shown on /spend/methods/).
# Raise it whenever a rule in spend/classify.py or the meaning of a figure below changes, and say what
# changed in RULES_CHANGES.
RULES_VERSION = "2026.2"
# Every version, oldest first: (version, from, what changed). /spend/methods/ lists them.
RULES_CHANGES = [
    (
        "2026.1",
        datetime.date(2026, 12, 1),
        "First version: local by postcode district against the Greater Essex list (border districts partly "
        "local); SME and VCSE from the supplier register; VCSE also by charity number or a VCSE legal form in "
        "the name; redacted, pooled and public-body payees excluded.",
    ),
    (
        "2026.2",
        datetime.date(2026, 12, 3),
        "VCSE also from the VCSE registers (charities that are companies, the FCA mutuals register, 360Giving "
        "grant recipients), matched by company number, charity number, then name; a classification may be "
        "changed by a dispute the secretariat accepts; the share of spend with suppliers in the East of "
        "England region (the national index's definition) is reported beside the Greater Essex share.",
    ),
]


class Flag(models.TextChoices):
    """A supplier's answer to "is it an SME / a VCSE?": unknown until a register or a rule says."""

    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class Locality(models.TextChoices):
    LOCAL = "local", "Local"
    PARTIAL = "partial", "Partly local (border district)"


class LocalArea(models.Model):
    """A postcode district that counts as Greater Essex (Essex's 12 districts, Southend-on-Sea, Thurrock).

    Border districts, whose addresses lie partly inside and partly outside, are "partial": their spend
    is reported apart, neither local nor not local.
    """

    district = models.CharField(max_length=4, unique=True, help_text="The outward code, e.g. CM1.")
    authority = models.CharField(max_length=100, help_text="The local authority the district mainly falls in.")
    locality = models.CharField(max_length=10, choices=Locality.choices, default=Locality.LOCAL)
    note = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["district"]

    def __str__(self):
        return f"{self.district} ({self.authority})"

    def clean(self):
        self.district = (self.district or "").strip().upper()
        problem = district_problem(self.district)
        if problem:
            raise ValidationError({"district": problem})


def district_problem(value: str) -> str | None:
    """Why `value` is not a postcode district (an outward code such as CM1, SS0, E1W), or None: for forms and imports."""
    from .classify import postcode_district

    if value and postcode_district(value) != value:
        return f"“{value}” is not a postcode district (like CM1 or SS0)."
    return None


class SupplierQuerySet(models.QuerySet):
    def paid_by(self, organisation, financial_year: int):
        """The suppliers `organisation` paid in `financial_year`, by the lines of its current file (excluded
        payees have no supplier), each with `amount` and `payments`, biggest spend first."""
        return (
            self.filter(
                lines__spend_file__organisation=organisation,
                lines__spend_file__financial_year=financial_year,
                lines__spend_file__status=SpendFileStatus.IMPORTED,
            )
            .annotate(amount=models.Sum("lines__amount"), payments=models.Count("lines__row_number"))
            .order_by("-amount", "name", "pk")
        )

    def classed(self, question: str, value: str, local_districts: dict[str, str]):
        """Suppliers whose `question` ("local", "sme", "vcse" or "any") has `value` (spend.evidence's values;
        for "any", only "unknown"). `local_districts`: {district: locality} of the active LocalAreas."""
        if question in ("sme", "vcse"):
            return self.filter(**{question: value})
        if question == "any":
            return self.filter(
                models.Q(sme=Flag.UNKNOWN) | models.Q(vcse=Flag.UNKNOWN) | models.Q(postcode_district="")
            )
        if value == "unknown":
            return self.filter(postcode_district="")
        if value == "not_local":
            return self.exclude(postcode_district="").exclude(postcode_district__in=list(local_districts))
        return self.filter(
            postcode_district__in=[district for district, locality in local_districts.items() if locality == value]
        )


class PostcodeDistrict(models.Model):
    """Every UK postcode district with its ONS region, for the share of spend in the East of England (the
    region the national Tussell index counts as local for Essex), beside the Greater Essex share."""

    district = models.CharField(max_length=4, unique=True)
    authority = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=50, blank=True, help_text="The ONS region, e.g. East of England.")

    class Meta:
        ordering = ["district"]

    def __str__(self):
        return f"{self.district} ({self.region})"


EAST_OF_ENGLAND = "East of England"


class Supplier(models.Model):
    """A payee in the market, matched across files by company / charity / VAT number, then by normalised name."""

    name = models.CharField(max_length=300)
    # spend.classify.normalise_name(name): what two spellings of the same supplier share.
    normalised_name = models.CharField(max_length=300, db_index=True, editable=False)
    company_number = models.CharField(max_length=20, blank=True, db_index=True)
    charity_number = models.CharField(max_length=20, blank=True, db_index=True)
    vat_number = models.CharField("VAT number", max_length=20, blank=True, db_index=True)
    postcode = models.CharField(max_length=10, blank=True)
    postcode_district = models.CharField(max_length=4, blank=True, editable=False)
    sme = models.CharField("SME", max_length=7, choices=Flag.choices, default=Flag.UNKNOWN)
    vcse = models.CharField("VCSE", max_length=7, choices=Flag.choices, default=Flag.UNKNOWN)
    # Where the flags came from: "register" (the secretariat's supplier register) or "file" (a spend file).
    source = models.CharField(max_length=20, default="file", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SupplierQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # One place for what matching compares, whichever way the supplier is saved (admin form, register import).
        from .classify import clean_number, normalise_name, postcode_district

        self.normalised_name = normalise_name(self.name)
        self.postcode_district = postcode_district(self.postcode)
        for field in ("company_number", "charity_number", "vat_number"):
            setattr(self, field, clean_number(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("spend:supplier-detail", args=[self.pk])

    def mark_from_register(self) -> None:
        """The secretariat's supplier register (its import, or an edit in the admin) now answers for this supplier:
        its postcode and flags are the register's, which its evidence says (spend.evidence)."""
        self.source = "register"


class ColumnMapping(models.Model):
    """The columns of an organisation's last upload, as the person mapped them: used again for the next one."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="spend_column_mapping")
    # {field name (spend.columns.FIELDS): header as it appears in the file}
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Column mapping of {self.organisation}"


class SpendFileStatus(models.TextChoices):
    NEEDS_MAPPING = "needs_mapping", "Needs its columns matched"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    REFUSED = "refused", "Refused"
    IMPORTED = "imported", "Imported"
    REPLACED = "replaced", "Replaced by a later upload"
    FAILED = "failed", "Failed"


class Stage(models.TextChoices):
    READING = "reading", "Reading the file"
    CHECKING = "checking", "Checking every row"
    MATCHING = "matching", "Matching suppliers"
    LOADING = "loading", "Saving the payments"
    BASELINE = "baseline", "Computing the baseline"
    DONE = "done", "Finished"


# No stage of an import takes this long (a million rows take seconds, bench/README.md): a file still
# "Importing" after it was stopped with its process (a killed worker or command).
STALLED_AFTER = datetime.timedelta(minutes=30)


class SpendFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The files a person may see: their own organisation's, or every file for the secretariat."""
        if is_secretariat(user):
            return self
        organisation = organisation_of(user)
        if organisation is None:
            return self.none()
        return self.filter(organisation=organisation)

    def current(self):
        """The file whose lines stand for each organisation and year (the last one imported)."""
        return self.filter(status=SpendFileStatus.IMPORTED)


def may_upload_for(user, organisation) -> bool:
    """Anchor staff upload spend files for their own organisation; the secretariat for any."""
    if is_secretariat(user):
        return True
    own = organisation_of(user)
    return own is not None and organisation is not None and own.pk == organisation.pk


class SpendFile(models.Model):
    """One upload of an organisation's payments file for a financial year, with its import report."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="spend_files")
    financial_year = models.PositiveSmallIntegerField(help_text="The year the financial year starts: 2023 is 2023/24.")
    file = models.FileField(storage=private_storage, upload_to="spend/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=SpendFileStatus.choices, default=SpendFileStatus.QUEUED)
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # The column of the file each field was read from: {field: header}.
    mapping = models.JSONField(default=dict, blank=True)
    # What the import found: see spend.importing.report.Report.as_json().
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Made up by `manage.py load_demo_spend` for `make run`: labelled as demonstration data wherever shown.
    is_demo = models.BooleanField(default=False, editable=False)

    objects = SpendFileQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.organisation} {self.financial_year_label}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("spend:spendfile-detail", args=[self.pk])

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def is_stalled(self) -> bool:
        """An import that has not moved on for STALLED_AFTER: its process was stopped (its transaction undone)."""
        return (
            self.status == SpendFileStatus.RUNNING
            and self.stage_changed_at is not None
            and timezone.now() - self.stage_changed_at > STALLED_AFTER
        )

    @property
    def is_finished(self) -> bool:
        return self.status not in (SpendFileStatus.QUEUED, SpendFileStatus.RUNNING) or self.is_stalled

    def columns_used(self) -> list[tuple[str, str]]:
        """(field label, header in the file) of the columns the import read, from its first sheet."""
        from .importing.columns import FIELDS_BY_NAME

        sheets = self.report.get("sheets") or [{}]
        return [
            (FIELDS_BY_NAME[name].label if name in FIELDS_BY_NAME else name, header)
            for name, header in sheets[0].get("columns", {}).items()
        ]

    REPORT_COLUMNS = ["Sheet", "Row", "Column", "Value", "Why"]

    def report_rows(self) -> list[list]:
        """The bad rows the import found, as the report's table and its CSV list them."""
        return [
            [error["sheet"], error["row"], error["column"], error["value"], error["why"]]
            for error in self.report.get("errors", [])
        ]


class SpendLine(models.Model):
    """One payment of an imported file. Never public: the public sees only published baselines.

    A line is named by its place in the file: the file, the sheet and the row number. On PostgreSQL that
    key is not backed by an index: a million lines are loaded with one COPY, and keeping a B-tree (or
    an identity column) up to date costs more than half as much again as the load itself (bench/README.md).
    The import alone writes lines, each row once, so the key holds by construction; the lines are found
    by their file through a BRIN index (migration 0004). Elsewhere the key is an ordinary primary key.

    No database foreign-key constraints either, for the same reason. The import writes only ids it has
    just read or made, and lines go only with their file (spend.services replaces them).
    """

    pk = models.CompositePrimaryKey("spend_file", "sheet", "row_number")
    spend_file = models.ForeignKey(
        SpendFile, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="lines"
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, null=True, related_name="lines"
    )
    payee_name = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    payment_date = models.DateField()
    postcode_district = models.CharField(max_length=4, blank=True)
    service_area = models.CharField(max_length=200, blank=True)
    expense_type = models.CharField(max_length=200, blank=True)
    transaction_number = models.CharField(max_length=100, blank=True)
    # Why the payee is set apart (spend.classify.EXCLUSIONS), or "" for a supplier in the market.
    excluded = models.CharField(max_length=20, blank=True)
    sheet = models.CharField(max_length=100, blank=True)
    row_number = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.payee_name} {self.amount} on {self.payment_date}"


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


@dataclasses.dataclass(frozen=True)
class SpendFigures:
    """The sums behind a baseline and the one definition of each share.

    Shares of local, SME and VCSE spend are of the spend *in scope*: total spend less the excluded
    payees (personal data, pooled payments to people, other public bodies), who are not suppliers in
    the market. Unknown is its own share and never folded into "not". The excluded share is of the
    total. Shares are rounded to one decimal place; None when there is nothing to divide by.
    """

    total: Decimal = Decimal(0)
    excluded: Decimal = Decimal(0)
    local: Decimal = Decimal(0)
    partial: Decimal = Decimal(0)
    not_local: Decimal = Decimal(0)
    local_unknown: Decimal = Decimal(0)
    sme: Decimal = Decimal(0)
    not_sme: Decimal = Decimal(0)
    sme_unknown: Decimal = Decimal(0)
    vcse: Decimal = Decimal(0)
    not_vcse: Decimal = Decimal(0)
    vcse_unknown: Decimal = Decimal(0)

    AMOUNTS = (
        "total",
        "excluded",
        "local",
        "partial",
        "not_local",
        "local_unknown",
        "sme",
        "not_sme",
        "sme_unknown",
        "vcse",
        "not_vcse",
        "vcse_unknown",
    )

    @property
    def in_scope(self) -> Decimal:
        return self.total - self.excluded

    def share(self, name: str) -> Decimal | None:
        """Amount `name` as a % of the spend it is a share of (see the class docstring), to 0.1."""
        if name == "excluded":
            return _percent(self.excluded, self.total)
        return self.of_in_scope(getattr(self, name))

    def of_in_scope(self, amount: Decimal) -> Decimal | None:
        """`amount` as a % of in-scope spend, to 0.1; None when nothing is in scope."""
        return _percent(amount, self.in_scope)

    ROWS = (
        ("total", "Total spend", "all payments dated in the year"),
        (
            "excluded",
            "Excluded payees",
            "of total spend: personal data, pooled payments to people, other public bodies",
        ),
        ("local", "Local (Greater Essex)", ""),
        ("partial", "Partly local (border districts)", ""),
        ("not_local", "Not local", ""),
        ("local_unknown", "Locality unknown (no postcode)", ""),
        ("sme", "SMEs", ""),
        ("not_sme", "Not SMEs", ""),
        ("sme_unknown", "SME or not unknown", ""),
        ("vcse", "VCSEs", ""),
        ("not_vcse", "Not VCSEs", ""),
        ("vcse_unknown", "VCSE or not unknown", ""),
    )

    def rows(self) -> list[dict]:
        """Every figure with its label, amount and share, in the order the pages show them."""
        return [
            {
                "name": name,
                "label": label,
                "amount": getattr(self, name),
                "percent": None if name == "total" else self.share(name),
                "of": of,
            }
            for name, label, of in self.ROWS
        ]

    def __add__(self, other: "SpendFigures") -> "SpendFigures":
        return SpendFigures(**{name: getattr(self, name) + getattr(other, name) for name in self.AMOUNTS})


class BaselineStatus(models.TextChoices):
    HELD = "held", "Held (not public)"
    PUBLISHED = "published", "Published"


class BaselineQuerySet(models.QuerySet):
    def current(self):
        """Each organisation and year's baseline of its last imported file (earlier ones stay as history)."""
        return self.filter(superseded_at__isnull=True)

    def published(self):
        """What the public sees: current baselines the secretariat has published."""
        return self.current().filter(status=BaselineStatus.PUBLISHED)

    def visible_to(self, user):
        """Current baselines a person may see: published ones, their own organisation's, or all for the secretariat."""
        if is_secretariat(user):
            return self.current()
        organisation = organisation_of(user)
        own = models.Q(organisation=organisation) if organisation else models.Q(pk__in=[])
        return self.current().filter(own | models.Q(status=BaselineStatus.PUBLISHED))

    def network_by_year(self, *, by_sector: bool = False) -> list[dict]:
        """Network totals per financial year, newest first: [{"year", "label", "organisations", "figures", "demo"}];
        `by_sector`: per sector of the organisations too, each row with its "sector", in the sectors' order."""
        sums = [models.Sum(name) for name in SpendFigures.AMOUNTS]
        keys = ["organisation__sector", "financial_year"] if by_sector else ["financial_year"]
        rows = (
            self.values(*keys)
            .annotate(
                organisations=models.Count("organisation", distinct=True),
                demo=models.Max(models.Case(models.When(is_demo=True, then=1), default=0)),
                **{name: aggregate for name, aggregate in zip(SpendFigures.AMOUNTS, sums, strict=True)},
            )
            .order_by(*keys[:-1], "-financial_year")
        )
        return [
            {
                **({"sector": row["organisation__sector"]} if by_sector else {}),
                "year": row["financial_year"],
                "label": financial_year_label(row["financial_year"]),
                "organisations": row["organisations"],
                "demo": bool(row["demo"]),
                "figures": SpendFigures(**{name: _pence(row[name]) for name in SpendFigures.AMOUNTS}),
            }
            for row in rows
        ]


def _amount():
    return models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))


class Baseline(models.Model):
    """An organisation's local / SME / VCSE spend for a financial year, computed from one imported file."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="spend_baselines")
    financial_year = models.PositiveSmallIntegerField()
    spend_file = models.OneToOneField(SpendFile, on_delete=models.PROTECT, related_name="baseline")
    status = models.CharField(max_length=10, choices=BaselineStatus.choices, default=BaselineStatus.HELD)
    rules_version = models.CharField(max_length=20, default=RULES_VERSION)
    computed_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)
    lines = models.PositiveIntegerField(default=0)
    excluded_lines = models.PositiveIntegerField(default=0)
    suppliers = models.PositiveIntegerField(default=0)
    total = _amount()
    excluded = _amount()
    local = _amount()
    partial = _amount()
    not_local = _amount()
    local_unknown = _amount()
    sme = _amount()
    not_sme = _amount()
    sme_unknown = _amount()
    vcse = _amount()
    not_vcse = _amount()
    vcse_unknown = _amount()
    # The excluded spend by rule: {rule code: amount as a string}.
    excluded_by_rule = models.JSONField(default=dict, blank=True)
    # In-scope spend with suppliers in the East of England region (by the same district as local): the
    # national index's definition, to set beside the Greater Essex figure. None for a baseline computed
    # with rules before 2026.2, which did not count it (recompute it to have it).
    east_of_england = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # Why the in-scope spend counts as it does: for each question ("local", "sme", "vcse") a list of
    # {"value", "path", "suppliers", "lines", "amount"}, the spend of each answer by the evidence that decided it
    # (spend.evidence's paths). None for a baseline computed before these were counted (recompute it to have them).
    evidence = models.JSONField(null=True, blank=True)

    history = HistoricalRecords()
    objects = BaselineQuerySet.as_manager()

    class Meta:
        ordering = ["-financial_year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "financial_year"],
                condition=models.Q(superseded_at__isnull=True),
                name="baseline_one_current_per_organisation_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="baseline_published_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {self.financial_year_label}"

    @property
    def financial_year_label(self) -> str:
        return financial_year_label(self.financial_year)

    @property
    def figures(self) -> SpendFigures:
        return SpendFigures(**{name: getattr(self, name) for name in SpendFigures.AMOUNTS})

    def excluded_rows(self) -> list[dict]:
        """The excluded spend by rule, labelled, for the file's page."""
        from .classify import EXCLUSION_LABELS

        return [
            {"label": EXCLUSION_LABELS.get(code, code), "lines": value["lines"], "amount": Decimal(value["amount"])}
            for code, value in self.excluded_by_rule.items()
        ]

    def evidence_tables(self) -> list[dict]:
        """The evidence counts labelled, one table per question, each row with its share of in-scope spend."""
        from .evidence import answer_label, path_label

        figures = self.figures
        return [
            {
                "question": question,
                "caption": caption,
                "rows": [
                    {
                        "answer": answer_label(question, row["value"]),
                        "evidence": path_label(question, row["path"]),
                        "suppliers": row["suppliers"],
                        "lines": row["lines"],
                        "amount": Decimal(row["amount"]),
                        "percent": figures.of_in_scope(Decimal(row["amount"])),
                    }
                    for row in (self.evidence or {}).get(question, [])
                ],
            }
            for question, caption in (
                ("local", "Local or not, by the evidence for it"),
                ("sme", "SME or not, by the evidence for it"),
                ("vcse", "VCSE or not, by the evidence for it"),
            )
        ]

    @property
    def is_published(self) -> bool:
        return self.status == BaselineStatus.PUBLISHED and self.superseded_at is None

    @property
    def east_of_england_percent(self) -> Decimal | None:
        """East of England spend as a % of in-scope spend, to 0.1 (None when not computed or nothing in scope)."""
        if self.east_of_england is None:
            return None
        return self.figures.of_in_scope(self.east_of_england)

    def earlier_figures(self) -> list:
        """The figures this baseline had before each recompute, newest first (from its history)."""
        versions = self.history.order_by("-history_date", "-history_id")
        earlier, seen = [], {(self.computed_at, self.rules_version)}
        for version in versions:
            key = (version.computed_at, version.rules_version)
            if key not in seen:
                seen.add(key)
                earlier.append(version)
        return earlier


def _pence(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


class Disputed(models.TextChoices):
    """What about a supplier's classification an anchor may dispute: each is a field of Supplier."""

    POSTCODE = "postcode", "Postcode (local or not)"
    SME = "sme", "SME"
    VCSE = "vcse", "VCSE"


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Open: waiting for the secretariat"
    ACCEPTED = "accepted", "Accepted: the classification was changed"
    REJECTED = "rejected", "Rejected: the classification stands"


class DisputeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Disputes a person may see: their own organisation's, or all for the secretariat."""
        if is_secretariat(user):
            return self
        organisation = organisation_of(user)
        return self.filter(organisation=organisation) if organisation else self.none()

    def open(self):
        return self.filter(status=DisputeStatus.OPEN)


class ClassificationDispute(models.Model):
    """An anchor's flag on a supplier's classification, with its reason, and the secretariat's decision on it.

    An accepted dispute is the manual override: the supplier's field takes the proposed value, and the
    evidence for that field names this dispute (its reason, who settled it, when). Baselines already
    computed keep their figures until the secretariat recomputes them.
    """

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="disputes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="spend_disputes")
    field = models.CharField("what is disputed", max_length=10, choices=Disputed.choices)
    current_value = models.CharField("value when disputed", max_length=10, blank=True, editable=False)
    proposed_value = models.CharField("proposed value", max_length=10)
    reason = models.TextField(max_length=1000)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="spend_disputes_raised", editable=False
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, editable=False)
    decision_reason = models.TextField("the secretariat's reason", max_length=1000, blank=True, editable=False)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spend_disputes_settled",
        editable=False,
    )
    settled_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "organisation", "field"],
                condition=models.Q(status="open"),
                name="dispute_one_open_per_supplier_organisation_field",
            ),
        ]

    def __str__(self):
        return f"{self.supplier}: {self.get_field_display()} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("spend:supplier-detail", args=[self.supplier_id])

    @property
    def proposed_label(self) -> str:
        return dict(Flag.choices).get(self.proposed_value, self.proposed_value)


class RegisterKind(models.TextChoices):
    """The public registers that say a supplier is a VCSE, with what each row of them says."""

    CHARITY_COMPANY = "charity_company", "Charity and company numbers (charities that are companies)"
    MUTUALS = "mutuals", "FCA Mutuals Public Register (co-operatives and community benefit societies)"
    GRANTS_360 = "grants_360", "360Giving grants (every recipient is a VCSE)"


class Register(models.Model):
    """One loaded register: which list, from where, under what licence, when; its entries replace the last load's."""

    kind = models.CharField(max_length=20, choices=RegisterKind.choices, unique=True)
    file_name = models.CharField(max_length=255)
    source = models.CharField(max_length=300, help_text="Where the file comes from.")
    licence = models.CharField(max_length=100)
    attribution = models.CharField(max_length=300, blank=True)
    entries_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]

    def __str__(self):
        return self.get_kind_display()


class RegisterEntry(models.Model):
    """A row of a register: an organisation that is a VCSE, by its numbers and name."""

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="entries")
    row_number = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    normalised_name = models.CharField(max_length=300, db_index=True)
    charity_number = models.CharField(max_length=20, blank=True, db_index=True)
    company_number = models.CharField(max_length=20, blank=True, db_index=True)
    mutual_number = models.CharField(max_length=20, blank=True)
    identifier = models.CharField(max_length=100, help_text="The org-id the register gives, e.g. GB-CHC-1000611.")

    class Meta:
        ordering = ["register", "row_number"]
        verbose_name_plural = "register entries"

    def __str__(self):
        return f"{self.name} ({self.identifier})"
