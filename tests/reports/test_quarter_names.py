"""A quarter is shown to people as they name it, "2026年第三季度" in Chinese (as a district
official writes it: 逾期未报送的2026年第三季度信息报告) and "Q3 2026" in English, through one
helper (`language.quarter_name`, `{{ period|quarter }}`); "2026Q3" stays the key. The
assertions on Chinese text pass once the catalogue has the quarter's names (msgctxt "a
quarter of a year, named for a reader")."""

from __future__ import annotations

from django.utils import translation

from reports.figures import Period
from wuqing_consumer import language

Q3 = Period(2026, 3)


def test_the_helper_names_a_quarter_in_the_readers_language():
    with language.district_language():
        assert language.quarter_name(Q3) == "2026年第三季度"
        assert language.quarter_name("2025Q1") == "2025年第一季度"
    for lang, name in (("en", "Q3 2026"), ("zh-hans", "2026年第三季度")):
        with translation.override(lang):
            assert language.quarter_name((2026, 3)) == name
            assert language.Reader().render({"quarter": "2026Q3"}) == name
    assert language.quarter(Q3).stored() == {"quarter": "2026Q3"}
    assert Q3.label == "2026Q3"  # the key, for addresses and inputs
