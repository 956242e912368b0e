"""Demo city for `flask seed-demo`: sponsors, institutions and a user for every role."""

from __future__ import annotations

from sqlalchemy import select

from core.auth import operations as accounts
from core.auth.models import User
from core.extensions import db
from core.ids import make_credit_code
from core.roles import Role
from institutions.models import FundingClass, Institution, InstitutionKind, Sponsor

DEMO_PASSWORD = "demo-2026"

SPONSORS = [
    ("成都市武侯区教育局", "510107"),
    ("成都市武侯区卫生健康局", "510107"),
    ("成都市锦江区教育局", "510104"),
    ("成都市锦江区卫生健康局", "510104"),
]

# (name, kind, district, sponsor, funding class, legal representative, org code body, address)
INSTITUTIONS = [
    (
        "成都市武侯区第一实验小学",
        InstitutionKind.SCHOOL,
        "510107",
        "成都市武侯区教育局",
        FundingClass.PUBLIC_WELFARE_1,
        "李明华",
        "45070001",
        "武侯区玉林北路 12 号",
    ),
    (
        "成都市武侯区新城学校（九年一贯制）",
        InstitutionKind.SCHOOL,
        "510107",
        "成都市武侯区教育局",
        FundingClass.PUBLIC_WELFARE_1,
        "王建国",
        "45070002",
        "武侯区簇桥街道新城路 8 号",
    ),
    (
        "成都市锦江区东湖中学",
        InstitutionKind.SCHOOL,
        "510104",
        "成都市锦江区教育局",
        FundingClass.PUBLIC_WELFARE_1,
        "张晓红",
        "45040001",
        "锦江区东湖街道东湖路 66 号",
    ),
    (
        "成都市武侯区人民医院",
        InstitutionKind.HOSPITAL,
        "510107",
        "成都市武侯区卫生健康局",
        FundingClass.PUBLIC_WELFARE_2,
        "陈志强",
        "45070101",
        "武侯区浆洗街 20 号",
    ),
    (
        "成都市锦江区中医医院",
        InstitutionKind.HOSPITAL,
        "510104",
        "成都市锦江区卫生健康局",
        FundingClass.PUBLIC_WELFARE_2,
        "刘芳",
        "45040101",
        "锦江区书院街 3 号",
    ),
]

# (username, full name, role, institution index or sponsor name or None)
USERS = [
    ("bianban", "赵敏（编办）", Role.STAFFING_OFFICE, None),
    ("jiaoyuju", "孙立（武侯区教育局）", Role.SPONSOR, "成都市武侯区教育局"),
    ("weijianju", "周岚（武侯区卫健局）", Role.SPONSOR, "成都市武侯区卫生健康局"),
    ("xiaoban", "吴静（校办）", Role.INSTITUTION_ADMIN, 0),
    ("lishizhang", "郑国平（理事长）", Role.COUNCIL_CHAIR, 0),
    ("mishu", "冯雪（理事会秘书）", Role.COUNCIL_SECRETARY, 0),
    ("lishi", "何伟（理事）", Role.COUNCIL_MEMBER, 0),
    ("jianshi", "杨帆（监事）", Role.SUPERVISOR, 0),
    ("renshi", "许丽（人事）", Role.HR_OFFICER, 0),
    ("caiwu", "马骏（财务）", Role.FINANCE_OFFICER, 0),
    ("zhigong", "林晓（教师）", Role.EMPLOYEE, 0),
    ("yuanban", "高洁（院办）", Role.INSTITUTION_ADMIN, 3),
    ("yiyuanrenshi", "罗斌（医院人事）", Role.HR_OFFICER, 3),
]


def _get_or_create_sponsors() -> dict[str, Sponsor]:
    found = {s.name: s for s in db.session.scalars(select(Sponsor))}
    for name, district in SPONSORS:
        if name not in found:
            found[name] = Sponsor(name=name, district_code=district)
            db.session.add(found[name])
    db.session.flush()
    return found


def _get_or_create_institutions(sponsors: dict[str, Sponsor]) -> list[Institution]:
    result = []
    for name, kind, district, sponsor, funding, legal_rep, org, address in INSTITUTIONS:
        code = make_credit_code(district, org)
        institution = db.session.scalar(select(Institution).where(Institution.credit_code == code))
        if institution is None:
            institution = Institution(
                credit_code=code,
                name=name,
                kind=kind.value,
                district_code=district,
                sponsor=sponsors[sponsor],
                funding_class=funding.value,
                legal_representative=legal_rep,
                address=address,
            )
            db.session.add(institution)
        result.append(institution)
    db.session.flush()
    return result


def seed_registry_and_users() -> list[str]:
    """Create the demo sponsors, institutions and users (skipping what exists)."""
    sponsors = _get_or_create_sponsors()
    institutions = _get_or_create_institutions(sponsors)
    lines = ["", f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        accounts.create_user(
            username="admin",
            full_name="系统管理员",
            password=DEMO_PASSWORD,
            is_superuser=True,
            must_change_password=False,
        )
    lines.append(f"  {'admin':<14} 超级管理员")
    for username, full_name, role, where in USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = accounts.create_user(
                username=username,
                full_name=full_name,
                password=DEMO_PASSWORD,
                must_change_password=False,
            )
            if role.scope == "sponsor":
                accounts.grant(user, role, sponsor_id=sponsors[where].id)
            elif role.scope == "institution":
                accounts.grant(user, role, institution_id=institutions[where].id)
            else:
                accounts.grant(user, role)
        place = institutions[where].name if isinstance(where, int) else (where or "全市")
        lines.append(f"  {username:<14} {role.label}（{place}）")
    lines.append("打开 http://127.0.0.1:5000 用以上任一账号登录。")
    return lines
