"""django-import-export resources: the CSV/XLSX columns the secretariat imports and exports.

Every resource is an AllOrNothingResource: each imported row goes through the model's full_clean(), so it
obeys the same rules as one typed into the admin; a bad row or an unknown column is reported with its
reason, and nothing is saved.
"""

from import_export import fields
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from essex_anchors.lib.resources import AllOrNothingResource
from pledges.models import Organisation

from .models import Action, Attendance, Meeting, Membership, Objective, Person, british_datetime


def _organisation_field(attribute: str = "organisation") -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name="organisation", widget=ForeignKeyWidget(Organisation, field="slug")
    )


class PeopleByEmailWidget(ManyToManyWidget):
    """People by work email, `;` between them. ManyToManyWidget drops an email it cannot find without a word."""

    def __init__(self):
        super().__init__(Person, field="email", separator=";")

    def clean(self, value, row=None, **kwargs):
        people = super().clean(value, row=row, **kwargs)
        wanted = {email.strip() for email in str(value or "").split(self.separator) if email.strip()}
        unknown = sorted(wanted - set(people.values_list("email", flat=True)))
        if unknown:
            raise ValueError(f"no one is recorded with the email {', '.join(unknown)}.")
        return people


class MembershipResource(AllOrNothingResource):
    organisation = _organisation_field()
    organisation_name = fields.Field(attribute="organisation__name", column_name="organisation_name", readonly=True)

    class Meta:
        model = Membership
        import_id_fields = ["organisation", "joined_on"]
        fields = ["organisation", "organisation_name", "joined_on", "left_on", "notes"]
        skip_unchanged = True
        report_skipped = True


class PersonResource(AllOrNothingResource):
    organisation = _organisation_field()

    class Meta:
        model = Person
        import_id_fields = ["name", "organisation"]
        fields = ["name", "email", "organisation", "job_title"]
        skip_unchanged = True


class ObjectiveResource(AllOrNothingResource):
    class Meta:
        model = Objective
        import_id_fields = ["year", "number"]
        fields = ["year", "number", "text", "status", "notes"]
        skip_unchanged = True


class AttendanceResource(AllOrNothingResource):
    """One row per organisation per meeting: `meeting` is the meeting's number in the admin."""

    meeting = fields.Field(attribute="meeting", column_name="meeting", widget=ForeignKeyWidget(Meeting))
    meeting_starts = fields.Field(column_name="meeting_starts", readonly=True)
    organisation = _organisation_field()
    attendees = fields.Field(attribute="attendees", column_name="attendees", widget=PeopleByEmailWidget())

    class Meta:
        model = Attendance
        import_id_fields = ["meeting", "organisation"]
        fields = ["meeting", "meeting_starts", "organisation", "status", "attendees", "notes"]
        skip_unchanged = True
        report_skipped = True

    def dehydrate_meeting_starts(self, attendance):
        return british_datetime(attendance.meeting.starts_at)


class ActionResource(AllOrNothingResource):
    meeting = fields.Field(attribute="meeting", column_name="meeting", widget=ForeignKeyWidget(Meeting))
    owner = fields.Field(attribute="owner", column_name="owner", widget=ForeignKeyWidget(Person, field="name"))

    class Meta:
        model = Action
        fields = ["id", "meeting", "description", "owner", "due_on", "status", "completed_on", "notes"]
        skip_unchanged = True
