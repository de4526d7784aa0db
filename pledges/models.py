import dataclasses
import datetime
import math
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from essex_anchors.lib.roles import SECRETARIAT_GROUP, is_secretariat, organisation_of  # noqa: F401 (used by the apps)
from essex_anchors.lib.storage import private_storage
from essex_anchors.lib.web_links import web_link, web_url_validator


class Sector(models.TextChoices):
    LOCAL_GOVERNMENT = "local_government", "Local government"
    NHS = "nhs", "NHS"
    EDUCATION = "education", "Education"
    EMERGENCY_SERVICES = "emergency_services", "Emergency services"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        """Organisations that still take part in the network."""
        return self.filter(active=True)


class Organisation(models.Model):
    """An anchor organisation of Greater Essex."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    slug = models.SlugField(max_length=200, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, default=Sector.OTHER)
    website = models.URLField(blank=True, validators=[web_url_validator])
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:organisation-detail", args=[self.slug])

    @property
    def display_short_name(self) -> str:
        return self.short_name or self.name

    @property
    def web_link(self) -> str:
        """The website, only if it is a web address: a value saved before links were checked never becomes a
        javascript: link on the public page."""
        return web_link(self.website)


class Lever(models.Model):
    """One of the five levers an anchor can pull to create social value (seed document)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    # One bullet point per line, as the seed's "How anchor organisations can shape local places" lists them.
    points = models.TextField(blank=True, help_text="One bullet point per line.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:lever-detail", args=[self.slug])

    @property
    def point_list(self) -> list[str]:
        return [line.strip() for line in self.points.splitlines() if line.strip()]


class Approach(models.Model):
    """A named approach under a lever: the seed's repository of ideas and good practice."""

    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="approaches")
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["lever__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["lever", "slug"], name="approach_unique_slug_per_lever"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("pledges:approach-detail", args=[self.lever.slug, self.slug])


class Measure(models.Model):
    """A quantity a pledge target can be set against, from the secretariat's catalogue."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    unit = models.CharField(max_length=50, help_text="For example: people, hours, £, tonnes CO2e.")
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="measures", null=True, blank=True)
    description = models.TextField(blank=True)
    social_value_per_unit = models.DecimalField(
        "social value per unit (£)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Optional £ value the secretariat assigns to one unit. Leave blank if none is agreed.",
    )
    social_value_source = models.TextField(
        "source of the £ value",
        blank=True,
        help_text="Where the £ value per unit comes from (a published framework and its year, a study, the "
        "secretariat's own estimate). Shown beside every estimate made with it; needed when a £ value is set.",
    )
    reference_code = models.CharField(
        max_length=50, blank=True, help_text="Optional code of the same measure in an outside framework."
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["lever__order", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def clean(self):
        errors = {}
        if self.social_value_per_unit is not None:
            if self.social_value_per_unit < 0:
                errors["social_value_per_unit"] = "Enter £0 or more, or leave it blank when no £ value is agreed."
            if not self.social_value_source.strip():
                errors["social_value_source"] = (
                    "Say where the £ value per unit comes from: every estimate made with it shows its source."
                )
        if errors:
            raise ValidationError(errors)


class Profile(models.Model):
    """Links a user to the one anchor organisation they work for. Secretariat users need none."""

    user = models.OneToOneField("auth.User", on_delete=models.CASCADE, related_name="profile")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    job_title = models.CharField(max_length=150, blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return f"{self.user} ({self.organisation})"




class PledgeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for changes"
    PUBLISHED = "published", "Published"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The dates a pledge or target may have. A date outside is a slip of the keyboard (year 1, 9999) that would
# also break the financial-year filters of the dashboard, so forms, the admin and imports refuse it.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
DATE_RANGE_ERROR = "Enter a date between 1 January 2000 and 31 December 2100."


def dates_out_of_range(obj, *names: str) -> dict[str, str]:
    """An error for each of `obj`'s date fields `names` that is set and outside EARLIEST_DATE–LATEST_DATE."""
    return {
        name: DATE_RANGE_ERROR
        for name in names
        if getattr(obj, name) is not None and not EARLIEST_DATE <= getattr(obj, name) <= LATEST_DATE
    }


class PledgeAction(models.TextChoices):
    """What anchor staff (and the secretariat for them) do to a pledge on the site; see Pledge.action_refusal."""

    EDIT = "edit", "Edit"
    SUBMIT = "submit", "Submit for review"
    REQUEST_WITHDRAWAL = "request_withdrawal", "Ask to withdraw"
    POST_PROGRESS = "post_progress", "Post progress"


# Only published pledges and what follows publication are ever shown to the public.
PUBLIC_STATUSES = [PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED, PledgeStatus.NOT_ACHIEVED, PledgeStatus.WITHDRAWN]
# Anchor staff may edit a pledge only before it is submitted, or after it is returned.
EDITABLE_STATUSES = [PledgeStatus.DRAFT, PledgeStatus.RETURNED]

# Who may move a pledge from one status to another: "anchor" (staff of its organisation) or "secretariat".
TRANSITIONS = {
    (PledgeStatus.DRAFT, PledgeStatus.SUBMITTED): "anchor",
    (PledgeStatus.RETURNED, PledgeStatus.SUBMITTED): "anchor",
    (PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED): "secretariat",
    (PledgeStatus.SUBMITTED, PledgeStatus.RETURNED): "secretariat",
    (PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED): "secretariat",
    (PledgeStatus.PUBLISHED, PledgeStatus.NOT_ACHIEVED): "secretariat",
    (PledgeStatus.PUBLISHED, PledgeStatus.WITHDRAWN): "secretariat",
}


class PledgeQuerySet(models.QuerySet):
    def public(self):
        """Pledges the public may see: published and everything after publication."""
        return self.filter(status__in=PUBLIC_STATUSES)

    def holding_newest_updates(self, count: int) -> list[int]:
        """The ids of those of these pledges that hold their newest `count` progress updates, and of a few more.

        The newest `count` updates are all on pledges whose newest update is at least as new as that of the
        count-th pledge by newest_update_on (each pledge before that one has a newer update of its own), so a
        search for them need look at those pledges' updates only: their ids, found first in a query of their
        own, so that PostgreSQL plans the search of updates with them. Given the pledges' filter instead, it
        walks the index of updates by date through all the network's newer updates to find those of a filter's
        pledges (bench/README.md, "Load").
        """
        ranked = self.exclude(newest_update_on=None).order_by("-newest_update_on")
        cutoff = ranked.values("newest_update_on")[count - 1 : count]
        holders = self.filter(newest_update_on__gte=Coalesce(models.Subquery(cutoff), models.Value(datetime.date.min)))
        return list(holders.order_by().values_list("pk", flat=True))

    def for_organisation(self, organisation):
        """All pledges of one organisation, whatever their status."""
        return self.filter(organisation=organisation)

    def visible_to(self, user):
        """Public pledges, plus every pledge of the user's own organisation; all of them for the secretariat."""
        if is_secretariat(user):
            return self.all()
        organisation = organisation_of(user)
        if organisation is None:
            return self.public()
        return self.filter(models.Q(status__in=PUBLIC_STATUSES) | models.Q(organisation=organisation))

    # --- The signed-in organisation's dashboard (/my/): grouping and "what needs doing". ---

    # (key, heading, statuses) of each group on /my/, in lifecycle order; "closed" is everything after publication.
    DASHBOARD_GROUPS = [
        ("draft", "Drafts", [PledgeStatus.DRAFT]),
        ("returned", "Returned for changes", [PledgeStatus.RETURNED]),
        ("submitted", "Submitted for review", [PledgeStatus.SUBMITTED]),
        ("published", "Published", [PledgeStatus.PUBLISHED]),
        ("closed", "Closed", [PledgeStatus.ACHIEVED, PledgeStatus.NOT_ACHIEVED, PledgeStatus.WITHDRAWN]),
    ]

    def with_dashboard_figures(self):
        """Add the lever, the number of targets and the date of the latest progress update to each pledge."""
        return self.select_related("lever").annotate(
            target_count=models.Count("targets", distinct=True),
            last_progress_on=models.Max("progress_updates__date"),
        )

    def grouped_by_status(self) -> list[tuple[str, str, list["Pledge"]]]:
        """The pledges in one query, as (key, heading, pledges) per dashboard group, in lifecycle order."""
        groups = {key: [] for key, _, _ in self.DASHBOARD_GROUPS}
        group_of = {status: key for key, _, statuses in self.DASHBOARD_GROUPS for status in statuses}
        for pledge in self:
            groups[group_of[pledge.status]].append(pledge)
        return [(key, heading, groups[key]) for key, heading, _ in self.DASHBOARD_GROUPS]

    def returned(self):
        """Pledges the secretariat has sent back for changes."""
        return self.filter(status=PledgeStatus.RETURNED)

    def drafts(self):
        """Pledges written but not yet submitted for review."""
        return self.filter(status=PledgeStatus.DRAFT)

    def needing_progress(self, since):
        """Published pledges, published before `since`, with no progress update dated on or after it."""
        recent = ProgressUpdate.objects.filter(pledge=models.OuterRef("pk"), date__gte=since)
        return self.filter(status=PledgeStatus.PUBLISHED, published_at__date__lt=since).exclude(models.Exists(recent))

    def awaiting_withdrawal(self):
        """Published pledges whose organisation has asked the secretariat to withdraw them."""
        return self.filter(status=PledgeStatus.PUBLISHED, withdrawal_requested=True)

    def awaiting_review(self):
        """Pledges submitted and waiting for the secretariat to publish or return them."""
        return self.filter(status=PledgeStatus.SUBMITTED)

    def for_financial_year(self, year: int):
        """Pledges whose start date falls in the UK financial year from 1 April `year` to 31 March `year + 1`."""
        return self.filter(start_date__gte=f"{year:04d}-04-01", start_date__lt=f"{year + 1:04d}-04-01")

    def count_by(self, *fields: str):
        """How many pledges there are per value of `fields` (e.g. "lever", "organisation__sector"): rows of fields and n."""
        return self.order_by().values(*fields).annotate(n=models.Count("pk")).order_by(*fields)

    def start_date_range(self):
        """The earliest and latest start date, as a dict with `first` and `last` (None when there are no pledges)."""
        return self.aggregate(first=models.Min("start_date"), last=models.Max("start_date"))


class Pledge(models.Model):
    """A public commitment by one anchor organisation against one lever."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="pledges")
    lever = models.ForeignKey(Lever, on_delete=models.PROTECT, related_name="pledges")
    approach = models.ForeignKey(Approach, on_delete=models.PROTECT, related_name="pledges", null=True, blank=True)
    title = models.CharField(max_length=200)
    commitment = models.TextField(help_text="What your organisation commits to do, in plain words.")
    start_date = models.DateField()
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=PledgeStatus.choices, default=PledgeStatus.DRAFT, db_index=True)
    public_contact = models.CharField(
        max_length=200, help_text="A name, team or email address the public can contact about this pledge."
    )
    review_comment = models.TextField(blank=True, help_text="The secretariat's comment when returning the pledge.")
    withdrawal_requested = models.BooleanField(default=False)
    withdrawal_reason = models.TextField(blank=True)
    created_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking: a form carries the version it was read at; a save from an older version is refused.
    version = models.PositiveIntegerField(default=1)
    # The date of the newest progress update (None before any): only refresh_newest_update() writes it (each
    # save of an update calls it), and a save of the pledge leaves it as it is in the database (save()).
    newest_update_on = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["newest_update_on"])
    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "lever"]),
            models.Index(fields=["status", "organisation"]),
            # The order of every public list of pledges, so a keyset page starts where the index says
            # (lib/keyset.py). Partial: drafts have no publication time, and would sort first (NULLs first).
            models.Index(
                fields=["-published_at", "-created_at", "-id"],
                name="pledge_list_order_idx",
                condition=models.Q(status__in=PUBLIC_STATUSES),
            ),
            # The pledges with the newest updates first (PledgeQuerySet.holding_newest_updates).
            models.Index(fields=["-newest_update_on"], name="pledge_newest_update_idx"),
        ]
        constraints = [
            # A public pledge was published at some time: only pledge_change_status makes a pledge public,
            # and it records when; a write that goes round it (an import, a script) is refused here.
            models.CheckConstraint(
                condition=~models.Q(status__in=PUBLIC_STATUSES) | models.Q(published_at__isnull=False),
                name="pledge_public_has_published_at",
                violation_error_message="A public pledge must have a publication time: publish it through the review.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # newest_update_on is refresh_newest_update()'s alone: a pledge read before an update was posted
        # must not write back the date it read. Deferred fields stay unwritten, as Django leaves them.
        if not self._state.adding and kwargs.get("update_fields") is None:
            unwritten = {"newest_update_on", *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in unwritten
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pledges:pledge-detail", args=[self.pk])

    def refresh_newest_update(self) -> None:
        """Set newest_update_on from the recorded progress: the date of the newest update, None before any.

        ProgressUpdate.save() calls it, so every update added or moved to another date renews it. The pledge's
        row is locked first, so the date read after it counts every update committed before, and two
        transactions renewing it at once cannot leave the older date (the second waits, then reads both).
        """
        pledge = Pledge.objects.filter(pk=self.pk)
        if transaction.get_connection().in_atomic_block:  # outside a transaction no lock outlives its statement
            pledge.select_for_update().values_list("pk").first()
        self.newest_update_on = self.progress_updates.aggregate(newest=models.Max("date"))["newest"]
        pledge.update(newest_update_on=self.newest_update_on)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def accepts_progress(self) -> bool:
        return self.status == PledgeStatus.PUBLISHED

    @property
    def social_value_estimate(self) -> "SocialValueEstimate":
        """The estimated social value of the progress reported on this pledge's targets, by evidence status.

        Reads self.targets.all() with each target's measure, so a page prefetches "targets__measure".
        """
        return SocialValueEstimate.of_targets(self.targets.all())

    @property
    def overall_percent(self) -> int | None:
        """The pledge's "% of the way to target" (mean_percent_of_way over all its targets); None before any progress.

        Reads self.targets.all(), so list pages prefetch "targets" to avoid one query per pledge.
        """
        targets = list(self.targets.all())
        if all(target.latest_value is None for target in targets):
            return None
        return mean_percent_of_way(sum(target.share_of_way for target in targets), len(targets))

    def clean(self):
        errors = dates_out_of_range(self, "start_date", "target_date")
        if self.start_date and self.target_date and self.target_date <= self.start_date:
            errors["target_date"] = "The target date must be after the start date."
        if self.approach_id and self.lever_id and self.approach.lever_id != self.lever_id:
            errors["approach"] = f"“{self.approach.name}” is not an approach of the lever “{self.lever.name}”."
        if errors:
            raise ValidationError(errors)

    def is_own(self, user) -> bool:
        """Whether `user` works for the pledge's organisation (compared by id: a list of pledges asks it per row)."""
        profile = getattr(user, "profile", None) if user.is_authenticated else None
        return profile is not None and profile.organisation_id == self.organisation_id

    def is_managed_by(self, user) -> bool:
        """Staff of the pledge's organisation and the secretariat: they see all of it and may act on it."""
        return is_secretariat(user) or self.is_own(user)

    def can_move_to(self, status, user) -> bool:
        """Whether `user` may move this pledge to `status` (see TRANSITIONS)."""
        actor = TRANSITIONS.get((self.status, status))
        if actor == "secretariat":
            return is_secretariat(user)
        if actor == "anchor":
            return self.is_managed_by(user)
        return False

    def can_edit(self, user) -> bool:
        """Staff of the pledge's organisation may edit it while it is a draft or returned."""
        return self.action_refusal(PledgeAction.EDIT, user) is None

    def action_refusal(self, action: str, user) -> PermissionDenied | ValidationError | None:
        """Why `user` may not take `action` on this pledge, or None when they may.

        The one owner of "may this person edit / submit / ask to withdraw / post progress": views,
        services and templates ask it (through available_actions or require_action). A refusal about
        who is asking is PermissionDenied; one about the pledge's state is ValidationError.
        """
        title, status = self.title, self.get_status_display().lower()
        if action == PledgeAction.EDIT:
            if not self.is_managed_by(user):
                return PermissionDenied("Only staff of the pledge's organisation can edit it.")
            if not self.is_editable:
                return ValidationError(
                    f"“{title}” is {status}, so it cannot be edited. Only drafts and pledges returned for changes can be."
                )
        elif action == PledgeAction.SUBMIT:
            if not self.can_move_to(PledgeStatus.SUBMITTED, user):
                return PermissionDenied(
                    f"A pledge that is “{self.get_status_display()}” cannot be submitted for review by you."
                )
        elif action == PledgeAction.REQUEST_WITHDRAWAL:
            if not self.is_own(user):
                return PermissionDenied(
                    "Only staff of the pledge's organisation ask to withdraw it; "
                    "the secretariat withdraws pledges in the admin."
                )
            if self.status != PledgeStatus.PUBLISHED:
                return ValidationError(f"“{title}” is {status}: only a published pledge can be withdrawn.")
            if self.withdrawal_requested:
                return ValidationError(f"You have already asked to withdraw “{title}”. The secretariat will decide.")
        elif action == PledgeAction.POST_PROGRESS:
            if not self.is_managed_by(user):
                return PermissionDenied("Only staff of the pledge's organisation can post its progress.")
            if not self.accepts_progress:
                return ValidationError("Progress can only be posted on a published pledge.")
        else:
            raise ValueError(f"Unknown pledge action: {action!r}")
        return None

    def available_actions(self, user) -> frozenset[str]:
        """The PledgeActions `user` may take on this pledge now."""
        return frozenset(action for action in PledgeAction if self.action_refusal(action, user) is None)

    def require_action(self, action: str, user) -> None:
        """Raise the refusal if `user` may not take `action` (services call this before writing)."""
        refusal = self.action_refusal(action, user)
        if refusal is not None:
            raise refusal


class PledgeStatusChange(models.Model):
    """Who moved a pledge from one status to another, and when."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=PledgeStatus.choices)
    to_status = models.CharField(max_length=20, choices=PledgeStatus.choices)
    changed_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.pledge}: {self.from_status} → {self.to_status}"


class Evidence(models.TextChoices):
    SELF_REPORTED = "self_reported", "Self-reported"
    EVIDENCED = "evidenced", "Evidenced"
    VERIFIED = "verified", "Verified by the secretariat"


class TargetQuerySet(models.QuerySet):
    def met(self):
        """Targets whose latest progress has reached the target value (either direction)."""
        return self.filter(TARGET_MET)

    @staticmethod
    def share_expression():
        """SQL for how far (0–100 %) a target's latest value has come from baseline to target; 0 before any progress.

        share_of_way() in SQL, so aggregates need no loop over targets in Python; a test pins the two
        to the same numbers (tests/pledges/test_percent_of_way.py).
        """
        F, Q = models.F, models.Q

        def as_float(name):
            return Cast(name, models.FloatField())

        not_moved = Q(target_value__gt=F("baseline"), latest_value__lte=F("baseline")) | Q(
            target_value__lt=F("baseline"), latest_value__gte=F("baseline")
        )
        return models.Case(
            models.When(latest_value__isnull=True, then=models.Value(0.0)),
            models.When(target_value=F("baseline"), then=models.Value(0.0)),
            models.When(TARGET_MET, then=models.Value(100.0)),
            models.When(not_moved, then=models.Value(0.0)),
            default=(as_float("latest_value") - as_float("baseline"))
            * models.Value(100.0)
            / (as_float("target_value") - as_float("baseline")),
            output_field=models.FloatField(),
        )

    def progress_by_lever(self):
        """Per lever: targets, targets met, targets with any progress and the summed share (for the mean % of the way)."""
        return (
            self.order_by()
            .values("pledge__lever")
            .annotate(
                targets=models.Count("pk"),
                met=models.Count("pk", filter=TARGET_MET),
                with_progress=models.Count("pk", filter=models.Q(latest_value__isnull=False)),
                share_sum=models.Sum(self.share_expression()),
            )
            .order_by("pledge__lever")
        )

    @staticmethod
    def units_of_progress_expression():
        """SQL for a target's units of progress: units_of_progress() in SQL (NULL before any progress).

        A test pins the two to the same numbers on both databases (tests/pledges/test_social_value.py).
        """
        F, Q = models.F, models.Q
        decimal = models.DecimalField(max_digits=16, decimal_places=2)
        return models.Case(
            models.When(latest_value__isnull=True, then=models.Value(None, output_field=decimal)),
            models.When(
                Q(target_value__gt=F("baseline"), latest_value__gt=F("baseline")),
                then=F("latest_value") - F("baseline"),
            ),
            models.When(
                Q(target_value__lt=F("baseline"), latest_value__lt=F("baseline")),
                then=F("baseline") - F("latest_value"),
            ),
            default=models.Value(0, output_field=decimal),
            output_field=decimal,
        )

    def with_social_value(self):
        """Targets that have an estimated social value: a catalogue measure with a £ value per unit, and progress."""
        return self.filter(measure__social_value_per_unit__isnull=False, latest_value__isnull=False)

    def social_value_by_measure(self) -> list["MeasureSocialValue"]:
        """The estimated social value of these targets' progress per measure, each kept by evidence status.

        One query whatever the number of targets: the units of progress summed per measure and evidence status
        (the £ per unit is the measure's, so units × £ per unit is worked out once per row, exactly).
        """
        rows = (
            self.with_social_value()
            .order_by()
            .values(
                "measure__slug",
                "measure__name",
                "measure__unit",
                "measure__social_value_per_unit",
                "measure__social_value_source",
                "latest_evidence",
            )
            .annotate(targets=models.Count("pk"), units=models.Sum(self.units_of_progress_expression()))
            .order_by("measure__name", "measure__slug")
        )
        measures: dict[str, MeasureSocialValue] = {}
        for row in rows:
            slug = row["measure__slug"]
            if slug not in measures:
                measures[slug] = MeasureSocialValue(
                    slug=slug,
                    name=row["measure__name"],
                    unit=row["measure__unit"],
                    per_unit=row["measure__social_value_per_unit"],
                    source=row["measure__social_value_source"],
                )
            # A float sum on SQLite can end in …9999: the units of 2-decimal values have two decimals at most.
            units = Decimal(row["units"] or 0).quantize(PENNY)
            measures[slug].add(row["latest_evidence"], units, row["targets"])
        return list(measures.values())


class Target(models.Model):
    """A quantity a pledge commits to reach by a date, measured from a baseline."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="targets")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="targets", null=True, blank=True)
    custom_measure = models.CharField(
        "new measure", max_length=200, blank=True, help_text="Only if no measure in the catalogue fits."
    )
    custom_unit = models.CharField("unit of the new measure", max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    target_value = models.DecimalField(max_digits=16, decimal_places=2)
    target_date = models.DateField("by date")
    # Copies of the newest recorded progress, so public figures need no scan of every update.
    # Only refresh_latest() writes them.
    latest_value = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    latest_on = models.DateField(null=True, blank=True)
    # What backs the latest value: the evidence status of the update that reported it ("" before any progress).
    latest_evidence = models.CharField(max_length=20, choices=Evidence.choices, blank=True)

    history = HistoricalRecords()
    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.measure_name}: {self.target_value} {self.unit}"

    @property
    def measure_name(self) -> str:
        return self.measure.name if self.measure_id else self.custom_measure

    @property
    def unit(self) -> str:
        return self.measure.unit if self.measure_id else self.custom_unit

    def clean(self):
        errors = dates_out_of_range(self, "target_date")
        for name in ("baseline", "target_value"):
            if getattr(self, name) is not None and getattr(self, name) < 0:
                errors[name] = "Enter 0 or more: every measure counts up from zero."
        if not self.measure_id and not self.custom_measure:
            errors["measure"] = "Choose a measure from the catalogue, or name a new measure and its unit."
        if self.measure_id and self.custom_measure:
            errors["custom_measure"] = "Leave the new measure empty when you choose one from the catalogue."
        if self.custom_measure and not self.custom_unit:
            errors["custom_unit"] = "Give the unit of the new measure, for example people or £."
        if self.target_value is not None and self.baseline is not None and self.target_value == self.baseline:
            errors["target_value"] = "The target must differ from the baseline."
        if errors:
            raise ValidationError(errors)

    def refresh_latest(self) -> None:
        """Set latest_value, latest_on and latest_evidence from the recorded progress: the newest update by date,
        then the one posted last (highest pk) on that date; None (and "") when the target has no progress.

        Anything that changes an update's date, values or evidence status calls this for the targets it touches.
        """
        latest = (
            self.progress.order_by("-update__date", "-update__pk")
            .values_list("value", "update__date", "update__evidence")
            .first()
        )
        self.latest_value, self.latest_on, self.latest_evidence = latest or (None, None, "")
        self.save(update_fields=["latest_value", "latest_on", "latest_evidence"])

    @property
    def percent_complete(self) -> int | None:
        """How far the latest value has come from baseline to target, 0–100 (None before any progress)."""
        return percent_of_way(self.baseline, self.target_value, self.latest_value)

    @property
    def share_of_way(self) -> Decimal:
        """The unrounded share (0–100) this target adds to a mean "% of the way"; 0 before any progress."""
        return share_of_way(self.baseline, self.target_value, self.latest_value)

    @property
    def is_met(self) -> bool:
        return reached(self.percent_complete)

    @property
    def units_of_progress(self) -> Decimal | None:
        """How far the latest value has moved from the baseline towards the target (units_of_progress)."""
        return units_of_progress(self.baseline, self.target_value, self.latest_value)

    @property
    def social_value_per_unit(self) -> Decimal | None:
        return self.measure.social_value_per_unit if self.measure_id else None

    @property
    def social_value(self) -> Decimal | None:
        """The estimated social value of this target's progress (social_value); None without a £ value or progress."""
        return social_value(self.units_of_progress, self.social_value_per_unit)

    @property
    def social_value_evidence(self) -> str:
        """The evidence status behind the estimate: that of the update that reported the latest value."""
        return evidence_behind(self.latest_evidence)

    @property
    def social_value_evidence_phrase(self) -> str:
        return EVIDENCE_PHRASES[self.social_value_evidence]


# "% of the way to target", the one meaning the pledge pages, lists, /my/, the dashboard and the exports use:
# - for one target, how far its latest value has come from the baseline towards the target, limited to
#   0–100 % (a target can be passed, or move the wrong way) and rounded down, so 100 % means reached;
# - for several targets (a pledge, a lever, the network), the mean of the unrounded shares over ALL the
#   targets, a target with no progress yet counting as 0 %, rounded down.
# TargetQuerySet.share_expression() is share_of_way() in SQL, for the dashboard's aggregates.


def share_of_way(baseline, target, value) -> Decimal:
    """The unrounded share (0–100) of the way from baseline to target that value has reached; 0 without a value."""
    if value is None or target == baseline:
        return Decimal(0)
    share = (Decimal(value) - Decimal(baseline)) / (Decimal(target) - Decimal(baseline)) * 100
    return max(Decimal(0), min(Decimal(100), share))


def percent_of_way(baseline, target, value) -> int | None:
    """One target's "% of the way to target", rounded down (None before any progress)."""
    if value is None or target == baseline:
        return None
    return int(share_of_way(baseline, target, value).to_integral_value(rounding="ROUND_FLOOR"))


def reached(percent: int | None) -> bool:
    """Whether a target this far along ("% of the way", from percent_of_way) has reached its target: 100 %
    means reached, because percent_of_way rounds down."""
    return percent == 100


def mean_percent_of_way(share_sum, targets: int) -> int | None:
    """Several targets' "% of the way to target": the mean of their shares, rounded down (None with no targets)."""
    if not targets:
        return None
    # The small tolerance stops 99.99999… from a float sum (the SQL aggregate) showing as 99.
    return math.floor(float(share_sum) / targets + 1e-9)


# "Estimated social value", the one meaning the pledge page, the dashboard, the exports and the API use:
# - a target's units of progress: how far its latest value has moved from the baseline towards the target
#   (latest − baseline for a target above its baseline, baseline − latest for a reduction), 0 when it has
#   moved the wrong way, not capped at the target; None before any progress;
# - its estimated social value: units of progress × its catalogue measure's £ value per unit (set by the
#   secretariat, with a source); None without a £ value or without progress;
# - the evidence status behind it: that of the update that reported the latest value (Target.latest_evidence,
#   kept by refresh_latest());
# - several targets' estimates are never summed without saying how much is verified, evidenced and
#   self-reported (SocialValueEstimate keeps the sum per evidence status).
# TargetQuerySet.units_of_progress_expression() is units_of_progress() in SQL, for the dashboard.

PENNY = Decimal("0.01")

# How each part of an estimate is said, after its £ figure: "£10,000 from verified progress".
EVIDENCE_PHRASES = {
    Evidence.VERIFIED: "from progress verified by the secretariat",
    Evidence.EVIDENCED: "from progress with evidence attached, not yet verified",
    Evidence.SELF_REPORTED: "from self-reported progress",
}
# The order the parts are given in: the surest first.
EVIDENCE_ORDER = [Evidence.VERIFIED, Evidence.EVIDENCED, Evidence.SELF_REPORTED]


def units_of_progress(baseline, target, value) -> Decimal | None:
    """How far `value` has moved from `baseline` towards `target`, in the measure's unit; never negative, not capped."""
    if value is None:
        return None
    baseline, target, value = Decimal(baseline), Decimal(target), Decimal(value)
    if target > baseline:
        return max(Decimal(0), value - baseline)
    if target < baseline:
        return max(Decimal(0), baseline - value)
    return Decimal(0)


def social_value(units, per_unit) -> Decimal | None:
    """The estimated social value of `units` of progress at `per_unit` £ each (exact; rounded only when shown)."""
    if units is None or per_unit is None:
        return None
    return Decimal(units) * Decimal(per_unit)


def evidence_behind(latest_evidence: str) -> str:
    """The evidence status of a latest value; one with no status recorded counts as self-reported (the least sure)."""
    return str(latest_evidence) if latest_evidence in Evidence.values else Evidence.SELF_REPORTED.value


@dataclasses.dataclass(frozen=True)
class SocialValuePart:
    """The share of an estimate that comes from progress of one evidence status."""

    evidence: str
    value: Decimal
    targets: int

    @property
    def phrase(self) -> str:
        return EVIDENCE_PHRASES[self.evidence]

    def as_data(self) -> dict:
        return {"evidence": str(self.evidence), "phrase": self.phrase, "value": self.value, "targets": self.targets}


@dataclasses.dataclass
class SocialValueEstimate:
    """An estimated social value kept per evidence status, so its total is never given without its parts."""

    values: dict = dataclasses.field(default_factory=dict)  # evidence status -> £
    counts: dict = dataclasses.field(default_factory=dict)  # evidence status -> targets

    def add(self, evidence: str, value: Decimal, targets: int = 1) -> None:
        evidence = evidence_behind(evidence)
        self.values[evidence] = self.values.get(evidence, Decimal(0)) + value
        self.counts[evidence] = self.counts.get(evidence, 0) + targets

    @classmethod
    def of_targets(cls, targets) -> "SocialValueEstimate":
        """The estimate of the targets that have one (Target.social_value), by the evidence behind each."""
        estimate = cls()
        for target in targets:
            value = target.social_value
            if value is not None:
                estimate.add(target.latest_evidence, value)
        return estimate

    @classmethod
    def combined(cls, estimates) -> "SocialValueEstimate":
        total = cls()
        for estimate in estimates:
            for part in estimate.parts:
                total.add(part.evidence, part.value, part.targets)
        return total

    @property
    def is_empty(self) -> bool:
        """No target with a £ value has progress: there is nothing to estimate."""
        return not self.counts

    @property
    def total(self) -> Decimal:
        return sum(self.values.values(), Decimal(0))

    @property
    def parts(self) -> list[SocialValuePart]:
        """The estimate's parts, the surest evidence first; only statuses some target's progress has."""
        return [
            SocialValuePart(evidence, self.values[evidence], self.counts[evidence])
            for evidence in EVIDENCE_ORDER
            if evidence in self.counts
        ]

    def value_of(self, evidence: str) -> Decimal:
        return self.values.get(evidence, Decimal(0))

    def as_data(self) -> dict:
        """Plain data (for the cached figures and their JSON): the total with its parts."""
        return {"total": self.total, "parts": [part.as_data() for part in self.parts]}


@dataclasses.dataclass
class MeasureSocialValue:
    """One measure's £ value per unit, its source, and the estimate of the progress reported against it."""

    slug: str
    name: str
    unit: str
    per_unit: Decimal
    source: str
    units: Decimal = Decimal(0)
    estimate: SocialValueEstimate = dataclasses.field(default_factory=SocialValueEstimate)

    def add(self, evidence: str, units: Decimal, targets: int) -> None:
        self.units += units
        self.estimate.add(evidence, social_value(units, self.per_unit), targets)


# A target is met when its latest value reaches the target, in the direction of travel:
# up for most measures, down for reductions such as tonnes CO2e.
TARGET_MET = models.Q(latest_value__isnull=False) & (
    (models.Q(target_value__gt=models.F("baseline")) & models.Q(latest_value__gte=models.F("target_value")))
    | (models.Q(target_value__lt=models.F("baseline")) & models.Q(latest_value__lte=models.F("target_value")))
)


class TargetChange(models.Model):
    """A change to a published pledge's target, shown publicly so commitments are not quietly rewritten."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=30)
    old_value = models.CharField(max_length=100)
    new_value = models.CharField(max_length=100)
    changed_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.field}: {self.old_value} → {self.new_value}"


class RAG(models.TextChoices):
    RED = "red", "Red – off track"
    AMBER = "amber", "Amber – at risk"
    GREEN = "green", "Green – on track"


class ProgressUpdateQuerySet(models.QuerySet):
    def public(self):
        """Updates on pledges the public may see."""
        return self.filter(pledge__status__in=PUBLIC_STATUSES)

    def recent(self, limit: int = 10):
        """The newest `limit` updates, newest first, with their pledge, lever and organisation in the same query."""
        return self.select_related("pledge__organisation", "pledge__lever").order_by("-date", "-pk")[:limit]


class ProgressUpdate(models.Model):
    """A dated report of progress on a published pledge: narrative plus a value per target."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="progress_updates")
    date = models.DateField()
    narrative = models.TextField()
    rag = models.CharField("RAG rating", max_length=10, choices=RAG.choices, blank=True)
    evidence = models.CharField(max_length=20, choices=Evidence.choices, default=Evidence.SELF_REPORTED)
    evidence_link = models.URLField(blank=True, validators=[web_url_validator])
    # Private storage: evidence can be as sensitive as the pledge it backs, so only the progress_evidence
    # view (which asks who may see the pledge) serves it; nothing under MEDIA_ROOT has a public URL to it.
    evidence_file = models.FileField(upload_to="evidence/%Y/%m/", storage=private_storage, blank=True)
    created_by = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["pledge", "-date"]),
            # The dashboard's "recent progress updates" read the newest few of every update in this order.
            models.Index(fields=["-date", "-id"], name="progress_update_newest_idx"),
        ]

    def __str__(self):
        return f"{self.pledge} – {self.date}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None or "date" in kwargs["update_fields"]:
            self.pledge.refresh_newest_update()


# Limits the progress form and the CSV upload share: a narrative is read on a public page, and a link
# must fit its column (PostgreSQL refuses a longer one with an error, where SQLite would keep it).
NARRATIVE_MAX_LENGTH = 5000
EVIDENCE_LINK_MAX_LENGTH = ProgressUpdate._meta.get_field("evidence_link").max_length


class TargetProgress(models.Model):
    """The value one target had reached at one progress update."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress")
    value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["target_id"]
        constraints = [models.UniqueConstraint(fields=["update", "target"], name="one_value_per_target_per_update")]

    def __str__(self):
        return f"{self.target}: {self.value}"

    @property
    def percent_complete(self) -> int | None:
        return percent_of_way(self.target.baseline, self.target.target_value, self.value)
