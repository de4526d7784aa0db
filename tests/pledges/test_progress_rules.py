"""Every progress rule is held by services.progress_post: called directly, it refuses what the form used to catch."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pledges import services
from pledges.models import ProgressUpdate, TargetProgress


def _post(pledge, user, **changes):
    spend = pledge.targets.order_by("pk").first()
    kwargs = {
        "pledge": pledge,
        "user": user,
        "date": datetime.date(2026, 6, 30),
        "narrative": "On our way.",
        "values": {spend.pk: Decimal("5")},
    }
    kwargs.update(changes)
    return services.progress_post(**kwargs)


def _refused(pledge, user, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        _post(pledge, user, **changes)
    assert not ProgressUpdate.objects.exists()
    assert not TargetProgress.objects.exists()
    assert all(target.latest_value is None for target in pledge.targets.all())
    return caught.value.message_dict


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"narrative": ""}, "narrative", "Write a narrative"),
        ({"narrative": "  \n "}, "narrative", "Write a narrative"),
        ({"narrative": "n" * 5001}, "narrative", "at most 5000 characters (it has 5001)"),
        ({"date": None}, "date", "Give the date of the progress."),
        ({"date": datetime.date(2099, 1, 1)}, "date", "The date cannot be in the future."),
        ({"date": datetime.date(2026, 3, 31)}, "date", "The date cannot be before the pledge started on 1 April 2026."),
        ({"rag": "purple"}, "rag", "“purple” is not a RAG rating"),
        ({"evidence_link": "javascript:alert(1)"}, "evidence_link", "Enter a web address that starts with http:// or https://."),
        ({"evidence_link": "ftp://example.org/report"}, "evidence_link", "Enter a web address that starts with http:// or https://."),
        ({"evidence_link": "https://example.org/" + "a" * 300}, "evidence_link", "at most 200 characters"),
        ({"values": {}}, "values", "Give the value reached for at least one target."),
    ],
)
def test_it_refuses_a_progress_update_that_breaks_a_rule(published_pledge, member, changes, field, message):
    errors = _refused(published_pledge, member, **changes)
    assert list(errors) == [field]
    assert message in errors[field][0]


@pytest.mark.parametrize(
    "value, message",
    [
        (Decimal("-5"), "Enter 0 or more: values cannot be negative."),
        (Decimal("1.234"), "Ensure that there are no more than 2 decimal places."),
        (Decimal("1e20"), "Ensure that there are no more than 16 digits in total."),
        (Decimal("NaN"), "Enter a number."),
        (Decimal("Infinity"), "Enter a number."),
    ],
)
def test_it_refuses_a_value_the_target_cannot_hold(published_pledge, member, value, message):
    spend = published_pledge.targets.order_by("pk").first()
    errors = _refused(published_pledge, member, values={spend.pk: value})
    assert errors == {f"value_{spend.pk}": [message]}


def test_it_refuses_a_value_for_a_target_of_another_pledge(published_pledge, member):
    errors = _refused(published_pledge, member, values={999999: Decimal(1)})
    assert errors == {"targets": ["Target 999999 is not a target of this pledge."]}


def test_it_names_every_broken_rule_at_once(published_pledge, member):
    errors = _refused(published_pledge, member, date=datetime.date(2099, 1, 1), narrative="", rag="x")
    assert sorted(errors) == ["date", "narrative", "rag"]


def test_it_accepts_zero_the_longest_narrative_and_an_http_link(published_pledge, member):
    spend = published_pledge.targets.order_by("pk").first()
    update = _post(
        published_pledge,
        member,
        values={spend.pk: Decimal(0)},
        narrative="n" * 5000,
        evidence_link="http://example.org/report",
        rag="amber",
    )
    assert update.values.get().value == 0
    assert update.evidence_link == "http://example.org/report"
