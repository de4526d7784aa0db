"""The lines' BRIN index on spend_file_id summarises each new range of pages itself (PostgreSQL only).

A BRIN index knows nothing of pages written after its last summary: until a VACUUM summarises them, a
query for one file's lines reads every such page (a recompute of 250 files read the whole table each
time: bench/README.md, "Recompute"). With autosummarize, autovacuum summarises each range as an import
fills it, outside the import's own time.
"""

from django.db import migrations


def autosummarize(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX spend_line_file_idx SET (autosummarize = on)")
        schema_editor.execute("SELECT brin_summarize_new_values('spend_line_file_idx')")


def manual(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER INDEX spend_line_file_idx RESET (autosummarize)")


class Migration(migrations.Migration):
    dependencies = [
        ("spend", "0009_baseline_evidence"),
    ]

    operations = [migrations.RunPython(autosummarize, manual)]
