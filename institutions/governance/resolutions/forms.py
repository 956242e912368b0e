"""Resolution follow-up forms: execution reports and supervisory opinions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from core.forms import choices
from institutions.governance.models import OpinionKind


class ExecutionForm(FlaskForm):
    """Management's report on carrying out a resolution (执行情况)."""

    progress = IntegerField(
        _l("执行进度（百分比）"),
        validators=[
            InputRequired(_l("请填写执行进度")),
            NumberRange(0, 100, _l("执行进度须在 0–100 之间")),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": 100},
    )
    text = TextAreaField(
        _l("执行情况"),
        validators=[DataRequired(_l("请填写执行情况")), Length(max=20000)],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("报告执行情况"))


OPINION_TARGETS = ("motion", "resolution", "execution_report")


class OpinionForm(FlaskForm):
    """A supervisor's opinion or objection (监督意见、异议) on a motion, resolution or report."""

    target = HiddenField(
        validators=[DataRequired(_l("请选择意见针对的对象"))],
    )
    target_id = HiddenField(validators=[DataRequired(_l("请选择意见针对的对象"))])
    next = HiddenField()
    kind = SelectField(
        _l("意见类型"),
        choices=choices((k.value, k.label) for k in OpinionKind),
        validators=[DataRequired(_l("请选择意见类型"))],
        description=_l("异议：不同意该事项，要求理事会和举办单位关注"),
    )
    text = TextAreaField(
        _l("意见内容"),
        validators=[DataRequired(_l("请填写意见内容")), Length(max=20000)],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("记录监督意见"))

    def validate_target(self, field) -> None:
        if field.data not in OPINION_TARGETS:
            raise ValidationError(_l("意见只能针对议案、决议或执行情况报告"))

    def validate_target_id(self, field) -> None:
        if not (field.data or "").isdigit() or len(field.data) > 18:
            raise ValidationError(_l("请选择意见针对的对象"))
