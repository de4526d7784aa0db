"""Reference data for the SVLC, from the seed's Terms of Reference
("Essex Anchors Network - Social Value Learning Community", in "The Future of Essex" source document).

load() runs after the pledges loader has created the 22 organisations. It is idempotent: keyed on
the ToR version, organisations' slugs, co-chairs' names and objective numbers, so running it twice
changes nothing. Unlike the levers, SVLC rows are only created, never brought back to the seed:
after seeding they are the secretariat's (the ToR is amended, members leave, co-chairs change).
"""

from django.db import transaction

from essex_anchors.lib.reference import upsert
from pledges.models import Organisation
from pledges.reference_data import ORGANISATIONS, organisation_slug

from .models import (
    DecisionRule,
    MeetingFormat,
    Membership,
    Objective,
    Person,
    Role,
    RoleKind,
    TermsOfReference,
    ToRStatus,
)

# Seed, "Purpose:". The [vision](#) and [Future of Essex](#) links in the seed have no target, so the
# words are kept without links.
PURPOSE = (
    "To create a collaborative learning space to implement and advance the Social Value Journey of each "
    "anchor institution, members of the Essex Anchor Network, focusing on anchor power of commissioning and "
    "procurement of goods and services and the social value creation through supply chain. This initiative "
    "will be inspired by the vision of Essex Partners and informed by the Future of Essex repository of ideas "
    "and good practice."
)

# Seed, "Aims:" (six). The seed's stray bold markers (**) are dropped; the words are the seed's.
AIMS = [
    "Ensure every pound spent generates additional value to Greater Essex residents and communities.",
    "Promote progressive procurement to unlock new opportunities for local businesses and increase local spent, with particular emphasis on small and medium enterprises (SMEs) and the voluntary, community and social enterprise sectors (VCSEs), to become part of Anchor's supply chains.",
    "Focus on quantitative and qualitative social value evaluation and outcomes, embracing the diversity of methodologies and experience brought by anchors.",
    "Foster multi-disciplinary, cross-sector collaboration that will have the most impact; trust building among all actors will enable the data sharing needed for design and delivery of innovative and game-changing projects, avoid duplication of efforts among public bodies, and its respective service areas, and establishing a common narrative of Social Value in Essex.",
    "Use EAN's powers as collaborators, leaders and convenors to enable the sharing of ideas and practices between business, academia, the public and Civil Society, and the various communities across Greater Essex.",
    "Collaborate with all EAN Working Groups, to amplify local jobs creation, skills development and the promotion of the green economy capitalising the anchor power of commissioning and procurement of goods and services and the social value creation through supply chain.",
]

# Seed, "Role of the Social Value Learning Community" (seven).
ROLES = [
    "Encompass a wide learning agenda that covers the difference nuances of social value for each of the sectors represented at the anchor network, but focused on deepening the understanding of concepts and practices.",
    "Provide a collaborative and safe space to share sensitive and complex data.",
    "Provide peer to peer learning, sharing lessons learned, progress, challenges and barriers about embedding SV.",
    "Identify the differences and commonalities of SV practices, both across organisations and through Procurement specifically.",
    "Support on the definition of social value for anchor institutions and EAN, establishing the baseline for members and the network.",
    "Work collaboratively with Economic Development Officers (EDOs) towards the identification of local projects to increase local spend and support local business and VCSEs sectors.",
    "Facilitate access to state-of-the-art expert knowledge and best practice with a view to inform policy making, plans, toolkits and models in key areas of action.",
]

TERMS = {
    "purpose": PURPOSE,
    "aims": "\n".join(AIMS),
    "roles": "\n".join(ROLES),
    # Seed: "This Group feeds into the Essex Anchor Network".
    "feeds_into": "Essex Anchor Network",
    # Seed, "Meetings": "A meeting quorum will be 10 members."
    "quorum": 10,
    # Seed, "Meetings": "Decisions are made by consensus."
    "decision_rule": DecisionRule.CONSENSUS,
    # Seed, "Frequency and Location": "Meetings will be held virtually." "Duration: every 6 weeks".
    "meeting_format": MeetingFormat.VIRTUAL,
    "meeting_frequency_weeks": 6,
    # Seed, "Meetings": "Meetings are supported by the Secretariat - Essex Partners essex.partners@essex.gov.uk".
    "secretariat": "Essex Partners",
    "secretariat_email": "essex.partners@essex.gov.uk",
    # Seed, "ToR Validity Period - Reviewing".
    "amendment_rule": "All amendments should be in writing and should be agreed by the Co-Chair.",
}

# Seed: "This Terms of Reference is effective from (TBC) and will be ongoing until terminated by (TBC)."
# So effective_from / effective_until stay blank (shown as TBC) until the secretariat sets them.
TERMS_VERSION = "1.0"

# Seed: "Co-Chairs- Kirsty O'Connell, Tracey Leforte, Ian Tompkins, Vivian Smith". The seed gives no
# organisation or email for them, so none is invented.
CO_CHAIRS = ["Kirsty O'Connell", "Tracey Leforte", "Ian Tompkins", "Vivian Smith"]

# Seed, "2023 Objectives" table. Objective 1 has three points, kept together, one per line.
OBJECTIVES_2023 = [
    (
        1,
        "Equalize the social value knowledge across the anchor ecosystem in Essex;\n"
        "Find out our similarities and differences;\n"
        "Identify our strengths and share good practices, such as: strategies, policies, tools, learning "
        "materials, and lessons learned;",
    ),
    (2, "Identify our Social Value common ambitions, themes and outcomes for common narrative in Essex."),
    (3, "Set local spend, SME spend, VCSE spend baseline"),
]

# Seed, "Buddy Groups": the heading has no list under it, so none are seeded; the secretariat adds them.


@transaction.atomic
def load() -> dict[str, int]:
    """Create or refresh the seed's SVLC reference data."""
    created = {"terms of reference": 0, "memberships": 0, "co-chairs": 0, "objectives": 0}

    # Created once, then the secretariat's: `make run` reloads the seed, and must not undo an amendment.
    if not TermsOfReference.objects.filter(version=TERMS_VERSION).exists():
        in_force = not TermsOfReference.objects.in_force().exists()
        status = ToRStatus.IN_FORCE if in_force else ToRStatus.SUPERSEDED
        TermsOfReference.objects.create(version=TERMS_VERSION, status=status, **TERMS)
        created["terms of reference"] += 1

    # Seed, "Membership:": the 22 organisations, as the pledges loader named them.
    for _seed_name, name, *_rest in ORGANISATIONS:
        organisation = Organisation.objects.get(slug=organisation_slug(name))
        if not Membership.objects.filter(organisation=organisation).exists():
            # Joining dates are not in the seed: blank means a founding member.
            Membership.objects.create(organisation=organisation)
            created["memberships"] += 1

    for name in CO_CHAIRS:
        person, _ = upsert(Person, {"name": name}, {})
        _, was_created = upsert(Role, {"person": person, "role": RoleKind.CO_CHAIR}, {})
        created["co-chairs"] += was_created

    for number, text in OBJECTIVES_2023:
        # The seed gives no progress on the objectives: status and notes are the secretariat's to set.
        _, was_created = Objective.objects.get_or_create(year=2023, number=number, defaults={"text": text})
        created["objectives"] += was_created
    return created
