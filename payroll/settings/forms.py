"""The pay settings form: a new version from a date, with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import choices

MONEY = [Optional(), NumberRange(min=0, message=_l("金额不能为负数"))]

#: standing 专项附加扣除 fields of the form -> category (``payroll.models``)
DEDUCTION_FIELDS = (
    ("children_education", _l("子女教育")),
    ("infant_care", _l("3岁以下婴幼儿照护")),
    ("continuing_education", _l("继续教育")),
    ("housing_loan_interest", _l("住房贷款利息")),
    ("housing_rent", _l("住房租金")),
    ("elderly_support", _l("赡养老人")),
)


class PaySettingsForm(FlaskForm):
    effective_on = DateField(
        _l("生效日期"),
        validators=[DataRequired(_l("请填写生效日期"))],
        description=_l("从该日起按新设置计算；之前的月份仍按原设置"),
    )
    contribution_base = DecimalField(
        _l("社保缴费基数"), places=2, validators=MONEY, description=_l("上年度月平均工资")
    )
    fund_base = DecimalField(_l("公积金基数"), places=2, validators=MONEY)
    fund_rate = DecimalField(
        _l("公积金比例"),
        places=3,
        validators=[Optional(), NumberRange(min=0, max=1, message=_l("比例须在 0 到 1 之间"))],
        description=_l("0.05–0.12，如 0.12"),
    )
    has_occupational_annuity = BooleanField(_l("参加职业年金"))
    is_first_job_this_year = BooleanField(_l("本年首次取得工资薪金所得"))
    has_prior_year_low_income = BooleanField(_l("上年在本单位全年任职且工资不超过 6 万元"))
    children_education = DecimalField(_l("子女教育（每月）"), places=2, validators=MONEY)
    infant_care = DecimalField(_l("3岁以下婴幼儿照护（每月）"), places=2, validators=MONEY)
    continuing_education = DecimalField(_l("继续教育（每月）"), places=2, validators=MONEY)
    housing_loan_interest = DecimalField(_l("住房贷款利息（每月）"), places=2, validators=MONEY)
    housing_rent = DecimalField(_l("住房租金（每月）"), places=2, validators=MONEY)
    elderly_support = DecimalField(_l("赡养老人（每月）"), places=2, validators=MONEY)
    reason = StringField(
        _l("调整原因"), validators=[DataRequired(_l("请填写调整原因")), Length(max=255)]
    )


class BonusChoiceForm(FlaskForm):
    """How the person's 全年一次性奖金 of a year is taxed."""

    year = IntegerField(
        _l("年度"), validators=[DataRequired(_l("请填写年度")), NumberRange(min=2000, max=2100)]
    )
    merge = SelectField(
        _l("全年一次性奖金计税方式"),
        choices=choices(
            [
                ("0", _l("单独计税（按月度税率表）")),
                ("1", _l("并入当年综合所得（累计预扣）")),
            ]
        ),
        default="0",
    )
    reason = StringField(
        _l("调整原因"), validators=[DataRequired(_l("请填写调整原因")), Length(max=255)]
    )
