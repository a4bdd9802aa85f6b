"""Each kind of notification has its own icon in the list of notifications
(`departments.choices.NOTIFICATION_ICONS`, read through `Notification.icon`).

Before, the list's template named six categories and showed a bell for the other eleven
(disputes, leads, meetings, reports, ...), and drew "due soon" and "returned" in Bootstrap's
plain yellow, 1.6:1 on white: the icon carries the kind of news, so it needs 3:1 (WCAG
1.4.11). A category a service starts to send without an icon fails here."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from departments.choices import NOTIFICATION_ICON_DEFAULT, NOTIFICATION_ICONS
from departments.models import Notification
from tests.test_accessibility import _contrast

ROOT = Path(settings.BASE_DIR)
APPS = ("complaints", "departments", "meetings", "publicity", "reports", "wuqing_consumer")
VENDOR_CSS = ROOT / "static/vendor/bootstrap/bootstrap.min.css"
ICONS_CSS = ROOT / "static/vendor/bootstrap-icons/bootstrap-icons.min.css"
PORTAL_CSS = ROOT / "static/css/portal.css"
# The list's background, and an unread notification's (portal.css, .notification-unread).
WHITE, UNREAD = "#ffffff", "#f3f7ff"


def sent_categories() -> dict[str, str]:
    """Every category a service writes on a `Message`, with where: read from the source, so
    a new one counts as soon as it is written."""
    found: dict[str, str] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name != "Message":
                    continue
                for keyword in node.keywords:
                    if keyword.arg != "category":
                        continue
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    assert isinstance(keyword.value, ast.Constant), (
                        f"{where}: name the category as a literal, so this test sees it"
                    )
                    found.setdefault(keyword.value.value, where)
    return found


def test_every_category_the_services_send_has_an_icon():
    sent = sent_categories()
    assert len(sent) >= 15  # the reading of the source found the services' messages
    missing = {
        category: where for category, where in sent.items() if category not in NOTIFICATION_ICONS
    }
    assert missing == {}, "add these to departments.choices.NOTIFICATION_ICONS"
    # And no icon is kept for a category nothing sends any more.
    assert set(NOTIFICATION_ICONS) - set(sent) == set()


def test_each_category_has_an_icon_of_its_own():
    icons = [classes.split()[0] for classes in NOTIFICATION_ICONS.values()]
    assert len(set(icons)) == len(icons)
    assert NOTIFICATION_ICON_DEFAULT not in icons


@pytest.mark.parametrize("classes", [*NOTIFICATION_ICONS.values(), NOTIFICATION_ICON_DEFAULT])
def test_each_icon_is_in_the_vendored_icon_set(classes):
    icon = classes.split()[0]
    assert re.search(rf"\.{icon}::before\{{", ICONS_CSS.read_text()), icon


@cache
def _variables() -> dict[str, str]:
    """Bootstrap's colour variables of the light theme, with the portal's own over them."""
    bootstrap = VENDOR_CSS.read_text()
    light = re.search(r":root,\[data-bs-theme=light\]\{(.*?)\}", bootstrap).group(1)
    portal = re.search(r":root \{(.*?)\}", PORTAL_CSS.read_text(), flags=re.S).group(1)
    found = {}
    for block in (light, portal):
        for name, value in re.findall(r"(--bs-[a-z-]+)\s*:\s*([^;]+)", block):
            found[name] = value.strip()
    return found


def _colour(text_class: str) -> str:
    """The hex colour of a Bootstrap text class such as text-danger or text-warning-emphasis."""
    name = text_class.removeprefix("text-")
    if name.endswith("-emphasis"):
        return _variables()[f"--bs-{name.removesuffix('-emphasis')}-text-emphasis"]
    red, green, blue = (int(c) for c in _variables()[f"--bs-{name}-rgb"].split(","))
    return f"#{red:02x}{green:02x}{blue:02x}"


@pytest.mark.parametrize(
    "classes", [c for c in NOTIFICATION_ICONS.values() if " text-" in c], ids=str
)
def test_coloured_icons_can_be_made_out(classes):
    (text_class,) = [c for c in classes.split() if c.startswith("text-")]
    for background in (WHITE, UNREAD):
        assert _contrast(_colour(text_class), background) >= 3, (classes, background)


def test_plain_yellow_would_have_been_refused():
    assert _contrast(_colour("text-warning"), WHITE) < 3


def test_the_list_shows_each_notifications_icon(client, mr_staff):
    for key, category in (("a", "dispute"), ("b", "referral"), ("c", "no-such-kind")):
        Notification.objects.create(
            recipient=mr_staff, key=key, category=category, title=key, url="/orders/"
        )
    client.force_login(mr_staff)
    page = client.get(reverse("notification_list")).content.decode()
    shown = re.findall(r'<i class="bi ([^"]*) fs-5" aria-hidden="true"></i>', page)
    assert sorted(shown) == sorted(
        [NOTIFICATION_ICONS["dispute"], NOTIFICATION_ICONS["referral"], NOTIFICATION_ICON_DEFAULT]
    )
    assert Notification(category="overdue").icon == "bi-alarm text-danger"
