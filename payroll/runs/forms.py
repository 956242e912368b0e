"""Forms of payroll runs: open a run, give a reason, set one item by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from core.forms import choices
from payroll.runs.states import RunKind

PERIOD = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message=_l("期间须为 YYYY-MM 格式，如 2026-11"))
ITEM_CHOICES = [
    ("post_wage", _l("岗位工资")),
    ("step_wage", _l("薪级工资")),
    ("basic_performance", _l("基础性绩效")),
    ("reward_performance", _l("奖励性绩效")),
    ("allowances", _l("津贴补贴")),
    ("other_pay", _l("其他应发")),
    ("bonus", _l("全年一次性奖金")),
    ("pension", _l("养老保险")),
    ("annuity", _l("职业年金")),
    ("medical", _l("医疗保险")),
    ("unemployment", _l("失业保险")),
    ("housing_fund", _l("住房公积金")),
    ("special_additional", _l("专项附加扣除")),
    ("other_deductions", _l("其他扣款")),
]


class RunForm(FlaskForm):
    """A new run for a period."""

    period = StringField(
        _l("工资期间"),
        validators=[DataRequired(_l("请填写工资期间")), PERIOD],
        description=_l("YYYY-MM，如 2026-11"),
        render_kw={"placeholder": "2026-11", "inputmode": "numeric"},
    )
    kind = SelectField(
        _l("批次类型"),
        choices=choices((k.value, k.label) for k in RunKind),
        default=RunKind.REGULAR.value,
    )
    corrects_period = StringField(
        _l("更正的期间"),
        validators=[Optional(), PERIOD],
        description=_l("更正批次填写：补发或补扣哪个月的工资"),
    )
    reason = StringField(
        _l("更正原因"), validators=[Optional(), Length(max=255)], description=_l("更正批次必填")
    )


class ReasonForm(FlaskForm):
    """Why a run is returned."""

    reason = StringField(
        _l("退回原因"), validators=[DataRequired(_l("请填写退回原因")), Length(max=255)]
    )


class OverrideForm(FlaskForm):
    """One item of one person set by hand."""

    item = SelectField(_l("工资项目"), choices=choices(ITEM_CHOICES))
    amount = DecimalField(
        _l("金额"),
        places=2,
        validators=[DataRequired(_l("请填写金额"))],
        render_kw={"inputmode": "decimal"},
    )
    reason = StringField(
        _l("调整原因"), validators=[DataRequired(_l("请填写调整原因")), Length(max=255)]
    )
