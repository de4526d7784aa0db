"""Chart layout and summaries, on plain figures without the database."""

from dashboard import charts


def figures(**overrides):
    base = {
        "pledges": 7,
        "anchors": 2,
        "targets": 4,
        "targets_met": 1,
        "percent_of_way": 40,
        "by_lever": [
            {
                "name": "Employer",
                "slug": "employer",
                "pledges": 4,
                "targets": 2,
                "targets_met": 1,
                "targets_with_progress": 2,
                "targets_met_percent": 50,
                "percent_of_way": 60,
            },
            {
                "name": "Estates",
                "slug": "estates",
                "pledges": 3,
                "targets": 2,
                "targets_met": 0,
                "targets_with_progress": 0,
                "targets_met_percent": 0,
                "percent_of_way": 20,
            },
            {
                "name": "Workforce",
                "slug": "workforce",
                "pledges": 0,
                "targets": 0,
                "targets_met": 0,
                "targets_with_progress": 0,
                "targets_met_percent": None,
                "percent_of_way": None,
            },
        ],
        "by_status": [{"status": "published", "label": "Published", "pledges": 7}],
        "by_sector": [
            {"sector": "nhs", "label": "NHS", "pledges": 3},
            {"sector": "other", "label": "Other", "pledges": 4},
        ],
        "by_organisation": [{"name": "A", "pledges": 4}, {"name": "B", "pledges": 3}],
    }
    return base | overrides


def test_it_scales_bars_to_the_largest_value():
    chart = charts.pledges_by_lever(figures())
    assert [bar.length for bar in chart.bars] == ["100.00", "75.00", "0.00"]
    assert [bar.display for bar in chart.bars] == ["4", "3", "0"]
    assert [bar.bar_y for bar in chart.bars] == [25, 83, 141]
    assert chart.height == 3 * charts.ROW_HEIGHT + 4


def test_it_scales_percentages_to_100():
    chart = charts.progress_by_lever(figures())
    assert chart.percent_scale
    assert [bar.length for bar in chart.bars] == ["60.00", "20.00", "0.00"]
    assert [bar.display for bar in chart.bars] == ["60%", "20%", "no targets"]
    assert chart.table.rows[2] == ["Workforce", "0", "0", "0", "–", "–"]


def test_it_summarises_each_chart_in_words():
    data = figures()
    assert charts.pledges_by_lever(data).summary == (
        "Most pledges are under Employer (4 of 7). 2 of the 3 levers have at least one pledge."
    )
    assert charts.progress_by_lever(data).summary == (
        "Across all levers, pledges are 40% of the way to their targets, and 1 of 4 targets are reached. "
        "Employer is furthest along at 60%."
    )
    assert charts.pledges_by_status(data).summary == "Of 7 public pledges: 7 published."
    assert charts.pledges_by_sector(data).summary == "Most pledges are from Other (4 of 7)."
    assert charts.pledges_by_organisation(data, 20).summary == (
        "A has made the most pledges (4). 2 organisations have pledged."
    )
    assert charts.pledges_by_organisation(data, 1).summary == (
        "A has made the most pledges (4). 2 organisations have pledged; the 1 with the most pledges are shown."
    )


def test_it_names_every_lever_that_ties_for_the_most():
    rows = [{"label": "NHS", "pledges": 3}, {"label": "Education", "pledges": 3}, {"label": "Other", "pledges": 1}]
    data = figures(by_sector=rows, pledges=7)
    assert charts.pledges_by_sector(data).summary == "The most pledges (3 each, of 7) are from NHS and Education."


def test_it_says_when_every_row_has_as_many_pledges():
    data = figures(by_sector=[{"label": "NHS", "pledges": 3}, {"label": "Education", "pledges": 3}], pledges=6)
    assert charts.pledges_by_sector(data).summary == "Each has the same number of pledges: 3."


def test_it_shortens_long_labels_in_the_chart_only():
    name = "NHS North East Essex Clinical Commissioning Group"
    chart = charts.pledges_by_organisation(figures(by_organisation=[{"name": name, "pledges": 2}], anchors=1), 20)
    assert chart.bars[0].short_label == "NHS North East Essex Clinical Commissio…"
    assert chart.bars[0].label == name
    assert chart.table.rows == [[name, "2"]]


def test_it_says_so_when_nothing_matches():
    empty = figures(pledges=0, anchors=0, targets=0, by_organisation=[])
    for chart in charts.dashboard_charts(empty, top_organisations=20):
        assert "No public pledges" in chart.summary or "No targets" in chart.summary
    assert charts.pledges_by_organisation(empty, 20).bars == []
