"""The public pages: search, the violators list, feeds, corrections; and nothing that was
not published (drafts, the office's assessment, comments, staff names) ever shows."""

import re
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.conf import settings

from departments.models import Unit
from publicity import services
from publicity.choices import ReleaseKind

from .conftest import CODE_A, CODE_B, CODE_C, at, entry, published

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def lists(mr_staff, mr_liaison, office_staff):
    old = published(
        mr_staff,
        mr_liaison,
        office_staff,
        title="早期名单",
        entries=[entry(name="过期公示商行", code=CODE_C, exposure_until="2026-11-15")],
    )
    current = published(
        mr_staff,
        mr_liaison,
        office_staff,
        title="2026年第四季度失信违法主体名单",
        entries=[
            entry(name="武清区某某商贸有限公司", code=CODE_A),
            entry(name="武清区好味道餐饮店", code=CODE_B, violation="使用过期原料"),
        ],
    )
    warning = published(
        mr_staff,
        mr_liaison,
        office_staff,
        kind=ReleaseKind.WARNING,
        title="关于预付卡消费的风险提示",
        body="谨慎办理大额预付卡。",
        entries=[],
    )
    draft = services.release_create(
        acting_user=mr_staff,
        kind=ReleaseKind.VIOLATORS,
        title="尚未发布的名单",
        body="草稿",
        entries=[entry(name="草稿里的企业", code="91350100M000100Y43")],
    )
    return {"old": old, "current": current, "warning": warning, "draft": draft}


def text(response) -> str:
    return response.content.decode()


def test_the_violators_list_shows_published_unexpired_entries_and_searches(client, lists):
    with time_machine.travel(at(2026, 11, 29), tick=False):
        page = text(client.get("/public/violators/"))
        assert "武清区某某商贸有限公司" in page and "武清区好味道餐饮店" in page
        assert "过期公示商行" not in page  # exposure ended on 15 November
        assert "草稿里的企业" not in page  # never published
        by_name = text(client.get("/public/violators/", {"q": "好味道"}))
        assert "武清区好味道餐饮店" in by_name and "武清区某某商贸有限公司" not in by_name
        by_code = text(client.get("/public/violators/", {"q": CODE_A.lower()}))
        assert "武清区某某商贸有限公司" in by_code and "好味道" not in by_code
        assert f"No exposed violator matches “{CODE_C}”." in text(
            client.get("/public/violators/", {"q": CODE_C})
        )
    with time_machine.travel(at(2026, 11, 10), tick=False):
        assert "过期公示商行" in text(client.get("/public/violators/"))


def test_the_index_lists_published_releases_and_searches_title_and_text(client, lists):
    page = text(client.get("/public/"))
    for title in ("早期名单", "2026年第四季度失信违法主体名单", "关于预付卡消费的风险提示"):
        assert title in page
    assert "尚未发布的名单" not in page
    found = text(client.get("/public/", {"q": "大额预付卡"}))  # in the text only
    assert "关于预付卡消费的风险提示" in found and "早期名单" not in found
    assert "No published release matches" in text(client.get("/public/", {"q": "尚未发布"}))
    only_warnings = text(client.get("/public/", {"kind": "warning"}))
    assert "关于预付卡消费的风险提示" in only_warnings and "早期名单" not in only_warnings


def test_the_public_pages_show_no_staff_only_field(client, lists, mr_staff):
    current = lists["current"]
    for url in ("/public/", f"/public/releases/{current.id}/", "/public/violators/"):
        page = text(client.get(url))
        assert "舆情风险低" not in page  # the office's public-opinion assessment
        assert mr_staff.name not in page and "office1" not in page
        assert "/releases/" not in page.replace("/public/releases/", "")  # no staff links
        assert 'id="user-menu"' not in page and "portal-sidebar" not in page


def test_the_public_pages_are_chinese_by_default(client, lists):
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    page = text(client.get("/public/violators/"))
    # The page's own strings are translated when the catalogue is merged; the shared ones are.
    assert "武清区消费者权益保护工作协调小组办公室" in page
    assert 'lang="zh-hans"' in page
    assert 'id="language-switch"' in page


def test_the_public_pages_name_the_issuing_unit_in_the_readers_language(client, lists):
    current = lists["current"]
    urls = ("/public/", f"/public/releases/{current.id}/", "/public/violators/")
    with time_machine.travel(at(2026, 11, 29), tick=False):
        for url in urls:
            page = text(client.get(url))
            assert "Market Regulation Bureau" in page and "区市场监管局" not in page
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        for url in urls:
            page = text(client.get(url))
            assert "区市场监管局" in page and "Market Regulation Bureau" not in page


def test_a_corrected_release_links_to_its_correction_and_the_list_shows_the_new_entries(
    client, lists, office_staff
):
    current = lists["current"]
    with time_machine.travel(at(2026, 11, 26), tick=False):
        correction = services.release_correct(
            release_id=current.id,
            acting_user=office_staff,
            reason="第二家企业名称有误，予以更正。",
            title="更正：2026年第四季度失信违法主体名单",
            body=current.body,
            entries=[
                entry(name="武清区某某商贸有限公司", code=CODE_A),
                entry(name="武清区好滋味餐饮店", code=CODE_B),
            ],
        )
    with time_machine.travel(at(2026, 11, 29), tick=False):
        original = text(client.get(f"/public/releases/{current.id}/"))
        assert "has been corrected by" in original
        assert f"/public/releases/{correction.id}/" in original
        assert "2026年第四季度失信违法主体名单" in original  # kept as it was
        index = text(client.get("/public/"))
        assert index.count('data-corrected="1"') == 1
        fixed = text(client.get(f"/public/releases/{correction.id}/"))
        assert "This is a correction of" in fixed and "第二家企业名称有误" in fixed
        listing = text(client.get("/public/violators/"))
        assert "武清区好滋味餐饮店" in listing and "武清区好味道餐饮店" not in listing
        assert listing.count(f'data-code="{CODE_A}"') == 1


def test_an_expired_entry_is_not_shown_on_its_release_page(client, lists):
    with time_machine.travel(at(2026, 11, 29), tick=False):
        page = text(client.get(f"/public/releases/{lists['old'].id}/"))
    assert "过期公示商行" not in page
    assert "1 entry is not shown" in page


def test_the_atom_feed_lists_published_releases(client, lists):
    response = client.get("/public/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(titles) == 3
    assert "【Consumer warning】关于预付卡消费的风险提示" in titles
    assert not any("尚未发布" in t for t in titles)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.startswith(f"{settings.SITE_URL}/public/releases/")
    market = Unit.objects.get(code="market-regulation")
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == market.name_en
    assert "舆情" not in response.content.decode()


def test_the_feed_names_the_issuing_unit_in_the_readers_language(client, lists):
    """The English feed named the issuing unit in Chinese among English titles and kinds."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    root = ET.fromstring(client.get("/public/feed.atom").content)
    author = root.find(f"{ATOM}entry").find(f"{ATOM}author/{ATOM}name").text
    assert author == Unit.objects.get(code="market-regulation").name


def test_the_rss_feed_lists_published_releases(client, lists):
    response = client.get("/public/feed.rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.find("title").text for item in channel.findall("item")]
    assert len(titles) == 3 and "【List of dishonest violators】早期名单" in titles
    descriptions = [item.find("description").text for item in channel.findall("item")]
    assert "谨慎办理大额预付卡。" in descriptions


def test_the_feeds_carry_the_body_as_text_not_markup(client, mr_staff, mr_liaison, office_staff):
    published(
        mr_staff,
        mr_liaison,
        office_staff,
        kind=ReleaseKind.WARNING,
        entries=[],
        title="提示",
        body='谨慎消费<script>alert("x")</script>',
    )
    raw = client.get("/public/feed.rss").content.decode()
    description = ET.fromstring(raw).find("channel/item/description").text
    assert description == "谨慎消费&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.mark.parametrize("url", ["/public/feed.atom", "/public/feed.rss"])
def test_a_control_character_in_a_release_does_not_take_the_feeds_down(
    client, mr_staff, mr_liaison, office_staff, url
):
    """A release whose title or text held a control character (typed or pasted into the
    form; nothing refused it) made both feeds a 500 for every reader once published: XML
    1.0 cannot carry it, and Django's feed writer refuses it. It is left out; the rest of
    the text is kept."""
    published(
        mr_staff,
        mr_liaison,
        office_staff,
        kind=ReleaseKind.WARNING,
        entries=[],
        title="预付卡\x01提示",
        body="谨慎\x1b办理\x0b预付卡。",
    )

    response = client.get(url)

    assert response.status_code == 200
    raw = response.content.decode()
    assert "预付卡提示" in raw and "谨慎办理预付卡。" in raw


def test_the_feeds_link_to_the_public_address_whatever_address_they_were_fetched_from(
    client, lists, settings
):
    """A reader that fetched the feed through another address the portal answers to (an
    intranet name, plain HTTP behind the proxy) got links to that address, and ids that
    changed with it, so readers showed each release twice. Links and ids use SITE_URL."""
    settings.SITE_URL = "https://xf.wuqing.example.cn"
    settings.ALLOWED_HOSTS = ["intranet.local", "testserver"]
    current = lists["current"]
    expected = f"https://xf.wuqing.example.cn/public/releases/{current.id}/"
    atom = ET.fromstring(client.get("/public/feed.atom", HTTP_HOST="intranet.local").content)
    assert atom.find(f"{ATOM}id").text == "https://xf.wuqing.example.cn/public/"
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://xf.wuqing.example.cn/public/",
        "self": "https://xf.wuqing.example.cn/public/feed.atom",
    }
    entry_ids = [e.find(f"{ATOM}id").text for e in atom.findall(f"{ATOM}entry")]
    assert expected in entry_ids
    assert all(e.find(f"{ATOM}link").get("href") in entry_ids for e in atom.findall(f"{ATOM}entry"))
    channel = ET.fromstring(client.get("/public/feed.rss").content).find("channel")
    assert channel.find("link").text == "https://xf.wuqing.example.cn/public/"
    assert expected in [item.find("guid").text for item in channel.findall("item")]
    assert expected in [item.find("link").text for item in channel.findall("item")]


@pytest.mark.parametrize("url", ["/public/feed.atom", "/public/feed.rss"])
def test_a_cache_does_not_give_one_readers_feed_language_to_another(client, lists, url):
    """The feed follows the language cookie (its titles, kinds and xml:lang) and says when it
    last changed, so a proxy may keep it; it did not say it varies by cookie, so a proxy could
    hand the English feed that one person opened to every Chinese reader after."""
    english = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(url)
    assert english.content != chinese.content
    for response in (english, chinese):
        assert "cookie" in {v.strip().lower() for v in response["Vary"].split(",")}


def test_a_credit_code_typed_full_width_or_in_groups_finds_the_violator(client, lists):
    """A phone's Chinese input method in full-width mode types ９１１２…; people copy a code
    printed in groups of four. Either found nothing, though staff enter codes the same ways
    (full-width is converted there). The search reads the code as staff entry does."""
    full_width = CODE_A.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    grouped = " ".join(CODE_A[i : i + 4] for i in range(0, 18, 4)).lower()
    with time_machine.travel(at(2026, 11, 29), tick=False):
        for q in (full_width, grouped, f" {CODE_A} "):
            page = text(client.get("/public/violators/", {"q": q}))
            assert f'data-code="{CODE_A}"' in page, q
            assert f'data-code="{CODE_B}"' not in page


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", ["/public/releases/999999/", "/public/no-such-page/"])
def test_a_citizen_who_follows_a_dead_public_link_stays_on_the_public_site(
    client, db, settings, debug, url
):
    """A citizen following an old or mistyped link to a release got the staff site's 404:
    "not one your unit may see", and "Back to the home page" led to the staff sign-in. The
    public site's own 404 says the release is not (or no longer) published and leads back
    to the public releases."""
    settings.DEBUG = debug
    response = client.get(url)
    assert response.status_code == 404
    page = text(response)
    assert 'class="public-site"' in page and 'id="nav-violators"' in page
    assert "your unit" not in page
    assert 'href="/public/" id="public-not-found-back"' in page
    assert '<div class="error-code">404</div>' in page


def test_the_public_menu_marks_the_page_the_citizen_is_on(client, lists):
    """Neither the eye nor a screen reader was told which of the public pages was open."""
    current = lists["current"]
    for url, marked, other in (
        ("/public/", "nav-releases", "nav-violators"),
        (f"/public/releases/{current.id}/", "nav-releases", "nav-violators"),
        ("/public/violators/", "nav-violators", "nav-releases"),
    ):
        page = text(client.get(url))
        assert 'class="nav-link active" aria-current="page" href' in page.split(marked)[0][-80:]
        assert "aria-current" not in page.split(other)[0][-80:]


def test_a_keyboard_user_can_skip_the_public_sites_menu(client, lists):
    """The staff site's first link skips to the content; the public site's had none, so a
    keyboard or switch user went through the header and the menu on every page."""
    for url in ("/public/", f"/public/releases/{lists['current'].id}/", "/public/violators/"):
        page = text(client.get(url))
        body = page.split("<body", 1)[1]
        first_link = body.split("<a ", 1)[1]
        assert first_link.startswith('class="visually-hidden-focusable portal-skip-link"')
        assert 'href="#main"' in first_link.split(">", 1)[0]
        assert '<main class="container py-4" id="main"' in page


def test_on_a_phone_the_violators_labels_start_with_a_capital_in_english(client, lists):
    """Stacked on a phone, each value of the violators list is labelled from its column's
    name: in English "unified social credit code", "violation", ... in lower case, beside
    "Period of exposure", while the desktop headings start with a capital."""
    with time_machine.travel(at(2026, 11, 29), tick=False):
        page = text(client.get("/public/violators/"))
    labels = set(re.findall(r'data-label="([^"]+)"', page))
    assert labels and all(label[0].isupper() for label in labels), labels


def test_an_exposure_period_breaks_only_between_its_two_dates(client, lists, office_staff):
    """In its narrow column the exposure period was broken inside a date
    ("2026-11-01 – 2027-04-" / "30"), on the public pages and on the office's release page;
    each date is now kept whole."""
    whole = (
        '<span class="text-nowrap">2026-11-01</span> – <span class="text-nowrap">2027-04-30</span>'
    )
    release = lists["current"]
    with time_machine.travel(at(2026, 11, 29), tick=False):
        assert whole in text(client.get(f"/public/releases/{release.id}/"))
        assert whole in text(client.get("/public/violators/"))
        client.force_login(office_staff)
        assert whole in text(client.get(f"/releases/{release.id}/"))
