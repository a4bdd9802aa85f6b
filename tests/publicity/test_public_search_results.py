"""A search of the public pages says how many releases (or exposed violators) it found, in
one sentence that counts in the reader's language ("2 results found", "找到 2 条相关信息"),
and, when nothing matches, says what was searched for and links back to everything,
instead of the bare "No published release matches." (and, for a business searched among
the violators, "No violator is exposed at present.", which is not what the citizen asked)."""

from __future__ import annotations

import pytest
import time_machine
from django.conf import settings
from django.utils.html import strip_tags

from publicity.choices import ReleaseKind

from .conftest import CODE_A, CODE_B, at, entry, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases(mr_staff, mr_liaison, office_staff):
    lists = published(
        mr_staff,
        mr_liaison,
        office_staff,
        title="2026年第四季度失信违法主体名单",
        entries=[
            entry(name="武清区某某商贸有限公司", code=CODE_A),
            entry(name="武清区好味道餐饮店", code=CODE_B),
        ],
    )
    warning = published(
        mr_staff,
        mr_liaison,
        office_staff,
        kind=ReleaseKind.WARNING,
        title="关于预付卡消费的风险提示",
        body="谨慎办理大额预付卡，保留失信商家的证据。",
        entries=[],
    )
    return lists, warning


def page(client, url: str, language: str = "en", **params) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(at(2026, 11, 29), tick=False):
        return client.get(url, params).content.decode()


def count_line(html: str) -> str | None:
    if 'id="result-count"' not in html:
        return None
    return strip_tags(html.split('id="result-count">', 1)[1].split("</p>", 1)[0]).strip()


def test_the_count_is_one_sentence_in_the_singular_and_the_plural(client, releases):
    assert count_line(page(client, "/public/", q="预付卡")) == "1 result found"
    assert count_line(page(client, "/public/", q="失信")) == "2 results found"
    assert count_line(page(client, "/public/", kind="warning")) == "1 result found"
    # Nothing searched: the list is everything, and no count is given.
    assert count_line(page(client, "/public/")) is None


def test_the_count_reads_in_chinese(client, releases):
    """With the catalogue's Chinese (tr_h2.txt)."""
    assert count_line(page(client, "/public/", "zh-hans", q="失信")) == "找到 2 条相关信息"


def test_a_search_that_finds_nothing_says_what_was_searched_and_links_back(client, releases):
    html = page(client, "/public/", q="电梯")
    assert count_line(html) is None
    empty = html.split('id="no-results">', 1)[1].split("</div>", 1)[0]
    assert 'No published release matches “<span lang="zh-Hans">电梯</span>”.' in empty
    assert 'href="/public/"' in empty and "All releases" in empty
    by_kind = page(client, "/public/", kind=ReleaseKind.TYPICAL_CASE)
    assert "No release of the kind “Typical case” has been published." in by_kind
    assert 'href="/public/"' in by_kind.split('id="no-results">', 1)[1]


def test_the_violators_search_counts_and_says_when_no_business_matches(client, releases):
    html = page(client, "/public/violators/", q="好味道")
    assert count_line(html) == "1 result found"
    assert 'id="show-all-violators"' in html
    nothing = page(client, "/public/violators/", q="不存在的企业")
    assert count_line(nothing) is None
    row = nothing.split('id="no-violators">', 1)[1].split("</td>", 1)[0]
    assert strip_tags(row).strip() == "No exposed violator matches “不存在的企业”."
    everything = page(client, "/public/violators/")
    assert count_line(everything) is None and 'id="show-all-violators"' not in everything
