"""The Social Value Learning Community (SVLC) of the Essex Anchors Network.

Everything the seed's Terms of Reference (ToR) says is data here: the versioned ToR with its
quorum and meeting rules, amendments agreed by a co-chair, member organisations and their
people, buddy groups, the year's objectives, meetings with attendance, decisions and actions,
and the good-practice resources members share.
"""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from essex_anchors.lib.roles import is_secretariat, organisation_of
from essex_anchors.lib.storage import private_storage as lib_private_storage
from essex_anchors.lib.uploads import check_upload_type
from essex_anchors.lib.web_links import web_url_validator
from pledges.models import Approach, Lever, Organisation

# How the portal writes dates and times: "Tuesday 13 January 2026, 10:00" (Europe/London).
BRITISH_DATE = "l j F Y"
BRITISH_DATETIME = "l j F Y, H:i"


def british_date(value: datetime.date | None, empty: str = "TBC") -> str:
    """A date the British way, or `empty` for a date still to be confirmed."""
    return date_format(value, BRITISH_DATE) if value else empty


def british_datetime(value: datetime.datetime) -> str:
    """A moment in UK local time the British way: "Tuesday 13 January 2026, 10:00"."""
    return date_format(timezone.localtime(value), BRITISH_DATETIME)


def is_member(user) -> bool:
    """Whether `user` may see the SVLC's members-only content.

    The one rule for it: the secretariat, or staff of an organisation that is a member of the
    SVLC today. Anonymous users and staff of non-member organisations get the public view.
    """
    if is_secretariat(user):
        return True
    organisation = organisation_of(user)
    if organisation is None:
        return False
    return Membership.objects.on(timezone.localdate()).filter(organisation=organisation).exists()


class MeetingFormat(models.TextChoices):
    VIRTUAL = "virtual", "Virtual (online)"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


# ---------------------------------------------------------------------------------------------
# Terms of Reference
# ---------------------------------------------------------------------------------------------


class ToRStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


class DecisionRule(models.TextChoices):
    CONSENSUS = "consensus", "By consensus"
    MAJORITY = "majority", "By majority of members present"


def _covers(day) -> Q:
    """Versions whose validity period covers `day` (a date or an OuterRef); a blank end is open."""
    return (Q(effective_from__isnull=True) | Q(effective_from__lte=day)) & (
        Q(effective_until__isnull=True) | Q(effective_until__gte=day)
    )


class TermsOfReferenceQuerySet(models.QuerySet):
    def in_force(self):
        """The version with status "in force" (there is at most one)."""
        return self.filter(status=ToRStatus.IN_FORCE)

    def applying_on(self, day):
        """Adopted versions whose validity period covers `day`, the one that applies first."""
        return (
            self.filter(status__in=[ToRStatus.IN_FORCE, ToRStatus.SUPERSEDED])
            .filter(_covers(day))
            .order_by(
                F("effective_from").desc(nulls_last=True),
                Case(When(status=ToRStatus.IN_FORCE, then=Value(0)), default=Value(1)),
                "-pk",
            )
        )

    def in_force_on(self, day: datetime.date):
        """The version that applied on `day`; the version in force when no period covers it (or None)."""
        return self.applying_on(day).first() or self.in_force().first()


class TermsOfReference(models.Model):
    """One version of the SVLC's Terms of Reference. Exactly one version is in force at a time."""

    version = models.CharField(max_length=20, unique=True, help_text="For example 1.0, 1.1, 2.0.")
    status = models.CharField(max_length=20, choices=ToRStatus.choices, default=ToRStatus.DRAFT)
    purpose = models.TextField()
    aims = models.TextField(help_text="One aim per line.")
    roles = models.TextField("role of the learning community", help_text="One role per line.")
    feeds_into = models.CharField("the group feeds into", max_length=200, blank=True)
    quorum = models.PositiveSmallIntegerField(
        help_text="How many distinct member organisations must be present for a meeting to be quorate.",
        validators=[MinValueValidator(1)],
    )
    decision_rule = models.CharField(max_length=20, choices=DecisionRule.choices, default=DecisionRule.CONSENSUS)
    meeting_frequency_weeks = models.PositiveSmallIntegerField(
        "meetings every (weeks)", validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    meeting_format = models.CharField(max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.VIRTUAL)
    secretariat = models.CharField(max_length=200)
    secretariat_email = models.EmailField("secretariat contact email")
    amendment_rule = models.TextField("how the terms are amended", blank=True)
    effective_from = models.DateField(null=True, blank=True, help_text="Leave blank while it is to be confirmed.")
    effective_until = models.DateField(null=True, blank=True, help_text="Leave blank while it is to be confirmed.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = TermsOfReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The database backs up clean(): never two versions in force, whatever writes them.
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="in_force"),
                name="svlc_one_terms_of_reference_in_force",
                violation_error_message="Only one version of the Terms of Reference can be in force at a time.",
            ),
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_until__isnull=True)
                | Q(effective_until__gte=F("effective_from")),
                name="svlc_terms_of_reference_period_in_order",
                violation_error_message="The Terms of Reference cannot end before they take effect.",
            ),
        ]

    def __str__(self):
        return f"Terms of Reference version {self.version} ({self.get_status_display().lower()})"

    @property
    def aim_list(self) -> list[str]:
        return _lines(self.aims)

    @property
    def role_list(self) -> list[str]:
        return _lines(self.roles)

    @property
    def effective_from_display(self) -> str:
        return british_date(self.effective_from)

    @property
    def effective_until_display(self) -> str:
        return british_date(self.effective_until)

    def clean(self):
        errors = {}
        if self.effective_from and self.effective_until and self.effective_until < self.effective_from:
            errors["effective_until"] = "The Terms of Reference cannot end before they take effect."
        if self.status == ToRStatus.IN_FORCE:
            other = TermsOfReference.objects.in_force().exclude(pk=self.pk).first()
            if other is not None:
                errors["status"] = (
                    f"Version {other.version} is already in force, and only one version can be in force at a time. "
                    f"Mark version {other.version} as superseded first."
                )
        if errors:
            raise ValidationError(errors)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# People: members, representatives, co-chairs
# ---------------------------------------------------------------------------------------------


class MembershipQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """Memberships that were current on `day` (a blank joined date means a founding member)."""
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day)).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=day)
        )

    def current(self):
        """Memberships current today (UK time)."""
        return self.on(timezone.localdate())


def member_organisations_on(day: datetime.date):
    """The organisations that were SVLC members on `day`, by name."""
    return Organisation.objects.filter(pk__in=Membership.objects.on(day).values("organisation")).order_by("name")


class Membership(models.Model):
    """An organisation's membership of the SVLC, from the day it joined to the day it left."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="svlc_memberships")
    joined_on = models.DateField(
        null=True, blank=True, help_text="Leave blank for a founding member whose joining date is not recorded."
    )
    left_on = models.DateField(null=True, blank=True, help_text="Leave blank while the organisation is a member.")
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "joined_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(joined_on__isnull=True) | Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="svlc_membership_left_after_joined",
                violation_error_message="An organisation cannot leave before it joined.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} (member {self.period_display})"

    @property
    def period_display(self) -> str:
        joined = british_date(self.joined_on, "as a founding member")
        if self.left_on:
            return f"from {joined} to {british_date(self.left_on)}"
        return f"since {joined}" if self.joined_on else joined

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return (self.joined_on is None or self.joined_on <= today) and (self.left_on is None or self.left_on >= today)

    def clean(self):
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": "An organisation cannot leave before it joined."})
        if self.organisation_id:
            others = Membership.objects.filter(organisation_id=self.organisation_id).exclude(pk=self.pk)
            if self.left_on:
                others = others.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=self.left_on))
            if self.joined_on:
                others = others.filter(Q(left_on__isnull=True) | Q(left_on__gte=self.joined_on))
            if others.exists():
                raise ValidationError(
                    f"{self.organisation} already has a membership covering these dates. "
                    "Change that membership instead of adding another."
                )


class Person(models.Model):
    """Someone who takes part in the SVLC: a representative of a member organisation, a co-chair."""

    name = models.CharField(max_length=150)
    email = models.EmailField("work email", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="svlc_people",
        null=True,
        blank=True,
        help_text="Leave blank if not recorded.",
    )
    job_title = models.CharField(max_length=150, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name", "pk"]

    def __str__(self):
        if self.organisation_id:
            return f"{self.name} ({self.organisation.display_short_name})"
        return self.name

    def is_co_chair_on(self, day: datetime.date) -> bool:
        return self.roles.filter(role=RoleKind.CO_CHAIR).on(day).exists()


class RoleKind(models.TextChoices):
    REPRESENTATIVE = "representative", "Representative of a member organisation"
    CO_CHAIR = "co_chair", "Co-chair"
    SECRETARIAT = "secretariat", "Secretariat"


class RoleQuerySet(models.QuerySet):
    def on(self, day: datetime.date):
        """Roles held on `day` (blank dates are open-ended)."""
        return self.filter(Q(started_on__isnull=True) | Q(started_on__lte=day)).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=day)
        )

    def current(self):
        """Roles held today (UK time)."""
        return self.on(timezone.localdate())

    def co_chairs(self):
        """Co-chair roles, with their people."""
        return self.filter(role=RoleKind.CO_CHAIR).select_related("person__organisation").order_by("pk")


class Role(models.Model):
    """A role a person holds in the SVLC, from / to. The seed names four co-chairs."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=RoleKind.choices)
    started_on = models.DateField(null=True, blank=True, help_text="Leave blank if not recorded.")
    ended_on = models.DateField(null=True, blank=True, help_text="Leave blank while the role is held.")

    history = HistoricalRecords()
    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["role", "person__name"]

    def __str__(self):
        return f"{self.person.name}: {self.get_role_display()}"

    def clean(self):
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = "A role cannot end before it starts."
        if self.role == RoleKind.REPRESENTATIVE and self.person_id:
            if not self.person.organisation_id or not self.person.email:
                errors["role"] = (
                    f"{self.person.name} needs a work email and an organisation to be a representative: "
                    "add them to the person first."
                )
        if errors:
            raise ValidationError(errors)


def current_representatives():
    """People who represent an organisation that is a member today, and have a work email."""
    today = timezone.localdate()
    return (
        Person.objects.filter(
            pk__in=Role.objects.on(today).filter(role=RoleKind.REPRESENTATIVE).values("person"),
            organisation__in=Membership.objects.on(today).values("organisation"),
        )
        .exclude(email="")
        .select_related("organisation")
    )


class Amendment(models.Model):
    """A change to a version of the ToR. Seed: "All amendments should be in writing and should be
    agreed by the Co-Chair." So it names the co-chair who agreed it and where the writing is."""

    terms = models.ForeignKey(
        TermsOfReference, on_delete=models.PROTECT, related_name="amendments", verbose_name="terms of reference"
    )
    summary = models.TextField("what changed")
    agreed_on = models.DateField("agreed on")
    agreed_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="agreed_amendments",
        verbose_name="agreed by (co-chair)",
    )
    written_record = models.CharField(
        "written agreement",
        max_length=300,
        help_text="Where the co-chair's written agreement is kept, for example: email to the secretariat, 3 March 2026.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-agreed_on", "-pk"]

    def __str__(self):
        return f"Amendment to version {self.terms.version} agreed on {british_date(self.agreed_on)}"

    def clean(self):
        if self.agreed_by_id and self.agreed_on and not self.agreed_by.is_co_chair_on(self.agreed_on):
            raise ValidationError(
                {
                    "agreed_by": f"{self.agreed_by.name} was not a co-chair on {british_date(self.agreed_on)}. "
                    "Amendments to the Terms of Reference must be agreed in writing by a co-chair."
                }
            )


class BuddyGroup(models.Model):
    """A small group of member organisations paired for peer learning."""

    name = models.CharField(max_length=150, unique=True)
    purpose = models.TextField(blank=True)
    organisations = models.ManyToManyField(Organisation, related_name="svlc_buddy_groups")
    formed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ObjectiveStatus(models.TextChoices):
    NOT_REPORTED = "not_reported", "No status reported yet"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    CARRIED_FORWARD = "carried_forward", "Carried forward"
    DROPPED = "dropped", "Dropped"


class Objective(models.Model):
    """One of a year's objectives (the seed's "2023 Objectives")."""

    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    number = models.PositiveSmallIntegerField(help_text="Its number within the year: 1, 2, 3…")
    text = models.TextField(help_text="Put each point of the objective on its own line.")
    status = models.CharField(max_length=20, choices=ObjectiveStatus.choices, default=ObjectiveStatus.NOT_REPORTED)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="svlc_objective_number_unique_per_year",
                violation_error_message="That year already has an objective with this number.",
            ),
        ]

    def __str__(self):
        return f"{self.year} objective {self.number}"

    @property
    def points(self) -> list[str]:
        return _lines(self.text)


# ---------------------------------------------------------------------------------------------
# Meetings
# ---------------------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AttendanceStatus(models.TextChoices):
    NOT_RECORDED = "not_recorded", "Not recorded yet"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


# Attendance counts as recorded once anyone is marked present or absent. Apologies alone do not
# count: they are often sent before the meeting.
RECORDED_STATUSES = [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT]


class MeetingQuerySet(models.QuerySet):
    def with_quorum(self):
        """Annotate each meeting with distinct organisations present, whether attendance is recorded,
        and the quorum of the ToR version that applied on its date (one query for any number)."""
        applying = TermsOfReference.objects.applying_on(OuterRef("meeting_day")).values("quorum")[:1]
        in_force = TermsOfReference.objects.in_force().values("quorum")[:1]
        return self.annotate(meeting_day=TruncDate("starts_at")).annotate(
            annotated_present=Count(
                "attendances__organisation", filter=Q(attendances__status=AttendanceStatus.PRESENT), distinct=True
            ),
            annotated_recorded=Count("attendances", filter=Q(attendances__status__in=RECORDED_STATUSES)),
            annotated_quorum=Coalesce(Subquery(applying), Subquery(in_force)),
        )

    def upcoming(self):
        """Meetings that have not started yet (cancelled ones too, so people see they are off), soonest first."""
        return self.filter(starts_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        """Meetings that have started, latest first."""
        return self.filter(starts_at__lt=timezone.now()).order_by("-starts_at")

    def next_meeting(self):
        """The next scheduled (not cancelled) meeting, or None."""
        return self.upcoming().filter(status=MeetingStatus.SCHEDULED).first()


class Meeting(models.Model):
    """An SVLC meeting. Quorate when at least the ToR's quorum of distinct member organisations is present."""

    title = models.CharField(max_length=200, default="Social Value Learning Community meeting")
    starts_at = models.DateTimeField("starts at", help_text="UK time (Europe/London).")
    ends_at = models.DateTimeField("ends at", help_text="UK time (Europe/London).")
    format = models.CharField(max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.VIRTUAL)
    location = models.CharField(max_length=300, blank=True, help_text="Where to go, for in-person or hybrid meetings.")
    join_link = models.URLField(
        max_length=500, blank=True, validators=[web_url_validator], help_text="Shown only to signed-in members."
    )
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    cancellation_reason = models.CharField(
        "why it is cancelled",
        max_length=300,
        blank=True,
        help_text="Needed when the status is Cancelled; shown on the meeting's page. Meetings are cancelled, not deleted.",
    )
    minutes = models.TextField(blank=True, help_text="Shown only to signed-in members.")
    # Stable calendar identity: subscribed calendars update this event in place, never duplicate it.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # iCalendar SEQUENCE: raised each time invitations are sent again, so calendars take the update.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    invitations_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    # The admin's decision formset sets this to a callable returning the posted (organisation_id, status)
    # pairs, so that decisions posted together with attendance are judged by that attendance, not the old rows.
    attendance_override = None

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="svlc_meeting_ends_after_it_starts",
                violation_error_message="A meeting must end after it starts.",
            ),
        ]

    def __str__(self):
        if self.starts_at is None:
            return self.title
        return f"{self.title}, {british_datetime(self.starts_at)}"

    def get_absolute_url(self):
        return reverse("learning_community:meeting-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = (
                f"The meeting must end after it starts ({british_datetime(self.starts_at)}): "
                f"it is set to end at {british_datetime(self.ends_at)}."
            )
        refusal = self.cancellation_refusal()
        if refusal:
            errors["cancellation_reason"] = refusal
        if errors:
            raise ValidationError(errors)

    def cancellation_refusal(self) -> str:
        """Why the meeting cannot be saved as it is cancelled, or "" when it can: a cancelled meeting says why."""
        if self.status == MeetingStatus.CANCELLED and not self.cancellation_reason.strip():
            return "Say why the meeting is cancelled: members see the reason on the meeting's page."
        return ""

    # -- dates -------------------------------------------------------------------------------

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.starts_at).date()

    @property
    def when(self) -> str:
        """ "Tuesday 13 January 2026, 10:00 to 12:00" in UK time."""
        start, end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        if start.date() == end.date():
            return f"{british_datetime(self.starts_at)} to {end:%H:%M}"
        return f"{british_datetime(self.starts_at)} to {british_datetime(self.ends_at)}"

    # -- quorum ------------------------------------------------------------------------------

    @cached_property
    def terms(self) -> TermsOfReference | None:
        """The ToR version that applied on the meeting's date."""
        return TermsOfReference.objects.in_force_on(self.day)

    @property
    def quorum_required(self) -> int | None:
        if hasattr(self, "annotated_quorum"):
            return self.annotated_quorum
        return self.terms.quorum if self.terms else None

    def _posted_statuses(self) -> list[tuple[int, str]] | None:
        return self.attendance_override() if self.attendance_override is not None else None

    @property
    def present_count(self) -> int:
        """Distinct member organisations marked present (two people from one organisation count once)."""
        posted = self._posted_statuses()
        if posted is not None:
            return len({organisation for organisation, status in posted if status == AttendanceStatus.PRESENT})
        if hasattr(self, "annotated_present"):
            return self.annotated_present
        if self.pk is None:
            return 0
        return self.attendances.filter(status=AttendanceStatus.PRESENT).values("organisation").distinct().count()

    @property
    def attendance_recorded(self) -> bool:
        posted = self._posted_statuses()
        if posted is not None:
            return any(status in RECORDED_STATUSES for _, status in posted)
        if hasattr(self, "annotated_recorded"):
            return self.annotated_recorded > 0
        return self.pk is not None and self.attendances.filter(status__in=RECORDED_STATUSES).exists()

    @property
    def is_quorate(self) -> bool:
        """At least the quorum of distinct member organisations present (ToR: "A meeting quorum will be 10 members")."""
        quorum = self.quorum_required
        return quorum is not None and self.present_count >= quorum

    @property
    def quorum_state(self) -> str:
        """ "quorate", "inquorate", or "not_recorded" before anyone is marked present or absent."""
        if not self.attendance_recorded:
            return "not_recorded"
        return "quorate" if self.is_quorate else "inquorate"

    @property
    def quorum_summary(self) -> str:
        """ "Quorate: 11 of 10 needed", for the admin and the pages."""
        state = self.quorum_state
        if state == "not_recorded":
            return "Attendance not recorded yet"
        label = "Quorate" if state == "quorate" else "Not quorate"
        return f"{label}: {self.present_count} of {self.quorum_required} needed"

    def agreed_decision_refusal(self) -> str:
        """Why no decision can be recorded as agreed at this meeting, or "" when one can.
        ToR: "Decisions are made by consensus" — and only at a quorate meeting."""
        if self.starts_at is None or self.is_quorate:
            return ""
        return (
            "A decision can be recorded as agreed only at a quorate meeting. "
            f"This meeting has {self.present_count} member organisations present and needs "
            f"{self.quorum_required}. Record attendance first, or record the outcome as "
            "“No consensus” or “Deferred”."
        )

    # -- what the pages show -----------------------------------------------------------------

    def outstanding_actions(self):
        """Actions from earlier meetings still open at this meeting (they stay on agendas until done)."""
        return (
            Action.objects.filter(meeting__starts_at__lt=self.starts_at)
            .filter(Q(status__in=OPEN_ACTION_STATUSES) | Q(completed_on__gte=self.day))
            .select_related("meeting", "owner__organisation")
            .order_by("due_on", "pk")
        )


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    presenter = models.CharField(max_length=150, blank=True)
    paper_link = models.URLField("link to the paper", max_length=500, blank=True, validators=[web_url_validator])

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"


class Attendance(models.Model):
    """Whether one member organisation was at a meeting. One row per organisation per meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="svlc_attendances")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.NOT_RECORDED)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="attended", verbose_name="who attended", help_text="Optional."
    )
    notes = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                name="svlc_one_attendance_row_per_organisation",
                violation_error_message="This organisation already has an attendance row for this meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.organisation}: {self.get_status_display()}"

    def clean(self):
        # In an admin inline the meeting may not be saved yet: use the instance the form was given.
        meeting = getattr(self, "meeting", None)
        if meeting is None or meeting.starts_at is None or not self.organisation_id:
            return
        if not Membership.objects.on(meeting.day).filter(organisation_id=self.organisation_id).exists():
            raise ValidationError(
                {
                    "organisation": f"{self.organisation} was not a member of the learning community on "
                    f"{british_date(meeting.day)}, so it cannot have attendance at this meeting."
                }
            )


class DecisionOutcome(models.TextChoices):
    AGREED = "agreed", "Agreed by consensus"
    NO_CONSENSUS = "no_consensus", "No consensus"
    DEFERRED = "deferred", "Deferred"


class Decision(models.Model):
    """A decision taken at a meeting. ToR: "Decisions are made by consensus" — and only when quorate."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField("decision")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    public = models.BooleanField(default=False, help_text="Show this decision on the public meeting page.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.text[:60]}"

    def clean(self):
        meeting = getattr(self, "meeting", None)
        if meeting is None:
            return
        errors = {}
        if self.agenda_item_id and self.agenda_item.meeting_id != meeting.pk:
            errors["agenda_item"] = "Choose an agenda item of this meeting."
        refusal = meeting.agreed_decision_refusal() if self.outcome == DecisionOutcome.AGREED else ""
        if refusal:
            errors["outcome"] = refusal
        if errors:
            raise ValidationError(errors)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = [ActionStatus.OPEN, ActionStatus.IN_PROGRESS]


class ActionQuerySet(models.QuerySet):
    def open(self):
        """Actions not yet done or dropped."""
        return self.filter(status__in=OPEN_ACTION_STATUSES)


class Action(models.Model):
    """Something a person agreed to do at a meeting, by a date."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField("action")
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField("due on", null=True, blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_on = models.DateField(
        "done on", null=True, blank=True, help_text="Filled in with today's date when marked done or dropped."
    )
    notes = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def due_display(self) -> str:
        return british_date(self.due_on, "No due date")

    def clean(self):
        if self.is_open:
            self.completed_on = None
        elif self.completed_on is None:
            self.completed_on = timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Resources: good practice shared in the community
# ---------------------------------------------------------------------------------------------


# The resource file field's storage; migrations name it as learning_community.models.private_storage.
private_storage = lib_private_storage


RESOURCE_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "pptx", "ppt", "odt", "ods", "odp", "csv", "txt"]


def validate_upload_size(file):
    if file.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise ValidationError(f"The file is too large: the limit is {limit} MB.")


def validate_resource_file_type(file):
    """A new upload must really be one of the resource types, by content as well as by name."""
    # Only a file being uploaded now: a stored one was checked when it came in (and may be a
    # type this check did not know then).
    if not getattr(file, "_committed", True):
        check_upload_type(file, RESOURCE_EXTENSIONS)


class ResourceKind(models.TextChoices):
    STRATEGY = "strategy", "Strategy"
    POLICY = "policy", "Policy"
    TOOL = "tool", "Tool"
    LEARNING_MATERIAL = "learning_material", "Learning material"
    LESSON_LEARNED = "lesson_learned", "Lesson learned"
    CASE_STUDY = "case_study", "Case study"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    MEMBERS = "members", "Members only"


class ResourceStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"


def may_share_resource(user, organisation) -> bool:
    """Who may share a resource in an organisation's name: its own staff, and the secretariat for any."""
    if is_secretariat(user):
        return True
    return organisation is not None and organisation_of(user) == organisation


def may_moderate_resources(user) -> bool:
    """The secretariat publishes and unpublishes what anchors share."""
    return is_secretariat(user)


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What `user` may see of the library: the one rule, for the list, the pages that list resources and the files.

        Published resources: the public ones to everyone, the members-only ones to members (is_member).
        Staff also see every resource of their own organisation, awaiting review or unpublished
        included; the secretariat sees everything.
        """
        if is_secretariat(user):
            return self.all()
        shown = Q(status=ResourceStatus.PUBLISHED)
        if not is_member(user):
            shown &= Q(visibility=Visibility.PUBLIC)
        organisation = organisation_of(user)
        if organisation is not None:
            shown |= Q(organisation=organisation)
        return self.filter(shown)

    def published(self):
        return self.filter(status=ResourceStatus.PUBLISHED)

    def search(self, text: str):
        """Resources matching `text`, best first: ranked full-text search on PostgreSQL (English stemming, the
        title weighted above the summary), a plain contains search elsewhere (title matches first)."""
        text = text.strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = SearchVector("title", weight="A", config="english") + SearchVector(
                "summary", weight="B", config="english"
            )
            query = SearchQuery(text, search_type="websearch", config="english")
            return (
                self.annotate(rank=SearchRank(vector, query))
                .filter(rank__gt=0)
                .order_by("-rank", "-added_on", "title")
            )
        # Elsewhere (SQLite): the words as typed, in the title or summary; title matches first.
        return (
            self.filter(Q(title__icontains=text) | Q(summary__icontains=text))
            .annotate(rank=Case(When(title__icontains=text, then=Value(1.0)), default=Value(0.5)))
            .order_by("-rank", "-added_on", "title")
        )


class Resource(models.Model):
    """Good practice shared in the community (the seed's 2023 objective 1: "share good practices, such as:
    strategies, policies, tools, learning materials, and lessons learned")."""

    title = models.CharField(max_length=200)
    kind = models.CharField("type", max_length=30, choices=ResourceKind.choices)
    summary = models.TextField()
    levers = models.ManyToManyField(Lever, blank=True, related_name="svlc_resources")
    approaches = models.ManyToManyField(Approach, blank=True, related_name="svlc_resources")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="svlc_resources"
    )
    link = models.URLField(max_length=500, blank=True, validators=[web_url_validator])
    file = models.FileField(
        upload_to="resources/%Y/",
        storage=private_storage,
        blank=True,
        validators=[validate_upload_size, validate_resource_file_type],
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or text.",
    )
    visibility = models.CharField(max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS)
    added_on = models.DateField(default=timezone.localdate)
    # What the secretariat adds is published; what anchors share waits for review (services.resource_share).
    status = models.CharField(max_length=20, choices=ResourceStatus.choices, default=ResourceStatus.PUBLISHED)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField("reason", max_length=500, blank=True)

    history = HistoricalRecords()
    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-added_on", "title"]

    def __str__(self):
        return self.title

    @property
    def file_name(self) -> str:
        return Path(self.file.name).name if self.file else ""

    def get_file_url(self) -> str:
        return reverse("learning_community:resource-file", args=[self.pk]) if self.file else ""

    def get_review_url(self) -> str:
        return reverse("learning_community:resource-review", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == ResourceStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Shown to anyone at all: published, and public rather than members only."""
        return self.is_published and self.visibility == Visibility.PUBLIC

    def clean(self):
        if not self.link and not self.file:
            raise ValidationError({"link": "Give a link or upload a file for the resource."})
