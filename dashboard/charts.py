"""Horizontal bar charts drawn as SVG by the template dashboard/includes/_bar_chart.html.

This module only lays the chart out: positions and sizes, the value written beside each bar, a
one-paragraph summary and the data table shown below the chart. The template writes the SVG, so no
HTML is built in Python. Every bar carries its label and value as text, so the chart does not
rely on colour, and a screen reader gets the title, the summary and the table.
"""

from dataclasses import dataclass, field

from essex_anchors.lib.formatting import number, percent

# The chart is as wide as its column and its text keeps the page's size: lengths along the bars are
# percentages of the width, heights are pixels. Bars take BAR_AREA % of the width; the rest is room
# for the value written after the longest bar ("1,234" or "100%").
BAR_AREA = 84
ROW_HEIGHT = 58
BAR_HEIGHT = 24
# Longer labels are shortened in the chart (never in its table or the bar's tooltip), so they fit a phone.
LABEL_CHARACTERS = 40


@dataclass(frozen=True)
class Bar:
    label: str
    display: str
    # The bar's length as a percentage of the bar area.
    length: str
    label_y: int
    bar_y: int
    text_y: int

    @property
    def short_label(self) -> str:
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"


@dataclass(frozen=True)
class Table:
    caption: str
    headings: list[str]
    # Each row: the first cell heads the row, the others are data.
    rows: list[list[str]]


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    summary: str
    table: Table
    bars: list[Bar] = field(default_factory=list)
    # Percentage charts draw a full-length track behind each bar, so the gap to 100 % shows.
    percent_scale: bool = False
    # Charts whose table has many columns take the page's full width.
    wide: bool = False
    bar_area: int = BAR_AREA
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 4


def lay_out_bars(values: list[tuple[str, float, str]], *, scale_max: float) -> list[Bar]:
    """Place (label, value, value as shown) rows one under another, each bar scaled to scale_max."""
    bars = []
    for index, (label, value, display) in enumerate(values):
        top = index * ROW_HEIGHT
        length = 100 * value / scale_max if scale_max else 0
        bars.append(
            Bar(
                label=label,
                display=display,
                length=f"{length:.2f}",
                label_y=top + 17,
                bar_y=top + 25,
                text_y=top + 25 + BAR_HEIGHT // 2 + 6,
            )
        )
    return bars


def _count_chart(slug, title, summary, rows, label_heading, caption) -> BarChart:
    """A chart of pledge counts: rows are (label, count)."""
    scale_max = max((count for _, count in rows), default=0)
    return BarChart(
        slug=slug,
        title=title,
        summary=summary,
        bars=lay_out_bars([(label, count, number(count)) for label, count in rows], scale_max=scale_max),
        table=Table(
            caption=caption, headings=[label_heading, "Pledges"], rows=[[label, number(count)] for label, count in rows]
        ),
    )


def _most(rows, noun: str, total: int) -> str:
    """A sentence naming the row with the most pledges, e.g. Most pledges are under Employer (3 of 7)."""
    label, count = max(rows, key=lambda row: row[1])
    ties = [row for row in rows if row[1] == count]
    if len(ties) == len(rows) > 1:
        return f"Each has the same number of pledges: {number(count)}."
    if len(ties) > 1:
        names = _join(name for name, _ in ties)
        return f"The most pledges ({number(count)} each, of {number(total)}) are {noun} {names}."
    return f"Most pledges are {noun} {label} ({number(count)} of {number(total)})."


def _join(labels) -> str:
    labels = list(labels)
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


NO_PLEDGES = "No public pledges match these filters yet."


def pledges_by_lever(figures: dict) -> BarChart:
    rows = [(row["name"], row["pledges"]) for row in figures["by_lever"]]
    total = figures["pledges"]
    if total:
        with_any = sum(1 for _, count in rows if count)
        summary = _most(rows, "under", total)
        if with_any < len(rows):
            summary += f" {with_any} of the {len(rows)} levers have at least one pledge."
    else:
        summary = NO_PLEDGES
    return _count_chart(
        "chart-levers", "Pledges by lever", summary, rows, "Lever", "Number of pledges under each lever"
    )


def progress_by_lever(figures: dict) -> BarChart:
    levers = figures["by_lever"]
    bars = lay_out_bars(
        [
            (
                row["name"],
                row["percent_of_way"] or 0,
                "no targets" if row["percent_of_way"] is None else percent(row["percent_of_way"]),
            )
            for row in levers
        ],
        scale_max=100,
    )
    if figures["targets"]:
        furthest = max(levers, key=lambda row: row["percent_of_way"] or 0)
        summary = (
            f"Across all levers, pledges are {percent(figures['percent_of_way'])} of the way to their targets, "
            f"and {number(figures['targets_met'])} of {number(figures['targets'])} targets are reached. "
            f"{furthest['name']} is furthest along at {percent(furthest['percent_of_way'])}."
        )
    else:
        summary = "No targets to measure yet: no public pledges with targets match these filters."
    return BarChart(
        slug="chart-progress",
        title="Progress towards targets by lever",
        summary=summary,
        bars=bars,
        percent_scale=True,
        wide=True,
        table=Table(
            caption="Targets and progress by lever",
            headings=[
                "Lever",
                "Targets",
                "Targets with progress",
                "Targets reached",
                "Share reached",
                "Average progress to target",
            ],
            rows=[
                [
                    row["name"],
                    number(row["targets"]),
                    number(row["targets_with_progress"]),
                    number(row["targets_met"]),
                    percent(row["targets_met_percent"]) or "–",
                    percent(row["percent_of_way"]) or "–",
                ]
                for row in levers
            ],
        ),
    )


def pledges_by_status(figures: dict) -> BarChart:
    rows = [(row["label"], row["pledges"]) for row in figures["by_status"]]
    if figures["pledges"]:
        summary = "Of {} public pledges: {}.".format(
            number(figures["pledges"]), ", ".join(f"{number(count)} {label.lower()}" for label, count in rows)
        )
    else:
        summary = NO_PLEDGES
    return _count_chart(
        "chart-status", "Pledges by status", summary, rows, "Status", "Number of public pledges in each status"
    )


def pledges_by_sector(figures: dict) -> BarChart:
    rows = [(row["label"], row["pledges"]) for row in figures["by_sector"]]
    summary = _most(rows, "from", figures["pledges"]) if figures["pledges"] else NO_PLEDGES
    return _count_chart(
        "chart-sectors",
        "Pledges by sector",
        summary,
        rows,
        "Sector",
        "Number of pledges made by organisations of each sector",
    )


def pledges_by_organisation(figures: dict, top: int) -> BarChart:
    shown = figures["by_organisation"][:top]
    rows = [(row["name"], row["pledges"]) for row in shown]
    anchors = figures["anchors"]
    if not anchors:
        summary = NO_PLEDGES
    else:
        first = shown[0]
        summary = f"{first['name']} has made the most pledges ({number(first['pledges'])}). "
        if anchors > top:
            summary += f"{number(anchors)} organisations have pledged; the {top} with the most pledges are shown."
        else:
            summary += f"{number(anchors)} {'organisation has' if anchors == 1 else 'organisations have'} pledged."
    return _count_chart(
        "chart-organisations",
        "Pledges by organisation",
        summary,
        rows,
        "Organisation",
        "Number of pledges made by each organisation, most first",
    )


def dashboard_charts(figures: dict, *, top_organisations: int) -> list[BarChart]:
    """Every chart of the dashboard, in page order."""
    return [
        progress_by_lever(figures),
        pledges_by_lever(figures),
        pledges_by_status(figures),
        pledges_by_sector(figures),
        pledges_by_organisation(figures, top_organisations),
    ]


SHARES = [
    ("local", "Local (Greater Essex) spend", "locality_unknown_percent", "with Greater Essex suppliers"),
    ("sme", "SME spend", "sme_unknown_percent", "with SMEs"),
    ("vcse", "VCSE spend", "vcse_unknown_percent", "with VCSEs"),
]


def spend_by_sector(rows: list[dict]) -> list[BarChart]:
    """A chart per share (local, SME, VCSE) of the published baselines, a bar per sector and year (spend.exports.sector_totals)."""
    charts = []
    for name, title, unknown, what in SHARES:
        bars = [
            (
                f"{row['sector']}, {row['financial_year']}",
                row[f"{name}_percent"] or 0,
                percent(row[f"{name}_percent"], 1) or "–",
            )
            for row in rows
        ]
        if rows and any(row[f"{name}_percent"] for row in rows):
            best = max(rows, key=lambda row: row[f"{name}_percent"] or 0)
            share = percent(best[f"{name}_percent"], 1)
            summary = (
                f"Highest: {best['sector']} in {best['financial_year']}, {share} of in-scope spend. "
                "Unknown spend is shown in the table, never counted as “not”."
            )
        elif rows:
            summary = (
                f"No published baseline has spend known to be {what} yet; the table shows how much is still unknown."
            )
        else:
            summary = "No organisation has published a spend baseline yet."
        charts.append(
            BarChart(
                slug=f"chart-spend-{name}",
                title=f"{title} by sector, year on year",
                summary=summary,
                bars=lay_out_bars(bars, scale_max=100),
                percent_scale=True,
                table=Table(
                    caption=f"{title} as a % of in-scope spend, by sector and financial year",
                    headings=["Sector and year", "Organisations", "Share", "Unknown"],
                    rows=[
                        [
                            f"{row['sector']}, {row['financial_year']}",
                            number(row["organisations"]),
                            percent(row[f"{name}_percent"], 1) or "–",
                            percent(row[unknown], 1) or "–",
                        ]
                        for row in rows
                    ],
                ),
            )
        )
    return charts
