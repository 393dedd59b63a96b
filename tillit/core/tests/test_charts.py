from django.template.loader import render_to_string

from tillit.core import charts


def _chart():
    return charts.bar_chart(
        id="c",
        title="Digital participation",
        groups=[
            charts.Group(
                "Spring",
                [charts.Item("Digital", 3, "3"), charts.Item("On site", 1, "1")],
                maximum=4,
            ),
            charts.Group("Autumn", [charts.Item("Digital", 0, "0")], maximum=4),
        ],
    )


def test_bars_are_scaled_to_their_group_s_maximum():
    chart = _chart()

    assert [bar.width for bar in chart.bars] == [255, 85, 0]


def test_headings_and_bars_follow_each_other_down_the_chart():
    chart = _chart()

    assert [h.text for h in chart.headings] == ["Spring", "Autumn"]
    assert chart.headings[1].y > chart.bars[1].y
    assert chart.bars[2].y > chart.headings[1].y
    assert chart.height > chart.bars[2].y


def test_description_says_every_value_in_words():
    chart = _chart()

    assert chart.description == "Spring: Digital: 3; On site: 1. Autumn: Digital: 0."


def test_nothing_to_draw_gives_no_chart():
    assert charts.bar_chart(id="c", title="t", groups=[]) is None


def test_chart_is_an_image_named_by_its_title_and_description_with_text_labels():
    html = render_to_string("core/includes/bar-chart.html", {"chart": _chart()})

    assert 'role="img"' in html
    assert 'aria-labelledby="c-title c-desc"' in html
    assert '<title id="c-title">Digital participation</title>' in html
    assert html.count('class="bar-chart-label"') == 3
    assert html.count('class="bar-chart-value"') == 3
    assert html.count('class="bar-chart-heading"') == 2
