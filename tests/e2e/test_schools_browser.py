"""A 两自一包 school in headless Chromium: from enrolment to a payroll run in the budget.

The principal's office (xiaoban) enters this school year's enrolment of the demo school (a
bigger intake), sees the shortfall per stage and the projection chart, and drafts a recruitment
plan for two teachers. The council secretary (mishu) schedules a meeting; the principal puts the
plan on its agenda; the secretary records attendance and opens the vote; members vote from their
phones and desktops, and the chair (lishizhang) closes it: the motion passes and the plan is
approved with the resolution's number (the ``motion_decided`` signal). HR (renshi) registers
three applicants, records their scores, offers the best two, posts their names (公示) for seven
days and hires both to start after the posting (员额, a contract, on the filing list for the
education bureau). Finance (caiwu) reads the lump-sum budget's
execution, submits this month's payroll run, and the second finance officer (caiwu2) approves
it: the personnel line of the execution now counts the run (gross pay plus employer
contributions).

The demo seed leaves this month's run computed; tests/e2e/test_finance_payroll_browser.py runs
earlier in a full session and approves it. Then the run is already counted, and this test checks
that the budget shows it instead of approving it again. The test finds everything by following
links, with a random tag in its names, so it does not depend on the other e2e files.
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


def test_principal_council_hr_and_finance_staff_a_school(new_page, login, screenshot):
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
        expect_flash(chair, "已形成决议")
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

    # --- finance: the budget's execution moves when this month's payroll is approved ----------
    budget_path = f"/schools/{institution_id}/budget/{year}"
    finance = as_user(new_page, login, "caiwu")
    finance.goto(budget_path)
    expect(finance.locator("#execution")).to_be_visible()
    before = personnel_spent(finance)
    total_before = money(finance.locator("#spent-total").inner_text())

    finance.goto("/payroll/")
    finance.get_by_role("link", name=re.compile(SCHOOL)).first.click()
    finance.get_by_role("link", name=period, exact=True).first.click()
    expect(finance.locator("h1")).to_contain_text(f"{period} 工资")
    run_path = re.sub(r"^https?://[^/]+", "", finance.url).split("?")[0]
    status = finance.locator("#run-status").inner_text().strip()
    if status == "已计算":
        with confirming(finance, "提交后由另一名财务人员审核，确定提交吗？"):
            finance.locator("#run-actions").get_by_role("button", name="提交审核").click()
        expect(finance.locator("#run-status")).to_have_text("待审核")
        # a run waiting for approval is not spent yet
        finance.goto(budget_path)
        assert personnel_spent(finance) == before
        approver = as_user(new_page, login, "caiwu2")
        approver.goto(run_path)
        with confirming(
            approver, "审核通过后工资批次锁定，不能再修改，并向职工发布工资条。确定吗？"
        ):
            approver.locator("#run-actions").get_by_role("button", name="审核通过").click()
        expect(approver.locator("#run-status")).to_have_text("已审核")
    else:  # approved earlier in this session (the payroll browser test)
        assert status in ("已审核", "已发放"), status
    finance.goto(run_path)
    totals = finance.locator("#run-totals > div")
    gross = money(totals.nth(1).locator(".fs-5").inner_text())
    employer = money(totals.nth(6).locator(".fs-5").inner_text())
    cost = gross + employer
    assert cost > 0

    finance.goto(budget_path)
    month_row = finance.locator("#payroll-spending tbody tr", has_text=period)
    expect(month_row).to_have_count(1)
    assert money(month_row.locator("td").inner_text()) == cost
    if status == "已计算":
        assert personnel_spent(finance) == before + cost
        assert money(finance.locator("#spent-total").inner_text()) == total_before + cost
    screenshot(finance, "schools-budget-execution")

    phone = as_user(new_page, login, "caiwu", PHONE)
    phone.goto(budget_path)
    expect(phone.locator("#payroll-spending")).to_be_visible()
    no_sideways_scroll(phone)
    screenshot(phone, "schools-budget-execution-phone")
