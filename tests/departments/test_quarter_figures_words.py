"""The home page's quarter figures: "Satisfaction rate, of 0 rated" read badly in English; the
count of rated orders is said in brackets, singular or plural. Chinese is one form."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


def satisfaction_words(language: str, rated: int) -> str:
    figures = {"received": 3, "resolved": 2, "on_time_rate": 50.0, "satisfaction_rate": None}
    with translation.override(language):
        html = render_to_string(
            "departments/_quarter_figures.html",
            {"figures": {**figures, "rated": rated}, "card_id": "q", "title": "Q", "cols": "col"},
        )
    return html.split('id="figure-satisfaction">')[1].split('small">')[1].split("</div>")[0]


@pytest.mark.parametrize(
    "rated, words",
    [
        (0, "Satisfaction rate (0 orders rated)"),
        (1, "Satisfaction rate (1 order rated)"),
        (12, "Satisfaction rate (12 orders rated)"),
    ],
)
def test_in_english_the_rated_orders_are_counted_in_brackets(rated, words):
    assert satisfaction_words("en", rated) == words


def test_in_chinese_the_words_are_as_before():
    assert satisfaction_words("zh-hans", 1) == "满意率（已回访评价1件）"
