"""Forms: a leader's term contract, and an assessment of it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import choices
from hospitals.leadership import AssessmentKind, AssessmentResult


class TermForm(FlaskForm):
    staff_number = StringField(_l("工号"), validators=[DataRequired(), Length(max=32)])
    post = StringField(
        _l("领导职务"),
        validators=[DataRequired(), Length(max=32)],
        description=_l("如 院长、副院长"),
    )
    management_grade = IntegerField(
        _l("管理岗位等级"), validators=[Optional(), NumberRange(1, 10)], description=_l("1–10 级")
    )
    administrative_rank = StringField(
        _l("行政级别"),
        validators=[Optional(), Length(max=32)],
        description=_l("去行政化后应为空；仍登记行政级别的任期将被拒绝"),
    )
    start_on = DateField(_l("任期开始"), validators=[DataRequired()])
    end_on = DateField(_l("任期结束"), validators=[DataRequired()])
    decided_by = StringField(
        _l("决定机关及文号"),
        validators=[Optional(), Length(max=128)],
        description=_l("理事会或举办单位"),
    )
    targets = TextAreaField(
        _l("任期目标"),
        validators=[DataRequired()],
        render_kw={"rows": 5},
        description=_l("每行一项"),
    )
    submit = SubmitField(_l("保存任期合同"))


class AssessmentForm(FlaskForm):
    kind = SelectField(_l("考核类型"), choices=choices((k.value, k.label) for k in AssessmentKind))
    year = IntegerField(
        _l("考核年度"),
        validators=[Optional(), NumberRange(2000, 2100)],
        description=_l("年度考核必填"),
    )
    held_on = DateField(_l("考核日期"), validators=[DataRequired()])
    result = SelectField(
        _l("考核结果"), choices=choices((r.value, r.label) for r in AssessmentResult)
    )
    reason = TextAreaField(
        _l("理由"), validators=[Optional(), Length(max=500)], description=_l("调整或解聘须写明理由")
    )
    submit = SubmitField(_l("记录考核"))
