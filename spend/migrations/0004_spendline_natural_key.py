"""Lines keyed by their place in the file (file, sheet, row number) instead of an identity column.

Django cannot alter a table's primary key to a composite one, so the table is made again and the
lines already imported are carried over. On PostgreSQL the new key's B-tree is then dropped and the
lines are found by their file through a BRIN index (spend.models.SpendLine says why).
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "spend_file_id, supplier_id, payee_name, amount, payment_date, postcode_district, service_area, "
    "expense_type, transaction_number, excluded, sheet, row_number"
)


def keep_lines(apps, schema_editor):
    schema_editor.execute("CREATE TABLE spend_spendline_0003 AS SELECT * FROM spend_spendline")


def restore_lines(apps, schema_editor):
    schema_editor.execute(
        f"INSERT INTO spend_spendline ({COLUMNS}) SELECT {COLUMNS} FROM spend_spendline_0003"  # noqa: S608
    )
    schema_editor.execute("DROP TABLE spend_spendline_0003")


def index_lines(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE spend_spendline DROP CONSTRAINT spend_spendline_pkey")
        schema_editor.execute("CREATE INDEX spend_line_file_idx ON spend_spendline USING brin (spend_file_id)")


class Migration(migrations.Migration):
    # Not reversible: the lines are re-imported from their files rather than put back under new ids.

    dependencies = [
        ("spend", "0003_spendfile_stage_changed_at"),
    ]

    operations = [
        migrations.RunPython(keep_lines),
        migrations.DeleteModel(name="SpendLine"),
        migrations.CreateModel(
            name="SpendLine",
            fields=[
                ("pk", models.CompositePrimaryKey("spend_file", "sheet", "row_number", blank=True, editable=False, primary_key=True, serialize=False)),
                ("payee_name", models.CharField(max_length=300)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=14)),
                ("payment_date", models.DateField()),
                ("postcode_district", models.CharField(blank=True, max_length=4)),
                ("service_area", models.CharField(blank=True, max_length=200)),
                ("expense_type", models.CharField(blank=True, max_length=200)),
                ("transaction_number", models.CharField(blank=True, max_length=100)),
                ("excluded", models.CharField(blank=True, max_length=20)),
                ("sheet", models.CharField(blank=True, max_length=100)),
                ("row_number", models.PositiveIntegerField()),
                ("spend_file", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="lines", to="spend.spendfile")),
                ("supplier", models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="lines", to="spend.supplier")),
            ],
        ),
        migrations.RunPython(restore_lines),
        migrations.RunPython(index_lines),
    ]
