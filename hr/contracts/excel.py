"""Excel column specs of 聘用合同: the contract list and the expiring contracts."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.excel import Column, Spec
from hr.contracts import terms as rules
from hr.models import Contract, ContractStatus, ContractType

CONTRACTS_EXPORT = Spec(
    sheet_name="聘用合同",
    title="聘用合同",
    columns=(
        Column("工号", "staff_number", "code"),
        Column("姓名", "name", "text"),
        Column("部门", "department", "text", width=16),
        Column("合同类型", "contract_type", "text", width=20),
        Column("起始日期", "start_on", "date"),
        Column("终止日期", "end_on", "date"),
        Column("试用期（月）", "probation_months", "int"),
        Column("状态", "status", "text"),
        Column("剩余天数", "days_left", "int"),
        Column("解除日期", "terminated_on", "date"),
        Column("解除原因", "termination_reason", "text", width=30),
    ),
)


def export_row(contract: Contract, today: date) -> dict[str, Any]:
    """Return one row of the contracts export (employment and person loaded)."""
    employment = contract.employment
    return {
        "staff_number": employment.staff_number,
        "name": employment.person.name,
        "department": employment.department_name,
        "contract_type": ContractType(contract.contract_type).label,
        "start_on": contract.start_on,
        "end_on": contract.end_on,
        "probation_months": contract.probation_months,
        "status": ContractStatus(contract.status).label,
        "days_left": rules.days_left(contract.end_on, today)
        if contract.status == ContractStatus.ACTIVE
        else None,
        "terminated_on": contract.terminated_on,
        "termination_reason": contract.termination_reason,
    }
