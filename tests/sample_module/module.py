"""A sample package's whole declaration: a page, a menu entry, a permission, an indicator,
a seeder that runs after HR's, and a job-free setup hook."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint
from sqlalchemy import func, select

from core.extensions import db
from core.modules import MenuItem, Module, Seeder
from core.permissions import Permission
from core.roles import Role
from institutions.indicators import Indicator
from institutions.models import QuotaEntry
from payroll.inputs import InputProvider, PayInput

SAMPLE_VIEW = Permission("sample.view", "查看示例", grants={Role.HR_OFFICER})

bp = Blueprint("sample", __name__, url_prefix="/sample")
seeded: list[str] = []
set_up: list[str] = []


@bp.route("/")
def index():
    return "sample"


def _quota_entries(ids, on):
    rows = db.session.execute(
        select(QuotaEntry.institution_id, func.count())
        .where(QuotaEntry.institution_id.in_(ids.scalar_subquery()), QuotaEntry.effective_on <= on)
        .group_by(QuotaEntry.institution_id)
    )
    return dict(rows.all())


def _bonus(institution_id: int, period: str):
    """Pay employment 1 a reward of 100.005 and employment 2 an allowance, every period."""
    return [
        PayInput(1, "reward_performance", Decimal("100.005"), f"sample:{period}"),
        PayInput(1, "reward_performance", Decimal("50"), "sample:extra"),
        PayInput(2, "allowance", Decimal("20"), f"sample:{period}"),
    ]


def _seed() -> list[str]:
    seeded.append("sample")
    return ["示例数据"]


module = Module(
    name="tests.sample_module",
    label="示例",
    blueprints=(bp,),
    menu=(MenuItem("示例", "sample.index", SAMPLE_VIEW, order=55),),
    permissions=(SAMPLE_VIEW,),
    audit_actions={"sample.do": "做示例"},
    seeders=(Seeder("sample.demo", _seed, after=("hr.demo",)),),
    provides={
        "indicators": (
            Indicator("sample.quota_entries", "台账记录数", "条", "tests", _quota_entries),
        ),
        "payroll_inputs": (InputProvider("sample.bonus", "示例奖金", "tests", _bonus),),
    },
    setup=lambda app: set_up.append(app.name),
)
