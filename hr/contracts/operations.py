"""Writes of 聘用合同: sign, renew, terminate. Operations add and flush; the view commits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import or_, select

from core import audit
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from core.parameters import parameter
from hr.contracts import terms as rules
from hr.models import Contract, ContractStatus, ContractType, Employment

CONTRACT_FIELDS = ["contract_type", "start_on", "end_on", "probation_months", "probation_basis"]


class ContractError(Refusal):
    """A refused contract change; the message names the field and the reason."""

    def __init__(self, message: Msg | str | None, field: str | None = None, *, errors=None) -> None:
        super().__init__(message, field=field, errors=errors)


def probation_limits(institution_kind: str, on: date) -> dict:
    """Return the probation limits in force on ``on`` for an institution kind."""
    key = rules.PROBATION_KEY
    return parameter(key, on, scope=institution_kind or "", default=rules.DEFAULTS[key])


def _check(data: Mapping[str, Any], kind: str, employment: Employment, *, is_renewal: bool) -> None:
    if data.get("start_on") is None:
        raise ContractError(msg("请填写合同起始日期"), "start_on")
    problems = rules.contract_problems(
        data["contract_type"],
        data["start_on"],
        data.get("end_on"),
        int(data.get("probation_months") or 0),
        kind=rules.contract_kind(employment.identity),
        basis=data.get("probation_basis") or rules.GENERAL,
        is_renewal=is_renewal,
        limits=probation_limits(kind, data["start_on"]),
    )
    if problems:
        errors: dict = {}
        for field, message in problems:
            errors.setdefault(field, message)
        raise ContractError(None, errors=errors)


def _had_contract(employment: Employment) -> bool:
    """Return whether this employment already has a contract (probation once per employer)."""
    return (
        db.session.scalar(
            select(Contract.id).where(Contract.employment_id == employment.id).limit(1)
        )
        is not None
    )


def _basis(employment: Employment, data: Mapping[str, Any]) -> str | None:
    """Return the probation basis to store: only a 聘用合同 with a probation has one."""
    if rules.contract_kind(employment.identity) != rules.PERSONNEL:
        return None
    if not int(data.get("probation_months") or 0):
        return None
    basis = data.get("probation_basis") or rules.GENERAL
    return basis if basis in rules.BASES else rules.GENERAL


def _summary(contract: Contract, employment: Employment) -> str:
    end = contract.end_on.isoformat() if contract.end_on else "无固定期限"
    return (
        f"{employment.person.name}（{employment.staff_number}）"
        f"{ContractType(contract.contract_type).label} {contract.start_on.isoformat()}—{end}"
    )


def _overlapping(employment: Employment, start_on: date, end_on: date | None) -> Contract | None:
    stmt = select(Contract).where(
        Contract.employment_id == employment.id,
        Contract.status == ContractStatus.ACTIVE.value,
        or_(Contract.end_on.is_(None), Contract.end_on >= start_on),
    )
    if end_on is not None:
        stmt = stmt.where(Contract.start_on <= end_on)
    return db.session.scalars(stmt.limit(1)).first()


def sign_contract(employment: Employment, data: Mapping[str, Any], institution_kind: str = ""):
    """Sign a first (or a fresh) contract for an employment."""
    if not employment.is_active:
        raise ContractError(msg("该职工已离职，不能签订合同"), "start_on")
    if data.get("start_on") and data["start_on"] < employment.start_on:
        raise ContractError(
            msg("合同起始日期不能早于入职日期 %(on)s", on=employment.start_on), "start_on"
        )
    _check(data, institution_kind, employment, is_renewal=_had_contract(employment))
    clash = _overlapping(employment, data["start_on"], data.get("end_on"))
    if clash is not None:
        raise ContractError(
            msg(
                "该职工已有履行中的合同（%(on)s 起），期限重叠：请续订或先解除",
                on=clash.start_on,
            ),
            "start_on",
        )
    contract = Contract(
        employment_id=employment.id,
        institution_id=employment.institution_id,
        contract_type=data["contract_type"],
        start_on=data["start_on"],
        end_on=data.get("end_on"),
        probation_months=int(data.get("probation_months") or 0),
        probation_basis=_basis(employment, data),
        status=ContractStatus.ACTIVE.value,
    )
    db.session.add(contract)
    db.session.flush()
    audit.record(
        "contract.sign",
        contract,
        institution_id=contract.institution_id,
        changes=audit.diff({}, audit.snapshot(contract, CONTRACT_FIELDS)),
        summary=_summary(contract, employment),
    )
    return contract


def renew_contract(
    contract: Contract, data: Mapping[str, Any], institution_kind: str = ""
) -> Contract:
    """Renew a contract: a new one from the day after it ends; the old one becomes renewed."""
    refusal = rules.renewal_refusal(contract.status, contract.end_on)
    if refusal:
        raise ContractError(refusal, "end_on")
    employment = contract.employment
    if not employment.is_active:
        raise ContractError(msg("该职工已离职，不能续订合同"), "end_on")
    terms = {
        "contract_type": data["contract_type"],
        "start_on": rules.renewal_start(contract.end_on),
        "end_on": data.get("end_on"),
        "probation_months": int(data.get("probation_months") or 0),
    }
    _check(terms, institution_kind, employment, is_renewal=True)
    renewal = Contract(
        employment_id=contract.employment_id,
        institution_id=contract.institution_id,
        status=ContractStatus.ACTIVE.value,
        renewed_from_id=contract.id,
        **terms,
    )
    contract.status = ContractStatus.RENEWED.value
    db.session.add(renewal)
    db.session.flush()
    audit.record(
        "contract.renew",
        renewal,
        institution_id=contract.institution_id,
        changes={
            "renewed_from_id": [None, contract.id],
            **audit.diff({}, audit.snapshot(renewal, CONTRACT_FIELDS)),
        },
        summary=_summary(renewal, employment),
    )
    return renewal


def terminate_contract(contract: Contract, terminated_on: date, reason: str) -> None:
    """Terminate (解除) a contract on a date, with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ContractError(msg("请填写解除原因"), "reason")
    refusal = rules.termination_refusal(
        contract.status, contract.start_on, contract.end_on, terminated_on
    )
    if refusal:
        field, message = refusal
        raise ContractError(message, field)
    changes = audit.apply_changes(
        contract,
        {
            "status": ContractStatus.TERMINATED.value,
            "terminated_on": terminated_on,
            "termination_reason": reason,
        },
        ["status", "terminated_on", "termination_reason"],
    )
    db.session.flush()
    audit.record(
        "contract.terminate",
        contract,
        institution_id=contract.institution_id,
        changes=changes,
        summary=_summary(contract, contract.employment),
    )
