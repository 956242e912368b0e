"""Forms of the lump-sum budget: draft (earmarked projects), approval, a spending."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.forms import choices
from schools.lumpsum import BudgetLine

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
BAD_DATE = _l("不是有效日期，请按 YYYY-MM-DD 填写")
#: rows for earmarked projects on the draft form
PROJECT_ROWS = 3


class DraftForm(FlaskForm):
    submit = SubmitField(_l("按公式核算包干经费"))

    def projects(self) -> list[tuple[str, object]]:
        return [
            (self[f"project_name_{n}"].data, self[f"project_amount_{n}"].data)
            for n in range(1, PROJECT_ROWS + 1)
        ]

    def project_rows(self):
        return [
            (self[f"project_name_{n}"], self[f"project_amount_{n}"])
            for n in range(1, PROJECT_ROWS + 1)
        ]


for _n in range(1, PROJECT_ROWS + 1):
    setattr(
        DraftForm,
        f"project_name_{_n}",
        StringField(_l("专项名称"), validators=[Optional(), Length(max=128)]),
    )
    setattr(
        DraftForm,
        f"project_amount_{_n}",
        DecimalField(
            _l("金额（元）"),
            places=2,
            validators=[Optional()],
            render_kw={"inputmode": "decimal"},
        ),
    )


class ApproveForm(FlaskForm):
    decision_ref = StringField(
        _l("理事会决议文号"),
        validators=[DataRequired(_l("请填写理事会决议文号")), Length(max=64)],
        description=_l("如〔2026〕第3号"),
    )
    approved_on = DateField(
        _l("批准日期"),
        validators=[InputRequired(_l("请填写批准日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    submit = SubmitField(_l("登记理事会批准"))


class SpendingForm(FlaskForm):
    line = SelectField(
        _l("预算科目"),
        choices=choices([(line.value, line.label) for line in BudgetLine]),
        validators=[DataRequired(_l("请选择预算科目"))],
    )
    spent_on = DateField(
        _l("支出日期"),
        validators=[InputRequired(_l("请填写支出日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    amount = DecimalField(
        _l("金额（元）"),
        places=2,
        validators=[InputRequired(_l("请填写金额"))],
        description=_l("退款或更正填负数"),
        render_kw={"inputmode": "decimal"},
    )
    description = StringField(
        _l("摘要"), validators=[DataRequired(_l("请填写摘要")), Length(max=255)]
    )
    decision_ref = StringField(
        _l("理事会决定文号"),
        validators=[Optional(), Length(max=64)],
        description=_l("超出科目预算的支出须经理事会决定，填写其文号"),
    )
    submit = SubmitField(_l("登记支出"))


class SurplusForm(FlaskForm):
    """How a closed year's surplus divides, and the council meeting that decides it."""

    carry_over = DecimalField(
        _l("结转下一学年用于学校发展（元）"),
        places=2,
        render_kw={"inputmode": "decimal"},
        validators=[InputRequired(_l("请填写金额，没有填 0"))],
    )
    rewards = DecimalField(
        _l("用于教师奖励（元）"),
        places=2,
        render_kw={"inputmode": "decimal"},
        validators=[InputRequired(_l("请填写金额，没有填 0"))],
    )
    meeting_id = SelectField(
        _l("理事会会议"),
        choices=[],
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("请选择会议"))],
    )
    submit = SubmitField(_l("提交理事会审议"))
