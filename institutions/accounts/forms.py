"""Forms for managing user accounts and memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from core.forms import choice_values, choices
from core.roles import ROLE_LABELS, Role


class UserForm(FlaskForm):
    username = StringField(
        _l("用户名"),
        validators=[
            DataRequired(_l("请填写用户名")),
            Length(min=3, max=64),
            Regexp(r"^[A-Za-z0-9_.\-]+$", message=_l("用户名只能包含字母、数字、下划线、点和减号")),
        ],
        description=_l("用于登录，保存后不能修改"),
    )
    full_name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    phone = StringField(
        _l("手机号"),
        validators=[Optional(), Regexp(r"^1\d{10}$", message=_l("手机号应为 11 位数字"))],
    )
    email = StringField(
        _l("电子邮箱"),
        validators=[
            Optional(),
            Email(_l("邮箱格式不正确"), check_deliverability=False),
            Length(max=120),
        ],
    )
    password = PasswordField(
        _l("初始密码"),
        validators=[DataRequired(_l("请设置初始密码"))],
        description=_l("用户首次登录时须修改"),
    )
    submit = SubmitField(_l("创建账号"))


class UserEditForm(FlaskForm):
    full_name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    phone = StringField(
        _l("手机号"),
        validators=[Optional(), Regexp(r"^1\d{10}$", message=_l("手机号应为 11 位数字"))],
    )
    email = StringField(
        _l("电子邮箱"),
        validators=[
            Optional(),
            Email(_l("邮箱格式不正确"), check_deliverability=False),
            Length(max=120),
        ],
    )
    is_active = BooleanField(_l("账号启用"))
    submit = SubmitField(_l("保存"))


class GrantForm(FlaskForm):
    role = SelectField(_l("角色"), choices=choices([(r.value, ROLE_LABELS[r]) for r in Role]))
    institution_id = SelectField(_l("所属单位"), coerce=int, validate_choice=False)
    sponsor_id = SelectField(_l("举办单位"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("授予角色"))

    def validate_institution_id(self, field) -> None:
        if field.data and field.data not in choice_values(field):
            raise ValidationError(_l("请选择有效的单位"))

    def validate_sponsor_id(self, field) -> None:
        if field.data and field.data not in choice_values(field):
            raise ValidationError(_l("请选择有效的举办单位"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("临时密码"), validators=[DataRequired(_l("请填写临时密码"))])
    submit = SubmitField(_l("重置密码"))


class ConfirmForm(FlaskForm):
    """An empty form for POST-only actions; it carries the CSRF token."""

    submit = SubmitField(_l("确认"))
