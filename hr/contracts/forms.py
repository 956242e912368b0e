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
TYPE_CHOICES = ContractType.choices()
BASIS_CHOICES = [
    ("general", _l("一般情形（最长 3 个月）")),
    ("special", _l("情况特殊（最长 6 个月）")),
    ("graduate", _l("应届毕业生（最长 12 个月）")),
    ("first_job", _l("初次就业且合同期限 3 年以上（12 个月）")),
]


def _probation_field():
    return IntegerField(
        _l("试用期（月）"),
        default=0,
        validators=[
            InputRequired(_l("请填写试用期月数，没有试用期填 0")),
            NumberRange(0, 12, _l("试用期须在 0–12 个月之间")),
        ],
        description=_l("上限由合同性质、期限和试用期情形决定（见本页上方说明）"),
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
    #: 聘用合同 only; the view removes it for a 劳动合同
    probation_basis = SelectField(
        _l("试用期情形"),
        choices=choices(BASIS_CHOICES),
        default="general",
        description=_l("聘用合同的试用期上限取决于此项（事业单位人事管理条例第十三条）"),
    )
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
