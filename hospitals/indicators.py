"""The performance indicators a hospital may use, and the ones the law forbids.

Pure values (DOMAIN.md §3, §6; issue 13). Inside the approved 绩效 total a hospital
allocates by post duties, workload (RBRVS, DRG points, outpatient and inpatient volumes),
quality and safety, technical difficulty (四级手术, CMI), risk, patient satisfaction,
teaching and research, and cost control. **Pay may never be linked to drug, consumable,
examination or test revenue, and no department or person gets a revenue target**:

- 人社部发〔2017〕10号《关于开展公立医院薪酬制度改革试点工作的指导意见》: 严禁给医务人员设定
  创收指标，医务人员个人薪酬不得与药品、卫生材料、检查、化验等业务收入挂钩;
- 人社部发〔2021〕52号《关于深化公立医院薪酬制度改革的指导意见》: the same, for departments
  as well as people;
- 国卫医发〔2021〕37号《医疗机构工作人员廉洁从业九项准则》第一条: 合法按劳取酬，不接受商业
  提成 (no 开单提成).

The catalogue here is the allowed list (``ALLOWED``) and a list of named forbidden
indicators (``FORBIDDEN``) that a scheme might try to use. A hospital may add indicators of
its own (passed to the checks as ``extra``); their keys and labels are screened too: any
label speaking of revenue, income, 创收, 提成 or 开单, or any key speaking of revenue, income,
sales or commission, is forbidden. Cost *to the patient* (次均费用, DRG 费用消耗指数), with
lower values better, is cost control and allowed: it rewards restraint, not revenue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from core.i18n import Msg, msg


class Dimension(StrEnum):
    """The dimensions of a post-and-performance scheme."""

    POST = "post"
    WORKLOAD = "workload"
    QUALITY_SAFETY = "quality_safety"
    DIFFICULTY = "difficulty"
    RISK = "risk"
    SATISFACTION = "satisfaction"
    TEACHING_RESEARCH = "teaching_research"
    COST_CONTROL = "cost_control"

    @property
    def label(self) -> Msg:
        return _DIMENSION_LABELS[self]


_DIMENSION_LABELS = {
    Dimension.POST: msg("岗位职责"),
    Dimension.WORKLOAD: msg("工作量"),
    Dimension.QUALITY_SAFETY: msg("医疗质量与安全"),
    Dimension.DIFFICULTY: msg("技术难度"),
    Dimension.RISK: msg("风险程度"),
    Dimension.SATISFACTION: msg("患者满意度"),
    Dimension.TEACHING_RESEARCH: msg("教学与科研"),
    Dimension.COST_CONTROL: msg("成本控制"),
}


class Direction(StrEnum):
    """Whether a higher raw value is better."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"


@dataclass(frozen=True)
class Indicator:
    """An allowed indicator: key, label, dimension and which way is better."""

    key: str
    label: Msg | str
    dimension: Dimension
    direction: Direction = Direction.HIGHER_BETTER


def _allowed(*rows: tuple[str, Msg, Dimension, Direction]) -> dict[str, Indicator]:
    return {key: Indicator(key, label, dim, direction) for key, label, dim, direction in rows}


H, L = Direction.HIGHER_BETTER, Direction.LOWER_BETTER

#: The allowed catalogue, by key.
ALLOWED: dict[str, Indicator] = _allowed(
    ("post_coefficient", msg("岗位系数"), Dimension.POST, H),
    ("night_shifts", msg("夜班数"), Dimension.POST, H),
    ("rbrvs_points", msg("RBRVS 工作量点数"), Dimension.WORKLOAD, H),
    ("drg_points", msg("DRG 点数"), Dimension.WORKLOAD, H),
    ("outpatient_visits", msg("门急诊人次"), Dimension.WORKLOAD, H),
    ("inpatient_discharges", msg("出院人次"), Dimension.WORKLOAD, H),
    ("bed_days", msg("实际占用床日数"), Dimension.WORKLOAD, H),
    ("surgeries", msg("手术台次"), Dimension.WORKLOAD, H),
    ("nursing_workload", msg("护理工作量（护理时数）"), Dimension.WORKLOAD, H),
    ("medical_record_quality", msg("病历甲级率"), Dimension.QUALITY_SAFETY, H),
    ("core_rules_compliance", msg("医疗核心制度执行率"), Dimension.QUALITY_SAFETY, H),
    ("nosocomial_infection_rate", msg("医院感染发生率"), Dimension.QUALITY_SAFETY, L),
    ("unplanned_readmission_rate", msg("非计划再入院率"), Dimension.QUALITY_SAFETY, L),
    ("low_risk_mortality", msg("低风险组病例死亡率"), Dimension.QUALITY_SAFETY, L),
    ("adverse_event_reporting", msg("不良事件主动报告率"), Dimension.QUALITY_SAFETY, H),
    ("grade4_surgery_share", msg("四级手术占比"), Dimension.DIFFICULTY, H),
    ("cmi", msg("病例组合指数（CMI）"), Dimension.DIFFICULTY, H),
    ("minimally_invasive_share", msg("微创手术占比"), Dimension.DIFFICULTY, H),
    ("drg_groups", msg("DRG 组数"), Dimension.DIFFICULTY, H),
    ("risk_coefficient", msg("岗位风险系数"), Dimension.RISK, H),
    ("outpatient_satisfaction", msg("门诊患者满意度"), Dimension.SATISFACTION, H),
    ("inpatient_satisfaction", msg("住院患者满意度"), Dimension.SATISFACTION, H),
    ("teaching_hours", msg("带教与授课学时"), Dimension.TEACHING_RESEARCH, H),
    ("research_projects", msg("科研项目"), Dimension.TEACHING_RESEARCH, H),
    ("publications", msg("论文与成果"), Dimension.TEACHING_RESEARCH, H),
    ("cost_per_visit_growth", msg("门诊次均费用增幅"), Dimension.COST_CONTROL, L),
    ("cost_per_discharge_growth", msg("住院次均费用增幅"), Dimension.COST_CONTROL, L),
    ("drg_cost_index", msg("DRG 费用消耗指数"), Dimension.COST_CONTROL, L),
    ("drg_time_index", msg("DRG 时间消耗指数"), Dimension.COST_CONTROL, L),
    ("average_length_of_stay", msg("平均住院日"), Dimension.COST_CONTROL, L),
)


#: The rule against linking pay to business revenue, with its sources.
REVENUE_LINK_RULE = msg(
    "医务人员薪酬不得与药品、卫生材料、检查、化验等业务收入挂钩（人社部发〔2017〕10号、"
    "人社部发〔2021〕52号；《医疗机构工作人员廉洁从业九项准则》第一条“合法按劳取酬，"
    "不接受商业提成”）"
)
#: The rule against revenue targets, with its sources.
REVENUE_TARGET_RULE = msg(
    "严禁向科室和医务人员下达创收指标（人社部发〔2017〕10号、人社部发〔2021〕52号）"
)


@dataclass(frozen=True)
class ForbiddenIndicator:
    """An indicator no scheme may use, and the rule that forbids it."""

    key: str
    label: Msg | str
    rule: Msg


def _forbidden(*rows: tuple[str, Msg, Msg]) -> dict[str, ForbiddenIndicator]:
    return {key: ForbiddenIndicator(key, label, rule) for key, label, rule in rows}


#: Named forbidden indicators, by key.
FORBIDDEN: dict[str, ForbiddenIndicator] = _forbidden(
    ("drug_revenue", msg("药品收入"), REVENUE_LINK_RULE),
    ("consumable_revenue", msg("卫生材料（耗材）收入"), REVENUE_LINK_RULE),
    ("examination_revenue", msg("检查收入"), REVENUE_LINK_RULE),
    ("test_revenue", msg("化验（检验）收入"), REVENUE_LINK_RULE),
    ("prescription_amount", msg("处方金额（开单提成）"), REVENUE_LINK_RULE),
    ("medical_revenue", msg("医疗业务收入"), REVENUE_LINK_RULE),
    ("department_net_income", msg("科室收支结余"), REVENUE_LINK_RULE),
    ("revenue_growth", msg("业务收入增长率"), REVENUE_LINK_RULE),
    ("revenue_target", msg("创收指标（收入任务）"), REVENUE_TARGET_RULE),
)

# A hospital's own indicator is forbidden when its label or key speaks of revenue.
_FORBIDDEN_LABEL = re.compile(r"收入|营收|创收|提成|开单|收支结余|销售")
_FORBIDDEN_KEY = re.compile(r"revenue|income|sales|commission|turnover", re.IGNORECASE)
_TARGET_LABEL = re.compile(r"创收|收入(指标|任务|目标)")


def forbidden(key: str, label: str | None = None) -> ForbiddenIndicator | None:
    """Return why an indicator is forbidden (a named one, or one whose words speak of revenue)."""
    if key in FORBIDDEN:
        return FORBIDDEN[key]
    texts = [label or "", key]
    if any(_TARGET_LABEL.search(text) for text in texts):
        return ForbiddenIndicator(key, label or key, REVENUE_TARGET_RULE)
    if _FORBIDDEN_LABEL.search(label or "") or _FORBIDDEN_KEY.search(key):
        return ForbiddenIndicator(key, label or key, REVENUE_LINK_RULE)
    return None


def lookup(key: str, extra: Mapping[str, Indicator] | None = None) -> Indicator | None:
    """Return the allowed indicator ``key`` (from the catalogue or the hospital's ``extra``).

    Returns None for unknown keys and for forbidden ones, even if ``extra`` lists them.
    """
    candidate = ALLOWED.get(key) or (extra or {}).get(key)
    if candidate is None:
        return None
    label = candidate.label if isinstance(candidate.label, str) else candidate.label.id
    if forbidden(key, label) is not None:
        return None
    return candidate


def by_dimension(extra: Mapping[str, Indicator] | None = None) -> dict[Dimension, list[Indicator]]:
    """Return the allowed indicators grouped by dimension, in catalogue order (for a picker)."""
    groups: dict[Dimension, list[Indicator]] = {dimension: [] for dimension in Dimension}
    for key in [*ALLOWED, *(extra or {})]:
        indicator = lookup(key, extra)
        if indicator is not None and indicator not in groups[indicator.dimension]:
            groups[indicator.dimension].append(indicator)
    return groups
