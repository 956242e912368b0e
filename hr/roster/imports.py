"""The 人员花名册 import through the one import path (core/imports.py).

Check (``hr.roster.checks.plan_roster``) → a :class:`~hr.roster.plan.RosterPlan` → preview
→ confirm (checked again) → write (``hr.roster.operations.import_roster``) in one
transaction, or as the ``imports.run`` job above :attr:`RosterImporter.job_threshold` rows.
The page and the ``flask hr import-roster`` command only call it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.i18n import Msg, msg
from core.ids import china_today
from core.imports import Checked, ImportContext, Importer, Preview, Summary
from hr.models import Identity, grade_label
from hr.permissions import HR_MANAGE
from hr.posts import promotion
from hr.posts.queries import plan_for
from hr.roster.checks import plan_roster
from hr.roster.excel import ROSTER_SPEC
from hr.roster.operations import import_roster
from hr.roster.plan import RosterPlan
from institutions.models import Institution

#: the preview option that creates the departments the file names and the unit lacks
CREATE_DEPARTMENTS = "create_departments"


class RosterImporter(Importer[RosterPlan]):
    name = "hr.roster"
    label = msg("人员花名册导入")
    spec = ROSTER_SPEC
    permission = HR_MANAGE
    max_rows = 100_000
    job_threshold = 5_000
    #: a row's cells that did not convert do not hide its other errors (issue 9 item 6)
    checks_partial_rows = True

    def check(self, rows: list[dict[str, Any]], context: ImportContext) -> Checked[RosterPlan]:
        """Every rule of the roster (``hr.roster.checks``); the plan if none is broken.

        A 部门 the institution does not have is created only on the person's explicit
        choice: before the confirmation (the preview) such names pass and the preview offers
        the choice; at the confirmation, without it, each is an error naming the known ones.
        """
        institution = (
            db.session.get(Institution, context.institution_id)
            if context.institution_id is not None
            else None
        )
        create = bool(context.options.get(CREATE_DEPARTMENTS)) or not context.confirming
        errors, plan = plan_roster(
            rows,
            institution=institution,
            max_errors=None if institution is None else self.max_errors,
            create_departments=create,
        )
        return Checked(plan, errors)

    #: errors listed on the page (the command line lists every one)
    max_errors = 1000

    def preview(self, plan: RosterPlan, context: ImportContext) -> Preview:
        identities = Counter(plan.identity)
        created = plan.new_people
        preview = Preview(
            rows=len(plan),
            counts=[
                (msg("入职人员"), len(plan)),
                (msg("新建人员"), created),
                (msg("沿用已有人员（按身份证号）"), len(plan) - created),
                *(
                    (Identity(value).label, identities[value])
                    for value in _IDENTITY_ORDER
                    if identities[value]
                ),
            ],
            changes=[
                msg(
                    "第 %(row)d 行：%(name)s（工号 %(number)s）入职，聘%(post)s，%(start)s 起",
                    row=hire.row,
                    name=hire.name,
                    number=hire.staff_number,
                    post=hire.post_name,
                    start=hire.start_on.isoformat(),
                )
                for hire in (plan.hire(index) for index in range(min(len(plan), 20)))
            ],
        )
        if len(plan.by_institution()) > 1:
            names = _institution_names(plan.by_institution())
            preview.counts += [(names[key], n) for key, n in sorted(plan.by_institution().items())]
        preview.warnings += _post_warnings(plan)
        if plan.new_departments:
            listed = "、".join(name for names in plan.new_departments.values() for name in names)
            preview.warnings.append(
                msg(
                    "文件中有本单位还没有的部门：%(names)s。勾选下方选项，导入时一并新建；"
                    "不勾选则不能导入（请改为已有的部门）。",
                    names=listed,
                )
            )
            preview.options.append((CREATE_DEPARTMENTS, msg("新建文件中本单位还没有的部门")))
        return preview

    def write(
        self, plan: RosterPlan, context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        done = import_roster(plan, actor=context.actor, progress=progress)
        names = _institution_names(done.by_institution)
        return Summary(
            msg(
                "已导入 %(n)d 人（新建人员 %(c)d 名，沿用已有人员 %(r)d 名），涉及 %(i)d 个单位。",
                n=done.employments,
                c=done.people_created,
                r=done.people_reused,
                i=len(done.by_institution),
            ),
            counts=[
                (names[key], count)
                for key, count in sorted(done.by_institution.items(), key=lambda x: names[x[0]])
            ],
        )

    def template_name(self) -> str:
        return "人员花名册导入模板.xlsx"


_IDENTITY_ORDER = [identity.value for identity in Identity]
#: starting-step warnings listed on the preview (the rest are counted)
MAX_STEP_WARNINGS = 20


def _post_warnings(plan: RosterPlan) -> list[Msg]:
    """What the preview says of the posts: institutions without a post plan for this year
    (their posts were not counted against one), and 薪级 below the post's 起点薪级 (the
    appointment form raises the step to it; a file is taken as written)."""
    today = china_today()
    warnings: list[Msg] = []
    institutions = plan.by_institution()
    names = _institution_names(institutions) if len(institutions) > 1 else {}
    for institution_id in sorted(institutions):
        if plan_for(institution_id, today.year) is None:
            warnings.append(
                msg(
                    "%(name)s尚未制定 %(year)d 年岗位设置方案：本次导入的岗位未与核定岗位数核对。",
                    name=names.get(institution_id, msg("本单位")),
                    year=today.year,
                )
            )
    table = promotion.starting_steps_on(today)
    floors = {
        key: promotion.starting_step(*key, table)
        for key in set(zip(plan.category, plan.grade, strict=True))
    }
    low = [
        index
        for index, (category, grade, step) in enumerate(
            zip(plan.category, plan.grade, plan.salary_step, strict=True)
        )
        if step < floors[(category, grade)]
    ]
    for index in low[:MAX_STEP_WARNINGS]:
        hire = plan.hire(index)
        warnings.append(
            msg(
                "第 %(row)d 行：薪级 %(step)d 低于%(post)s的起点薪级 %(floor)d，请核对",
                row=hire.row,
                step=hire.salary_step,
                post=grade_label(hire.category, hire.grade),
                floor=floors[(hire.category, hire.grade)],
            )
        )
    if len(low) > MAX_STEP_WARNINGS:
        warnings.append(msg("另有 %(n)d 行的薪级低于起点薪级", n=len(low) - MAX_STEP_WARNINGS))
    return warnings


def _institution_names(ids) -> dict[int, str]:
    """Return "credit code name" of each institution id."""
    return {
        row.id: f"{row.credit_code} {row.name}"
        for row in db.session.execute(
            select(Institution.id, Institution.credit_code, Institution.name).where(
                Institution.id.in_(list(ids))
            )
        )
    }


ROSTER_IMPORTER = RosterImporter()
