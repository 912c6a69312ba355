"""The steering report as a PDF: a cover, contents, a summary, charts drawn as SVG on the server, tables, definitions.

Charts come from pygal with no script and no fetch; a suppressed value is left
out of its chart (the table beside it says «<5» or «:»).
"""

import re

from django.utils.translation import gettext as _

from mentorprogram.pdf import pdf_render

# Charts for these tables: the column each draws (its first, or the totals at the end), one bar a row.
CHARTED = {"referrals": -1, "decisions": 0, "sessions": 0, "goals": -1, "disclosures": 0}


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def chart_svg(title: str, labels: list[str], values: list[int | None]) -> str:
    """A horizontal bar chart as inline SVG, its title the accessible name (PDF/UA Alt)."""
    import pygal
    from pygal.style import Style

    style = Style(
        font_family="DejaVu Sans, sans-serif",
        background="white",
        plot_background="white",
        colors=("#1e6e8c",),
        label_font_size=11,
        major_label_font_size=11,
        title_font_size=13,
    )
    chart = pygal.HorizontalBar(
        title=title,
        style=style,
        width=640,
        height=max(180, 34 * len(labels) + 70),
        explicit_size=True,
        disable_xml_declaration=True,
        js=[],
        show_legend=False,
        truncate_label=-1,
        print_values=True,
    )
    chart.x_labels = labels
    chart.add(title, values)
    svg = chart.render(is_unicode=True)
    return re.sub(r"<script.*?</script>", "", svg, flags=re.S)


def charts_for(report) -> dict[str, str]:
    charts = {}
    for table in report.figures.get("tables", []):
        column = CHARTED.get(table["key"])
        if column is None or table["withheld"]:
            continue
        rows = [row for row in table["rows"] if row["key"] != "total"]
        values = [_number(row["cells"][column]) for row in rows]
        if not any(values):
            continue
        charts[table["key"]] = chart_svg(table["title"], [row["label"] for row in rows], values)
    return charts


def report_pdf(report) -> bytes:
    context = {"report": report, "figures": report.figures, "charts": charts_for(report), "title": _("Steering report")}
    return pdf_render("steeringgroup/report_pdf.html", context)
