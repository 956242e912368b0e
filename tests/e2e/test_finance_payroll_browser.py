"""Payroll in headless Chromium against the live demo server.

The demo seed leaves the demo school's run of the current month computed (earlier months
approved). Its finance officer (caiwu) opens 工资, recomputes the month and submits it; they
cannot approve their own run; the second finance officer (caiwu2) approves it and downloads
the withholding client's 正常工资薪金收入 sheet; the employee (zhigong) then sees this
month's payslip. At 390 px the run page does not scroll sideways.

The file is named to run before the HR browser tests: they hire people into the demo school
whom finance has not yet given a housing-fund rate, and such a person rightly blocks the
month's submission until finance does (tests/payroll cover that block).
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.ids import china_today

pytestmark = pytest.mark.e2e

SCHOOL = "成都市武侯区第一实验小学"
PHONE = {"width": 390, "height": 844}
#: DOMAIN §9: the client's 正常工资薪金收入 headers, in order (* marks a required column)
TAX_WAGES_HEADERS = [
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "本期收入",
    "本期免税收入",
    "基本养老保险费",
    "基本医疗保险费",
    "失业保险费",
    "住房公积金",
    "累计子女教育",
    "累计继续教育",
    "累计住房贷款利息",
    "累计住房租金",
    "累计赡养老人",
    "累计3岁以下婴幼儿照护",
    "累计个人养老金",
    "企业(职业)年金",
    "商业健康保险",
    "税延养老保险",
    "其他",
    "准予扣除的捐赠额",
    "减免税额",
    "备注",
]


def _period() -> str:
    today = china_today()
    return f"{today.year}-{today.month:02d}"


@contextmanager
def confirming(page, expected: str):
    """Accept the confirm() dialog the click triggers, after checking what it asks."""
    seen: list[str] = []

    def handle(dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", handle)
    # The confirmation is app.js's, which runs at the end of the page: a button can be
    # visible (and clicked) before it has run on a slow machine.
    page.wait_for_load_state("load")
    yield
    assert seen == [expected], f"expected the confirm dialog {expected!r}, saw {seen}"


def open_current_run(page) -> str:
    """From the menu, open the school's run of this month; return its path."""
    page.goto("/")
    page.locator("nav").get_by_role("link", name="工资", exact=True).first.click()
    page.get_by_role("link", name=re.compile(SCHOOL)).first.click()
    expect(page.locator("h1")).to_have_text("工资批次")
    page.get_by_role("link", name=_period(), exact=True).first.click()
    expect(page.locator("h1")).to_contain_text(f"{_period()} 工资")
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]


def wait_for_job_then(page, run_path: str) -> None:
    """A large run computes as a background job: wait for it, then go back to the run."""
    if "/jobs/" not in page.url:
        return
    for _ in range(120):
        if page.locator("#job-result").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.locator("#job-result")).to_be_visible()
    page.goto(run_path)


def test_finance_computes_submits_the_other_approves_and_the_employee_sees_it(
    new_page, login, screenshot, tmp_path
):
    # The preparer: this month's run is left computed by the demo seed.
    preparer = new_page(viewport={"width": 1280, "height": 900})
    login(preparer, "caiwu")
    run_path = open_current_run(preparer)
    expect(preparer.locator("#run-status")).to_have_text("已计算")
    expect(preparer.locator("#lines tbody tr").first).to_be_visible()
    head_count = preparer.locator("#run-totals > div").first.locator(".fs-5").inner_text()
    line_count = int(head_count.replace(",", ""))
    assert line_count > 0

    # Recompute: the same lines again.
    preparer.locator("#run-actions").get_by_role("button", name="重新计算").click()
    wait_for_job_then(preparer, run_path)
    expect(preparer.locator("#run-status")).to_have_text("已计算")
    expect(preparer.get_by_role("alert").filter(has_text="已计算").first).to_be_visible()
    expect(preparer.locator("#run-blocking")).to_have_count(0)

    # Submit; the preparer cannot approve their own run.
    with confirming(preparer, "提交后由另一名财务人员审核，确定提交吗？"):
        preparer.locator("#run-actions").get_by_role("button", name="提交审核").click()
    expect(preparer.locator("#run-status")).to_have_text("待审核")
    actions = preparer.locator("#run-actions")
    expect(actions.get_by_role("button", name="审核通过")).to_have_count(0)
    expect(actions).to_contain_text("等待另一名财务人员审核。")
    # ...and the server refuses it even when the approval is posted by hand.
    token = preparer.locator("input[name=csrf_token]").first.get_attribute("value")
    preparer.request.post(f"{run_path}/approve", form={"csrf_token": token})
    preparer.reload()
    expect(preparer.locator("#run-status")).to_have_text("待审核")
    screenshot(preparer, "payroll-submitted")

    # The second finance officer approves.
    approver = new_page(viewport={"width": 1280, "height": 900})
    login(approver, "caiwu2")
    assert open_current_run(approver) == run_path
    expect(approver.locator("#run-status")).to_have_text("待审核")
    with confirming(approver, "审核通过后工资批次锁定，不能再修改，并向职工发布工资条。确定吗？"):
        approver.locator("#run-actions").get_by_role("button", name="审核通过").click()
    expect(approver.locator("#run-status")).to_have_text("已审核")
    expect(approver.locator("#run-actions").get_by_role("button", name="重新计算")).to_have_count(0)

    # The withholding client's 正常工资薪金收入 sheet.
    with approver.expect_download() as info:
        approver.locator("#run-exports").get_by_role("link", name="正常工资薪金收入").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    workbook = load_workbook(path, read_only=True)
    sheet = (
        workbook["正常工资薪金收入"]
        if "正常工资薪金收入" in workbook.sheetnames
        else workbook.active
    )
    rows = list(sheet.iter_rows(values_only=True))
    header = [str(v).strip() for v in rows[0] if v not in (None, "")]
    assert header == TAX_WAGES_HEADERS
    people = [row for row in rows[1:] if row and row[0] and row[1]]
    assert len(people) == line_count  # one row a person (no totals row in the client's sheet)
    workbook.close()

    # The employee sees this month's payslip.
    employee = new_page(viewport={"width": 1280, "height": 900})
    login(employee, "zhigong")
    employee.goto("/payroll/me")
    expect(employee.locator("h1")).to_have_text("我的工资条")
    employee.locator("#payslips").get_by_role("link", name=_period(), exact=True).click()
    expect(employee.locator("h1")).to_contain_text(f"{_period()} 工资条")
    expect(employee.locator("#payslip-ytd")).to_contain_text("累计个人所得税")
    screenshot(employee, "payroll-payslip")


def test_the_run_page_fits_a_phone(new_page, login, screenshot):
    page = new_page(viewport=PHONE)
    login(page, "caiwu")
    page.goto("/payroll/")
    page.get_by_role("link", name=re.compile(SCHOOL)).first.click()
    page.get_by_role("link", name=_period(), exact=True).first.click()
    expect(page.locator("#run-totals")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"
    screenshot(page, "payroll-run-phone")
