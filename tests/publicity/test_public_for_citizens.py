"""The public pages as a citizen meets them, often through a link shared in WeChat: what the
shared link says of the page, who issued a release and when it was published, and whom to
call about a problem of one's own."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils.html import strip_tags

from publicity import services
from publicity.choices import ReleaseKind

from .conftest import CODE_A, CODE_B, at, entry, published

pytestmark = pytest.mark.django_db

BODY = (
    "近期我区健身、美容行业预付卡投诉有所上升。提醒广大消费者：办卡前查看经营者资质，"
    "不一次性大额充值，保留合同和付款凭证。" * 3
)


@pytest.fixture
def warning(mr_staff, mr_liaison, office_staff):
    return published(
        mr_staff,
        mr_liaison,
        office_staff,
        kind=ReleaseKind.WARNING,
        title="关于谨慎办理预付卡的消费提示",
        body=f"{BODY}\n\n遇到纠纷请保留凭证。",
        entries=[],
    )


class Head(HTMLParser):
    """The <meta> and <link rel=canonical> of a page's head, by name or property."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "meta" and (key := a.get("property") or a.get("name")):
            self.meta[key] = a.get("content", "")
        if tag == "link" and a.get("rel") == "canonical":
            self.meta["canonical"] = a.get("href", "")


def head_of(response) -> dict[str, str]:
    assert response.status_code == 200
    parser = Head()
    parser.feed(response.content.decode())
    return parser.meta


def test_a_shared_release_link_carries_its_title_summary_and_address(client, warning):
    """A link to a release shared in a chat showed its title and nothing else: the page had no
    description and no Open Graph tags, so the card said nothing of what the warning was."""
    address = f"{settings.SITE_URL}/public/releases/{warning.id}/"
    meta = head_of(client.get(f"/public/releases/{warning.id}/", {"from": "timeline"}))
    assert meta["og:title"] == "关于谨慎办理预付卡的消费提示"
    assert meta["og:type"] == "article"
    assert meta["og:url"] == meta["canonical"] == address  # without what the app appended
    assert meta["og:site_name"] == "Wuqing District consumer protection"
    summary = meta["description"]
    assert summary == meta["og:description"]
    assert summary.startswith("近期我区健身、美容行业预付卡投诉有所上升。")
    assert 60 <= len(summary) <= 121 and "\n" not in summary
    assert meta["article:published_time"].startswith("2026-11-20T09:00:00")
    image = meta["og:image"]
    assert image.startswith(f"{settings.SITE_URL}/static/") and image.endswith(".png")
    assert Path(settings.BASE_DIR, "static", image.split("/static/", 1)[1]).is_file()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/public/", "Consumer warnings, typical cases"),
        ("/public/violators/", "Businesses exposed"),
    ],
)
def test_the_lists_describe_themselves_when_shared(client, warning, url, words):
    meta = head_of(client.get(url, {"page": "1"}))
    assert words in meta["description"] and meta["og:description"] == meta["description"]
    assert meta["og:type"] == "website"
    assert meta["og:url"] == f"{settings.SITE_URL}{url}"
    assert meta["og:title"] and meta["og:image"].endswith(".png")


def test_a_release_says_who_issued_it_and_when_it_was_published(client, warning):
    """The line under a release's title read "Consumer warning · Issued by Market Regulation
    Bureau · 2026-11-20": a date with nothing to say what it was, and nothing of who had
    published the release."""
    page = client.get(f"/public/releases/{warning.id}/").content.decode()
    assert "Issuing unit: Market Regulation Bureau" in page
    assert 'Published: <time datetime="2026-11-20">2026-11-20</time>' in page
    assert (
        "Provided by Market Regulation Bureau, reviewed and published by the Wuqing District "
        "Consumer Protection Coordination Group Office." in page
    )


def test_a_correction_note_ends_its_sentence_in_the_readers_language(
    client, mr_staff, mr_liaison, office_staff
):
    """In Chinese the note over a correction ended the original's title with an English
    full stop: "本信息为以下发布的更正：2026年第四季度失信违法主体名单. 更正……"."""
    original = published(mr_staff, mr_liaison, office_staff, entries=[entry(code=CODE_A)])
    with time_machine.travel(at(2026, 11, 26), tick=False):
        correction = services.release_correct(
            release_id=original.id,
            acting_user=office_staff,
            reason="第二家企业名称有误，予以更正。",
            title="更正：2026年第四季度失信违法主体名单",
            body=original.body,
            entries=[entry(code=CODE_B)],
        )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/public/releases/{correction.id}/").content.decode()
    note = page.split('id="corrects-note"', 1)[1].split("</div>", 1)[0]
    sentence = strip_tags(note)
    assert "的更正。" in sentence and "." not in sentence


@pytest.mark.parametrize("page", ["release", "violators"])
def test_the_pages_a_citizen_reads_say_whom_to_call(client, warning, page):
    """The only hint of what to do was "Hotline 12345 / 12315" in small grey type at the foot
    of the page: not which number is for what, and not a link a phone could call."""
    url = f"/public/releases/{warning.id}/" if page == "release" else "/public/violators/"
    html = client.get(url).content.decode()
    box = html.split('id="whom-to-call"', 1)[1].split("</aside>", 1)[0]
    assert 'href="tel:12315"' in box and 'href="tel:12345"' in box
    assert "consumer complaints and reports" in box and "government service hotline" in box


def test_every_public_page_says_who_publishes_it(client, warning):
    for url in ("/public/", "/public/violators/", f"/public/releases/{warning.id}/"):
        footer = client.get(url).content.decode().split('<footer class="portal-footer', 1)[1]
        assert "published by the Wuqing District Consumer Protection Coordination" in footer
        # The feeds, no longer in the menu, are still offered.
        assert 'href="/public/feed.atom"' in footer and 'href="/public/feed.rss"' in footer


def test_each_exposed_business_links_to_the_release_that_listed_it(
    client, mr_staff, mr_liaison, office_staff
):
    """On the violators list a citizen saw a business, its violation and penalty, but no way
    to the release that exposed it: its full text, its corrections, who published it."""
    listing = published(
        mr_staff,
        mr_liaison,
        office_staff,
        title="2026年第四季度失信违法主体名单",
        entries=[entry(code=CODE_A, exposure_until="2099-12-31")],
    )
    with time_machine.travel(at(2026, 11, 29), tick=False):
        page = client.get("/public/violators/").content.decode()
    row = page.split(f'data-code="{CODE_A}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/public/releases/{listing.id}/"' in row
    assert "2026年第四季度失信违法主体名单" in row
