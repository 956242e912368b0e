"""Text built after a submit reads in the reader's language (issue 9, items 19 and 20).

Import errors (row, column, reason), the quota refusal, promotion warnings and the reasons
recorded on 薪级 versions are message ids with parameters, rendered where they are shown:
in English with no Chinese and no full-width punctuation, in Chinese as before.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale

from core.excel import CellError, Column, Spec, validate_table
from core.extensions import db
from core.i18n import from_json, to_json
from core.roles import Role
from hr.appraisals.grading import step_reason
from hr.models import AppraisalGrade, Identity, SalaryStep
from hr.posts.promotion import Post, promotion_warnings, title_warnings
from hr.staff.headcount import vacancy
from tests.factories import add_quota, create_employment, create_institution, create_user
from tests.hr.roster.test_roster import _row, _xlsx
from tests.imports import upload

CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _english(message) -> str:
    with force_locale("en"):
        text = str(message)
    assert not CHINESE.search(text), text
    return text


def _chinese(message) -> str:
    with force_locale("zh"):
        return str(message)


SPEC = Spec((Column("姓名", "name", required=True), Column("薪级", "step", "int", min=1, max=65)))


def test_cell_errors_name_row_and_column_in_the_readers_language(app):
    with app.test_request_context():
        result = validate_table([["姓名", "薪级"], ["", "x"], ["张三", "80"]], SPEC)
        shown = [_english(e) for e in result.errors]
        assert shown[0] == "Row 2, column Full name: Required, cannot be blank"
        assert shown[1].startswith("Row 2, column Salary step: ") and "whole number" in shown[1]
        assert shown[2] == 'Row 3, column Salary step: "80" cannot be more than 65'
        assert not any("：" in text or "「" in text for text in shown)
        assert [_chinese(e) for e in result.errors] == [
            "第 2 行「姓名」：必填，不能为空",
            "第 2 行「薪级」：「x」不是整数",
            "第 3 行「薪级」：「80」不能大于 65",
        ]


def test_header_and_file_errors_read_in_english(app):
    with app.test_request_context():
        result = validate_table([["姓名", "薪极"]], SPEC)
        with force_locale("en"):
            english = str(result.errors[0])
        # the unknown header is the user's own text; the rest is English
        assert english == 'Header: Unknown column "薪极"'
        assert _chinese(result.errors[0]) == "表头：无法识别的列「薪极」"
        assert _english(CellError(None, None, "x")) == "File: x"


def test_errors_kept_for_a_job_are_rendered_later_in_the_readers_language(app):
    with app.test_request_context():
        error = validate_table([["姓名", "薪级"], ["张三", "0"]], SPEC).errors[0]
        stored = from_json(to_json(error.as_msg()))
        assert _english(stored) == 'Row 2, column Salary step: "0" cannot be less than 1'
        assert _chinese(stored) == "第 2 行「薪级」：「0」不能小于 1"


def test_the_roster_import_page_lists_errors_in_english(app, client, login_as):
    school = create_institution(name="English School")
    officer = create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    login_as(officer)
    with client.session_transaction() as session:
        session["lang"] = "en"
    content = _xlsx([_row(school.credit_code, 1, 姓名=None, 薪级=80)])
    page = upload(client, f"/hr/{school.id}/roster/import", content).get_data(as_text=True)
    errors = page[page.index('id="import-errors"') :]
    errors = errors[: errors.index("</ul>")]
    assert "Row 2, column " in errors
    assert not CHINESE.search(re.sub(r"<[^>]+>", "", errors)), errors


def test_a_quota_with_places_left_is_not_full_it_is_exceeded(app):
    with app.test_request_context():
        school = create_institution(name="空编学校")
        add_quota(school, "establishment", 4)
        create_employment(school, identity=Identity.ESTABLISHMENT.value)
        place = vacancy(school.id, Identity.ESTABLISHMENT, date.today())
        assert place.vacant == 3
        refusal = place.refusal(4)
        chinese = _chinese(refusal)
        assert "空编 3 名，本次拟进 4 名，超出 1 名" in chinese and "已满" not in chinese
        assert "1 too many" in _english(refusal) and "full" not in _english(refusal)
        assert place.refusal(3) is None
        full = vacancy(school.id, Identity.ESTABLISHMENT, date.today())
        for _ in range(3):
            create_employment(school, identity=Identity.ESTABLISHMENT.value)
        full = vacancy(school.id, Identity.ESTABLISHMENT, date.today())
        assert "已满" in _chinese(full.refusal()) and "is full" in _english(full.refusal())


def test_promotion_and_title_warnings_read_in_english(app):
    with app.test_request_context():
        warnings = promotion_warnings(
            Post("professional", 10, date(2025, 1, 1)), Post("professional", 8), date(2026, 4, 1)
        )
        assert [_chinese(w) for w in warnings] == [
            "从专技 10 级直接聘到专技 8 级，跨越了 1 个等级（专技 9 级）",
            "在专技 10 级任职 1 年 3 个月，未满 3 年",
        ]
        english = [_english(w) for w in warnings]
        assert "skipping 1 grades (Professional grade 9)" in english[0]
        assert "1 years 3 months" in english[1]
        moved = promotion_warnings(
            Post("professional", 8, date(2020, 1, 1)), Post("management", 8), date(2026, 4, 1)
        )
        _english(moved[0])
        tiers = promotion_warnings(
            Post("professional", 11, date(2020, 1, 1)), Post("professional", 3), date(2026, 4, 1)
        )
        assert len(tiers) == 2
        for warning in tiers:
            _english(warning)
        (title,) = title_warnings("二级教师", "professional", 8)
        assert _chinese(title) == "职称「二级教师」对应专技 11–12 级，拟聘专技 8 级与职称不符"
        with force_locale("en"):  # the title is the person's record, in Chinese
            assert "the proposed Professional grade 8 does not match" in str(title)


def test_salary_step_reasons_are_stored_as_ids_and_shown_in_the_readers_language(app):
    from hr.pay.operations import StepRequest, record_salary_steps
    from hr.staff.operations import ENTRY_REASON

    with app.test_request_context():
        school = create_institution(name="薪级原因学校")
        employment = create_employment(school)
        record_salary_steps(
            [
                StepRequest(employment.id, school.id, date(2027, 1, 1), 9, ENTRY_REASON),
                StepRequest(
                    employment.id,
                    school.id,
                    date(2027, 1, 1),
                    10,
                    step_reason(2026, AppraisalGrade.PASS.label_message),
                ),
            ],
            source="test",
        )
        version = db.session.scalars(
            db.select(SalaryStep).where(
                SalaryStep.employment_id == employment.id,
                SalaryStep.effective_on == date(2027, 1, 1),
            )
        ).one()
        assert version.reason is None  # no text in anybody's language is stored
        assert version.reason_message[0] == {"msg": "入职定级", "params": {}}
        assert _chinese(version.description) == "入职定级；2026 年度考核合格，薪级晋升一级"
        assert _english(version.description).endswith("salary step up one")
