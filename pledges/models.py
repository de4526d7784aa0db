from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


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
    website = models.URLField(blank=True)
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
    reference_code = models.CharField(
        max_length=50, blank=True, help_text="Optional code of the same measure in an outside framework."
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["lever__order", "name"]

    def __str__(self):
        return f"{self.name} ({self.unit})"
