"""A 两自一包 school in headless Chromium: from enrolment to a payroll run in the budget.

The principal's office (xiaoban) enters this school year's enrolment of the demo school (a
bigger intake), sees the shortfall per stage and the projection chart, and drafts a recruitment
plan for two teachers. The council secretary (mishu) schedules a meeting; the principal puts the
plan on its agenda; the secretary records attendance and opens the vote; members vote from their
phones and desktops, and the chair (lishizhang) closes it: the motion passes and the plan is
approved with the resolution's number (the ``motion_decided`` signal). HR (renshi) registers
three applicants, records their scores, offers the best two, posts their names (公示) for seven
days and hires both to start after the posting (员额, a contract, on the filing list for the
education bureau). Finance (caiwu) reads the lump-sum budget's execution and has a payroll run
approved by the second finance officer (caiwu2); the personnel line and the total of the
execution move by exactly what that run cost the school (gross pay plus employer
contributions), and the month's payroll row counts it.

Which run depends on what ran before. The demo seed leaves this month's regular run computed:
finance submits it and caiwu2 approves it. The payroll browser test
(tests/e2e/test_finance_payroll_browser.py) runs earlier in a full session and approves that
run; then finance pays an arrear (补发) instead: a correction run of last month paid in this
month's (in January: of January, paid in February's), with its required reason, one person's
其他应发 raised by 800 yuan through the 月度工资 file; it is computed (that person's line, and
the lines of anyone whose records other tests changed since), submitted and approved. Either way the figure moves in front of the test. The
test finds everything by following links, with a random tag in its names, so it does not
depend on the other e2e files.
"""

from __future__ import annotations

import random
import re
import secrets
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import expect

from core.ids import make_citizen_id

pytestmark = pytest.mark.e2e

SCHOOL = "成都市武侯区第一实验小学"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")

CHAIR = "郑国平（理事长）"
SECRETARY = "冯雪（理事会秘书）"
MEMBER = "何伟（理事）"
HEAD = "李明华（校长）"
OUTSIDE_1 = "钱佩玲（举办单位代表）"
OUTSIDE_2 = "邓子涵（服务对象代表）"
#: the six members who attend: the quorum of the demo council (8 seated) is 6
ATTENDING = [CHAIR, SECRETARY, MEMBER, HEAD, OUTSIDE_1, OUTSIDE_2]
#: (name, written, interview, trial lesson); the first two are ranked first and second
APPLICANTS = [
    ("张书涵", "88", "90", "93"),
    ("王子墨", "85", "86", "90"),
    ("刘佳怡", "70", "72", "75"),
]
#: pupils per grade (45 a class): 1,620 pupils, 1:19 gives 85 员额 (85.26, rounded half up)
PUPILS_PER_GRADE = 270
#: the arrear (补发) of 其他应发 a correction run pays when this month's run is approved
ARREAR = Decimal("800.00")


@contextmanager
def confirming(page, expected: str):
    """Accept the confirm() dialog the block triggers, after checking what it asks."""
    seen: list[str] = []

    def handle(dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", handle)
    page.wait_for_load_state("load")  # app.js, which asks, runs at the end of the page
    yield
    assert seen == [expected], f"expected the confirm dialog {expected!r}, saw {seen}"


def expect_flash(page, message: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=message).first).to_be_visible()


def choose(select, text: str) -> None:
    """Select the option of ``select`` whose text contains ``text``."""
    option = select.locator("option", has_text=text).first
    select.select_option(option.get_attribute("value"))


def no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def as_user(new_page, login, username: str, viewport=DESKTOP):
    options = {"viewport": viewport}
    if viewport is PHONE:
        options.update(is_mobile=True, has_touch=True)
    page = new_page(**options)
    login(page, username)
    return page


def money(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ""))


def school_year(today: date) -> int:
    """The school year (starting in September) that ``today`` is in."""
    return today.year if today.month >= 9 else today.year - 1


def first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def personnel_spent(page) -> Decimal:
    row = page.locator("#execution tbody tr", has=page.get_by_role("rowheader", name="人员经费"))
    return money(row.locator("td").nth(1).inner_text())


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def header_key(text: object) -> str:
    return "".join(str(text or "").split()).strip("*")


def correction_periods(today: date) -> tuple[str, str]:
    """Return (the period a correction run is paid in, the period it corrects).

    Last month's pay is corrected in this month's; in January (a correction stays in its
    tax year) this month's is corrected in February's. Both are in the budget's school year.
    """
    if today.month > 1:
        return f"{today.year}-{today.month:02d}", f"{today.year}-{today.month - 1:02d}"
    return f"{today.year}-02", f"{today.year}-01"


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


def run_cost(page, run_path: str) -> Decimal:
    """What a run costs the school: its gross pay plus the employer's contributions."""
    page.goto(run_path)
    totals = page.locator("#run-totals > div")
    gross = money(totals.nth(1).locator(".fs-5").inner_text())
    employer = money(totals.nth(6).locator(".fs-5").inner_text())
    return gross + employer


def submit_and_approve(finance, new_page, login, run_path, budget_path, spent) -> None:
    """Finance submits a computed run; a run waiting for approval is not spent yet (the
    budget's personnel line still reads ``spent``); the second finance officer approves."""
    finance.goto(run_path)
    expect(finance.locator("#run-status")).to_have_text("已计算")
    with confirming(finance, "提交后由另一名财务人员审核，确定提交吗？"):
        finance.locator("#run-actions").get_by_role("button", name="提交审核").click()
    expect(finance.locator("#run-status")).to_have_text("待审核")
    finance.goto(budget_path)
    assert personnel_spent(finance) == spent
    approver = as_user(new_page, login, "caiwu2")
    approver.goto(run_path)
    with confirming(approver, "审核通过后工资批次锁定，不能再修改，并向职工发布工资条。确定吗？"):
        approver.locator("#run-actions").get_by_role("button", name="审核通过").click()
    expect(approver.locator("#run-status")).to_have_text("已审核")


def pay_an_arrear(finance, runs_path: str, paid_in: str, corrects: str, tmp_path) -> str:
    """Finance opens a correction run paid in ``paid_in`` for ``corrects`` and raises one
    person's 其他应发 of that month by ARREAR through the 月度工资 file; return its path,
    computed."""
    # Who was paid in the corrected month, from its approved regular run.
    finance.goto(runs_path)
    finance.locator("#runs tbody tr", has_text="月度工资").filter(
        has=finance.get_by_role("link", name=corrects, exact=True)
    ).get_by_role("link", name=corrects, exact=True).click()
    expect(finance.locator("h1")).to_contain_text(f"{corrects} 工资")
    expect(finance.locator("#run-status")).to_have_text(re.compile("已审核|已发放"))
    paid = {}
    for row in finance.locator("#lines tbody tr").all():
        link = row.locator("a[href*='/lines/']")
        paid[row.locator("td.code").inner_text().strip()] = (
            link.inner_text().strip(),
            link.get_attribute("href"),
        )
    assert paid, f"nobody was paid in {corrects}"

    # The correction run: its reason is required.
    finance.goto(runs_path)
    form = finance.locator("form", has=finance.locator("input[name=corrects_period]"))
    form.locator("input[name=period]").fill(paid_in)
    form.locator("select[name=kind]").select_option(label="更正（补发/补扣）")
    form.locator("input[name=corrects_period]").fill(corrects)
    form.get_by_role("button", name="新建").click()
    expect(finance.locator("main")).to_contain_text("请填写更正原因")
    reason = f"{corrects} 其他应发漏发，补发 {ARREAR} 元"
    form = finance.locator("form", has=finance.locator("input[name=corrects_period]"))
    form.locator("input[name=period]").fill(paid_in)
    form.locator("select[name=kind]").select_option(label="更正（补发/补扣）")
    form.locator("input[name=corrects_period]").fill(corrects)
    form.locator("input[name=reason]").fill(reason)
    form.get_by_role("button", name="新建").click()
    expect_flash(finance, f"已新建 {paid_in} 的工资批次。")
    expect(finance.locator("h1")).to_contain_text(f"{paid_in} 工资")
    expect(finance.locator("main")).to_contain_text(f"更正 {corrects}：{reason}")
    correction_path = path_of(finance).split("?")[0]

    # The 月度工资 template of the correction lists this month's staff: the first who was
    # also paid in the corrected month gets the arrear on top of what that month paid.
    finance.locator("#run-actions").get_by_role("link", name="导入月度工资").click()
    import_path = path_of(finance)
    with finance.expect_download() as info:
        finance.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "correction-template.xlsx"
    info.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook["月度工资"]
    columns = {header_key(cell.value): cell.column for cell in sheet[1] if cell.value}
    row_number, number = next(
        (cell.row, str(cell.value))
        for cell in sheet[get_column_letter(columns["工号"])][1:]
        if str(cell.value or "") in paid
    )
    name, line_href = paid[number]
    finance.goto(line_href)
    other_row = finance.locator(
        "#line-items tr", has=finance.get_by_role("rowheader", name="其他应发", exact=True)
    )
    already = money(other_row.locator("td").first.inner_text())
    sheet.cell(row=row_number, column=columns["其他应发"], value=float(already + ARREAR))
    workbook.save(tmp_path / "correction.xlsx")

    finance.goto(import_path)
    finance.locator("input[type=file][name=file]").set_input_files(
        str(tmp_path / "correction.xlsx")
    )
    finance.get_by_role("button", name="上传并校验").click()
    expect(finance.locator("#import-preview")).to_contain_text("全部通过校验")
    finance.get_by_role("button", name="确认导入").click()
    expect(finance.get_by_role("alert").filter(has_text="请重新计算工资批次")).to_be_visible()

    # Computed: that person's line carries the arrear. (Anyone whose HR records changed since
    # that month — other browser tests of a full session raise steps and change posts — has
    # a line too: a correction recomputes the month from the records as they are now.)
    finance.goto(correction_path)
    finance.locator("#run-actions").get_by_role("button", name="计算", exact=True).click()
    wait_for_job_then(finance, correction_path)
    expect(finance.locator("#run-status")).to_have_text("已计算")
    expect(finance.locator("#run-blocking")).to_have_count(0)
    expect(finance.locator("#lines tbody tr").filter(has_text=name)).to_have_count(1)
    return correction_path


def test_principal_council_hr_and_finance_staff_a_school(new_page, login, screenshot, tmp_path):
    tag = secrets.token_hex(2).upper()
    now = datetime.now(LOCAL_ZONE)
    today = now.date()
    year = school_year(today)
    period = f"{today.year}-{today.month:02d}"

    # --- the principal's office enters this year's enrolment ---------------------------------
    principal = as_user(new_page, login, "xiaoban")
    principal.goto("/schools/")
    principal.get_by_role("link", name=SCHOOL).first.click()
    expect(principal.locator("h1")).to_have_text(SCHOOL)
    school_path = re.sub(r"^https?://[^/]+", "", principal.url)
    institution_id = int(re.search(r"/schools/(\d+)/", school_path).group(1))
    principal.get_by_role("link", name="填报本学年学生数").click()
    expect(principal.locator("h1")).to_contain_text("填报学生数")
    rows = principal.locator("#grades tbody tr")
    expect(rows).to_have_count(6)  # a primary school: grades 1 to 6
    for index in range(6):
        inputs = rows.nth(index).locator("input")
        inputs.nth(0).fill(str(PUPILS_PER_GRADE // 45))
        inputs.nth(1).fill(str(PUPILS_PER_GRADE))
    principal.locator("form", has=principal.locator("#grades")).locator(
        "button[type=submit]"
    ).first.click()
    expect_flash(principal, f"的学生数，共 {PUPILS_PER_GRADE * 6} 人。")
    expect(principal.locator("#allowance-total")).to_have_text("85")
    gap = principal.locator("#gap-total").inner_text().strip()
    assert gap.startswith("+") and int(gap) >= 2, f"no shortfall of two teachers: {gap}"
    expect(principal.locator("#projection-chart")).to_be_visible()
    expect(principal.locator("#projection-chart")).to_have_attribute("role", "img")
    screenshot(principal, "schools-shortfall")

    # The same page on a phone: the table becomes cards and the chart fits.
    phone = as_user(new_page, login, "xiaoban", PHONE)
    phone.goto(school_path)
    expect(phone.locator("#projection-chart")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "schools-shortfall-phone")

    # --- ... and drafts a recruitment plan ---------------------------------------------------
    subject = f"语文{tag}"
    principal.get_by_role("link", name="教师自聘").click()
    principal.locator("input[name=subject]").fill(subject)
    principal.locator("select[name=stage]").select_option(label="小学")
    principal.locator("input[name=count]").fill("2")
    principal.locator("input[name=pay_low]").fill("96000")
    principal.locator("input[name=pay_high]").fill("132000")
    principal.locator("textarea[name=requirements]").fill(
        "全日制本科及以上学历，小学语文教师资格证"
    )
    principal.get_by_role("button", name="保存草稿").click()
    expect_flash(principal, "招聘计划草稿已保存，请提交理事会审议。")
    expect(principal.locator("h1")).to_contain_text(f"{subject} · 小学")
    plan_path = re.sub(r"^https?://[^/]+", "", principal.url)

    # --- the secretary schedules a council meeting -------------------------------------------
    meeting_title = f"理事会临时会议（自主招聘 {tag}）"
    secretary = as_user(new_page, login, "mishu")
    secretary.goto(f"/governance/{institution_id}/")
    secretary.get_by_role("link", name="安排会议").click()
    secretary.locator("input[name=title]").fill(meeting_title)
    secretary.locator("select[name=kind]").select_option(label="临时会议")
    secretary.locator("select[name=called_by]").select_option(label="理事长召集")
    secretary.locator("select[name=mode]").select_option(label="视频会议")
    secretary.locator("input[name=scheduled_at]").fill(now.strftime("%Y-%m-%dT%H:%M"))
    secretary.get_by_role("button", name="安排会议").click()
    expect_flash(secretary, f"已安排会议：{meeting_title}")
    meeting_path = re.search(r"/governance/\d+/meetings/\d+", secretary.url).group(0)
    with confirming(secretary, "向全体理事和监事发出会议通知？"):
        secretary.get_by_role("button", name="发出会议通知").click()
        expect_flash(secretary, "已向全体理事和监事发出会议通知。")

    # --- the principal puts the plan on the meeting's agenda ---------------------------------
    principal.goto(plan_path)
    choose(principal.locator("select[name=meeting_id]"), meeting_title)
    principal.get_by_role("button", name="提交理事会审议").click()
    expect_flash(principal, "已提交理事会审议，表决结果将自动更新计划状态。")
    expect(principal.locator("dl").first).to_contain_text("理事会审议中")
    motion_path = re.sub(
        r"^https?://[^/]+",
        "",
        principal.get_by_role("link", name="理事会议案").get_attribute("href"),
    )

    # --- attendance, then the vote -----------------------------------------------------------
    secretary.goto(meeting_path)
    for name in ATTENDING:
        form = secretary.locator("#attendance form")
        choose(form.locator("select[name=member_id]"), name)
        form.locator("select[name=presence]").select_option(label="视频出席")
        form.get_by_role("button", name="登记").click()
        expect_flash(secretary, f"已登记 {name} 的出席情况。")
    secretary.goto(motion_path)
    expect(secretary.locator("h1")).to_contain_text(f"关于自主招聘{subject}教师的议案")
    with confirming(secretary, "开始表决？开始后议案不能修改，会议材料冻结。"):
        secretary.get_by_role("button", name="开始表决").click()
        expect_flash(secretary, "已开始表决")
    secretary.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    expect_flash(secretary, "已投票：同意。")

    # Members vote from their phones (one screenshot at 390 px) and desktops.
    for number, username in enumerate(("gov1m1", "gov1m2", "lishi", "gov1head")):
        viewport = PHONE if number < 2 else DESKTOP
        member = as_user(new_page, login, username, viewport)
        member.goto(motion_path)
        member.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
        expect_flash(member, "已投票：同意。")
        if viewport is PHONE:
            no_sideways_scroll(member)
        if number == 0:
            screenshot(member, "schools-plan-vote-phone")

    chair = as_user(new_page, login, "lishizhang")
    chair.goto(motion_path)
    chair.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    expect_flash(chair, "已投票：同意。")
    with confirming(chair, "结束表决并计票？结束后不能再投票。"):
        chair.get_by_role("button", name="结束表决").click()
        # the resolution is shown once, on the page with its link (not flashed as well)
        expect(chair.locator("main")).to_contain_text("已形成决议")
    expect(chair.locator("h1 .badge")).to_have_text("通过")

    # The decision moved the plan.
    principal.goto(plan_path)
    status = principal.locator("dl").first
    expect(status).to_contain_text("理事会已批准")
    expect(status).to_contain_text(re.compile(r"〔\d{4}〕第\d+号"))

    # --- HR registers applicants, scores them, offers the best two and hires them ------------
    hr = as_user(new_page, login, "renshi")
    hr.goto(plan_path)
    seq = random.randrange(400)
    for n, (name, *_scores) in enumerate(APPLICANTS):
        citizen_id = make_citizen_id("510104", date(1997 + n, 3, 8), seq + n, n % 2 == 0)
        hr.locator("input[name=name]").fill(name)
        hr.locator("input[name=citizen_id]").fill(citizen_id)
        hr.get_by_role("button", name="登记报名").click()
        expect_flash(hr, "已登记报名。")
    for name, written, interview, trial in APPLICANTS:
        item = hr.locator("li.list-group-item", has_text=name)
        item.locator("input[name=written]").fill(written)
        item.locator("input[name=interview]").fill(interview)
        item.locator("input[name=trial]").fill(trial)
        item.get_by_role("button", name="保存成绩").click()
        expect_flash(hr, "成绩已保存。")
    ranked = hr.locator("#ranked tbody tr")
    expect(ranked).to_have_count(3)
    expect(ranked.nth(0)).to_contain_text(APPLICANTS[0][0])
    expect(ranked.nth(1)).to_contain_text(APPLICANTS[1][0])
    for name, *_ in APPLICANTS[:2]:
        hr.locator("#ranked tbody tr", has_text=name).get_by_role(
            "button", name="发录用通知"
        ).click()
        expect_flash(hr, "已发出录用通知。")
    # The names are posted (公示) for seven days from today; they start after the posting,
    # and not before next month: this month's payroll is not reopened for them.
    posting = hr.locator("#posting")
    posting.locator("input[name=posted_on]").fill(today.isoformat())
    posting.locator("input[name=days]").fill("7")
    posting.get_by_role("button", name="登记公示").click()
    expect_flash(hr, "已登记公示。")
    ends_on = today + timedelta(days=6)
    expect(hr.locator("#posting-period")).to_contain_text(
        f"公示期 {today.isoformat()} 至 {ends_on.isoformat()}"
    )
    expect(hr.locator("#posting")).to_contain_text(APPLICANTS[1][0])
    start_on = max(first_of_next_month(today), ends_on + timedelta(days=1))
    for n, (name, *_) in enumerate(APPLICANTS[:2]):
        row = hr.locator("#ranked tbody tr", has_text=name)
        row.locator("input[name=staff_number]").fill(f"ZP{tag}{n}")
        row.locator("input[name=salary_step]").fill("12")
        row.locator("input[name=start_on]").fill(start_on.isoformat())
        row.locator("input[name=contract_end_on]").fill(
            start_on.replace(year=start_on.year + 3).isoformat()
        )
        with confirming(hr, "确认聘用并在人事系统建立员额任职记录和劳动合同？"):
            row.get_by_role("button", name="聘用").click()
            expect_flash(hr, "已聘用，人事档案与劳动合同已建立。")
        expect(hr.locator("#ranked tbody tr", has_text=name)).to_contain_text("已聘用")
    screenshot(hr, "schools-plan-hired")
    hr.goto(f"/schools/{institution_id}/recruitment")
    hr.get_by_role("link", name="聘用备案名单").click()
    for n, (name, *_) in enumerate(APPLICANTS[:2]):
        expect(hr.locator("main")).to_contain_text(name)
        expect(hr.locator("main")).to_contain_text(f"ZP{tag}{n}")

    # --- finance: the budget's execution moves when a payroll run of the month is approved --
    budget_path = f"/schools/{institution_id}/budget/{year}"
    finance = as_user(new_page, login, "caiwu")
    finance.goto(budget_path)
    expect(finance.locator("#execution")).to_be_visible()
    before = personnel_spent(finance)
    total_before = money(finance.locator("#spent-total").inner_text())

    finance.goto("/payroll/")
    finance.get_by_role("link", name=re.compile(SCHOOL)).first.click()
    expect(finance.locator("h1")).to_have_text("工资批次")
    runs_path = path_of(finance)
    finance.get_by_role("link", name=period, exact=True).first.click()
    expect(finance.locator("h1")).to_contain_text(f"{period} 工资")
    run_path = path_of(finance).split("?")[0]
    status = finance.locator("#run-status").inner_text().strip()
    if status == "已计算":  # the demo seed's state: this month's run waits to be submitted
        submit_and_approve(finance, new_page, login, run_path, budget_path, before)
        cost = regular = run_cost(finance, run_path)
        by_month = {period: regular}
    else:
        # Approved earlier in this session (the payroll browser test): finance pays an
        # arrear (补发) of an earlier month through a correction run, which the second
        # officer approves.
        assert status in ("已审核", "已发放"), status
        regular = run_cost(finance, run_path)
        paid_in, corrects = correction_periods(today)
        correction_path = pay_an_arrear(finance, runs_path, paid_in, corrects, tmp_path)
        submit_and_approve(finance, new_page, login, correction_path, budget_path, before)
        cost = run_cost(finance, correction_path)
        by_month = {period: regular}
        by_month[paid_in] = by_month.get(paid_in, Decimal("0.00")) + cost
    assert cost != 0

    # The personnel line and the total moved by exactly what the approved run cost; each
    # month's payroll row counts every approved run paid in that month.
    finance.goto(budget_path)
    assert personnel_spent(finance) == before + cost
    assert money(finance.locator("#spent-total").inner_text()) == total_before + cost
    for month, amount in by_month.items():
        month_row = finance.locator("#payroll-spending tbody tr", has_text=month)
        expect(month_row).to_have_count(1)
        assert money(month_row.locator("td").inner_text()) == amount, month
    screenshot(finance, "schools-budget-execution")

    phone = as_user(new_page, login, "caiwu", PHONE)
    phone.goto(budget_path)
    expect(phone.locator("#payroll-spending")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "schools-budget-execution-phone")
