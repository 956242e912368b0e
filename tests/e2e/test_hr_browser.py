"""HR flows in headless Chromium against the live demo server.

An HR officer (renshi) imports a roster from the downloaded template (a faulty file first,
then a good one), finds the new people, appoints one of them to a post with a vacancy,
and runs an annual appraisal round to its close; an employee (zhigong) on a phone sees only
their own record and is kept out of the staff list.

Each test finds what it needs by following links and reading pages, so it does not depend
on the order of the tests here or in test_browser.py, nor on what other tests changed.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.ids import china_today, make_citizen_id

pytestmark = pytest.mark.e2e

SCHOOL = "成都市武侯区第一实验小学"
EMPLOYEE_NAME = "林晓"
PHONE = {"width": 390, "height": 844}
NAMES = ("司马青岚", "欧阳若溪", "端木承泽")


@dataclass(frozen=True)
class School:
    id: int
    credit_code: str
    #: Names on the first page of the staff list (to check the employee cannot see them).
    staff_names: tuple[str, ...]

    def path(self, rest: str) -> str:
        return f"/hr/{self.id}/{rest}"


@pytest.fixture(scope="module")
def school(browser, live_server, login) -> School:
    """Find the school's id, credit code and some staff names as its HR officer sees them."""
    context = browser.new_context(base_url=live_server, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        login(page, "renshi")
        page.goto("/hr/")
        page.get_by_role("link", name=re.compile(SCHOOL)).click()
        expect(page).to_have_url(re.compile(r"/hr/\d+/staff$"))
        institution_id = int(re.search(r"/hr/(\d+)/staff", page.url).group(1))
        names = tuple(
            n.strip() for n in page.locator("#staff tbody tr td:nth-child(2) a").all_inner_texts()
        )
        # The registry record, through the breadcrumb.
        page.locator(".breadcrumb").get_by_role("link", name=SCHOOL).click()
        expect(page.locator("h1")).to_have_text(SCHOOL)
        code = page.locator("dl.record dt", has_text="统一社会信用代码").locator("+ dd")
        credit_code = code.inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{18}", credit_code), credit_code
        return School(institution_id, credit_code, names)
    finally:
        context.close()


# --- roster workbook ------------------------------------------------------------------------


def header_key(text: str) -> str:
    return "".join(str(text or "").split()).strip("*")


def fill_roster(template_path, target_path, rows: list[dict[str, object]]) -> None:
    """Write ``rows`` ({header: value}) under the template's header row and save a copy."""
    workbook = load_workbook(template_path)
    sheet = workbook["人员花名册"]
    columns = {header_key(cell.value): cell.column for cell in sheet[1] if cell.value}
    for offset, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=offset, column=columns[header], value=value)
    workbook.save(target_path)


def roster_rows(
    credit_code: str, token: str, start_on: date, grades: list[str]
) -> list[dict[str, object]]:
    """Return one 专业技术 row per name, on ``grades`` (posts the plan has room on)."""
    seq = 400 + secrets.randbelow(90)
    return [
        {
            "单位代码": credit_code,
            "工号": f"E2E{token}{index}",
            "姓名": name,
            "身份证号": make_citizen_id(
                "510107", date(1990 + index, 3 + index, 14), seq + index, index % 2 == 0
            ),
            "部门": "数学组",
            "人员身份": "合同制",
            "岗位类别": "专业技术",
            "岗位等级": grades[index],
            "薪级": 5,
            "入职日期": start_on,
            # what payroll needs to pay them this month (the payroll browser test submits it)
            "银行账号": f"6222021001{seq + index:09d}",
            "缴费基数": 6000,
            "公积金基数": 6000,
            "公积金比例": "12%",
        }
        for index, name in enumerate(NAMES)
    ]


def upload(page, path) -> None:
    """Upload a roster; if it passes its check, confirm the preview (the one import path)."""
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()
    expect(page.locator("#import-preview, #import-errors")).to_have_count(1)
    if page.locator("#import-preview").count():
        expect(page.locator("#import-preview")).to_contain_text("全部通过校验")
        page.get_by_role("button", name="确认导入").click()


def back_to_staff_list(page) -> None:
    """From the import page, go back to the staff list by links."""
    page.locator(".breadcrumb").get_by_role("link", name="人事管理").click()
    page.get_by_role("link", name=re.compile(SCHOOL)).click()
    expect(page.locator("h1")).to_have_text("人员名册")


def search_staff(page, q: str) -> None:
    search = page.locator("form.filters input[name=q]")
    search.fill(q)
    page.locator("form.filters").get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(search).to_have_value(q)


# --- appointments ---------------------------------------------------------------------------


def vacant_professional_grades(page, count: int) -> list[str]:
    """Return ``count`` 专技 grades ("12"), one per vacant place of the plan on the page,
    lower grades first (the import keeps to the post plan, as the appointment form does)."""
    places: list[str] = []
    for row in page.locator(".card table tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if len(cells) == 5 and cells[0] == "专业技术" and cells[4].isdigit():
            grade = re.search(r"专技 (\d+) 级", cells[1])
            if grade:
                places += [grade.group(1)] * int(cells[4])
    places.sort(key=int, reverse=True)
    assert len(places) >= count, f"the plan has {len(places)} vacant 专技 places, {count} needed"
    return places[:count]


def post_with_vacancy(page) -> str:
    """Return the label of a post ("专技 11 级") with a vacant place in the selected plan."""
    vacant: list[tuple[str, str]] = []
    for row in page.locator(".card table tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        if len(cells) == 5 and cells[4].isdigit() and int(cells[4]) > 0:
            vacant.append((cells[0], cells[1]))
    assert vacant, "the current year's post plan has no vacant post"
    for preferred in ("专技 11 级", "专技 10 级"):
        if any(label == preferred for _, label in vacant):
            return preferred
    professional = [label for category, label in vacant if category == "专业技术"]
    return (professional or [label for _, label in vacant])[0]


def test_hr_officer_imports_roster_and_appoints(page, login, screenshot, school, tmp_path):
    today = china_today()
    start_on = today - timedelta(days=30)
    token = secrets.token_hex(3).upper()

    login(page, "renshi")
    page.locator("#mainnav").get_by_role("link", name="人事", exact=True).click()
    page.get_by_role("link", name=re.compile(SCHOOL)).click()
    expect(page.locator("h1")).to_have_text("人员名册")
    expect(page.get_by_role("link", name="办理入职")).to_be_visible()
    # The rows go on posts this year's plan has room for.
    page.locator("#hr-nav").get_by_role("link", name="岗位设置").click()
    expect(page.locator(".card h2")).to_have_text(f"{today.year} 年岗位设置方案")
    grades = vacant_professional_grades(page, len(NAMES))
    labels = [f"专技 {grade} 级" for grade in grades]
    rows = roster_rows(school.credit_code, token, start_on, grades)
    numbers = [row["工号"] for row in rows]
    page.locator("#hr-nav").get_by_role("link", name="花名册导入").click()
    expect(page.locator("h1")).to_have_text("导入人员花名册")
    expect(page.locator("main")).to_contain_text(school.credit_code)
    screenshot(page, "hr-roster-import")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载导入模板").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    assert info.value.suggested_filename.endswith(".xlsx")

    # A wrong check character in the second data row (Excel row 3): every row refused.
    bad_rows = [dict(row) for row in rows]
    good_id = str(bad_rows[1]["身份证号"])
    bad_rows[1]["身份证号"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    fill_roster(template, tmp_path / "faulty.xlsx", bad_rows)
    upload(page, tmp_path / "faulty.xlsx")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("未导入任何数据")
    expect(errors.locator("li")).to_have_count(1)
    expect(errors.locator("li")).to_contain_text("第 3 行「身份证号」")
    expect(errors.locator("li")).to_contain_text("未通过校验")
    screenshot(page, "hr-roster-import-errors")

    back_to_staff_list(page)
    search_staff(page, f"E2E{token}")
    expect(page.locator("#staff tbody tr")).to_have_count(1)
    expect(page.locator("#staff tbody")).to_contain_text("没有符合条件的记录")

    # The corrected file goes in whole.
    page.locator("#hr-nav").get_by_role("link", name="花名册导入").click()
    fill_roster(template, tmp_path / "roster.xlsx", rows)
    upload(page, tmp_path / "roster.xlsx")
    expect(page.get_by_role("alert")).to_contain_text("已导入 3 人（新建人员 3 名")
    expect(page.locator("#import-errors")).to_have_count(0)

    # The staff list finds them by name and by staff number.
    back_to_staff_list(page)
    for name, number, label in zip(NAMES, numbers, labels, strict=True):
        search_staff(page, name)
        row = page.locator("#staff tbody tr", has_text=number)
        expect(row).to_have_count(1)
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("合同制")
        expect(row).to_contain_text(label)
    search_staff(page, f"E2E{token}")
    expect(page.locator("#staff tbody tr")).to_have_count(3)
    screenshot(page, "hr-staff-search")

    # A post with a vacancy in this year's plan.
    page.locator("#hr-nav").get_by_role("link", name="岗位设置").click()
    expect(page.locator("h1")).to_have_text("岗位设置方案")
    expect(page.locator(".card h2")).to_have_text(f"{today.year} 年岗位设置方案")
    post = post_with_vacancy(page)

    # Appoint the first new person from their page.
    name = NAMES[0]
    page.locator("#hr-nav").get_by_role("link", name="人员名册").click()
    search_staff(page, numbers[0])
    page.locator("#staff tbody tr", has_text=numbers[0]).get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)
    card = page.locator(".employment", has_text=numbers[0])
    expect(card.locator("table.appointments tbody tr")).to_have_count(1)
    expect(card.locator("table.appointments")).to_contain_text(labels[0])
    card.get_by_role("link", name="岗位聘任").click()
    expect(page.locator("h1")).to_have_text(f"岗位聘任：{name}")
    expect(page.locator("input[name=start_on]")).to_have_value(today.isoformat())
    page.locator("select[name=post]").select_option(label=post)
    page.locator("input[name=post_name]").fill("数学教师")
    with page.expect_navigation():
        page.get_by_role("button", name="聘任", exact=True).click()
    if "/appoint" in page.url:
        # The promotion rules ask for a reason (too few years in grade, a skipped grade…).
        expect(page.get_by_role("alert").first).to_contain_text("不符合以下晋升规则")
        screenshot(page, "hr-appoint-warning")
        page.locator("input[name=override_reason]").fill("教学成绩突出，经校务会研究破格聘任")
        with page.expect_navigation():
            page.get_by_role("button", name="聘任", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/hr/{school.id}/posts\?on={today.isoformat()}$"))
    expect(page.get_by_role("alert").first).to_contain_text(f"已聘任{name}为{post}（数学教师）")
    expect(page.locator("main")).to_contain_text(name)
    screenshot(page, "hr-posts-on")

    # The person page shows the new post, and the import's post closed the day before.
    page.locator("#hr-nav").get_by_role("link", name="人员名册").click()
    search_staff(page, numbers[0])
    page.locator("#staff tbody tr", has_text=numbers[0]).get_by_role("link", name=name).click()
    expect(page.locator("h1")).to_have_text(name)
    posts = page.locator(".employment", has_text=numbers[0]).locator("table.appointments tbody tr")
    expect(posts).to_have_count(2)
    expect(posts.nth(0)).to_contain_text(f"{today.isoformat()} — 至今")
    expect(posts.nth(0)).to_contain_text(post)
    expect(posts.nth(0)).to_contain_text("数学教师")
    expect(posts.nth(1)).to_contain_text(labels[0])
    expect(posts.nth(1)).to_contain_text(
        f"{start_on.isoformat()} — {(today - timedelta(days=1)).isoformat()}"
    )
    screenshot(page, "hr-person-appointed")


# --- appraisal ------------------------------------------------------------------------------


def grade_box(page, label: str):
    """Return the number under a label in the round's summary boxes (优秀, 未评定…)."""
    label_cell = page.locator(".text-muted", has_text=re.compile(rf"^\s*{label}\s*$"))
    return page.locator(".border.rounded", has=label_cell).locator(".fs-5")


def test_hr_officer_runs_an_appraisal_round(page, login, screenshot, school):
    today = china_today()
    login(page, "renshi")
    page.goto(school.path("staff"))
    page.locator("#hr-nav").get_by_role("link", name="年度考核").click()
    expect(page.locator("h1")).to_have_text("年度考核")
    opened = {
        int(y)
        for y in re.findall(
            r"(\d{4}) 年度", " ".join(page.locator("table tbody").all_inner_texts())
        )
    }
    year = next(y for y in (today.year - 1, today.year, today.year - 2) if y not in opened)

    page.locator("input[name=year]").fill(str(year))
    # Before December the round opens only with a ticked confirmation (harmless after).
    page.locator("input[name=confirm_early]").check()
    page.get_by_role("button", name="开启年度考核").click()
    expect(page).to_have_url(re.compile(rf"/hr/{school.id}/appraisals/{year}$"))
    expect(page.get_by_role("alert").first).to_contain_text(f"已开启 {year} 年度考核")
    expect(page.locator("h1")).to_contain_text(f"{year} 年度考核")
    expect(page.locator("h1")).to_contain_text("进行中")
    total = int(grade_box(page, "未评定").inner_text())
    allowed = int(grade_box(page, "优秀上限").inner_text())
    assert total >= 20, total
    assert allowed >= 1, allowed
    screenshot(page, "hr-appraisal-open")

    # Show only the ungraded, as many per page as offered; grade page by page.
    filters = page.locator("form.filters")
    filters.locator("select[name=grade]").select_option("ungraded")
    filters.locator("select[name=per_page]").select_option(label="每页 500 人")
    filters.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"grade=ungraded"))
    excellent = 0
    for _ in range(20):
        selects = page.locator("select[name^='grade-']")
        expect(page.locator("table tbody tr").first).to_be_visible()
        count = selects.count()
        if count == 0:
            expect(page.locator("table tbody")).to_contain_text("没有符合条件的记录")
            break
        for index in range(count):
            if excellent < allowed:
                selects.nth(index).select_option(label="优秀")
                excellent += 1
            else:
                selects.nth(index).select_option(label="合格")
        page.get_by_role("button", name="保存本页等次").click()
        expect(page.get_by_role("alert").first).to_contain_text(f"已保存 {count} 人的考核等次")
        expect(page).to_have_url(re.compile(r"grade=ungraded"))
    else:
        pytest.fail("grading did not finish")
    expect(grade_box(page, "未评定")).to_have_text("0")
    expect(grade_box(page, "优秀")).to_have_text(str(allowed))
    expect(grade_box(page, "合格")).to_have_text(str(total - allowed))
    screenshot(page, "hr-appraisal-graded")

    # Close, confirming the browser's dialog.
    dialogs: list[str] = []

    def accept(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    if page.locator("#early-close").count():
        # Closing the current year's round before December needs a ticked confirmation.
        page.locator("#confirm_early_close").check()
    page.get_by_role("button", name="关闭考核并晋升薪级").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"{year} 年度考核已关闭")
    assert dialogs and "关闭吗" in dialogs[0], dialogs
    expect(page.locator("h1")).to_contain_text("已关闭")
    expect(page.get_by_role("button", name="关闭考核并晋升薪级")).to_have_count(0)
    expect(page.locator("select[name^='grade-']")).to_have_count(0)
    screenshot(page, "hr-appraisal-closed")

    page.locator("#hr-nav").get_by_role("link", name="年度考核").click()
    row = page.locator("table tbody tr", has_text=f"{year} 年度")
    expect(row).to_contain_text("已关闭")
    expect(row).to_contain_text(f"{total} 人")


# --- the employee's own record on a phone ---------------------------------------------------


def test_employee_sees_own_record_on_a_phone(new_page, login, screenshot, school):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "zhigong")
    toggler = page.locator("button.navbar-toggler")
    menu = page.locator("#mainnav")
    expect(menu).to_be_hidden()
    toggler.click()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))
    menu.get_by_role("link", name="我的档案").click()
    expect(page.locator("h1")).to_have_text("我的档案")

    main = page.locator("main")
    expect(main.locator("dl.record").first).to_contain_text(EMPLOYEE_NAME)
    expect(main.locator(".employment")).to_have_count(1)
    expect(main.locator(".employment")).to_contain_text(SCHOOL)
    expect(main.locator(".employment")).to_contain_text("语文教师")
    expect(main.locator("#not-linked")).to_have_count(0)
    # No HR actions on one's own record; their own ID number is shown in full.
    expect(main.get_by_role("link", name="岗位聘任")).to_have_count(0)
    expect(main.get_by_role("link", name="办理离职")).to_have_count(0)
    expect(main.locator("dl.record dd.code").first).to_have_text(re.compile(r"^\d{17}[\dX]$"))
    text = main.inner_text()
    others = [n for n in school.staff_names if n != EMPLOYEE_NAME and n not in EMPLOYEE_NAME]
    assert others, school.staff_names
    shown = [n for n in others if n in text]
    assert not shown, f"the employee's own record shows other staff: {shown}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"我的档案 scrolls sideways on a phone ({width}px)"
    screenshot(page, "hr-me-phone")

    response = page.goto(school.path("staff"))
    assert response is not None and response.status in (403, 404), response
    expect(page.locator("h1")).to_have_text(re.compile("没有权限|页面不存在"))
    response = page.goto(school.path("roster/import"))
    assert response is not None and response.status in (403, 404), response


# --- HR pages on a phone --------------------------------------------------------------------


def _overflow(page) -> tuple[int, int]:
    """Return (document width, viewport width): the page scrolls sideways if the first is wider."""
    return page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")


def test_hr_pages_fit_a_phone(new_page, login, screenshot, school):
    """At 390 px every HR tab stays in sight (they wrap) and no page scrolls sideways; the
    staff list is a stack of cards."""
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "renshi")
    page.goto(school.path("staff"))
    nav = page.locator("#hr-nav")
    labels = [t.strip() for t in nav.locator("a.nav-link").all_inner_texts()]
    assert {"人员名册", "聘用合同", "年度考核", "编制台账", "花名册导入"} <= set(labels), labels
    visited = []
    for label in labels:
        nav = page.locator("#hr-nav")
        link = nav.get_by_role("link", name=label, exact=True)
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            label,
            box,
        )
        link.click()
        expect(page.locator("h1").first).to_be_visible()
        width, viewport = _overflow(page)
        assert width <= viewport, f"{label} ({page.url}) is {width}px wide at {viewport}px"
        visited.append(page.url)
        screenshot(page, f"hr-phone-{len(visited):02d}")

    # The staff list as cards: a row is as narrow as the screen, its cells labelled.
    page.goto(school.path("staff"))
    row = page.locator("#staff tbody tr").first
    box = row.bounding_box()
    assert box is not None and box["width"] <= PHONE["width"], box
    expect(row.locator("td[data-label]").first).to_be_visible()
    expect(page.locator("#staff thead")).to_be_hidden()

    # A person's record, the appointment form, the contract form and a round page.
    person = page.locator("#staff tbody tr td:nth-child(2) a").first
    person.click()
    expect(page.locator("h1").first).to_be_visible()
    more = [page.url]
    for path in ("contracts", "appraisals", "plans"):
        page.goto(school.path(path))
        links = page.locator(
            "main a[href*='/appoint'], main a[href*='/contracts/new'], "
            "main a[href*='/appraisals/2']"
        )
        if links.count():
            href = links.first.get_attribute("href")
            page.goto(href)
            more.append(page.url)
    for url in more:
        page.goto(url)
        width, viewport = _overflow(page)
        assert width <= viewport, f"{url} is {width}px wide at {viewport}px"
