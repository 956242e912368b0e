"""Marshmallow schemas of the open API: what it reads, what it returns, its errors.

Every field says what it means; the OpenAPI document at /api/v1/openapi.json is generated
from these and from the views' decorators.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from core.regions import REGIONS
from institutions.models import InstitutionKind, QuotaKind
from institutions.staffing.reports import ReportStatus

ERRORS = {
    "invalid": "格式不正确",
    "required": "必填",
    "null": "不能为空",
}


def _int(**kwargs):
    return fields.Integer(
        error_messages={**ERRORS, "invalid": "须为整数", "too_large": "数值太大"}, **kwargs
    )


class PageArgs(ma.Schema):
    page = _int(
        load_default=1,
        validate=validate.Range(min=1, max=100000, error="页码须在 1 到 100000 之间"),
        metadata={"description": "页码，从 1 开始"},
    )
    page_size = _int(
        load_default=50,
        validate=validate.Range(min=1, max=200, error="每页条数须在 1 到 200 之间"),
        metadata={"description": "每页条数，1–200"},
    )


class ScopeArgs(PageArgs):
    district = fields.String(
        validate=validate.OneOf(list(REGIONS), error="不是成都市的区县代码"),
        metadata={"description": "区县行政区划代码，如 510107"},
    )
    sponsor_id = _int(
        validate=validate.Range(min=1, max=2**31 - 1, error="举办单位编号不正确"),
        metadata={"description": "举办单位编号"},
    )
    kind = fields.String(
        validate=validate.OneOf([k.value for k in InstitutionKind], error="单位类型不正确"),
        metadata={"description": "单位类型：school、hospital、other"},
    )


class OnArgs(ScopeArgs):
    on = fields.Date(
        error_messages={**ERRORS, "invalid": "日期须为 YYYY-MM-DD"},
        metadata={"description": "统计日期，默认今天（北京时间）"},
    )


class EntryArgs(ScopeArgs):
    year = _int(
        validate=validate.Range(min=1949, max=2100, error="年度不合理"),
        metadata={"description": "生效年度"},
    )
    quota_kind = fields.String(
        validate=validate.OneOf([k.value for k in QuotaKind], error="编制类型不正确"),
        metadata={"description": "编制类型：establishment、leadership、filed"},
    )


class ReportArgs(ScopeArgs):
    year = _int(
        validate=validate.Range(min=2000, max=2100, error="年度不合理"),
        metadata={"description": "报告年度，默认上一年"},
    )
    status = fields.String(
        validate=validate.OneOf([s.value for s in ReportStatus], error="状态不正确"),
        metadata={"description": "只列出该状态的报告"},
    )


class PageMeta(ma.Schema):
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "符合条件的总条数"})


class InstitutionSchema(ma.Schema):
    id = fields.Integer(required=True)
    credit_code = fields.String(required=True, metadata={"description": "统一社会信用代码"})
    name = fields.String(required=True)
    kind = fields.String(required=True)
    district_code = fields.String(required=True)
    district_name = fields.String(required=True)
    sponsor_id = fields.Integer(required=True)
    sponsor_name = fields.String(required=True)
    funding_class = fields.String(required=True)
    status = fields.String(required=True)


class InstitutionPage(PageMeta):
    items = fields.List(fields.Nested(InstitutionSchema), required=True)


class QuotaStandingSchema(ma.Schema):
    institution_id = fields.Integer(required=True)
    name = fields.String(required=True)
    on = fields.Date(required=True)
    establishment = fields.Integer(required=True, metadata={"description": "核定事业编制"})
    leadership = fields.Integer(required=True, metadata={"description": "领导职数"})
    filed = fields.Integer(required=True, metadata={"description": "备案员额"})
    actual_establishment = fields.Integer(
        required=True, allow_none=True, metadata={"description": "在编人数（实名）"}
    )
    actual_filed = fields.Integer(required=True, allow_none=True)
    vacancies = fields.Integer(required=True, allow_none=True, metadata={"description": "空编"})
    over_quota = fields.Boolean(required=True)


class QuotaPage(PageMeta):
    items = fields.List(fields.Nested(QuotaStandingSchema), required=True)


class QuotaEntrySchema(ma.Schema):
    id = fields.Integer(required=True)
    institution_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    change = fields.Integer(required=True)
    document_number = fields.String(required=True, metadata={"description": "文号"})
    effective_on = fields.Date(required=True)
    note = fields.String(required=True, allow_none=True)
    reverses_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "冲销的记录编号"}
    )
    request_id = fields.Integer(required=True, allow_none=True)
    is_pooled = fields.Boolean(required=True, metadata={"description": "是否计入区域调剂"})


class QuotaEntryPage(PageMeta):
    items = fields.List(fields.Nested(QuotaEntrySchema), required=True)


class IndicatorSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    unit = fields.String(required=True)
    owner = fields.String(required=True)
    reported = fields.Boolean(
        required=True, metadata={"description": "是否已有模块报送；false 即“尚未报送”"}
    )


class IndicatorList(ma.Schema):
    items = fields.List(fields.Nested(IndicatorSchema), required=True)


class IndicatorValue(ma.Schema):
    institution_id = fields.Integer(required=True)
    value = fields.Raw(required=True, allow_none=True)


class IndicatorValuesPage(PageMeta):
    key = fields.String(required=True)
    on = fields.Date(required=True)
    reported = fields.Boolean(required=True)
    items = fields.List(fields.Nested(IndicatorValue), required=True)


class EvaluationSchema(ma.Schema):
    id = fields.Integer(required=True)
    round_id = fields.Integer(required=True)
    round_name = fields.String(required=True)
    year = fields.Integer(required=True)
    institution_id = fields.Integer(required=True)
    status = fields.String(required=True)
    score = fields.String(
        required=True, allow_none=True, metadata={"description": "得分（百分制）"}
    )
    recommendation = fields.String(required=True, allow_none=True)
    recommended_number = fields.Integer(required=True, allow_none=True)
    finalised_on = fields.Date(required=True, allow_none=True)


class EvaluationPage(PageMeta):
    items = fields.List(fields.Nested(EvaluationSchema), required=True)


class ReportStatusSchema(ma.Schema):
    institution_id = fields.Integer(required=True)
    name = fields.String(required=True)
    year = fields.Integer(required=True)
    status = fields.String(required=True)
    deadline = fields.Date(required=True)
    first_submitted_on = fields.Date(required=True, allow_none=True)
    days_late = fields.Integer(required=True)


class ReportPage(PageMeta):
    items = fields.List(fields.Nested(ReportStatusSchema), required=True)


class ApiErrorSchema(ma.Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "中文说明"})
    errors = fields.Dict(metadata={"description": "各参数的错误"})
