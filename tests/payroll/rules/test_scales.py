"""The 2006 scale tables as DOMAIN §3 prints them, the lookups, and loading a newer table."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from core.excel import read_workbook, write_workbook
from hr.posts.promotion import DEFAULTS as PROMOTION_DEFAULTS
from payroll import scales
from payroll.excel_specs import POST_WAGE_TABLE_SPEC, STEP_WAGE_TABLE_SPEC
from payroll.scales import (
    DEFAULTS,
    POST_WAGE_KEY,
    STEP_WAGE_KEY,
    ScaleError,
    load_post_wage_table,
    load_salary_step_table,
    post_wage,
    starting_step,
    step_wage,
)

D = Decimal
POSTS = DEFAULTS[POST_WAGE_KEY]
STEPS = DEFAULTS[STEP_WAGE_KEY]

# DOMAIN.md §3, copied by hand (not from the code under test).
DOMAIN_PROFESSIONAL = "2800, 1900, 1630, 1420, 1180, 1040, 930, 780, 730, 680, 620, 590, 550"
DOMAIN_MANAGEMENT = "2750, 2130, 1640, 1305, 1045, 850, 720, 640, 590, 550"
DOMAIN_WORKER = "830, 690, 615, 575, 545"  # 技术工 1–5; 普通工 540
DOMAIN_STAFF_STEPS = """80 91 102 113 125 137 151 165 181 197 215 233 253 273 295 317 341 365 391
417 443 471 499 527 555 583 613 643 673 703 735 767 799 834 869 904 944 984 1024 1064 1109 1154
1199 1244 1289 1334 1384 1434 1484 1534 1590 1655 1720 1785 1850 1920 1990 2060 2130 2200 2280
2360 2440 2520 2600"""
DOMAIN_WORKER_STEPS = """70 80 90 101 112 124 136 148 161 174 188 202 217 232 248 264 282 300 320
340 363 386 409 432 455 478 504 530 556 585 614 643 675 707 739 774 809 844 879 915"""


def _numbers(text: str) -> list[Decimal]:
    return [D(n) for n in text.replace(",", " ").split()]


def test_post_wage_table_is_the_2006_national_table():
    for category, text in (
        ("professional", DOMAIN_PROFESSIONAL),
        ("management", DOMAIN_MANAGEMENT),
        ("worker", DOMAIN_WORKER),
    ):
        expected = _numbers(text)
        got = [post_wage(POSTS, category, g) for g in range(1, len(expected) + 1)]
        assert got == expected, category
    assert post_wage(POSTS, "worker", 6) == D("540.00")  # 普通工
    assert len(POSTS["professional"]) == 13
    assert len(POSTS["management"]) == 10
    assert len(POSTS["worker"]) == 6


def test_step_wage_table_is_the_2006_national_table():
    staff = _numbers(DOMAIN_STAFF_STEPS)
    workers = _numbers(DOMAIN_WORKER_STEPS)
    assert len(staff) == 65 and len(workers) == 40
    for category in ("management", "professional"):
        assert [step_wage(STEPS, category, s) for s in range(1, 66)] == staff
    assert [step_wage(STEPS, "worker", s) for s in range(1, 41)] == workers


def test_lookups_return_fen_amounts():
    assert str(post_wage(POSTS, "professional", 8)) == "780.00"
    assert str(step_wage(STEPS, "management", 65)) == "2600.00"


def test_starting_steps_are_hrs_and_match_domain():
    # 专技 1→39, 2–4→25, 5–7→16, 8–10→9, 11–12→5, 13→1
    prof = {1: 39, 2: 25, 3: 25, 4: 25, 5: 16, 6: 16, 7: 16, 8: 9, 9: 9, 10: 9, 11: 5, 12: 5}
    prof[13] = 1
    mgmt = {1: 46, 2: 39, 3: 31, 4: 26, 5: 21, 6: 17, 7: 12, 8: 8, 9: 4, 10: 1}
    worker = {1: 26, 2: 20, 3: 14, 4: 8, 5: 2, 6: 1}
    for category, table in (("professional", prof), ("management", mgmt), ("worker", worker)):
        for grade, step in table.items():
            assert starting_step(category, grade) == step
    assert scales.STARTING_STEPS_KEY == "hr.starting_steps"
    assert PROMOTION_DEFAULTS[scales.STARTING_STEPS_KEY]["worker"]["6"] == 1


@pytest.mark.parametrize(
    ("category", "grade", "text"),
    [("management", 11, "岗位工资表中没有管理 11 级"), ("clerk", 1, "岗位工资表中没有clerk 1 级")],
)
def test_post_wage_outside_the_table_is_a_scale_error(category, grade, text):
    with pytest.raises(ScaleError) as caught:
        post_wage(POSTS, category, grade)
    assert str(caught.value.message) == text


def test_step_outside_the_table_is_a_scale_error():
    with pytest.raises(ScaleError) as caught:
        step_wage(STEPS, "worker", 41)
    assert str(caught.value.message) == "薪级工资表中没有工勤技能第 41 级"


def test_general_worker_is_named_in_messages():
    assert str(scales.grade_name("worker", 6)) == "普通工"
    assert str(scales.grade_name("professional", 3)) == "专业技术 3 级"


# --------------------------------------------------------------------------- loading


def _post_rows(table=POSTS):
    rows, number = [], 2
    for category, label in (
        ("management", "管理"),
        ("professional", "专业技术"),
        ("worker", "工勤技能"),
    ):
        for grade, amount in table[category].items():
            text = "普通工" if category == "worker" and grade == "6" else grade
            rows.append({"_row": number, "category": label, "grade": text, "amount": D(amount)})
            number += 1
    return rows


def _step_rows():
    rows = []
    for step in range(1, 66):
        worker = STEPS["worker"].get(str(step))
        rows.append(
            {
                "_row": step + 1,
                "step": step,
                "staff": D(STEPS["professional"][str(step)]),
                "worker": D(worker) if worker else None,
            }
        )
    return rows


def test_loading_the_2006_post_table_gives_the_seeded_value():
    loaded = load_post_wage_table(_post_rows())
    assert loaded.ok and loaded.value == POSTS


def test_a_newer_post_table_is_loaded_with_its_amounts():
    rows = _post_rows()
    for row in rows:
        row["amount"] = row["amount"] * 2 + D("0.50")
    loaded = load_post_wage_table(rows)
    assert loaded.ok
    assert post_wage(loaded.value, "professional", 1) == D("5600.50")
    assert post_wage(loaded.value, "worker", 6) == D("1080.50")


def _texts(loaded):
    return [str(e) for e in loaded.errors]


def test_post_table_errors_name_row_and_column():
    rows = _post_rows()
    rows[0]["category"] = "后勤"
    rows[1]["grade"] = "十"
    rows[2]["amount"] = D("-5")
    rows[3]["amount"] = D("12.345")
    rows[4]["grade"] = 6  # row 6 says 管理 6 级; row 7 holds it too
    rows[20]["grade"] = 14  # professional has 13 grades
    loaded = load_post_wage_table(rows)
    assert loaded.value is None
    texts = _texts(loaded)
    assert "第 2 行「岗位类别」：「后勤」不是岗位类别（可选：管理、专业技术、工勤技能）" in texts
    assert "第 3 行「岗位等级」：「十」不是岗位等级" in texts
    assert "第 4 行「岗位工资」：金额应大于 0" in texts
    assert "第 5 行「岗位工资」：金额最多两位小数" in texts
    assert "第 7 行「岗位等级」：管理 6 级重复（已在第 6 行）" in texts
    assert "第 22 行「岗位等级」：专业技术岗位没有 14 级（应为 1–13）" in texts
    # what went missing is reported for the whole file, by column
    assert "列「岗位等级」：缺少管理 5 级的岗位工资" in texts


def test_post_table_must_not_pay_a_lower_grade_more():
    rows = _post_rows()
    # professional 3 级 (row of grade "3") set above grade 2's 1,900
    for row in rows:
        if row["category"] == "专业技术" and row["grade"] == "3":
            row["amount"] = D("2000")
            number = row["_row"]
    loaded = load_post_wage_table(rows)
    assert _texts(loaded) == [
        f"第 {number} 行「岗位工资」：专业技术 3 级的岗位工资 2000 高于专业技术 2 级的 1900"
    ]


def test_general_worker_only_under_workers():
    rows = _post_rows()
    rows[0]["grade"] = "普通工"  # a management row
    assert "第 2 行「岗位等级」：只有工勤技能岗位有普通工" in _texts(load_post_wage_table(rows))


def test_loading_the_2006_step_table_gives_the_seeded_value():
    loaded = load_salary_step_table(_step_rows())
    assert loaded.ok and loaded.value == STEPS


def test_step_table_errors():
    rows = _step_rows()
    rows[0]["staff"] = None  # step 1 staff blank
    rows[45]["worker"] = D("900")  # step 46 has no worker amount
    rows[10]["step"] = 10  # duplicate step 10; step 11 missing
    rows[20]["staff"] = D("10")  # step 21 pays less than step 20
    rows[30]["step"] = 70
    texts = _texts(load_salary_step_table(rows))
    assert "第 2 行「管理和专业技术人员」：必填，不能为空" in texts
    assert "第 47 行「工人」：超过最高薪级 40 级，应为空" in texts
    assert "第 12 行「薪级」：第 10 级重复（已在第 11 行）" in texts
    assert "列「管理和专业技术人员」：缺少第 11 级" in texts
    assert "列「工人」：缺少第 11 级" in texts
    assert "第 22 行「管理和专业技术人员」：第 21 级薪级工资 10 低于第 20 级的 417" in texts
    assert "第 32 行「薪级」：薪级应为 1–65" in texts


def test_step_table_follows_hrs_top_steps():
    rows = [r for r in _step_rows() if r["step"] <= 60]
    loaded = load_salary_step_table(
        rows, step_max={"management": 60, "professional": 60, "worker": 40}
    )
    assert loaded.ok
    assert len(loaded.value["management"]) == 60


def test_tables_load_from_an_excel_file_written_with_the_specs():
    buffer = io.BytesIO()
    write_workbook(buffer, POST_WAGE_TABLE_SPEC, _post_rows())
    read = read_workbook(buffer.getvalue(), POST_WAGE_TABLE_SPEC)
    assert read.ok, read.messages
    assert load_post_wage_table(read.rows).value == POSTS

    buffer = io.BytesIO()
    write_workbook(buffer, STEP_WAGE_TABLE_SPEC, _step_rows())
    read = read_workbook(buffer.getvalue(), STEP_WAGE_TABLE_SPEC)
    assert read.ok, read.messages
    assert load_salary_step_table(read.rows).value == STEPS


def test_an_empty_file_reports_every_missing_post():
    loaded = load_post_wage_table([])
    assert len(loaded.errors) == 10 + 13 + 6
