"""Forms of the learning community: the admin's attendance rows, buddy groups and scheduling, and the
good practice library's sharing, review and search."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.functional import cached_property

from essex_anchors.lib.working_days import is_working_day, next_working_day, non_working_reason
from pledges.models import Approach, Lever, Organisation

from .models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BuddyGroup,
    Decision,
    DecisionOutcome,
    Meeting,
    Resource,
    ResourceKind,
    british_date,
    british_datetime,
    member_organisations_on,
)


class AttendanceForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["organisation", "status", "attendees", "notes"]


class AttendanceRowForm(AttendanceForm):
    """One row of the meeting page's attendance table: the organisation is the row's label (not a choice),
    the status a radio group named by it, and a notes box named by it."""

    class Meta(AttendanceForm.Meta):
        fields = ["organisation", "status", "notes"]
        widgets = {"organisation": forms.HiddenInput, "status": forms.RadioSelect}

    def __init__(self, *args, organisation_names=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = AttendanceStatus.choices
        organisation_id = self.instance.organisation_id or self.initial.get("organisation")
        self.organisation_name = (organisation_names or {}).get(organisation_id, "")
        self.fields["notes"].widget.attrs["aria-label"] = f"Notes: {self.organisation_name}"

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

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if issubclass(self.form, AttendanceRowForm):
            kwargs["organisation_names"] = self.organisation_names
        return kwargs

    @cached_property
    def organisation_names(self) -> dict[int, str]:
        """Each organisation's name by id, read once for the table's row labels."""
        return dict(Organisation.objects.values_list("pk", "name"))

    @property
    def quorum_summary(self) -> str:
        """The meeting's quorum as the page shows it: by the attendance posted when the page comes back with errors."""
        meeting = self.instance
        if meeting.starts_at is None:
            return "Attendance not recorded yet"
        return meeting.quorum_summary

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


def quorum_attendance(values) -> list[tuple[int, str]]:
    """(organisation id, status) pairs from "id:status" strings, as quorum.js sends the page's radios;
    anything else is left out."""
    statuses = set(AttendanceStatus.values)
    pairs = []
    for value in values:
        organisation, _, status = value.partition(":")
        if organisation.isdigit() and status in statuses:
            pairs.append((int(organisation), status))
    return pairs


class AgendaItemFormSet(BaseInlineFormSet):
    """A meeting's agenda in the admin: each item has its own number, which decisions name it by."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed() and form.instance.pk is None:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            number = form.cleaned_data.get("order")
            if number is None:
                continue
            if number in seen:
                form.add_error("order", f"Another agenda item is number {number}: give each item its own number.")
            seen.add(number)

    def posted_numbers(self) -> list[int]:
        """The numbers of the agenda items as posted (new ones included, deleted ones left out)."""
        numbers = []
        for form in self.forms:
            if not form.is_valid() or (self.can_delete and self._should_delete_form(form)):
                continue
            if form.instance.pk is None and not form.has_changed():
                continue
            if form.cleaned_data.get("order") is not None:
                numbers.append(form.cleaned_data["order"])
        return sorted(numbers)


class DecisionForm(forms.ModelForm):
    """A decision on the meeting page names its agenda item by number, so an item added in the same save
    can be chosen before anything is saved."""

    agenda_number = forms.IntegerField(
        label="Agenda item number",
        required=False,
        min_value=0,
        help_text="The number of the agenda item it was taken under, if any.",
    )

    class Meta:
        model = Decision
        fields = ["text", "outcome", "agenda_number", "public"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.agenda_item_id:
            self.fields["agenda_number"].initial = self.instance.agenda_item.order


class DecisionFormSet(BaseInlineFormSet):
    """A meeting's decisions in the admin, judged by the attendance posted in the same save: the admin hands
    the posted attendance formset in as `attendance` and the posted agenda as `agenda`
    (MeetingAdmin.get_formset_kwargs)."""

    def __init__(self, *args, attendance=None, agenda=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attendance = attendance
        self.agenda = agenda
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
        self.check_agenda_numbers()
        if agreed and meeting.agreed_decision_refusal():
            # Said once for the meeting, with its quorum; each refused row says what to do instead.
            raise forms.ValidationError(
                f"{meeting.quorum_summary}. “Agreed by consensus” needs a quorate meeting, so the "
                "decisions marked below cannot be saved as agreed."
            )


    def check_agenda_numbers(self):
        """Each decision's agenda item number must be one of the agenda's, as posted with it."""
        if self.agenda is None or not self.agenda.is_bound:
            return
        numbers = self.agenda.posted_numbers()
        for form in self.forms:
            number = getattr(form, "cleaned_data", {}).get("agenda_number")
            if number is None or number in numbers or (self.can_delete and self._should_delete_form(form)):
                continue
            listed = ", ".join(str(n) for n in numbers) if numbers else "none yet"
            form.add_error(
                "agenda_number",
                f"There is no agenda item {number} on this meeting's agenda (its numbers: {listed}).",
            )

    def save(self, commit=True):
        # The agenda is saved before the decisions (MeetingAdmin.inlines): each number names a saved item now.
        items = {item.order: item for item in AgendaItem.objects.filter(meeting=self.instance)}
        for form in self.forms:
            if hasattr(form, "cleaned_data") and "agenda_number" in form.cleaned_data:
                form.instance.agenda_item = items.get(form.cleaned_data["agenda_number"])
        return super().save(commit)


class BuddyGroupForm(forms.ModelForm):
    class Meta:
        model = BuddyGroup
        fields = ["name", "purpose", "organisations", "formed_on"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}

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


def _approach_label(approach) -> str:
    return f"{approach.lever.name}: {approach.name}"


class ApproachChoiceField(forms.ModelChoiceField):
    label_from_instance = staticmethod(_approach_label)


class ApproachesField(forms.ModelMultipleChoiceField):
    label_from_instance = staticmethod(_approach_label)


class ResourceFilterForm(forms.Form):
    """Search and narrow the resources list (GET, so a search can be bookmarked)."""

    q = forms.CharField(label="Search titles and summaries", required=False, max_length=200)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "All types"), *ResourceKind.choices])
    lever = forms.ModelChoiceField(
        label="Lever", required=False, queryset=Lever.objects.all(), empty_label="All levers"
    )
    approach = ApproachChoiceField(
        label="Approach", required=False, queryset=Approach.objects.select_related("lever"), empty_label="All approaches"
    )
    organisation = forms.ModelChoiceField(
        label="Shared by",
        required=False,
        queryset=Organisation.objects.filter(svlc_resources__isnull=False).distinct().order_by("name"),
        empty_label="All organisations",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row g-3 align-items-end mb-4"
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(Field("q", type="search"), css_class="col-12 col-md-6"),
            Div(Field("kind"), css_class="col-sm-6 col-md-3"),
            Div(Field("lever"), css_class="col-sm-6 col-md-3"),
            Div(Field("approach"), css_class="col-sm-6 col-md-6"),
            Div(Field("organisation"), css_class="col-sm-6 col-md-4"),
            Div(Submit("filter", "Show resources", css_class="btn btn-primary mb-3"), css_class="col-auto"),
        )

    def filter(self, queryset):
        """Apply the search and the choices to `queryset`."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["lever"]:
            queryset = queryset.filter(levers=data["lever"])
        if data["approach"]:
            queryset = queryset.filter(approaches=data["approach"])
        if data["organisation"]:
            queryset = queryset.filter(organisation=data["organisation"])
        return queryset.search(data["q"]) if data["q"] else queryset

    @property
    def is_narrowed(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class ResourceShareForm(forms.ModelForm):
    """An anchor shares good practice in its organisation's name (the secretariat picks the organisation)."""

    approaches = ApproachesField(
        label="Approaches",
        required=False,
        queryset=Approach.objects.select_related("lever"),
        widget=forms.CheckboxSelectMultiple,
        help_text="The levers of the approaches you tick are added for you.",
    )

    class Meta:
        model = Resource
        fields = ["organisation", "title", "kind", "summary", "levers", "approaches", "link", "file", "visibility"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "levers": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }
        labels = {"link": "Link (web address)", "visibility": "Who can see it"}
        help_texts = {
            "summary": "What it is and what others can learn from it. You can use Markdown: **bold**, *italic*, "
            "lists starting with -, and links written [text](https://…). Other HTML is removed.",
            "link": "A web page or document starting with https://. Give a link, a file or both.",
            "visibility": "Members only: staff of the learning community's member organisations and the secretariat.",
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = "Up to 200 characters."
        self.fields["kind"].label = "Type"
        self.fields["levers"].required = False
        self.fields["visibility"].choices = [
            choice for choice in self.fields["visibility"].choices if choice[0]
        ]  # no empty radio
        if organisation is not None:  # anchor staff share for their own organisation only
            del self.fields["organisation"]
            self.instance.organisation = organisation
        else:
            self.fields["organisation"].required = True
            self.fields["organisation"].label = "Shared by"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ResourceUnpublishForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not to be published",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The organisation that shared it is told this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
