"""What a motion can decide: the registry of motion subjects (议案事项).

A package whose object needs the council's decision (a charter change here; a recruitment
plan, a performance scheme, a budget or a pay plan above) declares a :class:`SubjectKind` in
its ``module.py`` under ``provides={"motion_subjects": [...]}``. Its own page offers
"提交理事会审议", which calls :func:`propose_motion`: the object is resolved in the
institution first (an object of another institution, or none, is refused), then the motion
goes on the chosen meeting's agenda with the subject recorded on it. Nothing else sets a
motion's subject: the motion form has no free-text fields for it.

When the motion is decided, ``motions.operations.close_motion`` calls the kind's ``on_decided`` and
every ``signals.motion_decided`` receiver, each in its own savepoint: one that fails is
logged, kept as a ``DecisionFailure`` on the motion and sent to the secretary, and neither
stops the others nor the close (nor a batch of closes). The decision stands.

The registry lives on the app (``core.modules.Platform.provided``), never in a module-level
list, so two apps in one process never share registrations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.i18n import msg
from core.modules import platform
from institutions.governance.models import GovernanceError, Meeting, Motion

#: (institution_id, object id) -> (the object's label, its page's URL or None), or None when
#: the institution has no such object
Resolver = Callable[[int, str], "tuple[str, str | None] | None"]


@dataclass(frozen=True)
class SubjectKind:
    """A kind of object a motion can decide."""

    #: dotted key stored on the motion, e.g. "governance.charter"
    key: str
    label: Any
    #: the package that owns the objects
    owner: str
    resolve: Resolver
    #: the motion kind (``tally.MotionKind`` value) a motion on such an object takes
    motion_kind: str = "routine"
    #: ``(motion, *, outcome, resolution)``, called once the motion is decided
    on_decided: Callable[..., None] | None = None


@dataclass(frozen=True)
class Subject:
    """One resolved object: what a motion page shows and links to."""

    kind: SubjectKind | None
    id: str
    label: str
    url: str | None

    @property
    def kind_label(self) -> str:
        return str(self.kind.label) if self.kind else ""


def registered() -> dict[str, SubjectKind]:
    """Return the subject kinds the loaded modules provide, by key."""
    found: dict[str, SubjectKind] = {}
    for kind in platform().provided("motion_subjects"):
        if kind.key in found:
            raise ValueError(f"motion subject {kind.key!r} provided twice")
        found[kind.key] = kind
    return found


def kind_of(key: str | None) -> SubjectKind | None:
    """Return the registered kind called ``key`` (None if there is none)."""
    return registered().get(key) if key else None


def resolve(key: str, institution_id: int, obj_id: Any) -> Subject:
    """Return the object ``obj_id`` of kind ``key`` in the institution, or refuse.

    Refused when the kind is unknown, or the institution has no such object (it does not
    exist, or it belongs to another institution: the two are not told apart).
    """
    kind = kind_of(key)
    if kind is None:
        raise GovernanceError(msg("未知的议案事项类型：%(key)s", key=key))
    text_id = str(obj_id).strip() if obj_id is not None else ""
    if not text_id or len(text_id) > 64:
        raise GovernanceError(msg("议案事项编号无效"))
    found = kind.resolve(institution_id, text_id)
    if found is None:
        raise GovernanceError(
            msg("本单位没有该%(kind)s（编号 %(id)s）", kind=kind.label, id=text_id)
        )
    label, url = found
    return Subject(kind=kind, id=text_id, label=label, url=url)


def describe(motion: Motion) -> Subject | None:
    """Return the subject of ``motion`` for its page, or None if it has none.

    A kind no longer registered (its module removed) is shown by its stored key and id.
    """
    if not motion.subject_kind:
        return None
    kind = kind_of(motion.subject_kind)
    found = kind.resolve(motion.institution_id, motion.subject_id) if kind else None
    if found is None:
        return Subject(kind=kind, id=motion.subject_id or "", label="", url=None)
    return Subject(kind=kind, id=motion.subject_id or "", label=found[0], url=found[1])


def propose_motion(
    subject_kind: str,
    institution_id: int,
    obj_id: Any,
    *,
    meeting: Meeting,
    title: str,
    text: str,
    actor: Any = None,
    **fields: Any,
) -> Motion:
    """Put the object before the council: a motion on ``meeting`` whose subject it is.

    ``fields`` are ``motions.operations.add_motion``'s (amount, counterparties, prior-study record…);
    the motion kind defaults to the subject kind's.
    """
    # the motions' operations import this module
    from institutions.governance.motions import operations as motion_ops

    if meeting.institution_id != institution_id:
        raise GovernanceError(msg("会议不属于本单位"))
    subject = resolve(subject_kind, institution_id, obj_id)
    fields.setdefault("kind", subject.kind.motion_kind)
    return motion_ops.add_motion(
        meeting,
        title=title,
        text=text,
        subject_kind=subject.kind.key,
        subject_id=subject.id,
        actor=actor,
        **fields,
    )


__all__ = [
    "Subject",
    "SubjectKind",
    "describe",
    "kind_of",
    "propose_motion",
    "registered",
    "resolve",
]
