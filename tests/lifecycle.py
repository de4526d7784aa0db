"""Move test pledges through the review as people do (services.pledge_change_status), never by setting a status.

So the suite holds no pledge a user could not have made: a public pledge has been submitted, published
(with its publication time and status-change record) and, if closed, closed by the secretariat.
"""

from django.contrib.auth.models import User

from essex_anchors.lib.roles import make_secretariat
from pledges import services
from pledges.models import PledgeStatus

# The steps from a draft to each status.
STEPS = {
    PledgeStatus.DRAFT: [],
    PledgeStatus.SUBMITTED: [PledgeStatus.SUBMITTED],
    PledgeStatus.RETURNED: [PledgeStatus.SUBMITTED, PledgeStatus.RETURNED],
    PledgeStatus.PUBLISHED: [PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED],
    PledgeStatus.ACHIEVED: [PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED, PledgeStatus.ACHIEVED],
    PledgeStatus.NOT_ACHIEVED: [PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED, PledgeStatus.NOT_ACHIEVED],
    PledgeStatus.WITHDRAWN: [PledgeStatus.SUBMITTED, PledgeStatus.PUBLISHED, PledgeStatus.WITHDRAWN],
}


def reviewer() -> User:
    """The secretariat account the helpers act as (it may submit for an anchor, and alone publishes and closes)."""
    user, created = User.objects.get_or_create(username="lifecycle-reviewer", defaults={"email": ""})
    if created:
        make_secretariat(user)
    return user


def move_to(pledge, status, *, by=None):
    """Take a pledge (with its targets) on from where it is to `status` through the service; returns it as saved."""
    by = by or reviewer()
    steps = STEPS[PledgeStatus(status)]
    if pledge.status in steps:  # already on the way: carry on from where it is
        steps = steps[steps.index(pledge.status) + 1 :]
    for step in steps:
        comment = "Please say how you will measure it." if step == PledgeStatus.RETURNED else ""
        pledge = services.pledge_change_status(pledge=pledge, status=step, user=by, comment=comment)
    return pledge
