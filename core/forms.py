"""Form helpers shared by every package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from core.i18n import Msg


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Return select options from (value, label) pairs, in WTForms' current form.

    A plain-text label is translated when the page is drawn, not now: forms build their
    options when their module is imported, where an enum's ``label`` is still the Chinese
    source text (a label the catalog does not know, such as a name, shows as it is).
    """
    return [SelectChoice(value, _at_render(label)) for value, label in pairs]


def _at_render(label: Any) -> Any:
    if isinstance(label, str) and not isinstance(label, Markup) and label:
        return Msg(label)
    return label


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
