"""Where a payroll run stands and who may move it on: the four-eyes rule.

Pure module. draft → computed → submitted → approved → paid, with "returned" when the
approver sends it back (it is then recomputed or submitted again). A run is prepared
(computed and submitted) by one finance officer and decided by another: the approver is
never the person who computed or submitted it. Approved and paid runs are locked.

Each check returns None when the step is allowed, else the message id saying why not.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from core.i18n import Msg, msg


class RunStatus(StrEnum):
    DRAFT = "draft"
    COMPUTED = "computed"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    PAID = "paid"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    RunStatus.DRAFT: _l("草稿"),
    RunStatus.COMPUTED: _l("已计算"),
    RunStatus.SUBMITTED: _l("待审核"),
    RunStatus.RETURNED: _l("已退回"),
    RunStatus.APPROVED: _l("已审核"),
    RunStatus.PAID: _l("已发放"),
}


class RunKind(StrEnum):
    REGULAR = "regular"
    CORRECTION = "correction"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {RunKind.REGULAR: _l("月度工资"), RunKind.CORRECTION: _l("更正（补发/补扣）")}

#: Runs nothing may change any more.
LOCKED = frozenset({RunStatus.APPROVED.value, RunStatus.PAID.value})
#: Runs whose inputs may still change and which may be (re)computed.
OPEN = frozenset({RunStatus.DRAFT.value, RunStatus.COMPUTED.value, RunStatus.RETURNED.value})


def compute_refusal(status: str) -> Msg | None:
    """Return why a run in ``status`` cannot be computed (None: it can)."""
    if status in OPEN:
        return None
    if status == RunStatus.SUBMITTED:
        return msg("工资批次已提交审核，须先由审核人退回才能重新计算")
    return msg("工资批次已审核，不能再修改；请用更正批次补发或补扣")


def edit_refusal(status: str) -> Msg | None:
    """Return why the inputs of a run in ``status`` cannot change (None: they can)."""
    return compute_refusal(status)


def submit_refusal(status: str, blocking: int, lines: int) -> Msg | None:
    """Return why a run cannot be submitted for approval."""
    if status not in (RunStatus.COMPUTED, RunStatus.RETURNED):
        if status == RunStatus.DRAFT:
            return msg("工资批次尚未计算，不能提交审核")
        return msg("工资批次当前状态不能提交审核")
    if status == RunStatus.RETURNED:
        return msg("工资批次已被退回，须重新计算后再提交")
    if lines == 0:
        return msg("工资批次没有任何人员，不能提交审核")
    if blocking:
        return msg("还有 %(n)d 人的问题须先解决，才能提交审核", n=blocking)
    return None


def decide_refusal(
    status: str, approver_id: int | None, computed_by_id: int | None, submitted_by_id: int | None
) -> Msg | None:
    """Return why ``approver_id`` cannot approve or return the run (the four-eyes rule)."""
    if status != RunStatus.SUBMITTED:
        return msg("只有待审核的工资批次才能审核或退回")
    if approver_id is None:
        return msg("审核须由登录的财务人员办理")
    if approver_id in (computed_by_id, submitted_by_id):
        return msg("审核人不能是计算或提交该工资批次的人（双人复核）")
    return None


def pay_refusal(status: str) -> Msg | None:
    """Return why a run cannot be marked paid."""
    if status == RunStatus.PAID:
        return msg("工资批次已标记为已发放")
    if status != RunStatus.APPROVED:
        return msg("只有已审核的工资批次才能标记为已发放")
    return None


def delete_refusal(status: str) -> Msg | None:
    """Return why a run cannot be deleted (only one never submitted can)."""
    if status in (RunStatus.DRAFT, RunStatus.COMPUTED):
        return None
    return msg("只有草稿或已计算的工资批次可以删除")


def parse_period(text: str) -> tuple[int, int] | None:
    """Return (year, month) of a period "YYYY-MM", or None if it is not one."""
    text = (text or "").strip()
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


__all__ = [
    "LOCKED",
    "OPEN",
    "RunKind",
    "RunStatus",
    "compute_refusal",
    "decide_refusal",
    "delete_refusal",
    "edit_refusal",
    "parse_period",
    "pay_refusal",
    "submit_refusal",
]
