"""Account administration in headless Chromium: delegated to the school's admin, and the
role-grant form that shows only the scope field the chosen role needs (issue 9.11, 9.12).

Each test creates its own accounts (random usernames) and changes no demo account.
"""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SCHOOL = "成都市武侯区第一实验小学"
PHONE = {"width": 390, "height": 844}


def _create_account(page, full_name: str, *, role: str | None = None) -> str:
    """Fill the new-account form and return the username; the page ends on the account."""
    username = f"e2e{secrets.token_hex(3)}"
    page.goto("/accounts/new")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=full_name]").fill(full_name)
    page.locator("input[name=password]").fill("temp-pass-2026")
    if role:
        page.locator("select[name=role]").select_option(label=role)
    page.get_by_role("button", name="创建账号").click()
    expect(page.locator("h1")).to_contain_text(full_name)
    return username


def _fits(page) -> None:
    page.wait_for_load_state("load")  # measured once the page's styles and scripts have run
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} scrolls sideways ({width}px > {viewport}px)"


def test_school_admin_manages_the_schools_accounts(new_page, login, screenshot):
    page = new_page(viewport={"width": 1280, "height": 900})
    login(page, "xiaoban")
    page.locator("#mainnav").get_by_role("link", name="账号管理").click()
    expect(page.locator("#delegation-note")).to_be_visible()
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("table")).not_to_contain_text("bianban")  # the staffing office's
    expect(page.locator("table")).not_to_contain_text("成都市武侯区人民医院")
    screenshot(page, "accounts-index-xiaoban")

    page.goto("/accounts/new")
    expect(page.locator("select[name=role] option")).not_to_contain_text(["编办"])
    expect(page.locator("select[name=institution_id]")).to_contain_text(SCHOOL)
    screenshot(page, "accounts-create-xiaoban")
    _create_account(page, "新来的老师", role="职工")
    expect(page.locator("#memberships")).to_contain_text(f"职工 · {SCHOOL}")

    form = page.locator("#grant-form")
    institution = form.locator("[data-scope-field=institution]")
    expect(form.locator("[data-scope-field=sponsor]")).to_have_count(0)  # not the admin's
    expect(institution).to_be_hidden()  # no role chosen yet, so no scope field either
    form.locator("select[name=grant-role]").select_option(label="人事专员")
    expect(institution).to_be_visible()
    form.locator("select[name=grant-institution_id]").select_option(index=1)  # the school
    form.get_by_role("button", name="授予角色").click()
    expect(page.get_by_role("alert")).to_contain_text("已授予角色")
    expect(page.locator("#memberships")).to_contain_text(f"人事专员 · {SCHOOL}")
    expect(page.locator("#account-history")).to_contain_text("授予角色")
    screenshot(page, "accounts-detail-xiaoban")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_grant_form_on_a_phone_shows_only_the_field_the_role_needs(
    new_page, login, screenshot, language
):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "bianban")
    _create_account(page, "待授权的人")
    if language == "en":
        page.locator("footer").get_by_role("button", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    form = page.locator("#grant-form")
    role = form.locator("select[name=grant-role]")
    institution = form.locator("[data-scope-field=institution]")
    sponsor = form.locator("[data-scope-field=sponsor]")
    expect(role).to_have_value("")
    expect(institution).to_be_hidden()
    expect(sponsor).to_be_hidden()
    role.select_option("sponsor")
    expect(sponsor).to_be_visible()
    expect(institution).to_be_hidden()
    role.select_option("hr_officer")
    expect(institution).to_be_visible()
    expect(sponsor).to_be_hidden()
    _fits(page)
    screenshot(page, f"accounts-grant-phone-{language}")
    role.select_option("staffing_office")
    expect(institution).to_be_hidden()
    expect(sponsor).to_be_hidden()
    form.locator("button[type=submit]").click()
    expect(page.locator("#memberships")).to_contain_text(
        "编办 · 全市" if language == "zh" else "Staffing Office"
    )
    _fits(page)
    screenshot(page, f"accounts-detail-phone-{language}")
    if language == "en":
        page.locator("footer").get_by_role("button", name="中文").click()


def test_the_403_page_names_the_school_admin(new_page, login, screenshot):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, "zhigong")
    response = page.goto("/audit")
    assert response.status == 403
    contacts = page.locator("#help-contacts")
    expect(contacts).to_contain_text("单位管理员")
    expect(contacts).to_contain_text(SCHOOL)
    _fits(page)
    screenshot(page, "error-403-contacts-phone")
