"""Forms of the internal-rule pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from schools.rules.models import AdoptingBody


class RuleForm(FlaskForm):
    title = StringField(
        _l("制度名称"), validators=[DataRequired(_l("请填写制度名称")), Length(max=120)]
    )
    body = SelectField(_l("审议机构"), choices=[])
    text = TextAreaField(
        _l("制度全文"),
        render_kw={"rows": 8},
        validators=[DataRequired(_l("请填写制度全文"))],
    )
    change_note = StringField(_l("说明"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("保存草稿"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.choices = [(k, v) for k, v in AdoptingBody.LABELS.items()]


class VersionForm(FlaskForm):
    text = TextAreaField(
        _l("新版本全文"),
        render_kw={"rows": 8},
        validators=[DataRequired(_l("请填写制度全文"))],
    )
    change_note = StringField(_l("修订说明"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("起草新版本"))


class CouncilForm(FlaskForm):
    meeting_id = SelectField(
        _l("理事会会议"),
        choices=[],
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("请选择会议"))],
    )
    submit = SubmitField(_l("提交理事会审议"))


class CongressForm(FlaskForm):
    vote_number = SelectField(
        _l("教代会决议文号"),
        choices=[],
        validate_choice=False,
        validators=[DataRequired(_l("请选择教代会表决"))],
    )
    submit = SubmitField(_l("登记教代会通过"))
