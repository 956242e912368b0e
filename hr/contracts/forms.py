"""Forms of 聘用合同: sign, renew, terminate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import choices
from hr.models import ContractType

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
BAD_DATE = _l("不是有效日期，请按 YYYY-MM-DD 填写")
TYPE_CHOICES = [(t.value, t.label) for t in ContractType]


def _probation_field():
    return IntegerField(
        _l("试用期（月）"),
        default=0,
        validators=[
            InputRequired(_l("请填写试用期月数，没有试用期填 0")),
            NumberRange(0, 12, _l("试用期须在 0–12 个月之间")),
        ],
        description=_l("期限一年以内最长 1 个月，一年以上三年以内 3 个月，三年以上 6 个月"),
        render_kw={"inputmode": "numeric"},
    )


def _end_field(description):
    return DateField(
        _l("终止日期"),
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
        description=description,
    )


class ContractForm(FlaskForm):
    contract_type = SelectField(
        _l("合同类型"),
        choices=choices(TYPE_CHOICES),
        validators=[DataRequired(_l("请选择合同类型"))],
    )
    start_on = DateField(
        _l("起始日期"),
        validators=[InputRequired(_l("请填写合同起始日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    end_on = _end_field(_l("合同最后一天；无固定期限合同不填"))
    probation_months = _probation_field()
    submit = SubmitField(_l("签订合同"))


class RenewForm(FlaskForm):
    contract_type = SelectField(
        _l("合同类型"),
        choices=choices(TYPE_CHOICES),
        validators=[DataRequired(_l("请选择合同类型"))],
    )
    end_on = _end_field(_l("新合同自原合同终止次日起；无固定期限合同不填"))
    probation_months = IntegerField(
        _l("试用期（月）"),
        default=0,
        validators=[Optional(), NumberRange(0, 0, _l("续订合同不再约定试用期"))],
        render_kw={"inputmode": "numeric", "readonly": True},
    )
    submit = SubmitField(_l("续订合同"))


class TerminateForm(FlaskForm):
    terminated_on = DateField(
        _l("解除日期"),
        validators=[InputRequired(_l("请填写解除日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    reason = StringField(
        _l("解除原因"),
        validators=[DataRequired(_l("请填写解除原因")), Length(max=255)],
        description=_l("如：双方协商一致解除；考核不合格解除"),
    )
    submit = SubmitField(_l("解除合同"))
