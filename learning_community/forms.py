"""Forms of the learning community: the admin's attendance rows, buddy groups and scheduling, and the
public resource filter."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils import timezone

from essex_anchors.lib.working_days import is_working_day, next_working_day, non_working_reason
from pledges.models import Lever

from .models import (
    Attendance,
    BuddyGroup,
    DecisionOutcome,
    Meeting,
    ResourceKind,
    british_date,
    british_datetime,
    member_organisations_on,
)


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["organisation", "status", "attendees", "notes"]

    def has_changed(self):
        # A row the admin pre-filled for a member organisation is saved even when left as
        # "Not recorded yet": every meeting keeps one row per member organisation.
        prefilled = self.instance.pk is None and bool(self.initial.get("organisation"))
        return prefilled or super().has_changed()

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        strangers = [
            person
            for person in cleaned.get("attendees") or []
            if person.organisation_id != getattr(organisation, "pk", None)
        ]
        if organisation and strangers:
            names = ", ".join(person.name for person in strangers)
            self.add_error(
                "attendees", f"{names} do not work for {organisation}: record them on their own organisation's row."
            )
        return cleaned


class AttendanceFormSet(BaseInlineFormSet):
    def get_unique_error_message(self, unique_check):
        return "An organisation can have only one attendance row per meeting: remove the duplicate row."

    def posted_statuses(self) -> list[tuple[int, str]]:
        """(organisation id, status) of every valid row that is not being deleted."""
        rows = []
        for form in self.forms:
            if not form.is_valid() or (self.can_delete and self._should_delete_form(form)):
                continue
            organisation, status = form.cleaned_data.get("organisation"), form.cleaned_data.get("status")
            if organisation and status:
                rows.append((organisation.pk, status))
        return rows


class DecisionFormSet(BaseInlineFormSet):
    """A meeting's decisions in the admin, judged by the attendance posted in the same save: the admin hands
    the posted attendance formset in as `attendance` (MeetingAdmin.get_formset_kwargs)."""

    def __init__(self, *args, attendance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance = attendance
        if attendance is not None and attendance.is_bound:
            # Before the decision rows are validated, so each one (Decision.clean) is judged by this attendance.
            self.instance.attendance_override = attendance.posted_statuses

    def clean(self):
        super().clean()
        meeting = self.instance
        # The posted outcome, not cleaned_data: a row Decision.clean refused has no outcome left there.
        agreed = any(
            form["outcome"].value() == DecisionOutcome.AGREED
            and not (self.can_delete and self._should_delete_form(form))
            for form in self.forms
        )
        if agreed and meeting.agreed_decision_refusal():
            # Said once for the meeting, with its quorum; each refused row says what to do instead.
            raise forms.ValidationError(
                f"{meeting.quorum_summary}. “Agreed by consensus” needs a quorate meeting, so the "
                "decisions marked below cannot be saved as agreed."
            )


class BuddyGroupForm(forms.ModelForm):
    class Meta:
        model = BuddyGroup
        fields = ["name", "purpose", "organisations", "formed_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = member_organisations_on(timezone.localdate())
        self.fields["organisations"].help_text = "Member organisations only. Choose at least two."

    def clean_organisations(self):
        organisations = self.cleaned_data["organisations"]
        if len(organisations) < 2:
            raise forms.ValidationError("A buddy group pairs at least two member organisations.")
        return organisations


class ScheduleMeetingsForm(forms.Form):
    """How many meetings the admin's "schedule the next meetings" step adds."""

    count = forms.IntegerField(label="How many meetings to schedule", min_value=1, max_value=26, initial=4)
    first_starts_at = forms.DateTimeField(
        label="First meeting starts at (only when there is no meeting yet)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="UK time. Later meetings follow at the Terms of Reference's frequency.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if Meeting.objects.exists():
            # The series continues from the last meeting: no first date to ask for.
            del self.fields["first_starts_at"]
        else:
            self.fields["first_starts_at"].required = True
            self.fields["first_starts_at"].label = "First meeting starts at"
            self.fields["first_starts_at"].error_messages["required"] = (
                "There is no meeting yet: give the date and time of the first one."
            )


class ScheduleDatesForm(forms.Form):
    """For each proposed meeting date on a bank holiday or at the weekend: keep it, or move to the next working day.

    One radio choice per such date, named by the date, so a choice made for one proposal is never
    applied to a different set of dates (the count changed, or someone scheduled a meeting meanwhile).
    """

    MOVE, KEEP = "move", "keep"

    def __init__(self, *args, starts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.starts = list(starts)
        self.days = [day for day in (timezone.localdate(start) for start in self.starts) if not is_working_day(day)]
        for day in self.days:
            self.fields[self.field_name(day)] = forms.ChoiceField(
                label=non_working_reason(day),
                choices=[
                    (self.MOVE, f"Move to {british_date(next_working_day(day))}"),
                    (self.KEEP, f"Keep {british_date(day)}"),
                ],
                initial=self.MOVE,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(day) -> str:
        return f"day_{day.isoformat()}"

    def is_answered(self) -> bool:
        """Whether a choice was posted for every date (none is needed when every date is a working day)."""
        return self.is_bound and all(self.field_name(day) in self.data for day in self.days)

    def proposals(self) -> list[tuple[str, forms.BoundField | None]]:
        """Each proposed start, with the keep-or-move choice when its date is not a working day."""
        return [
            (british_datetime(start), self[self.field_name(day)] if day in self.days else None)
            for start, day in ((start, timezone.localdate(start)) for start in self.starts)
        ]

    def kept_days(self) -> set:
        return {day for day in self.days if self.cleaned_data[self.field_name(day)] == self.KEEP}


class ResourceFilterForm(forms.Form):
    """Narrow the resources list by type and lever (GET, so a filtered list can be bookmarked)."""

    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *ResourceKind.choices])
    lever = forms.ModelChoiceField(
        label="Lever", required=False, queryset=Lever.objects.all(), empty_label="All levers"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-3 align-items-end mb-4"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(Field("kind"), css_class="col-sm-5 col-md-4"),
            Div(Field("lever"), css_class="col-sm-5 col-md-4"),
            Div(Submit("filter", "Show resources", css_class="btn btn-primary mb-3"), css_class="col-auto"),
        )

    def filter(self, queryset):
        """Apply the chosen type and lever to `queryset`."""
        if not self.is_valid():
            return queryset
        if self.cleaned_data["kind"]:
            queryset = queryset.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["lever"]:
            queryset = queryset.filter(levers=self.cleaned_data["lever"])
        return queryset
