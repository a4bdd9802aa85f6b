"""The notes that tie a corrected release and its correction, on the public page and the
staff page, are each one translated sentence with the link inside it. They were a phrase,
a space, the link and a full stop written after it, so Chinese read "本信息已被更正，见 《…》"
with a space no Chinese sentence has, and a translator could not put the title where
Chinese wants it ("本信息是对《…》的更正。"). The reason for a correction follows as a sentence
of its own."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils.html import strip_tags

from publicity import services

from .conftest import CODE_A, CODE_B, at, entry, published

pytestmark = pytest.mark.django_db

TITLE = "2026年第四季度失信违法主体名单"
FIXED = "更正：2026年第四季度失信违法主体名单"
REASON = "第二家企业名称有误，予以更正。"


@pytest.fixture
def pair(mr_staff, mr_liaison, office_staff):
    original = published(mr_staff, mr_liaison, office_staff, entries=[entry(code=CODE_A)])
    with time_machine.travel(at(2026, 11, 26), tick=False):
        correction = services.release_correct(
            release_id=original.id,
            acting_user=office_staff,
            reason=REASON,
            title=FIXED,
            body=original.body,
            entries=[entry(code=CODE_B)],
        )
    return original, correction


def note(client, url: str, note_id: str, language: str = "en") -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(url).content.decode()
    return page.split(f'id="{note_id}">', 1)[1].split("</div>", 1)[0]


def words(html: str) -> str:
    return strip_tags(html)


def test_the_public_notes_are_one_sentence_each_with_the_link_inside(client, pair):
    original, correction = pair
    corrected_by = note(client, f"/public/releases/{original.id}/", "corrected-by")
    assert f'<a href="/public/releases/{correction.id}/">' in corrected_by
    assert words(corrected_by) == f"This release has been corrected by {FIXED} (2026-11-26)."
    corrects = note(client, f"/public/releases/{correction.id}/", "corrects-note")
    assert f'<a href="/public/releases/{original.id}/">' in corrects
    assert words(corrects) == f"This is a correction of {TITLE}. {REASON}"
    # The Chinese titles and reason keep their language on the English page.
    assert '<span lang="zh-Hans">' in corrected_by and corrects.count('lang="zh-Hans"') == 2


def test_the_staff_notes_are_one_sentence_each_with_the_link_inside(client, pair, office_staff):
    original, correction = pair
    client.force_login(office_staff)
    corrected_by = note(client, reverse("release_detail", args=[original.id]), "corrected-by")
    assert f'<a href="{reverse("release_detail", args=[correction.id])}">' in corrected_by
    assert words(corrected_by) == f"Corrected by {FIXED} (2026-11-26)."
    corrects = note(client, reverse("release_detail", args=[correction.id]), "corrects-note")
    assert f'<a href="{reverse("release_detail", args=[original.id])}">' in corrects
    assert words(corrects) == f"This release corrects {TITLE}. Reason: {REASON}"


@pytest.mark.parametrize("where", ["public", "staff"])
def test_in_chinese_no_space_sits_around_the_link(client, pair, office_staff, where):
    """Read with the catalogue's Chinese (tr_h2.txt): 《title》 in the sentence, no space."""
    original, correction = pair
    if where == "staff":
        client.force_login(office_staff)
        url = lambda release: reverse("release_detail", args=[release.id])  # noqa: E731
    else:
        url = lambda release: f"/public/releases/{release.id}/"  # noqa: E731
    corrected_by = note(client, url(original), "corrected-by", "zh-hans")
    corrects = note(client, url(correction), "corrects-note", "zh-hans")
    for html in (corrected_by, corrects):
        assert not re.search(r"\s<a |</a>\s", html), html
        assert " " not in words(html).strip(), html
    assert f"《{FIXED}》（2026-11-26）。" in words(corrected_by)
    assert f"《{TITLE}》的更正。" in words(corrects) and words(corrects).endswith(REASON)
