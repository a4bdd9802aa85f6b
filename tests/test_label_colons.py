"""A label on a page ends with the reader's colon: "办公室意见：" in Chinese (full width, no
space after it), "The office's comments: " in English. A template writes it with
`{% colon %}` (wuqing_consumer/templatetags/written.py); a bare ":" after a translated label
gave Chinese pages "办公室意见:" and "协办: 区市场监管局". This scans every template."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# What a person reads as a label: a translated word, a translated sentence's end, a choice's
# label or a field's, then maybe tags around it or an {% if %} before what follows.
LABEL_END = (
    r"(?:{%\s*(?:translate|trans|endblocktranslate|endblocktrans)\b[^%]*%}"
    r"|{{[^}]*(?:_display|label|\|capfirst)\s*}}"
    r"|{{\s*item\.proposed_by\s*}})"
)
BARE_COLON = re.compile(LABEL_END + r"(?:\s*</?[A-Za-z][^>]*>|\s*{%\s*if\b[^%]*%})*\s*:(?![:/\d])")
# Text inside a translated sentence is the catalogue's; scripts and styles are not read.
SKIPPED = re.compile(
    r"({%\s*blocktrans(?:late)?\b[^%]*%}).*?({%\s*endblocktrans(?:late)?\s*%})"
    r"|<script\b.*?</script>|<style\b.*?</style>|{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}",
    re.S,
)


def _readable(text: str) -> str:
    return SKIPPED.sub(lambda m: f"{m[1]}…{m[2]}" if m[1] else "", text)


def bare_colons(text: str) -> list[str]:
    return [m[0] for m in BARE_COLON.finditer(_readable(text))]


def test_no_template_puts_an_ascii_colon_after_a_label():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "admin":
            continue
        found += [f"{path.relative_to(TEMPLATES)}: {hit}" for hit in bare_colons(path.read_text())]
    assert not found, "\n".join(found)


def test_the_scan_sees_a_bare_colon_and_lets_the_others_be():
    assert bare_colons('{% translate "Co-handling" %}: {{ units }}')
    assert bare_colons('<strong>{% translate "The office\'s comments" %}</strong>:')
    assert bare_colons("{% endblocktranslate %}: {{ reason }}")
    assert bare_colons("{{ c.label }}: <a>")
    assert bare_colons("{{ e.get_kind_display }}{% if e.note %}: {{ e.note }}{% endif %}")
    assert not bare_colons('{% translate "Co-handling" %}{% colon %}{{ units }}')
    assert not bare_colons("{% blocktranslate %}{{ unit }}: report{% endblocktranslate %}")
    assert not bare_colons('{% translate "at" %} 10:30')
    assert not bare_colons('<script>let a = {% translate "x" %}: 1</script>')


# -- as a page reads ---------------------------------------------------------------------------


def _page(client, user, url: str, language: str) -> str:
    from django.conf import settings

    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(url).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _chinese_label_then_ascii_colon(text: str) -> list[str]:
    return re.findall(r"[\u4e00-\u9fff]{1,12}: ?\S{0,12}", text)


@pytest.fixture
def returned_report(db, mr_liaison, office_staff):
    from reports import services
    from tests.factories import unit

    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        report = services.report_start(
            unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
        )
        services.report_save(
            report_id=report.id,
            acting_user=mr_liaison,
            values={"situation": "本季度投诉平稳。"},
            sampling=[],
            publicity=[],
        )
        services.report_submit(report_id=report.id, acting_user=mr_liaison)
        services.report_return(
            report_id=report.id, acting_user=office_staff, comment="罚没款数字请核实。"
        )
    return report


def test_the_returned_reports_comments_read_with_the_readers_colon(
    client, mr_liaison, returned_report
):
    url = reverse("unit_report", args=[returned_report.id])
    chinese = _page(client, mr_liaison, url, "zh-hans")
    assert "协调办意见：罚没款数字请核实。" in chinese
    assert not _chinese_label_then_ascii_colon(chinese)
    english = _page(client, mr_liaison, url, "en")
    assert "The office's comments: 罚没款数字请核实。" in english.replace("&#x27;", "'")


def test_an_orders_units_read_with_the_readers_colon(client, office_staff):
    from tests.factories import make_order

    order = make_order(office_staff, co_unit_codes=["commerce"])
    url = reverse("order_detail", args=[order.number])
    chinese = _page(client, office_staff, url, "zh-hans")
    assert "主办单位：区市场监管局" in chinese
    assert "协办：区商务局" in chinese
    assert not _chinese_label_then_ascii_colon(chinese)
    english = _page(client, office_staff, url, "en")
    assert "Primary unit: Market Regulation Bureau" in english
    assert "Co-handling: Commerce Bureau" in english


# -- text built in Python ----------------------------------------------------------------------


def test_a_sampling_lines_wrong_number_is_named_with_the_readers_colon(mr_staff):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from reports import services
    from tests.factories import unit

    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=ZoneInfo("Asia/Shanghai"))):
        report = services.report_start(
            unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_staff
        )
        for language, expected in [
            ("zh-hans", "食品：抽检批次不能为负数。"),
            ("en", "Food: batches sampled cannot be negative."),
        ]:
            with translation.override(language), pytest.raises(ValidationError) as caught:
                services.report_save(
                    report_id=report.id,
                    acting_user=mr_staff,
                    values={},
                    sampling=[{"product_category": "food", "sampled": -1}],
                    publicity=[],
                )
            assert expected in caught.value.message_dict["sampling"]


def test_the_plans_archive_labels_its_lines_with_the_readers_colon(
    client, settings, tmp_path, mr_liaison, office_staff
):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports import plan_services
    from tests.factories import unit

    settings.MEDIA_ROOT = tmp_path
    document = SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with time_machine.travel(datetime(2026, 3, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        plan = plan_services.plan_start(
            unit=unit("market-regulation"), year=2026, acting_user=mr_liaison
        )
        plan_services.plan_save(plan_id=plan.id, acting_user=mr_liaison, title="方案", note="要点")
        plan_services.plan_attach(plan_id=plan.id, acting_user=mr_liaison, uploads=[document])
        plan_services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    client.force_login(office_staff)
    texts = {}
    for language in ("zh-hans", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse("plans_archive", args=[2026]))
        archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
        (name,) = [n for n in archive.namelist() if n.endswith(".txt")]
        texts[language] = archive.read(name).decode()
    assert "状态：已报送待审核\n报送时间：2026-03-10 09:00" in texts["zh-hans"]
    assert "Status: Filed\nFiled at: 2026-03-10 09:00" in texts["en"]
