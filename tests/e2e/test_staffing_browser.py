"""The staffing office in Chromium: 先减后加 from the school's request to the office's approval,
seen on the dashboard and the ledger with their 文号, and the drill-down from the city to
the school; at desktop width and 390 px, in Chinese and in English.

Runs after the other browser tests on the shared demo server (file order): it changes the
school's quota.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.ids import china_today

pytestmark = pytest.mark.e2e

SCHOOL = "成都市武侯区第一实验小学"
PHONE = {"width": 390, "height": 844}
YEAR = china_today().year
REDUCTION = f"武编发〔{YEAR}〕21号"
APPROVAL = f"武编发〔{YEAR}〕22号"


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"page is {width}px wide"


def _english(page) -> None:
    page.get_by_role("button", name="English").click()


def test_request_refused_until_cleanup_then_reduced_approved_and_shown(new_page, login, screenshot):
    school = new_page(viewport={"width": 1280, "height": 900})
    login(school, "xiaoban")
    school.locator("#mainnav").get_by_role("link", name="机构编制事务").click()
    school.get_by_role("link", name=SCHOOL).click()
    expect(school.locator("h1")).to_have_text(SCHOOL)
    school.get_by_role("link", name="申请增加编制").click()
    school.get_by_label("申请增加").fill("3")
    school.get_by_label("理由").fill("学位扩容新增班级，需增加教师 3 名")
    school.get_by_role("button", name="保存申请").click()
    expect(school.locator("#request-status")).to_have_text("草稿")

    # Submitting before the clean-up is refused, naming what is missing.
    school.once("dialog", lambda dialog: dialog.accept())
    school.get_by_role("button", name="提交编办审批").click()
    alert = school.locator(".alert-danger")
    expect(alert).to_contain_text("清理规范尚未完成")
    expect(alert).to_contain_text("尚未报告空编情况")
    expect(school.locator("#missing")).to_contain_text("尚未报告弱化、取消的职能及核减编制建议")
    screenshot(school, "staffing-request-refused")

    # Report vacancies, secondments, off-quota staff and propose a reduction.
    school.get_by_label("空编数").fill("3")
    school.get_by_label("借调、抽调出单位的人员").fill("0")
    school.get_by_label("编外用人").fill("1")
    school.get_by_label(re.compile("弱化职能「校办工厂管理」拟核减编制")).fill("1")
    school.get_by_role("button", name="保存清理情况").click()
    expect(school.locator("#missing")).to_have_count(0)
    school.get_by_role("button", name="提交编办审批").click()
    expect(school.locator("#request-status")).to_have_text("待编办审批")
    request_url = school.url

    # The office carries out the reduction, then approves from the district's pool.
    office = new_page(viewport={"width": 1280, "height": 900})
    login(office, "bianban")
    office.goto(request_url)
    reduce = office.locator("form[action$='/reductions']")
    reduce.get_by_label("核减数").fill("1")
    reduce.get_by_label("文号").fill(f"武编发[{YEAR}]21号")
    reduce.get_by_role("button", name="执行核减").click()
    expect(office.locator(".alert-success")).to_contain_text(REDUCTION)
    approve = office.locator("form[action$='/approve']")
    approve.get_by_label("文号").fill(f"武编发({YEAR})22号")
    approve.get_by_role("button", name="批准并登记").click()
    expect(office.locator("#request-status")).to_have_text("已批准")
    expect(office.locator("#request-entries")).to_contain_text(REDUCTION)
    expect(office.locator("#request-entries")).to_contain_text(APPROVAL)
    screenshot(office, "staffing-request-approved")

    # The dashboard, drilled down from the city to the school, shows both changes.
    office.get_by_role("link", name="编办工作台").first.click()
    expect(office.locator("h1")).to_have_text("编办工作台")
    # schools' and hospitals' figures are reported too, the identity pay gap among them
    expect(office.locator("#indicators")).to_contain_text("编内外同岗薪酬差距")
    expect(office.locator("#indicators")).to_contain_text("本年形成决议")
    screenshot(office, "staffing-dashboard-city")
    office.locator("#groups").get_by_role("link", name="武侯区").click()
    expect(office.locator("#drilldown")).to_contain_text("武侯区")
    office.locator("#groups").get_by_role("link", name="成都市武侯区教育局").click()
    office.locator("#groups").get_by_role("link", name=SCHOOL).click()
    expect(office.locator("h1")).to_have_text(SCHOOL)
    crumbs = office.locator("#drilldown")
    for crumb in ("全市", "武侯区", "成都市武侯区教育局", SCHOOL):
        expect(crumbs).to_contain_text(crumb)
    expect(office.locator("#recent-entries")).to_contain_text(REDUCTION)
    expect(office.locator("#recent-entries")).to_contain_text(APPROVAL)
    screenshot(office, "staffing-institution")

    # The school's own quota ledger shows both with their 文号.
    office.get_by_role("link", name="编制台账").first.click()
    ledger = office.locator("#quota-ledger")
    expect(ledger).to_contain_text(REDUCTION)
    expect(ledger).to_contain_text(APPROVAL)
    # And the city-wide ledger of entries and of the pool.
    office.goto("/staffing/ledger/entries?district=510107")
    expect(office.locator("#entries")).to_contain_text(APPROVAL)
    office.goto("/staffing/pool?district=510107")
    expect(office.locator("#pool")).to_contain_text("武侯区")
    screenshot(office, "staffing-pool")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("width", [1280, 390])
def test_staffing_pages_fit_and_read(new_page, login, screenshot, language, width):
    page = new_page(viewport={"width": width, "height": 900})
    login(page, "bianban")
    if language == "en":
        _english(page)
    pages = {
        "dashboard": "/staffing/dashboard",
        "district": "/staffing/dashboard?district=510107",
        "ledger": "/staffing/ledger",
        "evaluations": "/staffing/evaluations",
        "requests": "/staffing/requests",
        "reports": "/staffing/reports",
        "pool": "/staffing/pool",
        "clients": "/staffing/api-clients",
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        if width == 390:
            _no_sideways_scroll(page)
        screenshot(page, f"staffing-{name}-{language}-{width}")
    if language == "en":
        page.goto("/staffing/dashboard")
        # every expected figure is reported now that schools and hospitals register theirs
        expect(page.locator("#indicators")).to_contain_text("Resolutions passed this year")
        expect(page.locator("#indicators")).not_to_contain_text("尚未报送")
        expect(page.locator("h1")).to_have_text("Staffing dashboard")
    page.goto("/staffing/dashboard")
    assert page.evaluate("typeof Chart") == "function"
    assert page.locator("#quota-chart").evaluate("c => c.width > 0")


def test_the_school_sees_its_report_to_file_on_its_home_page(new_page, login, screenshot):
    page = new_page(viewport=PHONE)
    login(page, "xiaoban")
    section = page.locator("#staffing-institution-work")
    expect(section).to_contain_text("年度报告")
    expect(section.locator("[data-status='returned']")).to_have_count(1)
    _no_sideways_scroll(page)
    screenshot(page, "staffing-home-school-390")
    office = new_page(viewport=PHONE)
    login(office, "bianban")
    expect(office.locator("#staffing-office-work")).to_contain_text("待审批的增编申请")
    screenshot(office, "staffing-home-office-390")
