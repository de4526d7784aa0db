"""Reference data for the pledges app, taken from the seed document
"The Future of Essex — supporting anchor approaches and making pledges" and the
SVLC Terms of Reference membership list in the same document.

load() is idempotent: it creates what is missing and brings seeded fields back to the
seed's values, keyed on slugs, so running it twice changes nothing.
"""

from django.db import transaction

from essex_anchors.lib.reference import upsert

from .models import Approach, Lever, Measure, Organisation, Sector

# The 22 SVLC members, in the ToR's order, with the seed's abbreviations expanded.
# (seed name, full name, short name, sector, website)
ORGANISATIONS = [
    ("Active Essex", "Active Essex", "Active Essex", Sector.OTHER, "https://www.activeessex.org"),
    (
        "Adult Community Learning (ACL)",
        "Adult Community Learning Essex",
        "ACL",
        Sector.EDUCATION,
        "https://www.aclessex.com",
    ),
    ("Anglia Ruskin University (ARU)", "Anglia Ruskin University", "ARU", Sector.EDUCATION, "https://www.aru.ac.uk"),
    ("Basildon BC", "Basildon Borough Council", "Basildon BC", Sector.LOCAL_GOVERNMENT, "https://www.basildon.gov.uk"),
    (
        "Braintree DC",
        "Braintree District Council",
        "Braintree DC",
        Sector.LOCAL_GOVERNMENT,
        "https://www.braintree.gov.uk",
    ),
    (
        "Castle Point BC",
        "Castle Point Borough Council",
        "Castle Point BC",
        Sector.LOCAL_GOVERNMENT,
        "https://www.castlepoint.gov.uk",
    ),
    (
        "Colchester BC",
        "Colchester Borough Council",
        "Colchester BC",
        Sector.LOCAL_GOVERNMENT,
        "https://www.colchester.gov.uk",
    ),
    (
        "Epping Forest DC",
        "Epping Forest District Council",
        "Epping Forest DC",
        Sector.LOCAL_GOVERNMENT,
        "https://www.eppingforestdc.gov.uk",
    ),
    ("Essex CC", "Essex County Council", "Essex CC", Sector.LOCAL_GOVERNMENT, "https://www.essex.gov.uk"),
    (
        "Essex County Fire & Rescue Service (ECFRS)",
        "Essex County Fire and Rescue Service",
        "ECFRS",
        Sector.EMERGENCY_SERVICES,
        "https://www.essex-fire.gov.uk",
    ),
    ("Essex Police", "Essex Police", "Essex Police", Sector.EMERGENCY_SERVICES, "https://www.essex.police.uk"),
    ("Harlow DC", "Harlow District Council", "Harlow DC", Sector.LOCAL_GOVERNMENT, "https://www.harlow.gov.uk"),
    (
        "Ipswich & East Suffolk CCG - NHS",
        "NHS Ipswich and East Suffolk Clinical Commissioning Group",
        "Ipswich & East Suffolk CCG",
        Sector.NHS,
        "",
    ),
    (
        "Mid and South Essex FT/Basildon Hospital (MSEFT) – NHS",
        "Mid and South Essex NHS Foundation Trust",
        "MSEFT",
        Sector.NHS,
        "https://www.mse.nhs.uk",
    ),
    (
        "North East Essex CCG - NHS",
        "NHS North East Essex Clinical Commissioning Group",
        "North East Essex CCG",
        Sector.NHS,
        "",
    ),
    ("Provide", "Provide Community Interest Company", "Provide", Sector.VOLUNTARY_SECTOR, "https://www.provide.org.uk"),
    (
        "Southend Council",
        "Southend-on-Sea City Council",
        "Southend Council",
        Sector.LOCAL_GOVERNMENT,
        "https://www.southend.gov.uk",
    ),
    (
        "Suffolk, North East Essex ICS (SNEE ICS) - NHS",
        "Suffolk and North East Essex Integrated Care System",
        "SNEE ICS",
        Sector.NHS,
        "https://www.sneeics.org.uk",
    ),
    (
        "Tendring DC",
        "Tendring District Council",
        "Tendring DC",
        Sector.LOCAL_GOVERNMENT,
        "https://www.tendringdc.gov.uk",
    ),
    ("University of Essex", "University of Essex", "University of Essex", Sector.EDUCATION, "https://www.essex.ac.uk"),
    ("West Essex CCG – NHS", "NHS West Essex Clinical Commissioning Group", "West Essex CCG", Sector.NHS, ""),
    ("West Suffolk CCG - NHS", "NHS West Suffolk Clinical Commissioning Group", "West Suffolk CCG", Sector.NHS, ""),
]

# The five levers in the seed's order: name, slug, bullet points (page 1), description
# (the lever's own section), and its three approaches (name, description).
LEVERS = [
    {
        "name": "Workforce Developer",
        "slug": "workforce-developer",
        "points": [
            "Create local training opportunities",
            "Support people to move between sectors",
            "Help those who have been long term unemployed re-enter the work place",
        ],
        "description": (
            "Anchor organisations can play a key role in shaping and developing the skills of the local "
            "workforce. Anchors can contribute directly to social value creation, and collectively through "
            "partnerships. They can create local training opportunities, support people to more easily move "
            "between sectors and organisations, and help those who have been long term unemployed re-enter "
            "the work place."
        ),
        "approaches": [
            (
                "Sector Work Experience and Skill Academies",
                "Creating work experience opportunities to support people into growth sectors.",
            ),
            (
                "Skills Passports / Bridges",
                "Enabling people to move more easily between sectors of employment based on common core skills.",
            ),
            (
                "Professional Development",
                "In house training extended to Community Leaders, the self-employed or business start-ups and those seeking employment.",
            ),
        ],
    },
    {
        "name": "Employer",
        "slug": "employer",
        "points": [
            "Create employment opportunities",
            "Improve the wellbeing of their employees",
        ],
        "description": (
            "Anchor organisations as large employers have a significant capacity to improve the wellbeing of "
            "their employees, create employment opportunities for local people, make it as easy as possible "
            "for people to access these opportunities, and improve the wellbeing of their employees. "
            "Therefore, the potential social value creation is amplified."
        ),
        "approaches": [
            (
                "Reviewing 'Essential' Criteria for all recruitment",
                "Being clear on the core skills needed and removing unnecessary barriers.",
            ),
            ("Job Carving", "Creating new opportunities for those furthest from employment."),
            (
                "Policies on family friendly working",
                "Reviewing recruitment, pay and conditions, progression and health policies to support inclusion goals and lower paid workers",
            ),
        ],
    },
    {
        "name": "Local business and VCS incubator",
        "slug": "local-business-and-vcs-incubator",
        "points": [
            "Support local business and voluntary organisations to innovate, grow to support their local community",
        ],
        "description": (
            "Anchor organisations can use their size and scale to support local business and voluntary "
            "organisations to innovate, grow and recirculate wealth and wider benefits in their local "
            "community. Social Value can be created through volunteering, expert business advice and donation "
            "of equipment and resources."
        ),
        "approaches": [
            (
                "Social Enterprise",
                "Outreach programmes in the community to support the development of Social Enterprise or worker led co-operatives",
            ),
            (
                "Procurement training for local business",
                "Procurement training and support for local businesses, awareness of opportunities.",
            ),
            ("Community Assets", "Offering up community assets for business development."),
        ],
    },
    {
        "name": "Procurement of Goods & Services",
        "slug": "procurement-of-goods-and-services",
        "points": [
            "Progressive and Responsible Procurement",
            "Embedding Social Value, ensuring every pound spent generates additional value",
        ],
        "description": (
            "The way anchor organisations procure goods and services and work with their supply chain can have "
            "far reaching benefits on local communities, from creating employment opportunities, to raising "
            "aspirations and local skills, to improving the local environment. Procurement is frequently the "
            "starting point for embedding Social Value, ensuring every pound spent generates additional value."
        ),
        "approaches": [
            (
                "Progressive and Responsible Procurement",
                "Develop policy and tendering processes to assess, monitor and deliver social value",
            ),
            (
                "Meet the Buyers",
                "Develop close working relationships with local providers and suppliers in the community.",
            ),
            (
                "Build the Voluntary Sector",
                "Make explicit requirements to work with and resource the voluntary sector in contracts",
            ),
        ],
    },
    {
        "name": "Estates and Environment",
        "slug": "estates-and-environment",
        "points": [
            "Reduce the local environmental impact",  # the seed ends this point with a stray comma
            "Support growth in the local green economy",
            "Influence sustainable practices across the local system",
        ],
        "description": (
            "Anchor organisations have significant environmental footprints and could make an important "
            "contribution to the emerging industries and support the green economy adding social value as an "
            "outcome.\n\n"
            "In Essex we want to explore how the public sector and its partners can use their position as an "
            "anchor to reduce the local environmental impact, support growth in the local green economy, and "
            "influence sustainable practices across the local system"
        ),
        "approaches": [
            ("Climate Challenge", "Anchor Institutions aim to be Net Zero Carbon by 2030."),
            ("Promote Environmental Initiatives", "Promote across organisation £1bn Public Decarbonisation Fund."),
            ("Supporting Carbon Zero in the supply chain", "Embed carbon reduction into Social Value discussions."),
        ],
    },
]

# The portal's own default measure catalogue, written for this portal (not copied from any
# licensed framework). £-per-unit values are left blank unless the portal has a reason of its own:
# the secretariat sets or changes them in admin.
# (slug, lever slug, name, unit, £ per unit or None, description)
MEASURES = [
    (
        "work-experience-placements",
        "workforce-developer",
        "Work experience placements provided",
        "placements",
        None,
        "Placements of at least five days offered to local people, students or career changers.",
    ),
    (
        "apprenticeships-started",
        "workforce-developer",
        "Apprenticeships started",
        "apprenticeships",
        None,
        "New apprenticeships started in the organisation or through its levy transfers.",
    ),
    (
        "training-hours-residents",
        "workforce-developer",
        "Training hours delivered to local residents",
        "hours",
        None,
        "Hours of in-house training opened up to community leaders, the self-employed, start-ups and job seekers.",
    ),
    (
        "long-term-unemployed-supported",
        "workforce-developer",
        "Long-term unemployed people supported into work",
        "people",
        None,
        "People out of work for a year or more who start a job or placement with the organisation's help.",
    ),
    (
        "local-residents-hired",
        "employer",
        "Local residents hired",
        "people",
        None,
        "New starters whose home postcode is in Greater Essex.",
    ),
    (
        "carved-roles-created",
        "employer",
        "Roles created for people furthest from employment",
        "roles",
        None,
        "Jobs carved out or redesigned for people who face barriers to work.",
    ),
    (
        "roles-essential-criteria-reviewed",
        "employer",
        "Job roles with essential criteria reviewed",
        "roles",
        None,
        "Job descriptions reviewed to remove requirements that are not needed for the work.",
    ),
    (
        "staff-on-real-living-wage",
        "employer",
        "Staff paid at least the Real Living Wage",
        "% of staff",
        None,
        "Share of directly employed staff paid at or above the Real Living Wage.",
    ),
    (
        "staff-volunteering-hours",
        "local-business-and-vcs-incubator",
        "Staff volunteering hours",
        "hours",
        None,
        "Hours staff spend volunteering with local voluntary and community groups in work time.",
    ),
    (
        "businesses-given-procurement-training",
        "local-business-and-vcs-incubator",
        "Local businesses given procurement training",
        "businesses",
        None,
        "Local businesses and VCSE organisations trained or supported to bid for public contracts.",
    ),
    (
        "social-enterprises-supported",
        "local-business-and-vcs-incubator",
        "Social enterprises and co-operatives supported",
        "organisations",
        None,
        "Social enterprises or worker-led co-operatives given outreach, advice or start-up support.",
    ),
    (
        "community-asset-space",
        "local-business-and-vcs-incubator",
        "Community asset space offered",
        "square metres",
        None,
        "Floor space in the organisation's buildings offered for local business or community use.",
    ),
    (
        "spend-local-suppliers",
        "procurement-of-goods-and-services",
        "Spend with Greater Essex suppliers",
        "£",
        None,
        "Payments to suppliers with a Greater Essex postcode in the financial year.",
    ),
    (
        "spend-smes",
        "procurement-of-goods-and-services",
        "Spend with SMEs",
        "£",
        None,
        "Payments to small and medium-sized enterprises in the financial year.",
    ),
    (
        "spend-vcse",
        "procurement-of-goods-and-services",
        "Spend with VCSE organisations",
        "£",
        None,
        "Payments to voluntary, community and social enterprise organisations in the financial year.",
    ),
    (
        "contracts-with-social-value",
        "procurement-of-goods-and-services",
        "Contracts awarded with social value commitments",
        "contracts",
        None,
        "Contracts whose award criteria weighted social value and whose commitments are monitored.",
    ),
    (
        "meet-the-buyer-events",
        "procurement-of-goods-and-services",
        "Meet the buyer events held",
        "events",
        None,
        "Events where local suppliers meet the organisation's buyers.",
    ),
    (
        "carbon-reduced",
        "estates-and-environment",
        "Carbon emissions reduced",
        "tonnes CO2e",
        None,
        "Reduction in scope 1 and 2 emissions against the pledge's baseline year.",
    ),
    (
        "suppliers-with-carbon-plan",
        "estates-and-environment",
        "Suppliers with a carbon reduction plan",
        "suppliers",
        None,
        "Main suppliers that have published a carbon reduction plan.",
    ),
    (
        "renewable-energy-generated",
        "estates-and-environment",
        "Renewable energy generated on the estate",
        "MWh",
        None,
        "Electricity or heat generated from renewable sources on the organisation's own estate.",
    ),
    (
        "waste-diverted-from-landfill",
        "estates-and-environment",
        "Waste diverted from landfill",
        "tonnes",
        None,
        "Operational waste reused, recycled or recovered instead of going to landfill.",
    ),
]


def organisation_slug(name: str) -> str:
    """The slug of an organisation named in the seed (also how the learning community finds its members)."""
    from django.utils.text import slugify

    return slugify(name.replace("&", "and"))


@transaction.atomic
def load() -> dict[str, int]:
    """Create or refresh the seed's organisations, levers, approaches and measures."""
    created = {"organisations": 0, "levers": 0, "approaches": 0, "measures": 0}
    for _seed_name, name, short_name, sector, website in ORGANISATIONS:
        _, was_created = upsert(
            Organisation,
            {"slug": organisation_slug(name)},
            {"name": name, "short_name": short_name, "sector": sector, "website": website},
        )
        created["organisations"] += was_created
    for order, data in enumerate(LEVERS, start=1):
        lever, was_created = upsert(
            Lever,
            {"slug": data["slug"]},
            {
                "name": data["name"],
                "order": order,
                "summary": data["points"][0],
                "description": data["description"],
                "points": "\n".join(data["points"]),
            },
        )
        created["levers"] += was_created
        for approach_order, (name, description) in enumerate(data["approaches"], start=1):
            _, was_created = upsert(
                Approach,
                {"lever": lever, "slug": organisation_slug(name)},
                {"name": name, "order": approach_order, "description": description},
            )
            created["approaches"] += was_created
    levers = {lever.slug: lever for lever in Lever.objects.all()}
    for slug, lever_slug, name, unit, value, description in MEASURES:
        # The £ value is the secretariat's to change, so it is only set when the measure is created.
        measure, was_created = Measure.objects.get_or_create(
            slug=slug,
            defaults={"social_value_per_unit": value},
        )
        changed = (measure.name, measure.unit, measure.lever_id, measure.description) != (
            name,
            unit,
            levers[lever_slug].pk,
            description,
        )
        if was_created or changed:
            measure.name, measure.unit, measure.lever, measure.description = name, unit, levers[lever_slug], description
            measure.save()
        created["measures"] += was_created
    return created
