"""Real user flows in headless Chromium against a live server with the demo data.

Tests run in file order on one shared server: the ones that only read come first, the
one that registers a new institution later, so the registry counts below hold.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from playwright.sync_api import expect

from core.ids import make_credit_code

pytestmark = pytest.mark.e2e

SEEDED = [
    "成都市武侯区第一实验小学",
    "成都市武侯区新城学校（九年一贯制）",
    "成都市锦江区东湖中学",
    "成都市武侯区人民医院",
    "成都市锦江区中医医院",
]
HOSPITALS = ["成都市武侯区人民医院", "成都市锦江区中医医院"]
WUHOU_SCHOOLS = ["成都市武侯区第一实验小学", "成都市武侯区新城学校（九年一贯制）"]
PHONE = {"width": 390, "height": 844}


def registry_names(page) -> list[str]:
    """Return the institution names listed in the registry table, in order."""
    return [n.strip() for n in page.locator("table tbody tr td:first-child a").all_inner_texts()]


def expect_error_page(page, response, status: int, title: str) -> None:
    assert response is not None and response.status == status, response
    expect(page.locator("h1")).to_have_text(title)


def assert_xlsx(path) -> None:
    """Check that a downloaded file is an Office Open XML workbook."""
    with zipfile.ZipFile(path) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


def xlsx_text(path) -> str:
    """Return all shared strings and inline strings of a workbook, for text assertions."""
    with zipfile.ZipFile(path) as workbook:
        return "".join(
            workbook.read(name).decode("utf-8")
            for name in workbook.namelist()
            if name.startswith("xl/") and name.endswith(".xml")
        )


def test_staffing_office_browses_and_searches_registry(page, login, screenshot):
    page.goto("/login")
    screenshot(page, "login")
    login(page, "bianban")
    expect(page.locator("h1")).to_have_text("您好，赵敏（编办）")
    expect(page.locator("#registry-overview")).to_contain_text("辖区事业单位")
    screenshot(page, "home-bianban")

    page.locator("#mainnav").get_by_role("link", name="单位登记", exact=True).click()
    expect(page).to_have_url(re.compile(r"/institutions/$"))
    expect(page.locator("table tbody tr")).to_have_count(5)
    assert sorted(registry_names(page)) == sorted(SEEDED)
    screenshot(page, "registry")

    page.locator("input[name=q]").fill("医院")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    expect(page.locator("table tbody tr")).to_have_count(2)
    assert sorted(registry_names(page)) == sorted(HOSPITALS)
    expect(page.locator("input[name=q]")).to_have_value("医院")
    screenshot(page, "registry-search")

    page.get_by_role("link", name="成都市武侯区人民医院").click()
    expect(page.locator("h1")).to_have_text("成都市武侯区人民医院")
    record = page.locator("dl.record")
    expect(record).to_contain_text("陈志强")
    expect(record).to_contain_text("成都市武侯区卫生健康局")
    expect(record).to_contain_text(make_credit_code("510107", "45070101"))
    screenshot(page, "institution-detail")


def test_sponsor_sees_only_its_schools(page, login, screenshot, institution_paths):
    login(page, "jiaoyuju")
    screenshot(page, "home-jiaoyuju")
    page.locator("#mainnav").get_by_role("link", name="单位登记", exact=True).click()
    expect(page.locator("table tbody tr")).to_have_count(2)
    assert sorted(registry_names(page)) == sorted(WUHOU_SCHOOLS)
    expect(page.get_by_role("link", name="登记新单位")).to_have_count(0)
    screenshot(page, "registry-jiaoyuju")

    response = page.goto(institution_paths["成都市武侯区人民医院"])
    expect_error_page(page, response, 404, "页面不存在")
    screenshot(page, "error-404")

    response = page.goto("/accounts/")
    expect_error_page(page, response, 403, "没有权限")
    screenshot(page, "error-403")


def test_teacher_on_a_phone(new_page, login, screenshot, institution_paths):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "zhigong")
    expect(page.locator("h1")).to_have_text("您好，林晓（教师）")
    expect(page.locator("#my-institutions")).to_contain_text("成都市武侯区第一实验小学")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"home page scrolls sideways on a phone ({width}px)"
    screenshot(page, "home-zhigong-phone")

    toggler = page.locator("button.navbar-toggler")
    menu = page.locator("#mainnav")
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    expect(page.locator("#mainnav").get_by_role("link", name="首页")).to_be_hidden()
    toggler.click()
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # the open animation has finished
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="首页")).to_be_visible()
    expect(menu.get_by_role("link", name="账号管理")).to_have_count(0)
    expect(page.get_by_role("link", name="账号管理")).to_have_count(0)
    screenshot(page, "nav-zhigong-phone")

    response = page.goto("/accounts/")
    expect_error_page(page, response, 403, "没有权限")
    response = page.goto(institution_paths["成都市武侯区人民医院"])
    expect_error_page(page, response, 404, "页面不存在")


def test_two_roles_at_once_see_their_own_home(new_page, login, screenshot):
    office = new_page(viewport={"width": 1280, "height": 900})
    school = new_page(viewport={"width": 1280, "height": 900})
    login(office, "bianban")
    login(school, "xiaoban")

    for _ in range(2):  # and again after a reload: the sessions do not leak into each other
        expect(office.locator("h1")).to_have_text("您好，赵敏（编办）")
        expect(office.locator("#registry-overview")).to_contain_text("辖区事业单位")
        expect(office.locator("#my-institutions")).to_have_count(0)
        expect(office.locator("#mainnav").get_by_role("link", name="账号管理")).to_be_visible()

        expect(school.locator("h1")).to_have_text("您好，吴静（校办）")
        mine = school.locator("#my-institutions")
        expect(mine).to_contain_text("我所在的单位")
        expect(mine).to_contain_text("成都市武侯区第一实验小学")
        expect(school.locator("#registry-overview")).to_have_count(0)
        office.reload()
        school.reload()
    screenshot(school, "home-xiaoban")


def test_logout(page, login):
    login(page, "lishi")
    page.locator("#user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("alert")).to_contain_text("您已退出登录")

    page.goto("/institutions/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()
    expect(page.locator("#user-menu")).to_have_count(0)


def test_staffing_office_downloads_template_and_export(page, login, screenshot, tmp_path):
    login(page, "bianban")
    page.goto("/institutions/")
    page.get_by_role("link", name="Excel 导入").click()
    expect(page.locator("h1")).to_have_text("Excel 导入事业单位")
    expect(page.locator("input[type=file][name=file]")).to_be_attached()
    expect(page.get_by_role("button", name="上传并校验")).to_be_visible()
    screenshot(page, "import")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载导入模板").click()
    template = info.value
    assert template.suggested_filename.endswith(".xlsx"), template.suggested_filename
    template.save_as(tmp_path / "template.xlsx")
    assert_xlsx(tmp_path / "template.xlsx")
    assert "统一社会信用代码" in xlsx_text(tmp_path / "template.xlsx")

    page.goto("/institutions/")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    export = info.value
    assert export.suggested_filename.endswith(".xlsx"), export.suggested_filename
    export.save_as(tmp_path / "export.xlsx")
    assert_xlsx(tmp_path / "export.xlsx")
    text = xlsx_text(tmp_path / "export.xlsx")
    for name in SEEDED:
        assert name in text


def fill_institution_form(page, *, credit_code: str, name: str) -> None:
    page.locator("input[name=credit_code]").fill(credit_code)
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=kind]").select_option(label="学校")
    page.locator("select[name=district_code]").select_option(label="武侯区（510107）")
    page.locator("select[name=sponsor_id]").select_option(label="成都市武侯区教育局")
    page.locator("select[name=funding_class]").select_option(label="公益一类")
    page.locator("input[name=legal_representative]").fill("唐晓东")
    page.locator("textarea[name=address]").fill("武侯区桂溪路 9 号")


def test_staffing_office_registers_institution(page, login, screenshot):
    login(page, "bianban")
    page.goto("/institutions/")
    page.get_by_role("link", name="登记新单位").first.click()
    expect(page.locator("h1")).to_have_text("登记新单位")

    # A wrong check character: the form says so next to the field, and nothing is saved.
    good = make_credit_code("510107", "45079998")
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    rejected_name = "成都市武侯区校验位测试学校"
    fill_institution_form(page, credit_code=wrong, name=rejected_name)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("登记新单位")
    expect(page.locator("input[name=credit_code]")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("#credit_code ~ .invalid-feedback")).to_contain_text("未通过校验")
    expect(page.locator("input[name=name]")).to_have_value(rejected_name)
    screenshot(page, "institution-form-error")

    page.goto(f"/institutions/?q={rejected_name}")
    expect(page.get_by_role("link", name=rejected_name)).to_have_count(0)

    # The same form with a valid code registers the institution.
    page.goto("/institutions/new")
    code = make_credit_code("510107", "45079999")
    name = "成都市武侯区桂溪小学"
    fill_institution_form(page, credit_code=code, name=name)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.get_by_role("alert")).to_contain_text(f"已登记「{name}」")
    record = page.locator("dl.record")
    expect(record).to_contain_text(code)
    expect(record).to_contain_text("武侯区（510107）")
    expect(record).to_contain_text("成都市武侯区教育局")
    expect(record).to_contain_text("唐晓东")
    screenshot(page, "institution-created")

    page.goto("/institutions/")
    expect(page.locator("table tbody tr")).to_have_count(6)
    expect(page.get_by_role("link", name=name)).to_be_visible()
