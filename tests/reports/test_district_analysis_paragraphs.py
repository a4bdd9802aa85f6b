"""The office's analysis in the district report's PDF: each line the office typed is a
paragraph, indented as the rest of the report's text. Through `linebreaks`, lines parted by
one line break were one paragraph with breaks in it: only the first was indented, and the
next ones ("二、…", "三、…") started at the margin."""

import re

from reports import rendering
from reports.figures import Period, district_figures


def analysis_section(html: str) -> str:
    return re.search(r'<section class="chapter analysis".*?</section>', html, re.S).group(0)


def test_each_line_of_the_analysis_is_a_paragraph_of_its_own(db):
    figures = district_figures(Period(2026, 3))
    figures["analysis"] = (
        "一、总体情况：全区共接收投诉36件。\n二、热点问题：预付卡纠纷居首。\r\n\n\u3000\u3000三、下一步工作。\n"
    )
    section = analysis_section(rendering.render_html(figures))
    assert re.findall(r"<p>(.*?)</p>", section, re.S) == [
        "一、总体情况：全区共接收投诉36件。",
        "二、热点问题：预付卡纠纷居首。",
        "三、下一步工作。",
    ]
    assert "<br" not in section


def test_without_an_analysis_the_chapter_says_so(db):
    figures = district_figures(Period(2026, 3))
    figures["analysis"] = ""
    assert "（暂无）" in analysis_section(rendering.render_html(figures))
