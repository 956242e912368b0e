"""The form of the quota ledger: one change with its document number (文号)."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.forms import choices
from core.i18n import Msg, msg
from institutions.models import QUOTA_LABELS, QuotaKind
from institutions.staffing.document_numbers import check_document_number


class QuotaEntryForm(FlaskForm):
    kind = SelectField(
        _l("编制类型"),
        choices=choices([(k.value, QUOTA_LABELS[k]) for k in QuotaKind]),
        validators=[DataRequired(_l("请选择编制类型"))],
    )
    change = StringField(
        _l("变动数"),
        validators=[InputRequired(_l("请填写变动数"))],
        description=_l("增加填正数，核减填负数"),
        render_kw={"inputmode": "numeric"},
    )
    document_number = StringField(
        _l("文号"),
        validators=[DataRequired(_l("请填写批准或备案文件的文号"))],
        description=_l("如 成编发〔2026〕12号"),
    )
    effective_on = DateField(
        _l("生效日期"),
        validators=[InputRequired(_l("请填写生效日期"))],
        format=["%Y-%m-%d", "%Y/%m/%d"],
        invalid_value_message=_l("不是有效日期，请按 YYYY-MM-DD 填写"),
    )
    note = StringField(_l("备注"), validators=[Optional(), Length(max=255)])
    document = FileField(
        _l("批准或备案文件（可选）"), description=_l("PDF、Word 或图片，随台账保存")
    )
    submit = SubmitField(_l("登记变动"))

    def validate_change(self, field) -> None:
        text = unicodedata.normalize("NFKC", field.raw_data[0] if field.raw_data else "").strip()
        try:
            value = int(text)
        except ValueError:
            raise ValidationError(msg("「%(v)s」不是整数", v=text)) from None
        if value == 0:
            raise ValidationError(_l("变动数不能为 0"))
        field.data = value

    def validate_document_number(self, field) -> None:
        checked = check_document_number(field.data or "")
        if isinstance(checked, Msg):
            raise ValidationError(checked)
        field.data = checked


class ReversalForm(FlaskForm):
    """冲销: the opposite of a wrong entry, under a document number of its own."""

    document_number = StringField(
        _l("冲销文号"),
        validators=[DataRequired(_l("请填写冲销文件的文号"))],
        description=_l("冲销须有自己的文号，如 成编发〔2026〕15号"),
    )
    effective_on = DateField(
        _l("生效日期"),
        validators=[Optional()],
        format=["%Y-%m-%d", "%Y/%m/%d"],
        invalid_value_message=_l("不是有效日期，请按 YYYY-MM-DD 填写"),
        description=_l("不填则与原记录相同"),
    )
    note = StringField(
        _l("冲销原因"), validators=[DataRequired(_l("请写明冲销原因")), Length(max=255)]
    )
    document = FileField(_l("冲销文件（可选）"))
    submit = SubmitField(_l("冲销"))
