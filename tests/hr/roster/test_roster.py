"""人员花名册 import and export: every mistake reported by row, column and reason; a file
lands whole or not at all; an export re-imports; the command line and the web pages."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from core.audit import AuditEvent
from core.excel import read_workbook
from core.extensions import db
from core.i18n import Msg
from core.ids import china_today, make_citizen_id, make_credit_code
from core.roles import Role
from hr.models import (
    Appointment,
    Employment,
    Identity,
    Person,
    PostCategory,
    SalaryStep,
)
from hr.roster.checks import (
    RosterRules,
    check_roster,
    file_duplicates,
    parse_grade,
    plan_roster,
    quota_overflow,
    row_problems,
)
from hr.roster.cli import hr_cli
from hr.roster.excel import CATEGORY_BY_LABEL, IDENTITY_BY_LABEL, ROSTER_SPEC
from hr.roster.operations import import_roster
from hr.roster.queries import export_rows
from payroll.models import PaySettings
from tests.factories import (
    add_quota,
    create_department,
    create_employment,
    create_institution,
    create_person,
    create_user,
)
from tests.imports import confirm_form, upload, upload_and_confirm

HEADERS = [c.header for c in ROSTER_SPEC.columns]
TODAY = date(2026, 11, 27)
RULES = RosterRules(
    today=TODAY,
    max_step={"management": 65, "professional": 65, "worker": 40},
    fund_rate_min=Decimal("0.05"),
    fund_rate_max=Decimal("0.12"),
    min_age=16,
    max_future_days=90,
)


def _id(n: int, male: bool = True) -> str:
    return make_citizen_id("510107", date(1985, 1 + n % 12, 1 + n % 28), n % 500, male)


def _row(code: str, n: int, **overrides) -> dict:
    """Return one valid roster row (by header) for person number n."""
    row = {
        "单位代码": code,
        "工号": f"T{n:04d}",
        "姓名": f"测试{n}",
        "身份证号": _id(n),
        "部门": "教务处",
        "人员身份": "合同制",
        "岗位类别": "专业技术",
        "岗位等级": "8",
        "薪级": 20,
        "入职日期": "2020-09-01",
        "银行账号": f"6222{n:015d}",
        "缴费基数": "6500.50",
        "公积金基数": 6500,
        "公积金比例": "12%",
    }
    row.update(overrides)
    return row


def _xlsx(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Person, Employment, Appointment, SalaryStep, PaySettings)
    )


def _check(content: bytes, institution=None):
    """Return (every error, the plan or None) of a workbook, as the import checks it."""
    from core.imports import ImportContext, read_and_check
    from hr.roster.imports import ROSTER_IMPORTER

    context = ImportContext(institution_id=institution.id if institution else None)
    context.confirming = True
    checked = read_and_check(ROSTER_IMPORTER, content, context)
    return checked.errors, checked.plan


def _runner(app):
    if "hr" not in app.cli.commands:
        app.cli.add_command(hr_cli)
    return app.test_cli_runner()


@pytest.fixture
def school():
    institution = create_institution(name="花名册测试学校")
    create_department(institution, "教务处")
    add_quota(institution, "establishment", 10)
    add_quota(institution, "filed", 10)
    return institution


# --------------------------------------------------------------------------- pure rules


def test_labels_are_those_of_the_enums(app):
    assert {str(i.label): i.value for i in Identity} == IDENTITY_BY_LABEL
    assert {str(c.label): c.value for c in PostCategory} == CATEGORY_BY_LABEL


@pytest.mark.parametrize(
    ("category", "text", "expected"),
    [
        ("management", "10", 10),
        ("management", "11", None),
        ("professional", "13", 13),
        ("professional", "普通工", None),
        ("worker", "5", 5),
        ("worker", "普通工", 6),
        ("worker", "6", None),
    ],
)
def test_grade_must_fit_the_category(category, text, expected):
    grade = parse_grade(category, text)
    if expected is None:
        assert isinstance(grade, Msg) and "等级" in grade
    else:
        assert grade == expected


def _plain_row(**overrides) -> dict:
    row = {
        "_row": 2,
        "institution_code": "X",
        "staff_number": "A1",
        "name": "张三",
        "citizen_id": _id(1),
        "department": None,
        "identity": "合同制",
        "category": "工勤技能",
        "bank_account": None,
        "contribution_base": None,
        "fund_base": None,
        "grade_text": "普通工",
        "salary_step": 40,
        "fund_rate": Decimal("0.05"),
        "start_on": date(2020, 1, 1),
    }
    row.update(overrides)
    return row


def test_row_problems_name_the_column():
    assert row_problems(_plain_row(), RULES) == []
    problems = dict(
        row_problems(
            _plain_row(salary_step=41, fund_rate=Decimal("0.125"), start_on=date(1990, 1, 1)),
            RULES,
        )
    )
    assert "1–40" in problems["薪级"]
    assert "12.5%" in problems["公积金比例"] and "5%–12%" in problems["公积金比例"]
    assert "未满 16 周岁" in problems["入职日期"]
    too_late = dict(row_problems(_plain_row(start_on=date(2027, 6, 1)), RULES))
    assert "晚于今天" in too_late["入职日期"]


def test_row_problems_normalize_the_row():
    row = _plain_row(institution_code="12ab")
    assert row_problems(row, RULES) == []
    assert row["institution_code"] == "12AB"
    assert (row["identity"], row["category"], row["grade"]) == ("contract", "worker", 6)
    assert row_problems(row, RULES) == []  # a second pass changes nothing
    assert (row["identity"], row["category"]) == ("contract", "worker")


def test_file_duplicates_point_at_the_first_row():
    rows = [
        _plain_row(_row=2),
        _plain_row(_row=3, citizen_id=_id(2)),  # same 工号, same unit
        _plain_row(_row=4, staff_number="A2"),  # same ID number
        _plain_row(_row=5, institution_code="Y", citizen_id=_id(3)),  # same 工号, other unit
    ]
    found = {(e.row, e.column): e.message for e in file_duplicates(rows)}
    assert found == {
        (3, "工号"): "与第 2 行的工号重复（同一单位）",
        (4, "身份证号"): "与第 2 行的身份证号重复",
    }


@given(st.lists(st.integers(2, 10_000), unique=True, max_size=30), st.integers(-5, 40))
def test_quota_overflow_starts_at_the_first_row_beyond_the_vacancy(numbers, vacant):
    rows = [{"_row": n} for n in numbers]
    first = quota_overflow(rows, vacant)
    if len(rows) <= max(vacant, 0):
        assert first is None
    else:
        assert sum(1 for r in rows if r["_row"] < first["_row"]) == max(vacant, 0)


_ID_CHARS = st.sampled_from("0123456789Xx")


@given(
    st.one_of(
        st.text(_ID_CHARS, min_size=17, max_size=19),
        st.builds(
            lambda d, seq, male: make_citizen_id("510107", d, seq, male),
            st.dates(date(1900, 1, 1), date(2100, 12, 31)),
            st.integers(0, 499),
            st.booleans(),
        ),
        st.text(min_size=0, max_size=20),
    )
)
def test_fast_id_check_agrees_with_parse_citizen_id(value):
    from core.ids import IdError, parse_citizen_id
    from hr.roster.excel import ROSTER_SPEC as spec

    validate = next(c.validate for c in spec.columns if c.field == "citizen_id")
    try:
        expected = parse_citizen_id(value).number
    except IdError as error:
        with pytest.raises(IdError) as raised:
            validate(value)
        assert str(raised.value) == str(error)
    else:
        assert validate(value) == expected


# --------------------------------------------------------------------------- the checks


def test_a_file_with_every_kind_of_mistake_reports_each_and_writes_nothing(app, school, tmp_path):
    code = school.credit_code
    here = create_employment(school, create_person(name="张三"), staff_number="S0001")
    known = create_person(name="李四")
    elsewhere = create_institution()
    holder = create_person(name="王五")
    create_employment(elsewhere, holder, identity=Identity.ESTABLISHMENT.value)
    add_quota(school, "establishment", -9)  # one place left
    unregistered = make_credit_code("510107", "99999999")
    rows = [
        _row(code, 1, 人员身份="事业编制"),  # 2: fits the one vacancy
        _row(code, 2, 人员身份="事业编制"),  # 3: beyond it
        _row(code, 3, 身份证号=_id(3)[:17] + ("0" if _id(3)[17] != "0" else "1")),  # 4
        _row(unregistered, 4),  # 5
        _row(code, 5, 人员身份="临时工"),  # 6
        _row(code, 6, 岗位类别="管理", 岗位等级="12"),  # 7
        _row(code, 7, 岗位类别="工勤技能", 岗位等级="2", 薪级=45),  # 8
        _row(code, 8, 公积金比例=0.2),  # 9
        _row(code, 9, 工号="T0001"),  # 10: 工号 of row 2
        _row(code, 10, 身份证号=_id(1)),  # 11: ID of row 2
        _row(code, 11, 工号="S0001"),  # 12: 工号 in the database
        _row(code, 12, 姓名="张三", 身份证号=here.person.citizen_id),  # 13: already here
        _row(code, 13, 姓名="李四四", 身份证号=known.citizen_id),  # 14: name differs
        _row(code, 14, 入职日期="2026-13-45"),  # 15
        _row(code, 15, 姓名=None),  # 16
        _row(code, 16, 缴费基数="abc"),  # 17
        _row(code, 17, 入职日期="1995-01-01"),  # 18: born 1985, aged 9
        _row(code, 18, 姓名="王五", 身份证号=holder.citizen_id, 人员身份="员额"),  # 19
        _row(code, 19, 岗位类别="工勤技能", 岗位等级="6"),  # 20
        _row(code, 20, 银行账号="62-22 ab"),  # 21
        _row(code, 21, 工号="T 21"),  # 22
    ]
    content = _xlsx(rows)
    errors, _ = _check(content)
    found = {(e.row, e.column): e.message for e in errors}
    expected = {
        (3, "人员身份"): "事业编制空编不足",
        (4, "身份证号"): "未通过校验",
        (5, "单位代码"): f"没有信用代码为「{unregistered}」的已登记单位",
        (6, "人员身份"): "「临时工」不在可选值中",
        (7, "岗位等级"): "「12」不是管理岗位的等级（应为 1–10 级）",
        (8, "薪级"): "工勤技能岗位的薪级为 1–40，不能是 45",
        (9, "公积金比例"): "「20%」超出 5%–12% 的范围",
        (10, "工号"): "与第 2 行的工号重复（同一单位）",
        (11, "身份证号"): "与第 2 行的身份证号重复",
        (11, "姓名"): "身份证号与姓名不一致，请按本人居民身份证核对",  # row 2 named it otherwise
        (12, "工号"): "工号「S0001」在本单位已被使用",
        (13, "身份证号"): "该人员已在本单位在职（工号 S0001）",
        (14, "姓名"): "身份证号与姓名不一致，请按本人居民身份证核对",
        (15, "入职日期"): "不是有效日期",
        (16, "姓名"): "必填",
        (17, "缴费基数"): "abc",
        (18, "入职日期"): "未满 16 周岁",
        (19, "人员身份"): "一人只能占用一个编制或员额",
        (20, "岗位等级"): "不是工勤技能岗位的等级（应为 1–5 级或「普通工」）",
        (21, "银行账号"): "应为 8–32 位数字",
        (22, "工号"): "只能由字母、数字",
    }
    for key, reason in expected.items():
        assert key in found, (key, sorted(found))
        assert reason in found[key], (key, found[key])
    assert set(found) == set(expected)
    vacancy_message = found[(3, "人员身份")]
    assert "核定 1 名" in vacancy_message and "在编 0 名" in vacancy_message
    assert "空编 1 名" in vacancy_message and "本次拟进 2 名" in vacancy_message
    # one place remains: the quota is not 已满, the hires go one beyond it (issue 9, 19)
    assert "超出 1 名" in vacancy_message and "已满" not in vacancy_message
    assert school.name in vacancy_message

    # The command line reports the same errors, exits 1 and writes nothing.
    db.session.commit()
    before = _counts()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    path = str(tmp_path / "mistakes.xlsx")
    with open(path, "wb") as fh:
        fh.write(content)
    result = _runner(app).invoke(args=["hr", "import-roster", path])
    assert result.exit_code == 1
    for error in errors:
        assert str(error) in result.output
    assert f"发现 {len(errors)} 处错误，未导入任何数据" in result.output
    assert _counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_every_bad_cell_of_a_row_is_reported(app, school):
    row = _row(
        school.credit_code,
        1,
        姓名="名" * 65,
        部门="部" * 65,
        薪级=0,
        银行账号="6222 abc",
        缴费基数="-1",
        公积金基数="12.345",
        公积金比例="0.1234",
        入职日期="去年",
    )
    errors, plan = _check(_xlsx([row]))
    assert plan is None
    found = {e.column: e.message for e in errors}
    assert found == {
        "姓名": "不能超过 64 个字，实际为 65 个字",
        "部门": "不能超过 64 个字，实际为 65 个字",
        "薪级": "「0」不能小于 1",
        "入职日期": "「去年」不是有效日期，应为 YYYY-MM-DD",
        "银行账号": "「6222 abc」应为 8–32 位数字",
        "缴费基数": "「-1.00」不能小于 0",
        "公积金基数": "金额最多两位小数",
        "公积金比例": "「0.1234」最多三位小数（如 0.12 或 12%）",
    }
    assert {e.row for e in errors} == {2}


def test_header_problems_stop_before_the_rows(app, school):
    content = _xlsx([_row(school.credit_code, 1)], headers=[*HEADERS[:-1], "公积金比率"])
    errors, plan = _check(content)
    assert plan is None
    assert [(e.row, e.column) for e in errors] == [(None, "公积金比率")]
    assert "是否应为「公积金比例」" in errors[0].message


# --------------------------------------------------------------------------- importing


def test_a_clean_file_lands_whole(app, school):
    other = create_institution(name="花名册第二校")
    add_quota(other, "establishment", 1)
    known = create_person(name="赵六")
    before = _counts()
    content = _xlsx(
        [
            _row(school.credit_code, 1, 人员身份="事业编制", 岗位类别="管理", 岗位等级="7"),
            _row(school.credit_code, 2, 岗位类别="工勤技能", 岗位等级="普通工", 薪级=3),
            _row(
                other.credit_code,
                3,
                姓名="赵六",
                身份证号=known.citizen_id.lower(),
                人员身份="事业编制",
                部门=None,
                银行账号=None,
                缴费基数=None,
                公积金基数=None,
                公积金比例=None,
            ),
        ]
    )
    errors, plan = _check(content)
    assert errors == []
    summary = import_roster(plan)
    db.session.commit()
    assert (summary.employments, summary.people_created, summary.people_reused) == (3, 2, 1)
    assert _counts() == tuple(n + d for n, d in zip(before, (2, 3, 3, 3, 3), strict=True))

    first = db.session.scalar(
        select(Employment).where(
            Employment.institution_id == school.id, Employment.staff_number == "T0001"
        )
    )
    assert first.person.name == "测试1" and first.person.gender == "男"
    assert first.person.birth_date == date(1985, 2, 2)
    assert first.identity == Identity.ESTABLISHMENT and first.start_on == date(2020, 9, 1)
    assert first.department_name == "教务处" and first.bank_account == "6222000000000000001"
    (post,) = first.appointments
    assert (post.category, post.grade, post.post_name) == ("management", 7, "管理 7 级")
    assert post.start_on == date(2020, 9, 1) and post.institution_id == school.id
    (profile,) = first.salary_steps
    assert profile.step == 20 and profile.effective_on == date(2020, 9, 1)
    assert profile.description == "人员花名册导入"
    # The bases and the rate are payroll's: handed on with the hire signal, kept there.
    (profile,) = db.session.scalars(
        select(PaySettings).where(PaySettings.employment_id == first.id)
    ).all()
    assert profile.effective_on == date(2020, 9, 1) and profile.has_occupational_annuity
    assert profile.contribution_base == Decimal("6500.50")
    assert profile.fund_base == Decimal("6500.00") and profile.fund_rate == Decimal("0.12")

    worker = db.session.scalar(select(Employment).where(Employment.staff_number == "T0002"))
    assert worker.appointments[0].grade == 6 and worker.appointments[0].post_name == "普通工"
    reused = db.session.scalar(select(Employment).where(Employment.institution_id == other.id))
    assert reused.person_id == known.id and reused.department is None
    assert reused.salary_steps[0].step == 20
    assert (
        db.session.scalar(
            select(PaySettings.fund_rate).where(PaySettings.employment_id == reused.id)
        )
        is None
    )

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "roster.import")
    ).all()
    assert sorted(e.institution_id for e in events) == sorted([school.id, other.id])
    mine = next(e for e in events if e.institution_id == school.id)
    assert mine.changes == {
        "导入人数": [None, 2],
        "新建人员": [None, 2],
        "沿用已有人员": [None, 0],
        "事业编制": [None, 1],
        "合同制": [None, 1],
    }
    assert (
        mine.summary == "导入人员花名册 2 人（新建人员 2 名）" and mine.actor_name == "系统/命令行"
    )


def test_round_trip_export_imports_into_an_empty_institution(app, school):
    rows = [
        _row(school.credit_code, 1, 人员身份="事业编制"),
        _row(school.credit_code, 2, 人员身份="员额", 岗位类别="工勤技能", 岗位等级="普通工"),
        _row(school.credit_code, 3, 部门=None, 缴费基数=None, 公积金比例="0.075"),
    ]
    errors, plan = _check(_xlsx(rows))
    assert errors == []
    import_roster(plan)
    exported = list(export_rows(institution_ids=[school.id]))
    assert [r["staff_number"] for r in exported] == ["T0001", "T0002", "T0003"]
    assert exported[1]["grade_text"] == "普通工" and exported[2]["fund_rate"] == Decimal("0.075")

    # The people leave (调出), and the exported file is loaded into a new institution.
    yesterday = china_today() - timedelta(days=1)
    db.session.execute(
        update(Employment).where(Employment.institution_id == school.id).values(end_on=yesterday)
    )
    assert list(export_rows(institution_ids=[school.id])) == []
    assert len(list(export_rows(institution_ids=[school.id], status="left"))) == 3
    empty = create_institution(name="新建学校")
    add_quota(empty, "establishment", 5)
    add_quota(empty, "filed", 5)
    buffer = io.BytesIO()
    from core.excel import write_workbook

    write_workbook(
        buffer, ROSTER_SPEC, [{**r, "institution_code": empty.credit_code} for r in exported]
    )
    result = read_workbook(buffer.getvalue(), ROSTER_SPEC)
    assert result.errors == []
    # The new institution has no departments yet: the import creates them when asked.
    assert [e.column for e in check_roster(result.rows, institution=empty)] == ["部门", "部门"]
    errors, plan = plan_roster(result.rows, institution=empty, create_departments=True)
    assert errors == [] and plan.new_departments == {empty.id: ["教务处"]}
    summary = import_roster(plan)
    assert (summary.people_created, summary.people_reused) == (0, 3)
    again = list(export_rows(institution_ids=[empty.id]))
    assert again == [{**r, "institution_code": empty.credit_code} for r in exported]


# --------------------------------------------------------------------------- command line


def test_cli_imports_and_exports(app, school, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_xlsx([_row(school.credit_code, n) for n in (1, 2)]))
    before = _counts()
    runner = _runner(app)
    result = runner.invoke(args=["hr", "import-roster", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入 2 人（新建人员 2 名，沿用已有人员 0 名），涉及 1 个单位" in result.output
    assert f"{school.credit_code} {school.name}：2 人" in result.output
    assert _counts() == tuple(n + 2 for n in before)

    again = runner.invoke(args=["hr", "import-roster", str(path)])
    assert again.exit_code == 1
    assert "第 2 行「工号」：工号「T0001」在本单位已被使用" in again.output
    assert _counts() == tuple(n + 2 for n in before)

    out = tmp_path / "out.xlsx"
    exported = runner.invoke(
        args=["hr", "export-roster", str(out), "--institution", school.credit_code]
    )
    assert exported.exit_code == 0, exported.output
    assert "已导出 2 人" in exported.output
    rows = read_workbook(out, ROSTER_SPEC).rows
    assert [r["citizen_id"] for r in rows] == [_id(1), _id(2)]

    unknown = runner.invoke(args=["hr", "export-roster", str(out), "--institution", "12345"])
    assert unknown.exit_code != 0 and "找不到信用代码为「12345」的单位" in unknown.output

    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(_xlsx([]))
    nothing = runner.invoke(args=["hr", "import-roster", str(empty)])
    assert nothing.exit_code == 1 and "文件中没有数据行" in nothing.output


# --------------------------------------------------------------------------- web pages


def _upload(client, institution, content: bytes, filename="花名册.xlsx", **options):
    """Upload a roster and, if it passed its check, confirm it (the one import path)."""
    return upload_and_confirm(
        client, f"/hr/{institution.id}/roster/import", content, filename, **options
    )


def test_web_import_only_takes_the_institution_of_the_page(app, client, login_as, school):
    other = create_institution(name="别的学校")
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    before = _counts()
    response = _upload(
        client, school, _xlsx([_row(school.credit_code, 1), _row(other.credit_code, 2)])
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "第 3 行「单位代码」：只能导入本单位" in body and "别的学校" in body
    assert _counts() == before

    response = _upload(client, school, _xlsx([_row(school.credit_code, 1)]))
    assert response.status_code == 302
    assert _counts() == tuple(n + 1 for n in before)
    page = client.get(response.headers["Location"])
    assert "已导入 1 人（新建人员 1 名，沿用已有人员 0 名）" in page.get_data(as_text=True)


def test_web_export_masks_ids_for_readers_and_filters(app, client, login_as, school):
    rows = [_row(school.credit_code, 1, 人员身份="事业编制"), _row(school.credit_code, 2)]
    errors, plan = _check(_xlsx(rows))
    assert errors == []
    import_roster(plan)
    officer = create_user(Role.HR_OFFICER, institution=school)
    finance = create_user(Role.FINANCE_OFFICER, institution=school)
    db.session.commit()

    login_as(officer)
    response = client.get(f"/hr/{school.id}/roster/export")
    assert response.status_code == 200
    exported = read_workbook(response.data, ROSTER_SPEC).rows
    assert [r["citizen_id"] for r in exported] == [_id(1), _id(2)]
    filtered = client.get(f"/hr/{school.id}/roster/export?identity=establishment")
    assert [r["staff_number"] for r in read_workbook(filtered.data, ROSTER_SPEC).rows] == ["T0001"]
    searched = client.get(f"/hr/{school.id}/roster/export?q=测试2")
    assert [r["staff_number"] for r in read_workbook(searched.data, ROSTER_SPEC).rows] == ["T0002"]

    login_as(finance)
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(f"/hr/{school.id}/roster/export").data)
    ).active
    assert sheet["D2"].value == _id(1)[:6] + "********" + _id(1)[-4:]


def test_template_has_the_headers_and_dropdowns(app, client, login_as, school):
    login_as(create_user(Role.HR_OFFICER, institution=school))
    response = client.get(f"/hr/{school.id}/roster/template")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["人员花名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"F2", "G2", "H2"}  # 人员身份, 岗位类别, 岗位等级
    assert "事业编制" in lists["F2"] and "普通工" in lists["H2"]


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 200), ("council", 403), ("elsewhere", 404)]
)
def test_roster_pages_need_hr_rights_in_that_institution(client, login_as, school, who, status):
    other = create_institution()
    users = {
        "officer": create_user(Role.HR_OFFICER, institution=school),
        "council": create_user(Role.COUNCIL_MEMBER, institution=school),
        "elsewhere": create_user(Role.HR_OFFICER, institution=other),
    }
    db.session.commit()
    login_as(users[who])
    for url in ("import", "template", "export"):
        assert client.get(f"/hr/{school.id}/roster/{url}").status_code == status, url


def test_export_shows_the_post_and_pay_in_force_today(app, school):
    errors, plan = _check(_xlsx([_row(school.credit_code, 1, 岗位等级="9", 薪级=12)]))
    assert errors == []
    import_roster(plan)
    employment = db.session.scalar(select(Employment).where(Employment.staff_number == "T0001"))
    today = china_today()
    (first,) = employment.appointments
    first.end_on = today - timedelta(days=31)
    db.session.add_all(
        [
            Appointment(
                employment_id=employment.id,
                institution_id=school.id,
                category="professional",
                grade=8,
                post_name="专技 8 级",
                start_on=today - timedelta(days=30),
            ),
            SalaryStep(employment_id=employment.id, effective_on=date(2025, 1, 1), step=13),
            SalaryStep(employment_id=employment.id, effective_on=date(2099, 1, 1), step=40),
        ]
    )
    db.session.flush()
    (row,) = export_rows(institution_ids=[school.id])
    assert (row["grade_text"], row["salary_step"]) == ("8", 13)
    assert row["start_on"] == date(2020, 9, 1)


def test_the_write_checks_the_quota_again(app, school):
    """A check from an earlier transaction is not trusted: a hire since took the place."""
    from core.errors import Refusal

    full = create_institution(name="满编学校")
    add_quota(full, "establishment", 1)
    result = read_workbook(
        _xlsx([_row(full.credit_code, 1, 人员身份="事业编制", 部门=None)]), ROSTER_SPEC
    )
    errors, plan = plan_roster(result.rows, institution=full)
    assert errors == []
    create_employment(full, identity=Identity.ESTABLISHMENT.value)  # the place goes meanwhile
    before = _counts()
    with pytest.raises(Refusal, match="事业编制已满") as caught:
        import_roster(plan)
    assert caught.value.field == "file"
    assert _counts() == before


# --------------------------------------------------------------------------- the one import path


def test_the_page_previews_then_writes_what_it_checked_again(app, client, login_as, school):
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    url = f"/hr/{school.id}/roster/import"
    before = _counts()
    preview = upload(
        client,
        url,
        _xlsx([_row(school.credit_code, 1, 人员身份="事业编制"), _row(school.credit_code, 2)]),
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "全部通过校验" in page and "测试1（工号 T0001）入职，聘专技 8 级" in page
    assert _counts() == before  # nothing is written before the confirmation
    # Meanwhile someone takes staff number T0002: the confirmation checks the file again.
    create_employment(school, create_person(), staff_number="T0002")
    db.session.commit()
    refused = client.post(url, data=confirm_form(preview))
    assert refused.status_code == 422
    assert "第 3 行「工号」：工号「T0002」在本单位已被使用" in refused.get_data(as_text=True)
    assert _counts()[1] == before[1] + 1


def test_new_departments_are_created_only_when_chosen_on_the_preview(app, client, login_as, school):
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    url = f"/hr/{school.id}/roster/import"
    content = _xlsx([_row(school.credit_code, 1, 部门="总务处")])
    preview = upload(client, url, content)
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "本单位还没有的部门：总务处" in page and 'name="option_create_departments"' in page
    before = _counts()
    # Confirmed without the choice: the unknown name is an error listing the known ones.
    refused = client.post(url, data=confirm_form(preview))
    assert refused.status_code == 422
    assert "第 2 行「部门」" in refused.get_data(as_text=True)
    assert _counts() == before
    done = _upload(client, school, content, create_departments=True)
    assert done.status_code == 302
    employment = db.session.scalar(select(Employment).where(Employment.staff_number == "T0001"))
    assert employment.department_name == "总务处"


def test_a_large_roster_is_written_by_a_job(app, client, login_as, school, monkeypatch):
    from core.jobs import Job
    from hr.roster.imports import RosterImporter

    monkeypatch.setattr(RosterImporter, "job_threshold", 2)
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    before = _counts()
    response = _upload(client, school, _xlsx([_row(school.credit_code, n) for n in (1, 2, 3)]))
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert (job.kind, job.status, job.institution_id) == ("imports.run", "succeeded", school.id)
    assert (job.done, job.total, job.label) == (3, 3, "花名册.xlsx")
    assert _counts() == tuple(n + 3 for n in before)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 3 人（新建人员 3 名，沿用已有人员 0 名）" in page


def test_a_failed_roster_job_lists_its_errors(app, client, login_as, school, monkeypatch):
    """Checked again in the job: what changed since the preview fails it, with every error."""
    from core.jobs import Job
    from hr.roster.imports import RosterImporter

    monkeypatch.setattr(RosterImporter, "job_threshold", 1)
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    url = f"/hr/{school.id}/roster/import"
    preview = upload(client, url, _xlsx([_row(school.credit_code, n) for n in (1, 2)]))
    create_employment(school, create_person(), staff_number="T0001")
    create_employment(school, create_person(), staff_number="T0002")
    db.session.commit()
    before = _counts()
    response = client.post(url, data=confirm_form(preview))
    assert response.status_code == 302
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.status == "failed"
    assert [str(e) for e in job.error_messages] == [
        "第 2 行「工号」：工号「T0001」在本单位已被使用",
        "第 3 行「工号」：工号「T0002」在本单位已被使用",
    ]
    assert _counts() == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "任务失败，没有写入任何数据" in page and "工号「T0002」在本单位已被使用" in page


# --------------------------------------------------------------------------- posts (issue 9 item 1)


def test_the_import_keeps_to_the_post_plan_as_the_appointment_form_does(app, school):
    from hr.posts.operations import save_plan

    year = china_today().year
    save_plan(school, year, {("professional", 8): 2, ("professional", 12): 5})
    holder = create_employment(school, staff_number="S0001")
    db.session.add(
        Appointment(
            employment_id=holder.id,
            institution_id=school.id,
            category="professional",
            grade=8,
            post_name="专技 8 级",
            start_on=date(2020, 1, 1),
        )
    )
    db.session.flush()
    code = school.credit_code
    rows = [
        _row(code, 1),  # 专技 8 级: the one vacant post
        _row(code, 2, 岗位等级="12"),
        _row(code, 3),  # beyond the plan from here
        _row(code, 4),
        _row(code, 5, 岗位类别="工勤技能", 岗位等级="普通工"),  # the plan approves none
    ]
    errors, plan = _check(_xlsx(rows), institution=school)
    assert plan is None
    found = {(e.row, e.column): e.message for e in errors}
    assert set(found) == {(4, "岗位等级"), (6, "岗位等级")}
    assert found[(4, "岗位等级")] == (
        f"花名册测试学校：从本行起超出。专技 8 级岗位不能超岗位聘用：{year} 年岗位设置方案"
        f"核定 2 个，{china_today().isoformat()} 在聘 1 人，空缺 1 个，本次拟聘 3 人，"
        "超出 2 人。"
    )
    assert "普通工岗位已满，不能超岗位聘用" in found[(6, "岗位等级")]
    assert "核定 0 个" in found[(6, "岗位等级")]
    # Within the plan it goes in.
    errors, plan = _check(_xlsx(rows[:2]), institution=school)
    assert errors == []
    import_roster(plan)


def test_the_form_and_the_import_word_the_rule_alike():
    from hr.posts.capacity import room_refusal

    on = date(2026, 11, 27)
    one = room_refusal("professional", 8, year=2026, approved=2, occupied=2, on=on)
    assert str(one) == (
        "专技 8 级岗位已满，不能超岗位聘用：2026 年岗位设置方案核定 2 个，"
        "2026-11-27 在聘 2 人，空缺 0 个。"
    )
    assert (
        room_refusal("professional", 8, year=2026, approved=3, occupied=1, on=on, hiring=2) is None
    )


@given(st.integers(0, 50), st.integers(0, 50), st.integers(1, 50))
def test_room_is_refused_exactly_beyond_the_approved_count(approved, occupied, hiring):
    from hr.posts.capacity import room_refusal

    refused = room_refusal(
        "management", 8, year=2026, approved=approved, occupied=occupied, on=TODAY, hiring=hiring
    )
    assert (refused is None) == (occupied + hiring <= approved)


def test_the_post_name_column_names_the_post(app, school):
    rows = [_row(school.credit_code, 1, 岗位名称="语文教师"), _row(school.credit_code, 2)]
    errors, plan = _check(_xlsx(rows), institution=school)
    assert errors == []
    assert plan.post_name == ["语文教师", "专技 8 级"]
    import_roster(plan)
    names = dict(
        db.session.execute(
            select(Employment.staff_number, Appointment.post_name).join(
                Appointment, Appointment.employment_id == Employment.id
            )
        ).all()
    )
    assert names == {"T0001": "语文教师", "T0002": "专技 8 级"}
    (exported,) = [
        r for r in export_rows(institution_ids=[school.id]) if r["staff_number"] == "T0001"
    ]
    assert exported["post_name"] == "语文教师"
    long_name = _check(_xlsx([_row(school.credit_code, 3, 岗位名称="岗" * 65)]))[0]
    assert [(e.column, e.message) for e in long_name] == [
        ("岗位名称", "不能超过 64 个字，实际为 65 个字")
    ]


def test_the_preview_warns_of_a_missing_plan_and_low_steps(app, client, login_as, school):
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    content = _xlsx([_row(school.credit_code, 1, 岗位等级="8", 薪级=3)])
    page = upload(client, f"/hr/{school.id}/roster/import", content).get_data(as_text=True)
    assert f"本单位尚未制定 {china_today().year} 年岗位设置方案" in page
    assert "第 2 行：薪级 3 低于专技 8 级的起点薪级 9，请核对" in page


def test_a_row_with_a_bad_cell_still_gets_its_other_checks(app, school):
    """Issue 9 item 6: one upload lists every independent error of a row."""
    unregistered = make_credit_code("510107", "99999998")
    good_id = _id(1)
    row = _row(
        unregistered,
        1,
        身份证号=good_id[:17] + ("0" if good_id[17] != "0" else "1"),  # format: check char
        公积金比例="20%",
        薪级=80,
        入职日期="2030-01-01",
    )
    other = _row(school.credit_code, 2, 工号="T0001", 银行账号="62-22 ab")  # format: bank
    errors, plan = _check(_xlsx([row, _row(school.credit_code, 1), other]))
    assert plan is None
    found = {(e.row, e.column): e.message for e in errors}
    assert set(found) == {
        (2, "单位代码"),
        (2, "身份证号"),
        (2, "薪级"),
        (2, "入职日期"),
        (2, "公积金比例"),
        (4, "工号"),  # the same 工号 as row 3: found although the row's bank account is bad
        (4, "银行账号"),
    }, sorted(found)
    assert "没有信用代码为" in found[(2, "单位代码")]
    assert "1–65" in found[(2, "薪级")] and "20%" in found[(2, "公积金比例")]
    assert "与第 3 行的工号重复" in found[(4, "工号")]


def test_the_page_lists_a_rows_errors_in_column_order(app, client, login_as, school):
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    content = _xlsx([_row(school.credit_code, 1, 姓名=None, 薪级=80, 公积金比例="20%")])
    page = upload(client, f"/hr/{school.id}/roster/import", content).get_data(as_text=True)
    positions = [page.index(f"第 2 行「{column}」") for column in ("姓名", "薪级", "公积金比例")]
    assert positions == sorted(positions)
