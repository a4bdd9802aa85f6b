"""A submitted quarterly report read on a 375px phone in English: its sampling table (block
1) kept four columns side by side, so "Failed batches dealt with" and its figures stood past
the card's right edge, cut off at the screen's. Each line is now a block of its own on a
phone, its product category first and each figure on a line under its column's name, as the
publicity items already are; a desktop keeps the table."""

from __future__ import annotations

import pytest

from departments.choices import RoleCode
from tests.browser_kit import BROWSER_MARKS, signed_in
from tests.factories import UserFactory, unit

pytestmark = BROWSER_MARKS


PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

SHAPE = """() => {
  const table = document.querySelector("#sampling-table");
  const card = table.closest(".card-body").getBoundingClientRect();
  const out = [...table.querySelectorAll("tbody th, tbody td")]
    .filter((c) => c.getBoundingClientRect().width > 0)
    .filter((c) => c.getBoundingClientRect().right > card.right + 1)
    .map((c) => c.innerText.trim());
  const labels = [...table.querySelectorAll("tbody td")].map((c) => c.dataset.label || "");
  return { out, labels, display: getComputedStyle(table.querySelector("tbody tr")).display };
}"""


def reader():
    return UserFactory.create(
        username="mr_reader", unit=unit("market-regulation"), roles=[RoleCode.UNIT_LIAISON]
    )


@pytest.fixture
def draft(transactional_db):
    """A report being written, its sampling lines a form."""
    from reports import services

    return services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=reader()
    )


@pytest.fixture
def report(transactional_db):
    """A report its liaison submitted."""
    from reports import services

    liaison = reader()
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=liaison
    )
    services.report_save(
        report_id=report.id,
        acting_user=liaison,
        values={"situation": "本季度投诉平稳。"},
        sampling=[
            {"product_category": "food", "sampled": 40, "failed": 3, "failed_handled": 3},
            {
                "product_category": "household_appliances",
                "sampled": 12,
                "failed": 1,
                "failed_handled": 0,
            },
        ],
        publicity=[],
    )
    return services.report_submit(report_id=report.id, acting_user=liaison)


def open_report(browser, live_server, report, **context):
    address = f"/reports/{report.id}/"
    return signed_in(browser, live_server, "mr_reader", at=address, language="en", **context)


def test_the_sampling_table_fits_a_phone_each_figure_named(browser, report, live_server):
    page = open_report(browser, live_server, report, **PHONE)
    seen = page.evaluate(SHAPE)
    assert seen["out"] == [], f"past the card's edge: {seen['out']}"
    assert (
        seen["labels"]
        == [
            "Batches sampled",
            "Batches failed",
            "Failed batches dealt with",
        ]
        * 2
    )
    page.context.close()

    desk = open_report(browser, live_server, report, viewport={"width": 1280, "height": 800})
    assert desk.evaluate(SHAPE)["display"] == "table-row"
    desk.context.close()


# Each field of the form's sampling table: whether it lies within the card, and its label.
FIELDS = """() => {
  const table = document.querySelector("#sampling-table");
  const card = table.closest(".card-body").getBoundingClientRect();
  return [...table.querySelectorAll("tbody input")].slice(0, 3).map((input) => {
    const box = input.getBoundingClientRect();
    return {
      inside: box.left >= card.left - 1 && box.right <= card.right + 1,
      label: input.closest("td").dataset.label || "",
    };
  });
}"""


def test_the_sampling_form_of_a_report_being_written_fits_a_phone(browser, draft, live_server):
    """Being written, the same table held an input a cell: its fourth column, "Failed
    batches dealt with", was cut off at the card's edge, heading and inputs half shown."""
    page = open_report(browser, live_server, draft, **PHONE)
    assert page.evaluate(FIELDS) == [
        {"inside": True, "label": "Batches sampled"},
        {"inside": True, "label": "Batches failed"},
        {"inside": True, "label": "Failed batches dealt with"},
    ]
    page.context.close()


# How far below the top of its stacked cell each field starts: 0 when it stands beside its
# column's name, the name's height when the name takes a line of its own above it.
DROPS = """(selector) => [...document.querySelectorAll(selector + " tbody td[data-label]")]
  .filter((td) => td.querySelector("input:not([type=checkbox]), select"))
  .slice(0, 6)
  .map((td) => {
    const field = td.querySelector("input:not([type=checkbox]), select");
    const top = td.getBoundingClientRect().top + parseFloat(getComputedStyle(td).paddingTop);
    return [td.dataset.label, Math.round(field.getBoundingClientRect().top - top)];
  })"""


def test_a_fields_name_stands_beside_it_not_a_line_above(browser, draft, live_server):
    """Stacked on a phone, a field's column name took a line of its own and the field the
    next, to the right: "Batches failed" stood halfway between two boxes, as near the one
    above (another measure) as its own below. It now stands beside its field."""
    page = open_report(browser, live_server, draft, **PHONE)
    for table in ("#sampling-table", "#publicity-table"):
        drops = page.evaluate(DROPS, table)
        assert drops, table
        assert all(drop <= 4 for _label, drop in drops), f"{table}: {drops}"
    page.context.close()
