"""Forms of the recruitment pages."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from schools.stages import Stage

_DECIMAL = {"inputmode": "decimal"}


class PlanForm(FlaskForm):
    subject = StringField(_l("学科"), validators=[DataRequired(_l("请填写学科")), Length(max=40)])
    stage = SelectField(_l("学段"), choices=[])
    count = IntegerField(_l("招聘人数"), validators=[InputRequired(_l("请填写招聘人数"))])
    requirements = TextAreaField(_l("招聘条件"), validators=[Optional(), Length(max=2000)])
    pay_low = DecimalField(
        _l("年薪下限（元）"),
        places=2,
        render_kw=_DECIMAL,
        validators=[InputRequired(_l("请填写年薪下限"))],
    )
    pay_high = DecimalField(
        _l("年薪上限（元）"),
        places=2,
        render_kw=_DECIMAL,
        validators=[InputRequired(_l("请填写年薪上限"))],
    )
    weight_written = DecimalField(
        _l("笔试权重（%）"),
        default=Decimal(30),
        render_kw=_DECIMAL,
        validators=[InputRequired(_l("请填写权重"))],
    )
    weight_interview = DecimalField(
        _l("面试权重（%）"),
        default=Decimal(30),
        render_kw=_DECIMAL,
        validators=[InputRequired(_l("请填写权重"))],
    )
    weight_trial = DecimalField(
        _l("试讲权重（%）"),
        default=Decimal(40),
        render_kw=_DECIMAL,
        validators=[InputRequired(_l("请填写权重"))],
    )
    submit = SubmitField(_l("保存草稿"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stage.choices = [(s.value, s.label) for s in Stage]


class SubmitPlanForm(FlaskForm):
    meeting_id = SelectField(
        _l("理事会会议"),
        choices=[],
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("请选择会议"))],
    )
    submit = SubmitField(_l("提交理事会审议"))


class CandidateForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    citizen_id = StringField(
        _l("身份证号"), validators=[DataRequired(_l("请填写身份证号")), Length(max=18)]
    )
    submit = SubmitField(_l("登记报名"))


class ScoreForm(FlaskForm):
    written = DecimalField(_l("笔试"), validators=[Optional()], render_kw=_DECIMAL)
    interview = DecimalField(_l("面试"), validators=[Optional()], render_kw=_DECIMAL)
    trial = DecimalField(_l("试讲"), validators=[Optional()], render_kw=_DECIMAL)
    submit = SubmitField(_l("保存成绩"))


class HireForm(FlaskForm):
    staff_number = StringField(
        _l("工号"), validators=[DataRequired(_l("请填写工号")), Length(max=32)]
    )
    start_on = DateField(_l("入职日期"), validators=[InputRequired(_l("请填写入职日期"))])
    salary_step = IntegerField(_l("薪级"), validators=[InputRequired(_l("请填写薪级"))])
    contract_end_on = DateField(
        _l("合同终止日期"), validators=[InputRequired(_l("请填写合同终止日期"))]
    )
    probation_months = IntegerField(_l("试用期（月）"), default=0, validators=[Optional()])
    submit = SubmitField(_l("聘用"))


class PostingForm(FlaskForm):
    posted_on = DateField(_l("公示开始日期"), validators=[InputRequired(_l("请填写公示开始日期"))])
    days = IntegerField(
        _l("公示期（天）"), default=7, validators=[InputRequired(_l("请填写公示期"))]
    )
    submit = SubmitField(_l("登记公示"))
