from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def newest_update_of_each_pledge(apps, schema_editor):
    """Each pledge's newest_update_on as Pledge.refresh_newest_update() sets it: the date of its newest update."""
    Pledge = apps.get_model("pledges", "Pledge")
    ProgressUpdate = apps.get_model("pledges", "ProgressUpdate")
    newest = (
        ProgressUpdate.objects.filter(pledge=OuterRef("pk")).order_by().values("pledge").annotate(newest=Max("date"))
    )
    Pledge.objects.update(newest_update_on=Subquery(newest.values("newest")))


class Migration(migrations.Migration):
    dependencies = [
        ("pledges", "0008_social_value_source_and_latest_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="newest_update_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="pledge",
            index=models.Index(fields=["-newest_update_on"], name="pledge_newest_update_idx"),
        ),
        migrations.RunPython(newest_update_of_each_pledge, migrations.RunPython.noop),
    ]
