"""The form opening a period's reward-performance allocation."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from schools.reward import PLAN_TEMPLATE


class OpenForm(FlaskForm):
    period = StringField(
        _l("工资期间"),
        validators=[DataRequired(_l("请填写工资期间")), Length(max=7)],
        description=_l("YYYY-MM，分配结果并入该月工资"),
    )
    pool = DecimalField(
        _l("奖励性绩效总额（元）"),
        places=2,
        validators=[InputRequired(_l("请填写分配总额"))],
        render_kw={"inputmode": "decimal"},
    )
    plan_ref = SelectField(
        _l("教代会决议"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("请选择教职工代表大会通过分配方案的决议"))],
        description=_l("奖励性绩效分配方案须经教职工代表大会通过"),
    )
    submit = SubmitField(_l("开始分配"))

    def weights(self) -> dict[str, object]:
        return {f["key"]: self[f"weight_{f['key']}"].data for f in PLAN_TEMPLATE}

    def weight_fields(self):
        return [self[f"weight_{f['key']}"] for f in PLAN_TEMPLATE]


_LABELS = {
    "head_teacher": _l("班主任工作权重（%）"),
    "extra_lessons": _l("超课时工作量权重（%）"),
    "posts": _l("岗位职责权重（%）"),
    "results": _l("教育教学成绩权重（%）"),
}
for _factor in PLAN_TEMPLATE:
    setattr(
        OpenForm,
        f"weight_{_factor['key']}",
        DecimalField(
            _LABELS[_factor["key"]],
            default=Decimal(_factor["weight"]),
            validators=[Optional()],
            render_kw={"inputmode": "decimal"},
        ),
    )
