"""What core itself declares, in the same shape as every package's ``module.py``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.auth.views import bp as auth_bp
from core.i18n import msg
from core.imports import run_import_job
from core.jobs import JobKind
from core.modules import MenuItem, Module
from core.parameters_views import bp as parameters_bp
from core.permissions import AUDIT_VIEW, PARAMETERS_MANAGE, USERS_MANAGE
from core.roles import ROLE_LABELS
from core.views import bp as core_bp

module = Module(
    name="core",
    label=_l("平台"),
    blueprints=(auth_bp, core_bp, parameters_bp),
    menu=(
        MenuItem(_l("首页"), "core.home", order=0),
        MenuItem(_l("审计日志"), "core.audit_index", AUDIT_VIEW, order=90),
        MenuItem(_l("政策参数"), "parameters.index", PARAMETERS_MANAGE, order=95),
    ),
    permissions=(AUDIT_VIEW, USERS_MANAGE, PARAMETERS_MANAGE),
    jobs=(JobKind("imports.run", msg("Excel 导入"), run_import_job),),
    audit_actions={
        "user.login": _l("登录"),
        "user.logout": _l("退出登录"),
        "user.locked": _l("账号因多次登录失败被锁定"),
        "user.unlock": _l("解除账号锁定"),
        "user.create": _l("新建账号"),
        "user.update": _l("修改账号"),
        "user.password_changed": _l("修改密码"),
        "user.password_reset": _l("重置密码"),
        "membership.grant": _l("授予角色"),
        "membership.revoke": _l("撤销角色"),
        "parameter.add": _l("添加政策参数版本"),
    },
    audit_objects={
        "User": _l("账号"),
        "Membership": _l("角色"),
        "ParameterVersion": _l("政策参数版本"),
    },
    audit_fields={
        "username": _l("用户名"),
        "full_name": _l("姓名"),
        "email": _l("电子邮箱"),
        "is_active": _l("启用"),
        "is_superuser": _l("超级管理员"),
        "role": _l("角色"),
        "institution_id": _l("单位"),
    },
    audit_values={"role": ROLE_LABELS},
)
