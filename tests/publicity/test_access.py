"""Who may see and do what with releases: every URL, every persona. Staff pages need a login
(anonymous visitors are sent to it); public pages need none and show only what was published;
"not yours" and "missing" both answer 404."""

import pytest
import time_machine

from publicity import services
from publicity.choices import ReleaseKind, ReleaseStatus
from publicity.models import Release
from tests.factories import UserFactory, unit

from .conftest import CODE_B, at, entry, published

ALL_STAFF = {
    "mr_staff",
    "mr_liaison",
    "mr_head",
    "housing_staff",
    "housing_head",
    "office_staff",
    "office_director",
    "leader",
    "sysadmin",
}
ALL_UNITS = {"office_staff", "office_director", "leader", "sysadmin"}
MARKET_REGULATION = {"mr_staff", "mr_liaison", "mr_head"}
UNIT_WRITERS = MARKET_REGULATION | {"housing_staff", "housing_head"}
OFFICE = {"office_staff", "office_director"}
EVERYONE = {"anonymous", *ALL_STAFF}


@pytest.fixture
def releases(db):
    """One release of the Market Regulation Bureau in each state."""
    from departments.choices import RoleCode

    writer = UserFactory(
        username="mr_w", unit=unit("market-regulation"), roles=[RoleCode.UNIT_HEAD]
    )
    office = UserFactory(username="off_w", unit=unit("office"), roles=[RoleCode.OFFICE_STAFF])
    out = {"published": published(writer, writer, office)}
    with time_machine.travel(at(2026, 11, 22), tick=False):

        def new(title):
            return services.release_create(
                acting_user=writer, kind=ReleaseKind.WARNING, title=title, body="提醒消费者。"
            )

        out["draft"] = new("草稿")
        out["submitted"] = new("已提交")
        services.release_submit(release_id=out["submitted"].id, acting_user=writer)
        out["returned"] = new("已退回")
        services.release_submit(release_id=out["returned"].id, acting_user=writer)
        services.release_return(release_id=out["returned"].id, acting_user=office, comment="改")
        out["approved"] = new("已同意")
        services.release_submit(release_id=out["approved"].id, acting_user=writer)
        services.release_approve(
            release_id=out["approved"].id, acting_user=office, opinion_note="可以发布"
        )
    return out


def _expected(persona, allowed, ok=200, denied=404, anonymous=302):
    if persona == "anonymous":
        return anonymous
    return ok if persona in allowed else denied


PAGES = [
    ("/releases/", ALL_STAFF),
    ("/releases/new/", UNIT_WRITERS),
    ("/releases/{draft}/", MARKET_REGULATION | ALL_UNITS),
    ("/releases/{submitted}/", MARKET_REGULATION | ALL_UNITS),
    ("/releases/{returned}/", MARKET_REGULATION | ALL_UNITS),
    ("/releases/{approved}/", MARKET_REGULATION | ALL_UNITS),
    ("/releases/{published}/", ALL_STAFF),
    ("/releases/{published}/correct/", OFFICE),
    ("/releases/{draft}/correct/", set()),
    ("/releases/999999/", set()),
]


@pytest.mark.parametrize("persona", sorted(EVERYONE))
@pytest.mark.parametrize(("url", "allowed"), PAGES)
def test_staff_pages_access_matrix(persona_client, releases, persona, url, allowed):
    ids = {name: r.id for name, r in releases.items()}
    response = persona_client(persona).get(url.format(**ids))
    assert response.status_code == _expected(persona, allowed), f"{persona} GET {url}"


PUBLIC_PAGES = [
    ("/public/", 200),
    ("/public/?q=失信&page=2", 200),
    ("/public/violators/", 200),
    ("/public/violators/?q=" + CODE_B, 200),
    ("/public/feed.atom", 200),
    ("/public/feed.rss", 200),
    ("/public/releases/{published}/", 200),
    ("/public/releases/{draft}/", 404),
    ("/public/releases/{submitted}/", 404),
    ("/public/releases/{returned}/", 404),
    ("/public/releases/{approved}/", 404),
    ("/public/releases/999999/", 404),
]


@pytest.mark.parametrize("persona", sorted(EVERYONE))
@pytest.mark.parametrize(("url", "status"), PUBLIC_PAGES)
def test_public_pages_access_matrix(persona_client, releases, persona, url, status):
    """The same answer for everyone, signed in or not: staff rights do not reach the public
    pages, which show only what was published."""
    ids = {name: r.id for name, r in releases.items()}
    response = persona_client(persona).get(url.format(**ids))
    assert response.status_code == status, f"{persona} GET {url}"


ACTIONS = [
    # (url, form data, who may, the status it must have afterwards when allowed)
    ("/releases/{draft}/", {"title": "改过的草稿", "body": "改过"}, MARKET_REGULATION, None),
    ("/releases/{submitted}/act/approve/", {"opinion_note": "平稳"}, OFFICE, "approved"),
    ("/releases/{submitted}/act/return/", {"comment": "请修改"}, OFFICE, "returned"),
    ("/releases/{approved}/act/publish/", {}, OFFICE, "published"),
    # The office may review, but not a published release: the page again, refused (400).
    ("/releases/{published}/act/approve/", {"opinion_note": "x"}, OFFICE, "published"),
    ("/releases/{submitted}/act/delete/", {}, set(), None),
]
REFUSED = {"/releases/{published}/act/approve/"}


@pytest.mark.parametrize("persona", sorted(EVERYONE))
@pytest.mark.parametrize(("url", "data", "allowed", "after"), ACTIONS)
def test_staff_actions_access_matrix(persona_client, releases, persona, url, data, allowed, after):
    ids = {name: r.id for name, r in releases.items()}
    name = url.split("{")[1].split("}")[0]
    before = Release.objects.get(id=ids[name])
    response = persona_client(persona).post(url.format(**ids), {**data, "version": before.version})
    expected = _expected(persona, allowed, ok=400 if url in REFUSED else 302)
    # Another unit's draft is invisible; a visible release they may not act on is 404 too.
    assert response.status_code == expected, f"{persona} POST {url}"
    current = Release.objects.get(id=ids[name])
    if expected in (302, 400) and persona != "anonymous":
        if after:
            assert current.status == after
        else:
            assert current.title == "改过的草稿"
    else:
        assert (current.status, current.title, current.version) == (
            before.status,
            before.title,
            before.version,
        )


@pytest.mark.parametrize("persona", sorted(EVERYONE))
def test_only_the_office_publishes_a_correction(persona_client, releases, persona):
    original = releases["published"]
    data = {
        "reason": "名称有误",
        "title": "更正：名单",
        "body": "更正如下。",
        "entries-count": "1",
        **{f"entry-0-{k}": v for k, v in entry(name="更正后的名称有限公司").items()},
    }
    response = persona_client(persona).post(f"/releases/{original.id}/correct/", data)
    assert response.status_code == _expected(persona, OFFICE, ok=302)
    corrections = Release.objects.filter(corrects=original)
    assert corrections.exists() == (persona in OFFICE)
    if persona in OFFICE:
        assert corrections.get().status == ReleaseStatus.PUBLISHED
        assert corrections.get().entries.get().business_name == "更正后的名称有限公司"


@pytest.mark.parametrize(("persona", "status"), [("sysadmin", 200), ("mr_head", 302)])
def test_the_admin_shows_releases_read_only(persona_client, releases, persona, status):
    client = persona_client(persona)
    release = releases["published"]
    assert client.get("/admin/publicity/release/").status_code == status
    change = client.get(f"/admin/publicity/release/{release.id}/change/")
    assert change.status_code == status
    if status == 200:
        assert 'name="_save"' not in change.content.decode()
