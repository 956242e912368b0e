"""Forms for managing user accounts and memberships."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from core.forms import choice_values, choices


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


#: The empty first option of a pick list: nothing is chosen until the user chooses.
NOT_CHOSEN = 0


class GrantForm(FlaskForm):
    """A role and the one scope field it needs (the view fills the choices for the actor).

    Nothing is preselected: a default of 编办 once made city-wide grants one click away.
    Without JavaScript both scope fields show and the operation refuses a wrong or double
    choice; static/js/accounts.js shows only the field the chosen role needs.
    """

    role = SelectField(_l("角色"), validators=[DataRequired(_l("请选择角色"))])
    institution_id = SelectField(
        _l("所属单位"),
        coerce=int,
        validate_choice=False,
        description=_l("单位内的角色（单位管理员、理事、人事专员、职工等）选择所属单位"),
    )
    sponsor_id = SelectField(
        _l("举办单位"),
        coerce=int,
        validate_choice=False,
        description=_l("「举办单位」角色选择举办单位"),
    )
    submit = SubmitField(_l("授予角色"))

    def set_choices(self, roles, institutions, sponsors) -> None:
        """Offer the roles and places the actor may grant."""
        self.role.choices = choices([("", _l("请选择角色")), *((r.value, r.label) for r in roles)])
        self.institution_id.choices = choices([(NOT_CHOSEN, _l("请选择单位")), *institutions])
        self.sponsor_id.choices = choices([(NOT_CHOSEN, _l("请选择举办单位")), *sponsors])

    def validate_role(self, field) -> None:
        if field.data not in choice_values(field) - {""}:
            raise ValidationError(_l("请选择有效的角色"))

    def validate_institution_id(self, field) -> None:
        if field.data and field.data not in choice_values(field):
            raise ValidationError(_l("请选择有效的单位"))

    def validate_sponsor_id(self, field) -> None:
        if field.data and field.data not in choice_values(field):
            raise ValidationError(_l("请选择有效的举办单位"))


class MemberUserForm(UserForm):
    """A new account created by an institution admin, with its role in their institution.

    An account without a role in the admin's institution would be out of their sight at once.
    """

    role = SelectField(_l("角色"), validators=[DataRequired(_l("请选择角色"))])
    institution_id = SelectField(_l("所属单位"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("创建账号"))

    def set_choices(self, roles, institutions) -> None:
        """Offer the institution roles and the admin's institutions."""
        self.role.choices = choices([("", _l("请选择角色")), *((r.value, r.label) for r in roles)])
        self.institution_id.choices = choices([(NOT_CHOSEN, _l("请选择单位")), *institutions])
        if len(institutions) == 1 and not self.institution_id.data:
            self.institution_id.data = institutions[0][0]

    def validate_role(self, field) -> None:
        if field.data not in choice_values(field) - {""}:
            raise ValidationError(_l("请选择有效的角色"))

    def validate_institution_id(self, field) -> None:
        if not field.data or field.data not in choice_values(field):
            raise ValidationError(_l("请选择所属单位"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("临时密码"), validators=[DataRequired(_l("请填写临时密码"))])
    submit = SubmitField(_l("重置密码"))


class ConfirmForm(FlaskForm):
    """An empty form for POST-only actions; it carries the CSRF token."""

    submit = SubmitField(_l("确认"))
