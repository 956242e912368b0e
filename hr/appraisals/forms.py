"""Forms of the annual appraisal: open a round, grade (CSRF only: one select per person), close."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from core.forms import choices
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
    confirm_early = BooleanField(
        _l("确需在 12 月前提前开启"),
        description=_l("年度考核一般自当年 12 月起进行；提前开启须勾选确认"),
    )
    submit = SubmitField(_l("开启年度考核"))


class GradesForm(FlaskForm):
    """The grade grid: its selects are named ``grade-<employment id>`` and read by the view."""

    submit = SubmitField(_l("保存本页等次"))


class CloseRoundForm(FlaskForm):
    confirm_early = BooleanField(_l("确需在 12 月前提前关闭"))
    submit = SubmitField(_l("关闭考核并晋升薪级"))


class BulkGradeForm(FlaskForm):
    """Give one grade to many at once; the grid's ``pick`` checkboxes belong to this form."""

    scope = SelectField(
        _l("设定范围"),
        choices=choices([("picked", _l("本页勾选的人员")), ("ungraded", _l("本轮全部未评定人员"))]),
        default="picked",
    )
    submit = SubmitField(_l("设为合格"))
