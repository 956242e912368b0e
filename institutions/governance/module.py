"""Council governance's declaration to core."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.modules import MenuItem, Module, Seeder
from institutions.governance import charter_changes, home, indicators, seed
from institutions.governance.blueprint import bp
from institutions.governance.cli import governance_cli

# Importing each topic's views registers its routes on ``bp``.
from institutions.governance.council import views as _council_views  # noqa: F401
from institutions.governance.meetings import views as _meeting_views  # noqa: F401
from institutions.governance.minutes import views as _minutes_views  # noqa: F401
from institutions.governance.motions import views as _motion_views  # noqa: F401
from institutions.governance.permissions import (
    GOVERNANCE_MANAGE,
    GOVERNANCE_SETUP,
    GOVERNANCE_VIEW,
)
from institutions.governance.resolutions import views as _resolution_views  # noqa: F401

module = Module(
    name="institutions.governance",
    label=_l("法人治理"),
    blueprints=(bp,),
    commands=(governance_cli,),
    menu=(MenuItem(_l("法人治理"), "governance.home", GOVERNANCE_VIEW, order=20),),
    permissions=(GOVERNANCE_VIEW, GOVERNANCE_MANAGE, GOVERNANCE_SETUP),
    audit_actions={
        "governance.charter.save": _l("保存章程设置"),
        "governance.charter.amend": _l("按决议修改章程设置"),
        "governance.motion.follow_up_failed": _l("议案决定后的后续处理失败"),
        "governance.seat.create": _l("任命理事、监事或管理层成员"),
        "governance.seat.end": _l("结束任期"),
        "governance.seat.role": _l("任命时授予理事会角色"),
        "governance.interests.declare": _l("申报利害关系"),
        "governance.meeting.create": _l("安排会议"),
        "governance.meeting.notice": _l("发出会议通知"),
        "governance.meeting.waiver": _l("记录豁免通知期限"),
        "governance.motion.create": _l("提出议案"),
        "governance.motion.update": _l("修改议案"),
        "governance.recusal.create": _l("登记回避"),
        "governance.attendance.record": _l("登记出席"),
        "governance.paper.add": _l("上传会议材料"),
        "governance.paper.remove": _l("删除会议材料"),
        "governance.motion.open": _l("开始表决"),
        "governance.ballot.cast": _l("投票"),
        "governance.motion.close": _l("结束表决"),
        "governance.resolution.create": _l("形成决议"),
        "governance.minutes.draft": _l("起草会议纪要"),
        "governance.minutes.sign": _l("签署会议纪要"),
        "governance.minutes.correct": _l("更正会议纪要"),
        "governance.execution.report": _l("报告决议执行情况"),
        "governance.opinion.record": _l("记录监督意见"),
    },
    home_sections=(home.awaiting_vote, home.pending_work),
    seeders=(Seeder("governance.demo", seed.seed_governance, after=("hr.demo",)),),
    provides={
        "indicators": indicators.INDICATORS,
        "motion_subjects": [charter_changes.SUBJECT],
    },
)
