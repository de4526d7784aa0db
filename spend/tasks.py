"""Background work of the task worker (django-tasks): a payments file's import, and the removal of replaced lines."""

from django_tasks import task

from .models import SpendFile, SpendFileStatus


@task()
def import_spend_file(spend_file_id: int) -> str:
    """Import one queued spend file (spend.services.spend_file_import, which marks a file failed on a fault)."""
    from .services import spend_file_import

    spend_file = SpendFile.objects.get(pk=spend_file_id)
    if spend_file.status != SpendFileStatus.QUEUED:
        return spend_file.status
    spend_file_import(spend_file=spend_file)
    return SpendFile.objects.values_list("status", flat=True).get(pk=spend_file_id)


@task()
def purge_replaced_lines() -> int:
    """Delete the lines of files a later upload replaced (queued by the import that replaced them)."""
    from .services import replaced_lines_purge

    return replaced_lines_purge()
