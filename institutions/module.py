"""The registry's declaration to core: pages, menu, permissions, labels, sections, seeders."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from core.permissions import USERS_MANAGE
from institutions import home, seed
from institutions.accounts.views import bp as accounts_bp
from institutions.blueprint import bp
from institutions.models import KIND_LABELS, QUOTA_LABELS, STATUS_LABELS
from institutions.permissions import QUOTA_VIEW, REGISTRY_MANAGE, REGISTRY_VIEW
from institutions.quota import views as quota_views
from institutions.registry import views as registry_views
from institutions.registry.imports import REGISTRY_IMPORTER

# Importing the topics' views puts their routes on the blueprint.
_TOPIC_VIEWS = (registry_views, quota_views)

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
    audit_fields={
        "name": _l("名称"),
        "credit_code": _l("统一社会信用代码"),
        "kind": _l("类型"),
        "district_code": _l("所在地区"),
        "sponsor_id": _l("举办单位"),
        "funding_class": _l("公益类别"),
        "legal_representative": _l("法定代表人"),
        "address": _l("地址"),
        "status": _l("状态"),
        "QuotaEntry.kind": _l("编制类别"),
        "change": _l("变动数"),
        "document_number": _l("文号"),
        "effective_on": _l("生效日期"),
        "note": _l("备注"),
    },
    audit_values={
        "Institution.kind": KIND_LABELS,
        "Institution.status": STATUS_LABELS,
        "QuotaEntry.kind": QUOTA_LABELS,
    },
    home_sections=(home.registry_overview, home.my_institutions),
    seeders=(Seeder("institutions.demo", seed.seed_registry_and_users),),
    provides={"importers": (REGISTRY_IMPORTER,)},
)
