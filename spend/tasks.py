"""Background work: a payments file is imported by the task worker (django-tasks), not in the web request."""

import logging

from django.utils import timezone
from django_tasks import task

from .models import SpendFile, SpendFileStatus

logger = logging.getLogger(__name__)


@task()
def import_spend_file(spend_file_id: int) -> str:
    """Import one queued spend file (spend.services.spend_file_import); a crash marks the file failed."""
    from .services import spend_file_import

    spend_file = SpendFile.objects.get(pk=spend_file_id)
    if spend_file.status != SpendFileStatus.QUEUED:
        return spend_file.status
    try:
        spend_file_import(spend_file=spend_file)
    except Exception:
        logger.exception("Import of spend file %s failed", spend_file_id)
        SpendFile.objects.filter(pk=spend_file_id).update(
            status=SpendFileStatus.FAILED,
            stage="",
            finished_at=timezone.now(),
            report={
                "refusal": "The import stopped because of a fault in the portal. Nothing has been changed. "
                "Try again, and tell the secretariat if it happens again."
            },
        )
        raise
    return SpendFile.objects.values_list("status", flat=True).get(pk=spend_file_id)
