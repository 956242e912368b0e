"""Forms of the annual appraisal: open a round, grade (CSRF only: one select per person), close."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from core.ids import china_today


def default_year() -> int:
    """Return the year usually appraised now: this year from October, else last year."""
    today = china_today()
    return today.year if today.month >= 10 else today.year - 1


class OpenRoundForm(FlaskForm):
    year = IntegerField(
        _l("考核年度"),
        default=default_year,
        validators=[
            InputRequired(_l("请填写考核年度")),
            NumberRange(2000, 2100, _l("考核年度须在 2000–2100 之间")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("开启年度考核"))


class GradesForm(FlaskForm):
    """The grade grid: its selects are named ``grade-<employment id>`` and read by the view."""

    submit = SubmitField(_l("保存本页等次"))


class CloseRoundForm(FlaskForm):
    submit = SubmitField(_l("关闭考核并晋升薪级"))
