"""Helpers for loading reference data idempotently."""

from django.db import models


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Get the row matching lookup and bring it to values; create it if missing.

    Unlike update_or_create, an unchanged row is not saved again, so loading the same
    reference data twice writes nothing and adds no history records.
    Returns (object, created).
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save()
    return obj, False
