"""Hospital flows in headless Chromium against the live demo server.

The hospital's HR officer (yiyuanrenshi) follows the home page to the transition dashboard
(staff still without a post, an identity pay gap to find), builds next month's performance
scheme — a revenue-linked indicator is refused citing the rule — imports the wards'
indicator figures from the downloaded template, allocates the pool and submits the
allocation to the council (提交理事会审议). The council's secretary opens the vote, members
vote from their phones, the chair closes it: the allocation is approved. The hospital's
finance officer (yiyuancaiwu) opens next month's run, computes it and sees a person's share
as 奖励性绩效 on their pay line, sourced from the allocation. Back on the dashboard, HR
appoints a dispatched worker to a post with a vacancy, and the post coverage moves up.

The test finds what it needs by following links and reading pages (the demo seeder gives
the hospital this month's scheme, whose wards it reuses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.ids import china_today

pytestmark = pytest.mark.e2e

HOSPITAL = "成都市武侯区人民医院"
HOSPITAL_NAME = re.compile(HOSPITAL)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def confirming(page, expected: str) -> Iterator[None]:
    """Accept the confirm() dialog the block triggers, after checking that it asks ``expected``."""
    seen: list[str] = []

    def handle(dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", handle)
    page.wait_for_load_state("load")  # app.js adds the confirmation at the end of the page
    yield
    assert seen == [expected], f"expected the confirm dialog {expected!r}, saw {seen}"


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


def test_hr_builds_a_scheme_the_council_approves_and_payroll_pays_it(
    new_page, login, tmp_path, screenshot
):
    page = new_page(viewport=DESKTOP)
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
    expect(page.locator("#figures-table tbody tr").first).to_be_visible()
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

    # allocate, then submit to the council
    page.get_by_role("link", name=period).click()
    page.get_by_role("button", name="计算分配").click()
    expect(page.locator("#scheme-status")).to_have_text("已分配，待提交理事会")
    expect(page.locator("main")).to_contain_text("合计 50000.00 元")
    expect(page.get_by_role("button", name="批准")).to_have_count(0)  # only the council approves
    first = page.locator("#shares-table tbody tr").first
    person = first.locator("td").nth(2).text_content().strip()
    share = first.locator("td").nth(5).text_content().strip()
    scheme_url = page.url
    page.locator("select[name=meeting_id]").select_option(index=0)
    page.get_by_role("button", name="提交理事会审议").click()
    expect(page.locator("#scheme-status")).to_have_text("理事会审议中")
    motion_url = page.locator("#scheme-motion a").get_attribute("href")
    screenshot(page, "hospitals-scheme-submitted")

    # the council votes: the secretary opens the vote, members vote from their phones
    secretary = new_page(viewport=DESKTOP)
    login(secretary, "mishu4")
    secretary.goto(motion_url)
    expect(secretary.locator("main")).to_contain_text(f"{period} 岗位绩效分配")
    with confirming(secretary, "开始表决？开始后议案不能修改，会议材料冻结。"):
        secretary.get_by_role("button", name="开始表决").click()
    expect(secretary.locator("h1 .badge")).to_have_text("表决中")
    for username in ("mishu4", "gov4head", "gov4m1", "gov4m2"):
        member = secretary if username == "mishu4" else new_page(viewport=PHONE, is_mobile=True)
        if member is not secretary:
            login(member, username)
            member.goto(motion_url)
        member.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
        expect(member.get_by_role("alert").filter(has_text="已投票：同意").first).to_be_visible()
    chair = new_page(viewport=DESKTOP)
    login(chair, "lishizhang4")
    chair.goto(motion_url)
    chair.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    with confirming(chair, "结束表决并计票？结束后不能再投票。"):
        chair.get_by_role("button", name="结束表决").click()
    expect(chair.locator("h1 .badge")).to_have_text("通过")

    # the allocation is approved by the council's resolution
    page.goto(scheme_url)
    expect(page.locator("#scheme-status")).to_have_text("理事会已批准")
    expect(page.locator("#scheme-motion")).to_contain_text("〔")
    screenshot(page, "hospitals-scheme-approved")

    # finance runs next month's payroll: the share is paid as 奖励性绩效
    finance = new_page(viewport=DESKTOP)
    login(finance, "yiyuancaiwu")
    finance.goto("/payroll/")
    finance.get_by_role("link", name=HOSPITAL_NAME).first.click()
    expect(finance.locator("h1")).to_have_text("工资批次")
    finance.locator("input[name=period]").fill(period)
    finance.get_by_role("button", name="新建").click()
    expect(finance.locator("h1")).to_contain_text(f"{period} 工资")
    finance.locator("#run-actions").get_by_role("button", name="计算").click()
    _wait_for_job(finance)
    finance.locator("#lines").get_by_role("link", name=person, exact=True).first.click()
    expect(finance.locator("h1")).to_contain_text(person)
    reward = finance.locator("tr", has=finance.get_by_role("rowheader", name="奖励性绩效"))
    expect(reward).to_contain_text("绩效分配")
    assert reward.locator("td").first.inner_text().replace(",", "").strip() == share
    screenshot(finance, "hospitals-payroll-line")

    # the transition dashboard moves: a dispatched worker is appointed to a vacant post
    page.locator("#hospitals-nav").get_by_role("link", name="转型概况").click()
    before = _share(page)
    hospital_path = re.sub(r"^https?://[^/]+", "", page.url).rstrip("/")
    institution_id = hospital_path.rsplit("/", 1)[1]
    page.goto(f"/hr/{institution_id}/plans")
    post = _post_with_vacancy(page)
    page.goto(f"{hospital_path}/")
    page.locator("#without-post").get_by_role("link", name="派遣工甲").click()
    expect(page.locator("h1")).to_have_text("岗位聘任：派遣工甲")
    page.locator("select[name=post]").select_option(label=post)
    page.locator("input[name=post_name]").fill("护理员")
    with page.expect_navigation():
        page.get_by_role("button", name="聘任", exact=True).click()
    if "/appoint" in page.url:  # the promotion rules ask for a reason
        page.locator("input[name=override_reason]").fill("两转一去：派遣人员纳入岗位管理")
        with page.expect_navigation():
            page.get_by_role("button", name="聘任", exact=True).click()
    expect(page.get_by_role("alert").first).to_contain_text("已聘任派遣工甲")
    page.goto(f"{hospital_path}/")
    expect(page.locator("#without-post")).not_to_contain_text("派遣工甲")
    assert _share(page) > before
    screenshot(page, "hospitals-overview-moved")


def _share(page) -> float:
    return float(page.locator("#post-share").inner_text().strip().rstrip("%"))


def _post_with_vacancy(page) -> str:
    """Return the label of a post ("工勤 3 级") with a vacant place in this year's plan."""
    vacant: list[str] = []
    for row in page.locator(".card table tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if len(cells) == 5 and cells[4].isdigit() and int(cells[4]) > 0:
            vacant.append(cells[1])
    assert vacant, "the hospital's post plan has no vacant post"
    return vacant[-1]


def _wait_for_job(page) -> None:
    """A large run computes as a background job: wait for it, then go back to the run."""
    if "/jobs/" not in page.url:
        return
    for _ in range(120):
        if page.locator("#job-result").count():
            break
        page.wait_for_timeout(500)
        page.reload()
    page.go_back()
