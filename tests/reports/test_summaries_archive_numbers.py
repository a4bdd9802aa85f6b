"""The year's summaries archive numbered each unit's folder by the unit's sort order, which
nothing the office reads shows: a unit moved in the list (sort order 40) got folder "40-",
and the register had no 序号 to find it by. The register now numbers its rows (序号), and
each folder carries its unit's row number."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import time_machine
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from complaints.deadlines import BEIJING
from departments.models import Unit
from reports import services
from tests.factories import unit


def submitted(person, code: str) -> None:
    with time_machine.travel(datetime(2026, 11, 16, 9, tzinfo=BEIJING), tick=False):
        summary = services.summary_start(unit=unit(code), year=2026, acting_user=person)
        services.summary_save(summary_id=summary.id, acting_user=person, text="全年工作总结。")
        services.summary_submit(summary_id=summary.id, acting_user=person)


def test_each_folder_carries_its_units_row_number_in_the_register(
    client, office_staff, mr_liaison, housing_head, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    Unit.objects.filter(code="market-regulation").update(sort_order=40)
    submitted(mr_liaison, "market-regulation")
    submitted(housing_head, "housing")
    client.force_login(office_staff)
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        register = client.get(reverse("annual_summaries_register", args=[2026]))
        answer = client.get(reverse("annual_summaries_archive", args=[2026]))
    sheet = load_workbook(io.BytesIO(b"".join(register.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "单位")
    number_of = {name: number for number, name, *_ in rows[1:]}
    assert [number for number, *_ in rows[1:]] == list(range(1, len(rows)))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(answer.streaming_content)))
    folders = {name.split("/")[0] for name in archive.namelist()}
    assert folders == {
        f"{number_of['区市场监管局']:02d}-区市场监管局",
        f"{number_of['区住房建设委']:02d}-区住房建设委",
    }
    assert number_of["区市场监管局"] != 40
