"""Council writes: the charter settings, seats on the council, the supervisors and the
management, and members' declarations of interests."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.auth import operations as accounts
from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import N_, msg
from core.notifications import notify
from core.roles import ROLE_LABELS, Role
from institutions.governance import queries, writes
from institutions.governance.charter import Charter
from institutions.governance.council import queries as council_queries
from institutions.governance.models import (
    BODY_OFFICES,
    Body,
    BodyKind,
    CharterSettings,
    Constituency,
    GovernanceError,
    InterestDeclaration,
    Office,
    Relation,
    Resolution,
    Seat,
)
from institutions.models import Institution

#: Offices of which a body has one at a time.
SINGLE_OFFICES = frozenset({Office.CHAIR, Office.SUPERVISOR_CHAIR, Office.HEAD})


MAX_VICE_CHAIRS = 2


def _store_charter(
    institution_id: int,
    settings: Charter | Mapping[str, Any],
    *,
    action: str,
    actor: Any = None,
    summary: str | None = None,
) -> CharterSettings:
    try:
        charter = settings if isinstance(settings, Charter) else Charter.from_dict(dict(settings))
    except (TypeError, ValueError) as error:
        raise GovernanceError(error.args[0] if error.args else str(error)) from None
    row = db.session.scalar(
        select(CharterSettings).where(CharterSettings.institution_id == institution_id)
    )
    before = Charter.from_dict(row.settings if row else None).to_dict()
    if row is None:
        row = CharterSettings(institution_id=institution_id)
        db.session.add(row)
    row.settings = charter.to_dict()
    row.updated_by_id = writes.actor_id(actor)
    db.session.flush()
    audit.record(
        action,
        row,
        institution_id=institution_id,
        changes=audit.diff(before, row.settings),
        summary=summary,
        actor=actor,
    )
    return row


def save_charter(
    institution_id: int, settings: Charter | Mapping[str, Any], *, actor: Any = None
) -> CharterSettings:
    """Store the institution's charter settings (章程设置), refusing invalid ones.

    The writer behind set-up and seeds; pages set up through ``setup_charter`` and change
    settings only by a passed motion (``charter_changes``).
    """
    return _store_charter(institution_id, settings, action="governance.charter.save", actor=actor)


def setup_charter(
    institution_id: int, settings: Charter | Mapping[str, Any], *, actor: Any = None
) -> CharterSettings:
    """Record the initial charter settings (the staffing office or the sponsor, once)."""
    if council_queries.charter_is_set_up(institution_id):
        raise GovernanceError(
            msg("章程设置已确定；修改须由理事会以重大事项决议通过，请提交理事会审议")
        )
    return save_charter(institution_id, settings, actor=actor)


def apply_charter(
    institution_id: int, settings: Mapping[str, Any], *, resolution: Resolution
) -> CharterSettings:
    """Apply charter settings a passed motion (``resolution``) decided."""
    return _store_charter(
        institution_id,
        settings,
        action="governance.charter.amend",
        summary=f"{resolution.document_number} {resolution.title}",
    )


def ensure_body(institution_id: int, kind: BodyKind) -> Body:
    """Return the institution's body of this kind, creating it if needed."""
    body = queries.body_of(institution_id, kind)
    if body is None:
        body = Body(institution_id=institution_id, kind=kind)
        db.session.add(body)
        db.session.flush()
    return body


def _overlaps(seat: Seat, start: date, end: date | None) -> bool:
    return (end is None or seat.term_start_on <= end) and (
        seat.term_end_on is None or seat.term_end_on >= start
    )


def seat_member(
    institution_id: int,
    user: User,
    *,
    body: BodyKind | str,
    office: Office | str,
    term_start_on: date,
    term_end_on: date | None = None,
    constituency: Constituency | str | None = None,
    actor: Any = None,
) -> Seat:
    """Seat a person on the council, the supervisors or management for a term."""
    kind = writes.enum(BodyKind, body, N_("机构"))
    office = writes.enum(Office, office, N_("职务"))
    if office not in BODY_OFFICES[kind]:
        raise GovernanceError(
            msg("「%(office)s」不是%(body)s的职务", office=office.label, body=kind.label)
        )
    if constituency is not None and constituency != "":
        constituency = writes.enum(Constituency, constituency, N_("理事来源"))
    else:
        constituency = None
    if kind is BodyKind.COUNCIL and constituency is None:
        raise GovernanceError(msg("理事须注明来源（举办单位代表、职工代表、服务对象代表等）"))
    if kind is BodyKind.MANAGEMENT:
        constituency = None
    if term_end_on is not None and term_end_on < term_start_on:
        raise GovernanceError(msg("任期结束日期不能早于开始日期"))
    body_row = ensure_body(institution_id, kind)
    existing = db.session.scalars(select(Seat).where(Seat.body_id == body_row.id)).unique().all()
    overlapping = [s for s in existing if _overlaps(s, term_start_on, term_end_on)]
    if any(s.user_id == user.id for s in overlapping):
        raise GovernanceError(
            msg("%(name)s 在该任期内已是%(body)s成员", name=user.full_name, body=kind.label)
        )
    if office in SINGLE_OFFICES:
        holder = next((s for s in overlapping if s.office == office), None)
        if holder is not None:
            raise GovernanceError(
                msg(
                    "该任期内已有%(office)s：%(name)s",
                    office=office.label,
                    name=holder.user.full_name,
                )
            )
    vice_chairs = sum(s.office == Office.VICE_CHAIR for s in overlapping)
    if office is Office.VICE_CHAIR and vice_chairs >= MAX_VICE_CHAIRS:
        raise GovernanceError(msg("副理事长至多 %(n)d 名", n=MAX_VICE_CHAIRS))
    _give_seat_role(institution_id, user, kind, office, actor)
    seat = Seat(
        institution_id=institution_id,
        body=body_row,
        user_id=user.id,
        office=office,
        constituency=constituency,
        term_start_on=term_start_on,
        term_end_on=term_end_on,
    )
    db.session.add(seat)
    db.session.flush()
    audit.record(
        "governance.seat.create",
        seat,
        institution_id=institution_id,
        summary=f"{user.full_name} {kind.label}{office.label}",
        changes={
            "office": [None, office.value],
            "constituency": [None, constituency.value if constituency else None],
            "term_start_on": [None, term_start_on.isoformat()],
            "term_end_on": [None, term_end_on.isoformat() if term_end_on else None],
        },
        actor=actor,
    )
    return seat


#: The role a seat needs so that its holder sees the body's business (electorate == readers).
_SEAT_ROLES = {
    Office.CHAIR: Role.COUNCIL_CHAIR,
    Office.SECRETARY: Role.COUNCIL_SECRETARY,
    Office.VICE_CHAIR: Role.COUNCIL_MEMBER,
    Office.MEMBER: Role.COUNCIL_MEMBER,
    Office.SUPERVISOR_CHAIR: Role.SUPERVISOR,
    Office.SUPERVISOR: Role.SUPERVISOR,
}


def _give_seat_role(
    institution_id: int, user: User, kind: BodyKind, office: Office, actor: Any
) -> None:
    """Make sure a council member or supervisor can read the council's business here.

    Only the institution's own people are seated (an outside expert first gets an account
    role from the institution's administrator); one who cannot yet see governance here is
    given the council role of the office (audited, and told). Management needs none.
    """
    roles = {
        m.role
        for m in db.session.scalars(
            select(Membership).where(
                Membership.user_id == user.id, Membership.institution_id == institution_id
            )
        )
    }
    sponsor_id = db.session.scalar(
        select(Institution.sponsor_id).where(Institution.id == institution_id)
    )
    # the staffing office, or the institution's own sponsor: they read its governance already
    above = db.session.scalar(
        select(func.count()).where(
            Membership.user_id == user.id,
            (Membership.role == Role.STAFFING_OFFICE.value)
            | ((Membership.role == Role.SPONSOR.value) & (Membership.sponsor_id == sponsor_id)),
        )
    )
    if above or user.is_superuser:
        return
    if not roles:
        raise GovernanceError(
            msg(
                "%(name)s 在本单位没有账号角色，不能任命；外部人员须先由单位管理员开通本单位账号",
                name=user.full_name,
            )
        )
    if kind is BodyKind.MANAGEMENT:
        return
    role = _SEAT_ROLES[office]
    if roles & {r.value for r in _SEAT_ROLE_READERS}:
        return
    accounts.grant(user, role, institution_id=institution_id)
    audit.record(
        "governance.seat.role",
        user,
        institution_id=institution_id,
        summary=f"{user.full_name}：{role.label}",
        changes={"role": [None, role.value]},
        actor=actor,
    )
    notify(
        [user],
        msg(
            "您已被任命为%(body)s%(office)s",
            body=kind.label_message,
            office=office.label_message,
        ),
        msg(
            "已为您开通本单位的「%(role)s」角色，可以查看会议、议案并参加表决。",
            role=ROLE_LABELS[role],
        ),
        institution_id=institution_id,
    )


#: Institution roles that already read governance (GOVERNANCE_VIEW) in the institution.
_SEAT_ROLE_READERS = frozenset(
    {
        Role.INSTITUTION_ADMIN,
        Role.COUNCIL_CHAIR,
        Role.COUNCIL_SECRETARY,
        Role.COUNCIL_MEMBER,
        Role.SUPERVISOR,
    }
)


def end_seat(seat: Seat, end_on: date, *, reason: str | None = None, actor: Any = None) -> Seat:
    """End a seat's term early (resignation, removal), for a stated reason; history is kept.

    The person is told. ``reason`` is required from people (the page); seeds may omit it.
    """
    if actor is not None:
        reason = writes.text(reason, N_("结束任期的原因"), limit=500)
    else:
        reason = writes.text(reason, N_("结束任期的原因"), required=False, limit=500)
    if end_on < seat.term_start_on:
        raise GovernanceError(msg("任期结束日期不能早于开始日期"))
    if seat.term_end_on is not None and end_on > seat.term_end_on:
        raise GovernanceError(msg("只能提前结束任期；延长任期请重新任命"))
    changes = audit.apply_changes(
        seat, {"term_end_on": end_on, "end_reason": reason}, ["term_end_on", "end_reason"]
    )
    db.session.flush()
    audit.record(
        "governance.seat.end",
        seat,
        institution_id=seat.institution_id,
        changes=changes,
        summary=seat.user.full_name,
        actor=actor,
    )
    notify(
        [seat.user],
        msg(
            "您的%(body)s%(office)s任期已结束",
            body=BodyKind(seat.body.kind).label_message,
            office=Office(seat.office).label_message,
        ),
        msg(
            N_("任期结束日期：%(end_on)s\n原因：%(reason)s")
            if reason
            else N_("任期结束日期：%(end_on)s"),
            end_on=end_on.isoformat(),
            reason=reason or "",
        ),
        institution_id=seat.institution_id,
    )
    return seat


def declare_interests(
    member: User,
    institution_id: int,
    items: Iterable[Mapping[str, Any]],
    *,
    now: datetime | None = None,
) -> InterestDeclaration:
    """Record a member's own declaration of interests; it replaces the previous one."""
    now = writes.now(now)
    if not any(
        s.user_id == member.id
        for s in queries.active_seats(institution_id, queries.local_date(now))
    ):
        raise GovernanceError(msg("只有在任的理事、监事和管理层成员申报利害关系"))
    cleaned = []
    seen = set()
    for index, item in enumerate(items, start=1):
        name = writes.text(item.get("name"), msg("第 %(index)d 项的名称", index=index), limit=200)
        relation = writes.enum(
            Relation, item.get("relation") or Relation.OTHER, f"第 {index} 项的关系"
        )
        note = writes.text(
            item.get("note"), msg("第 %(index)d 项的说明", index=index), required=False, limit=500
        )
        if (name, relation) in seen:
            continue
        seen.add((name, relation))
        cleaned.append({"name": name, "relation": relation.value, "note": note})
    previous = queries.latest_declarations(institution_id).get(member.id)
    declaration = InterestDeclaration(
        institution_id=institution_id, member_id=member.id, items=cleaned, declared_at=now
    )
    db.session.add(declaration)
    db.session.flush()
    audit.record(
        "governance.interests.declare",
        declaration,
        institution_id=institution_id,
        summary=member.full_name,
        changes={"items": [previous.items if previous else [], cleaned]},
        actor=member,
    )
    return declaration
