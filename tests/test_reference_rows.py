"""The `reference_data` fixture writes exactly what `load_reference_data` writes (tests/conftest.py copies the
command's rows once per process rather than running it for every test)."""

from django.apps import apps
from django.core.management import call_command


def _contents():
    contents = {}
    for model in apps.get_models(include_auto_created=True):
        names = [field.attname for field in model._meta.concrete_fields if field.attname not in ("history_date",)]
        rows = list(model._base_manager.order_by("pk").values_list(*names))
        if rows:
            contents[model._meta.label] = rows
    return contents


def test_the_fixture_holds_what_the_command_loads(reference_data, django_db_blocker):
    copied = _contents()
    # Loading the seed again over its copy changes nothing: the command finds every row as it should be.
    call_command("load_reference_data", verbosity=0, stdout=open("/dev/null", "w"))
    assert _contents() == copied
    assert {"pledges.Organisation", "pledges.Lever", "learning_community.Membership", "spend.LocalArea"} <= set(copied)


def test_new_rows_get_new_ids_after_the_copy(reference_data):
    from pledges.models import Organisation

    made = Organisation.objects.create(name="A new anchor", slug="a-new-anchor")
    assert made.pk > max(Organisation.objects.exclude(pk=made.pk).values_list("pk", flat=True))
