"""Forms of departments: create or edit one (name and kind)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from core.forms import choices
from hr.departments.matching import NAME_MAX
from hr.models import DepartmentKind


class DepartmentForm(FlaskForm):
    name = StringField(
        _l("部门名称"),
        validators=[DataRequired(_l("请填写部门名称")), Length(max=NAME_MAX)],
        description=_l("如：内科、检验科、护理部、语文组、教务处；本单位内不能重名"),
    )
    kind = SelectField(
        _l("部门类别"),
        choices=choices(DepartmentKind.choices()),
        validators=[DataRequired(_l("请选择部门类别"))],
    )
    submit = SubmitField(_l("保存"))
