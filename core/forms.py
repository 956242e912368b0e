"""Form helpers shared by every package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Return select options from (value, label) pairs, in WTForms' current form."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_values(field) -> set:
    """Return the values a select field offers."""
    return {choice.value for choice in field.choices}


class ParameterVersionForm(FlaskForm):
    """A new dated version of a parameter."""

    key = HiddenField()
    scope = HiddenField()
    effective_from = DateField(
        _l("生效日期"), validators=[DataRequired(message=_l("请填写生效日期"))]
    )
    value = TextAreaField(
        _l("参数值（JSON）"),
        validators=[DataRequired(message=_l("请填写参数值"))],
        description=_l(
            '与上一版本结构相同；数字不加引号，比例等精确小数写成带引号的文本，如 "0.20"。'
        ),
        render_kw={"rows": 10, "class": "code"},
    )
    source = StringField(
        _l("依据"),
        validators=[Optional(), Length(max=255)],
        description=_l("文件名称和文号，如 川人社发〔2026〕3号"),
    )
