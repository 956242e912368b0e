"""Hospital flows in headless Chromium against the live demo server.

The hospital's HR officer (yiyuanrenshi) follows the home page to the transition dashboard
(staff still without a post, an identity pay gap to find), builds next month's performance
scheme — a revenue-linked indicator is refused citing the rule — imports the wards'
indicator figures from the downloaded template, allocates the pool and approves it.

The test finds what it needs by following links and reading pages (the demo seeder gives
the hospital this month's scheme, whose wards it reuses).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.ids import china_today

pytestmark = pytest.mark.e2e

HOSPITAL = "成都市武侯区人民医院"
HOSPITAL_NAME = re.compile(HOSPITAL)


def _next_month() -> str:
    today = china_today()
    following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return f"{following.year:04d}-{following.month:02d}"


def _fill(template, target, rows) -> None:
    workbook = load_workbook(template)
    sheet = workbook["绩效指标数据"]
    headers = {"".join(str(c.value or "").split()).strip("*"): c.column for c in sheet[1]}
    for offset, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=offset, column=headers[header], value=value)
    workbook.save(target)


def test_hr_builds_imports_allocates_and_approves_a_scheme(page, login, tmp_path, screenshot):
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "yiyuanrenshi")
    pending = page.locator("#hospitals-pending")
    expect(pending).to_contain_text("人未聘岗位")
    pending.get_by_role("link", name=HOSPITAL_NAME).click()

    # the transition dashboard: staff without a post, and the pay-gap figure
    expect(page.locator("h1")).to_have_text("身份管理转向岗位管理")
    expect(page.locator("#without-post")).to_contain_text("派遣工甲")
    screenshot(page, "hospitals-overview")
    page.locator("#hospitals-nav").get_by_role("link", name="同岗同酬").click()
    expect(page.locator("#gap-summary")).to_contain_text("身份差异")
    expect(page.locator("#gaps-table")).to_contain_text("合同医师甲")

    # this month's demo scheme tells which wards have staff
    page.locator("#hospitals-nav").get_by_role("link", name="岗位绩效").click()
    page.locator("#schemes-table a").first.click()
    wards = [
        text.strip()
        for text in page.locator("#figures-table tbody tr td:first-child").all_inner_texts()
    ]
    assert wards

    # a revenue-linked indicator is refused with the rule; then a lawful scheme
    page.locator("#hospitals-nav").get_by_role("link", name="岗位绩效").click()
    page.get_by_role("link", name="新建方案").click()
    period = _next_month()
    page.locator("input[name=period]").fill(period)
    page.locator("input[name=pool]").fill("50000")
    page.locator("textarea[name=indicators]").fill("DRG 点数 70\n药品收入 30")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("main")).to_contain_text("不得用于绩效分配")
    expect(page.locator("main")).to_contain_text("人社部发〔2017〕10号")
    page.locator("textarea[name=indicators]").fill("DRG 点数 70\n医院感染发生率 30")
    page.get_by_role("button", name="保存方案").click()
    expect(page.locator("h1")).to_contain_text(period)
    expect(page.locator("#scheme-status")).to_have_text("草稿")

    # the wards' figures, from the downloaded template
    page.get_by_role("link", name="导入指标数据").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    rows = []
    for n, ward in enumerate(wards):
        rows.append({"月份": period, "科室": ward, "指标": "DRG 点数", "数值": 500 + 100 * n})
        rows.append({"月份": period, "科室": ward, "指标": "医院感染发生率", "数值": 1.5})
    _fill(template, tmp_path / "figures.xlsx", rows)
    page.locator("input[type=file][name=file]").set_input_files(str(tmp_path / "figures.xlsx"))
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("#import-preview")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()

    # allocate and approve
    page.get_by_role("link", name=period).click()
    page.get_by_role("button", name="计算分配").click()
    expect(page.locator("#scheme-status")).to_have_text("已分配，待批准")
    expect(page.locator("main")).to_contain_text("合计 50000.00 元")
    page.get_by_role("button", name="批准").click()
    expect(page.locator("#scheme-status")).to_have_text("已批准")
    screenshot(page, "hospitals-scheme-approved")
