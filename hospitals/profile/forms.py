"""The hospital profile form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from core.forms import choices

LEVEL_LABELS = {"tertiary": _l("三级"), "secondary": _l("二级"), "primary": _l("一级")}


class ProfileForm(FlaskForm):
    level = SelectField(
        _l("医院等级"), choices=choices(LEVEL_LABELS.items()), validators=[DataRequired()]
    )
    beds = IntegerField(_l("床位数"), validators=[InputRequired(), NumberRange(0, 100_000)])
    submit = SubmitField(_l("保存"))
