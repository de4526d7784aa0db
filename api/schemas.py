"""The shapes of the API's requests and responses (pydantic, through django-ninja): also its OpenAPI schema."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import create_model, field_validator

from learning_community.models import DecisionOutcome, MeetingFormat, MeetingStatus
from pledges.models import PUBLIC_STATUSES, RAG, Evidence, Sector

SectorCode = Literal[tuple(Sector.values)]
PublicStatus = Literal[tuple(str(status) for status in PUBLIC_STATUSES)]
RagCode = Literal[("", *RAG.values)]  # "" when the update has no rating
MeetingStatusCode = Literal[tuple(MeetingStatus.values)]
DecisionOutcomeCode = Literal[tuple(DecisionOutcome.values)]


class Error(Schema):
    """What every refused request gets: a sentence, and the problems by field (the field's name as sent)."""

    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


class Page(Schema):
    next: str | None = Field(description="The address of the next page, or null on the last page.")
    previous: str | None = Field(description="The address of the page before, or null on the first page.")


def page_of(item: type[Schema], name: str) -> type[Page]:
    """A page of `item`s: at most `limit` of them, with the addresses of the pages either side."""
    return create_model(name, __base__=Page, items=(list[item], ...))


class Named(Schema):
    slug: str
    name: str


class Organisation(Schema):
    slug: str
    name: str
    short_name: str
    sector: SectorCode
    sector_label: str
    website: str = Field(description="Its website; empty when it has none.")
    description: str
    active: bool = Field(description="Whether it still takes part in the network.")
    url: str = Field(description="Its public page on the portal.")


class Approach(Schema):
    slug: str
    name: str
    lever: str = Field(description="The slug of its lever.")
    description: str


class Lever(Schema):
    slug: str
    name: str
    order: int
    summary: str
    description: str
    points: list[str]
    approaches: list[Approach]
    url: str


class Measure(Schema):
    slug: str
    name: str
    unit: str
    lever: str | None = Field(description="The slug of the lever it belongs to, if any.")
    description: str
    social_value_per_unit: float | None = Field(description="£ value the secretariat assigns one unit, if agreed.")
    social_value_source: str = Field(description="Where that £ value comes from; empty when there is none.")
    reference_code: str
    active: bool


EvidenceCode = Literal[tuple(Evidence.values)]


class TargetSocialValue(Schema):
    """An estimate, never a measured amount (docs/data.md, “Estimated social value”)."""

    estimate: float = Field(description="£, to the penny: units_of_progress × per_unit, at today's £ value per unit.")
    evidence: EvidenceCode = Field(description="The evidence status of the progress update behind the latest value.")
    units_of_progress: float = Field(
        description="How far the latest value has moved from the baseline towards the target; 0 when it moved the "
        "wrong way, not capped at the target."
    )
    per_unit: float = Field(description="The £ value the secretariat has set for one unit of the measure.")
    source: str = Field(description="Where that £ value per unit comes from.")


class PledgeSocialValue(Schema):
    """The estimated social value of a pledge's targets, always with how much of it comes from each evidence status."""

    estimate: float = Field(description="£: the sum of its targets' estimates, which the three fields below split.")
    verified: float = Field(description="£ of the estimate from progress verified by the secretariat.")
    evidenced: float = Field(description="£ from progress with evidence attached, not yet verified.")
    self_reported: float = Field(description="£ from self-reported progress.")


class Target(Schema):
    id: int
    measure: str
    measure_slug: str | None = Field(description="The catalogue measure's slug; null for a measure of its own.")
    unit: str
    baseline: float
    target_value: float = Field(description="Below the baseline for a reduction (e.g. tonnes CO2e).")
    target_date: datetime.date
    latest_value: float | None = Field(description="The value of the newest progress update; null before any.")
    latest_on: datetime.date | None
    percent_of_way: int | None = Field(
        description="“% of the way to target”: (latest − baseline) ÷ (target − baseline) × 100, limited to 0–100 "
        "and rounded down; null before any progress (docs/data.md)."
    )
    met: bool
    social_value: TargetSocialValue | None = Field(
        description="The estimated social value of the progress reported; null when the measure has no £ value per "
        "unit or the target has no progress."
    )


class LatestUpdate(Schema):
    date: datetime.date
    rag: RagCode
    evidence: EvidenceCode


class Pledge(Schema):
    id: int
    title: str
    commitment: str
    organisation: Named
    sector: SectorCode
    lever: Named
    approach: Named | None
    status: PublicStatus
    status_label: str
    start_date: datetime.date
    financial_year: str = Field(description="The UK financial year the pledge starts in, e.g. 2026/27.")
    target_date: datetime.date
    published_at: datetime.datetime
    public_contact: str
    percent_of_way: int | None = Field(
        description="The pledge's “% of the way to target”: the mean over all its targets (one with no progress "
        "counting as 0), rounded down; null before any progress."
    )
    social_value: PledgeSocialValue | None = Field(
        description="The estimated social value of the progress reported on its targets, by evidence status; null "
        "when none of its targets has one."
    )
    latest_update: LatestUpdate | None
    targets: list[Target]
    url: str


class TargetValue(Schema):
    target: int = Field(description="The target's id.")
    value: float
    percent_of_way: int | None


class ProgressUpdate(Schema):
    id: int
    pledge: int = Field(description="The pledge's id.")
    organisation: str = Field(description="The slug of the pledge's organisation.")
    date: datetime.date
    narrative: str
    rag: RagCode
    evidence: EvidenceCode
    evidence_link: str
    evidence_document: str | None = Field(description="The address of its evidence document, if it has one.")
    values: list[TargetValue]
    url: str = Field(description="The pledge's public page, where the update is shown.")


class Quorum(Schema):
    required: int | None
    present: int = Field(description="Distinct member organisations present.")
    state: Literal["quorate", "inquorate", "not_recorded"]
    summary: str


class Decision(Schema):
    id: int
    text: str
    outcome: Literal[tuple(DecisionOutcome.values)]
    outcome_label: str


class MeetingRef(Schema):
    id: int
    title: str
    starts_at: datetime.datetime


class DecisionWithMeeting(Decision):
    meeting: MeetingRef = Field(description="The meeting that took the decision.")
    url: str = Field(description="The meeting's public page, where the decision is listed.")


class Meeting(Schema):
    id: int
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    format: Literal[tuple(MeetingFormat.values)]
    location: str
    status: MeetingStatusCode
    cancellation_reason: str
    quorum: Quorum
    decisions: list[Decision] = Field(description="Its public decisions.")
    url: str


class SpendBaseline(Schema):
    id: int
    organisation: Named
    financial_year: int = Field(description="The year the UK financial year starts in: 2023 is 2023/24.")
    financial_year_label: str
    demonstration: bool = Field(description="Made-up demonstration data, not an organisation's real spend.")
    total_spend: float
    excluded_spend: float
    excluded_percent: float | None
    in_scope_spend: float
    local_spend: float
    local_percent: float | None
    partly_local_spend: float
    partly_local_percent: float | None
    not_local_spend: float
    locality_unknown_percent: float | None
    sme_spend: float
    sme_percent: float | None
    sme_unknown_percent: float | None
    vcse_spend: float
    vcse_percent: float | None
    vcse_unknown_percent: float | None
    payments: int
    rules_version: str
    published_at: datetime.datetime


class ProgressPost(Schema):
    """A progress update, as the site's form and the CSV upload take it."""

    date: datetime.date = Field(description="When the values were reached (YYYY-MM-DD); not in the future.")
    narrative: str = Field(description="What has happened since the last update (up to 5,000 characters).")
    values: dict[int, Decimal] = Field(
        description="The value reached per target: {target id: value}, at least one of the pledge's targets."
    )
    rag: RagCode = ""
    evidence_link: str = Field("", description="An http(s) address of the evidence, if any.")

    @field_validator("narrative", "evidence_link")
    @classmethod
    def _no_null_characters(cls, value: str) -> str:
        # As Django's forms refuse them (ProhibitNullCharactersValidator): no database column takes one.
        if "\x00" in value:
            raise ValueError("Null characters are not allowed.")
        # JSON may escape half of a surrogate pair ("\ud800") on its own: no text, and no database encodes it.
        if not value.isascii() and any("\ud800" <= character <= "\udfff" for character in value):
            raise ValueError("Unpaired surrogate characters are not allowed: send the text as UTF-8.")
        return value
