"""Forms of the staffing office's pages; they validate, operations decide and write."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import choices
from core.regions import REGIONS
from institutions.models import QUOTA_LABELS, QuotaKind
from institutions.staffing.evaluation import BASIS_LABELS, CLASSIFICATION_LABELS

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
BAD_DATE = _l("不是有效日期，请按 YYYY-MM-DD 填写")
BAD_INT = _l("请填写整数")


def _int(label, required=True, min_=0, max_=100000, **kwargs):
    validators = [InputRequired(_l("必填"))] if required else [Optional()]
    validators.append(NumberRange(min=min_, max=max_, message=_l("超出允许范围")))
    return IntegerField(label, validators=validators, render_kw={"inputmode": "numeric"}, **kwargs)


def _nfkc(value):
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


class IntegerFieldNFKC(IntegerField):
    """An integer field that reads full-width digits as typed by a Chinese input method."""

    def process_formdata(self, valuelist):
        super().process_formdata([_nfkc(v) for v in valuelist])


class DocumentFields:
    document_number = StringField(
        _l("文号"),
        validators=[DataRequired(_l("请填写文号"))],
        description=_l("如 武编发〔2026〕12号"),
    )
    effective_on = DateField(
        _l("生效日期"), validators=[Optional()], format=DATE_FORMATS, invalid_value_message=BAD_DATE
    )
    note = StringField(_l("说明"), validators=[Optional(), Length(max=255)])
    document = FileField(_l("批准文件（可选）"), description=_l("PDF、Word 或图片，随台账保存"))


class RoundForm(FlaskForm):
    name = StringField(_l("名称"), validators=[DataRequired(_l("请填写名称")), Length(max=120)])
    year = IntegerFieldNFKC(
        _l("评估年度"),
        validators=[InputRequired(BAD_INT), NumberRange(2000, 2100, _l("年度不合理"))],
    )
    district_code = SelectField(
        _l("范围"),
        choices=choices([("", _l("全市")), *REGIONS.items()]),
        validators=[Optional()],
    )
    due_on = DateField(
        _l("填报截止日期"),
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    submit = SubmitField(_l("开启评估"))


RATING_CHOICES = choices((n, str(n)) for n in range(1, 6))


class FunctionForm(FlaskForm):
    name = StringField(
        _l("职能名称"), validators=[DataRequired(_l("请填写职能名称")), Length(max=200)]
    )
    basis_kind = SelectField(
        _l("依据类别"),
        choices=choices([("", _l("（无依据）")), *((k.value, v) for k, v in BASIS_LABELS.items())]),
        validators=[Optional()],
    )
    basis_title = StringField(
        _l("依据名称"),
        validators=[Optional(), Length(max=200)],
        description=_l("如《中华人民共和国教育法》、三定规定；没有依据的职能会被标出"),
    )
    basis_document_number = StringField(_l("依据文号"), validators=[Optional(), Length(max=64)])
    basis_article = StringField(_l("条款"), validators=[Optional(), Length(max=60)])
    workload = SelectField(_l("工作量（1–5）"), choices=RATING_CHOICES, coerce=int, default=3)
    frequency = SelectField(_l("履职频次（1–5）"), choices=RATING_CHOICES, coerce=int, default=3)
    importance = SelectField(_l("重要程度（1–5）"), choices=RATING_CHOICES, coerce=int, default=3)
    risk = SelectField(_l("风险程度（1–5）"), choices=RATING_CHOICES, coerce=int, default=3)
    staff = StringField(
        _l("占用编制"),
        validators=[DataRequired(_l("请填写编制数"))],
        description=_l("可为小数，如 1.5"),
    )
    staff_needed = StringField(
        _l("需要编制（强化职能）"),
        validators=[Optional()],
        description=_l("强化的职能共需多少编制"),
    )
    submit = SubmitField(_l("保存职能"))


class FiguresForm(FlaskForm):
    posts = _int(_l("岗位设置数"), required=False)
    seconded_out = _int(_l("借调、抽调出单位的在编人数"), required=False)
    structure_compliant = SelectField(
        _l("岗位结构比例"),
        choices=choices([("", _l("不清楚")), ("yes", _l("符合规定")), ("no", _l("不符合规定"))]),
        validators=[Optional()],
    )
    institution_note = TextAreaField(_l("单位说明"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("保存"))


class AdjustForm(FlaskForm):
    classification = SelectField(
        _l("调整为"),
        choices=choices(
            [("", _l("按测算结果")), *((k.value, v) for k, v in CLASSIFICATION_LABELS.items())]
        ),
        validators=[Optional()],
    )
    reason = StringField(_l("理由"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("调整"))


class CommentForm(FlaskForm):
    comment = TextAreaField(_l("意见"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("提交"))


class RequestForm(FlaskForm):
    kind = SelectField(
        _l("编制类型"),
        choices=choices([(k.value, QUOTA_LABELS[k]) for k in QuotaKind]),
        default=QuotaKind.ESTABLISHMENT.value,
    )
    number = IntegerFieldNFKC(
        _l("申请增加"),
        validators=[InputRequired(BAD_INT), NumberRange(1, 9999, _l("须为 1–9999 名"))],
        render_kw={"inputmode": "numeric"},
    )
    reason = TextAreaField(
        _l("理由"), validators=[DataRequired(_l("请写明理由")), Length(max=5000)]
    )
    linked_functions = StringField(_l("对应职能"), validators=[Optional(), Length(max=500)])
    document_number = StringField(_l("申请文号（可选）"), validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("保存申请"))


class CleanupForm(FlaskForm):
    vacancies = _int(_l("空编数"), required=False, description=_l("核定编制中尚未使用的名额"))
    secondments = _int(_l("借调、抽调出单位的人员"), required=False)
    off_quota = _int(_l("编外用人"), required=False)
    weakened_reported = BooleanField(_l("已报告弱化、取消的职能（没有也请勾选）"))
    new_function = StringField(_l("新增弱化职能"), validators=[Optional(), Length(max=200)])
    new_reduction = StringField(_l("该职能拟核减编制"), validators=[Optional()])
    cleanup_note = TextAreaField(_l("清理情况说明"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("保存清理情况"))


class ReductionForm(FlaskForm, DocumentFields):
    number = IntegerFieldNFKC(
        _l("核减数"),
        validators=[InputRequired(BAD_INT), NumberRange(1, 9999, _l("须为正整数"))],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("执行核减"))


class ApprovalForm(FlaskForm, DocumentFields):
    submit = SubmitField(_l("批准并登记"))


class RejectForm(FlaskForm):
    document_number = StringField(_l("文号（可选）"), validators=[Optional(), Length(max=64)])
    note = TextAreaField(_l("理由"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("不予批准"))


class ReportForm(FlaskForm):
    activities = TextAreaField(
        _l("主要业务活动"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 6}
    )
    finances = TextAreaField(
        _l("财务情况"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 4}
    )
    staffing = TextAreaField(
        _l("机构编制与人员情况说明"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 3},
    )
    governance = TextAreaField(
        _l("法人治理情况说明"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("保存草稿"))


class TokenForm(FlaskForm):
    name = StringField(
        _l("使用方"), validators=[DataRequired(_l("请填写使用方名称")), Length(max=120)]
    )
    sponsor_id = SelectField(_l("可读范围"), coerce=lambda v: int(v) if v else None)
    submit = SubmitField(_l("签发令牌"))
