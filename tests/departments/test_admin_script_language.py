"""The admin's scripts speak Chinese: every string Django's admin JavaScript asks the
catalogue for is translated in the catalogue the admin serves. Django 5.2's own Chinese
lacked the two-box chooser's newer strings, so the co-handling units of a routing rule, a
group's permissions and a person's groups read "Choose 协办单位 by selecting them and then
select the "Choose" arrow button.", "Choose all 协办单位", "Remove all 协办单位"."""

import json
import re
from pathlib import Path

import django.contrib.admin
from django.conf import settings

SCRIPTS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
# gettext('…') or gettext("…"), not ngettext or pgettext (a context and plural forms).
GETTEXT = re.compile(r"""(?<![np])gettext\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\)""")


def asked_for() -> set[str]:
    strings = set()
    for script in SCRIPTS.rglob("*.js"):
        if ".min." in script.name or "vendor" in script.parts:
            continue
        for single, double in GETTEXT.findall(script.read_text(encoding="utf-8")):
            strings.add(re.sub(r"\\(.)", r"\1", single or double))
    return strings


def served_catalogue(client, person, language: str) -> dict:
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    script = client.get("/admin/jsi18n/")
    assert script.status_code == 200
    catalogue = re.search(r"const newcatalog = (\{.*?\});", script.content.decode(), re.S)
    # Without a translation (English), Django leaves the catalogue out of the script.
    return json.loads(catalogue.group(1)) if catalogue else {}


def test_every_string_of_the_admins_scripts_is_in_chinese(client, office_staff):
    strings = asked_for()
    assert 'Choose %s by selecting them and then select the "Choose" arrow button.' in strings
    assert len(strings) > 30
    catalogue = served_catalogue(client, office_staff, "zh-hans")
    missing = sorted(s for s in strings if not catalogue.get(s))
    assert missing == []
    assert catalogue["Choose all %s"] == "全选%s"


def test_english_readers_get_the_scripts_own_words(client, office_staff):
    catalogue = served_catalogue(client, office_staff, "en")
    assert "Choose all %s" not in catalogue
