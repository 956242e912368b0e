"""The registry's declaration to core: pages, menu, permissions, labels, sections, seeders."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from core.permissions import USERS_MANAGE
from institutions import home, seed
from institutions.accounts.views import bp as accounts_bp
from institutions.permissions import QUOTA_VIEW, REGISTRY_MANAGE, REGISTRY_VIEW
from institutions.views import bp

module = Module(
    name="institutions",
    label=_l("单位登记"),
    blueprints=(bp, accounts_bp),
    menu=(
        MenuItem(_l("单位登记"), "institutions.index", REGISTRY_VIEW, order=10),
        MenuItem(_l("账号管理"), "accounts.index", USERS_MANAGE, order=100),
    ),
    permissions=(REGISTRY_VIEW, REGISTRY_MANAGE, QUOTA_VIEW),
    audit_actions={
        "institution.create": _l("登记单位"),
        "institution.update": _l("修改单位登记信息"),
        "institution.import": _l("Excel 导入单位"),
        "institution.credit_code_override": _l("接受校验位不符的信用代码"),
        "sponsor.create": _l("新增举办单位"),
        "sponsor.update": _l("修改举办单位"),
        "quota.add": _l("登记编制变动"),
    },
    audit_objects={
        "Institution": _l("单位"),
        "Sponsor": _l("举办单位"),
        "QuotaEntry": _l("编制台账记录"),
    },
    home_sections=(home.registry_overview, home.my_institutions),
    seeders=(Seeder("institutions.demo", seed.seed_registry_and_users),),
)
