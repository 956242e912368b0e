"""Payroll in headless Chromium against the live demo server.

The demo seed leaves the demo school's run of the current month computed (earlier months
approved). Its finance officer (caiwu) opens 工资, downloads the 月度工资 template of the
month (pre-filled with the school's staff), uploads it with two mistakes and sees each by
row and column with nothing written, uploads the corrected file, checks the preview and
confirms it, recomputes the month and submits it; they cannot approve their own run; the
second finance officer (caiwu2) approves it and downloads the 工资表 and the withholding
client's 正常工资薪金收入 sheet; the employee (zhigong) then sees this month's payslip and
not a colleague's. At 390 px the run page does not scroll sideways.

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


def header_key(text: object) -> str:
    return "".join(str(text or "").split()).strip("*")


def fill_template(template_path, target_path, values: dict[int, dict[str, object]]) -> int:
    """Write ``values`` ({data row index: {header: value}}) into a copy of the 月度工资
    template; return how many people the template lists."""
    workbook = load_workbook(template_path)
    sheet = workbook["月度工资"]
    columns = {header_key(cell.value): cell.column for cell in sheet[1] if cell.value}
    people = sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if row[1])
    for index, row in values.items():
        for header, value in row.items():
            sheet.cell(row=index + 2, column=columns[header], value=value)
    workbook.save(target_path)
    return people


def upload(page, path) -> None:
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("#import-preview, #import-errors")).to_have_count(1)


def import_the_month(page, run_path: str, tmp_path) -> None:
    """Template, a faulty upload refused by row and column, the fixed file previewed and in."""
    page.locator("#run-actions").get_by_role("link", name="导入月度工资").click()
    expect(page.locator("h1")).to_have_text(f"导入 {_period()} 月度工资")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载导入模板").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    workbook = load_workbook(template, read_only=True)
    rows = list(workbook["月度工资"].iter_rows(values_only=True))
    workbook.close()
    header = [header_key(v) for v in rows[0] if v]
    assert header[:3] == ["单位代码", "工号", "姓名"]
    assert {"岗位工资", "薪级工资", "基础性绩效", "全年一次性奖金", "住房公积金"} <= set(header)
    staff = [row for row in rows[1:] if row[1]]
    assert len(staff) >= 2, "the template lists the school's active staff"

    # This month's performance pay, allowances and a 100 yuan 其他应发 for everyone.
    # The second person's 姓名 does not match the 工号 (Excel row 3); a negative 其他应发 on
    # the first (row 2): both refused, nothing written.
    other_pay = {
        index: {"基础性绩效": 9000, "津贴补贴": 1200, "其他应发": 100}
        for index in range(len(staff))
    }
    faulty = {index: dict(values) for index, values in other_pay.items()}
    faulty[0]["其他应发"] = -100
    faulty[1]["姓名"] = f"{staff[1][2]}甲"
    fill_template(template, tmp_path / "faulty.xlsx", faulty)
    upload(page, tmp_path / "faulty.xlsx")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("未导入任何数据")
    expect(errors.locator("li")).to_have_count(2)
    expect(errors.locator("li").filter(has_text="第 2 行「其他应发」")).to_contain_text("不能小于")
    expect(errors.locator("li").filter(has_text="第 3 行「姓名」")).to_contain_text(
        f"与工号对应的姓名「{staff[1][2]}」不一致"
    )
    expect(page.locator("#import-preview")).to_have_count(0)

    # The fixed file: a preview of what lands, then confirmed.
    fill_template(template, tmp_path / "fixed.xlsx", other_pay)
    upload(page, tmp_path / "fixed.xlsx")
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("全部通过校验")
    expect(preview).to_contain_text(f"{100 * len(staff):,.2f}")  # the 其他应发 total
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("alert").filter(has_text="请重新计算工资批次")).to_be_visible()
    page.goto(run_path)


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

    # This month's 月度工资 file goes in through the template, the check and the preview.
    import_the_month(preparer, run_path, tmp_path)

    # Recompute: the same people again, with the imported amounts.
    preparer.locator("#run-actions").get_by_role("button", name="重新计算").click()
    wait_for_job_then(preparer, run_path)
    expect(preparer.locator("#run-status")).to_have_text("已计算")
    expect(preparer.get_by_role("alert").filter(has_text="已计算").first).to_be_visible()
    expect(preparer.locator("#run-blocking")).to_have_count(0)
    assert preparer.locator("#run-totals > div").first.locator(".fs-5").inner_text() == head_count

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

    # The 工资表: a row per person, department subtotals, the totals row; 其他应发 as imported.
    with approver.expect_download() as info:
        approver.locator("#run-exports").get_by_role("link", name="工资表", exact=True).click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".xlsx"
    workbook = load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    header = [header_key(v) for v in rows[0]]
    for column in ("工号", "姓名", "应发合计", "个人所得税", "年终奖个税", "扣款合计", "实发工资"):
        assert column in header, column
    number, name, other = header.index("工号"), header.index("姓名"), header.index("其他应发")
    people = [row for row in rows[1:] if row[number]]
    assert len(people) == line_count
    assert {row[other] for row in people} == {100}
    assert rows[-1][0] == "合计"
    assert any(str(row[name] or "").endswith("小计") for row in rows[1:])

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
    # ...and not a colleague's: another line of the same run, asked for by id, is not found.
    mine = int(re.search(r"[?&]line=(\d+)", employee.url).group(1))
    approver.goto(run_path)
    line_ids = {
        int(re.search(r"/lines/(\d+)", href).group(1))
        for href in approver.locator("#lines tbody a[href*='/lines/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    }
    colleague = min(line_ids - {mine})
    response = employee.request.get(f"/payroll/me?line={colleague}")
    assert response.status == 404
    employee.goto("/payroll/me")
    expect(employee.locator("#payslips a[href*='line=']")).not_to_have_count(0)
    hrefs = employee.locator("#payslips a[href*='line=']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert f"line={colleague}" not in " ".join(hrefs)


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


def test_the_pay_scales_pages_fit_a_phone(new_page, login):
    """The staffing office's 工资标准表 and its import page (the day, the upload) at 390 px."""
    page = new_page(viewport=PHONE)
    login(page, "bianban")
    page.goto("/payroll/scales")
    expect(page.locator("h1")).to_have_text("工资标准表")
    expect(page.locator("#scale-post")).to_contain_text("岗位工资标准")
    expect(page.locator("#scale-step .versions tbody tr").first).to_contain_text("2006-07-01")
    for path in ("/payroll/scales", "/payroll/scales/import?table=step"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
    expect(page.locator("#scale-effective")).to_contain_text("请先选择新标准的生效日期")
