"""The performance scheme form: month, pool, floor and the indicator lines."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from core.money import parse_money_strict
from hospitals.periods import parse_period


class _Money(StringField):
    """A yuan amount, read as Decimal (two decimals at most, never negative)."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.raw = text
        if not text:
            self.data = None
            return
        try:
            self.data = parse_money_strict(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None

    def _value(self):
        return getattr(self, "raw", None) or ("" if self.data is None else f"{self.data}")


class SchemeForm(FlaskForm):
    period = StringField(_l("月份"), validators=[DataRequired()], description=_l("如 2026-11"))
    pool = _Money(_l("奖励性绩效总额（元）"), validators=[DataRequired()])
    floor = _Money(_l("保底额（元）"), validators=[Optional()], description=_l("可空：不设保底"))
    indicators = TextAreaField(
        _l("考核指标及权重"),
        validators=[DataRequired()],
        render_kw={"rows": 7},
        description=_l(
            "每行一项：指标名称 权重（%），如「DRG 点数 40」；权重合计 100。"
            "不得使用药品、耗材、检查、化验收入等指标。"
        ),
    )
    submit = SubmitField(_l("保存方案"))

    def validate_period(self, field):
        try:
            field.data = parse_period(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from None

    def validate_pool(self, field):
        if field.data is not None and field.data < 0:
            raise ValidationError(_l("金额不能为负数"))

    validate_floor = validate_pool


class SubmitSchemeForm(FlaskForm):
    """提交理事会审议: the council meeting whose agenda the allocation goes on."""

    meeting_id = SelectField(
        _l("理事会会议"),
        choices=[],
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("请选择会议"))],
    )
    submit = SubmitField(_l("提交理事会审议"))
