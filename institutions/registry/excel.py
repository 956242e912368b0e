"""Column specs of the registry's Excel import and export."""

from __future__ import annotations

from core.excel import Column, Spec
from core.ids import normalize_credit_code
from core.regions import REGIONS, region_name
from institutions.models import FundingClass, InstitutionKind, InstitutionStatus

# Built when the module is imported, outside any request: the labels' Chinese source text,
# which is what the files hold whatever language the person downloading them reads.
KIND_BY_LABEL = {str(k.label): k.value for k in InstitutionKind}
LABEL_BY_KIND = {value: label for label, value in KIND_BY_LABEL.items()}
LABEL_BY_STATUS = {s.value: str(s.label) for s in InstitutionStatus}
DISTRICT_BY_NAME = {name: code for code, name in REGIONS.items()}

REGISTRY_IMPORT = Spec(
    sheet_name="单位登记",
    title="事业单位登记导入",
    columns=(
        Column(
            "统一社会信用代码",
            "credit_code",
            "code",
            required=True,
            validate=normalize_credit_code,
            width=22,
            help="18 位，事业单位以 12 开头",
        ),
        Column("单位名称", "name", "text", required=True, width=30),
        Column(
            "单位类型",
            "kind",
            "choice",
            required=True,
            choices=tuple(KIND_BY_LABEL),
            validate=KIND_BY_LABEL.__getitem__,
        ),
        Column(
            "所在区县",
            "district_code",
            "choice",
            required=True,
            choices=tuple(DISTRICT_BY_NAME),
            validate=DISTRICT_BY_NAME.__getitem__,
            width=18,
        ),
        Column(
            "举办单位",
            "sponsor",
            "text",
            required=True,
            width=24,
            help="须与系统中已登记的举办单位名称一致",
        ),
        Column(
            "公益类别",
            "funding_class",
            "choice",
            required=True,
            choices=tuple(f.value for f in FundingClass),
        ),
        Column("法定代表人", "legal_representative", "text", required=True),
        Column("住所", "address", "text", width=36),
    ),
)

REGISTRY_EXPORT = Spec(
    sheet_name="单位登记",
    title="事业单位登记",
    columns=(
        *REGISTRY_IMPORT.columns,
        Column("登记状态", "status", "text"),
        Column("更新时间", "updated_at", "text", width=18),
    ),
)


def export_row(institution) -> dict:
    """Return the export cells of one institution."""
    return {
        "credit_code": institution.credit_code,
        "name": institution.name,
        "kind": LABEL_BY_KIND.get(institution.kind, institution.kind),
        "district_code": region_name(institution.district_code),
        "sponsor": institution.sponsor.name,
        "funding_class": institution.funding_class,
        "legal_representative": institution.legal_representative,
        "address": institution.address or "",
        "status": LABEL_BY_STATUS.get(institution.status, institution.status),
        "updated_at": institution.updated_at.strftime("%Y-%m-%d %H:%M"),
    }
