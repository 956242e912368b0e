"""Synthetic institutions and staff for the demo seed and ``seed-scale``: pure generators.

Everything is drawn from one seeded ``random.Random`` and an explicit ``today``, so the same
seed on the same day gives the same city. The mixes below (identities, post categories,
grades, titles, departments, ages, pay) are plausible shapes for Chengdu schools and
hospitals after DOMAIN.md §2, §3, §5 and §6. They only shape sample data: the rules the app
enforces read their numbers from dated parameters, never from this module.

Names come from pools built once from Faker's zh_CN data (surnames with their frequencies,
given names by gender, plus two-character combinations), because calling Faker per person
is far too slow for 300,000 people.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from core.ids import citizen_id_check_char
from core.regions import REGIONS
from hr.appraisals.grading import DEFAULTS as APPRAISAL_DEFAULTS
from hr.contracts import terms
from hr.models import GENERAL_WORKER_GRADE, ContractType, Identity, PostCategory
from hr.posts.promotion import starting_step

MANAGEMENT = PostCategory.MANAGEMENT.value
PROFESSIONAL = PostCategory.PROFESSIONAL.value
WORKER = PostCategory.WORKER.value

ESTABLISHMENT = Identity.ESTABLISHMENT.value
FILED = Identity.FILED.value
CONTRACT = Identity.CONTRACT.value
DISPATCH = Identity.DISPATCH.value

#: 员额（备案制）began in Chengdu's schools in 2014; nobody holds one from before this date.
FILED_SINCE = date(2014, 9, 1)
#: The ledger entry that tops 编制 up to today's staff is dated here (文号 〔2024〕).
QUOTA_ADJUSTED_ON = date(2024, 1, 1)

# --- identity and category mixes ----------------------------------------------------------

#: 人员身份 shares per institution profile (see ``InstitutionProfile.identity_key``).
IDENTITY_MIX: dict[str, dict[str, float]] = {
    "school": {ESTABLISHMENT: 0.70, FILED: 0.20, CONTRACT: 0.08, DISPATCH: 0.02},
    # 两自一包: teachers are hired by the school against a filed 员额, not on 编制
    "school_two_autonomy": {ESTABLISHMENT: 0.30, FILED: 0.60, CONTRACT: 0.08, DISPATCH: 0.02},
    "hospital": {ESTABLISHMENT: 0.45, FILED: 0.35, CONTRACT: 0.15, DISPATCH: 0.05},
    "other": {ESTABLISHMENT: 0.80, FILED: 0.05, CONTRACT: 0.12, DISPATCH: 0.03},
}

#: Non-teaching staff per school stage, at most DOMAIN §2's caps (小学 9%, 初中 15%, 高中 16%).
NON_TEACHING_SHARE = {
    "primary": 0.09,
    "junior": 0.15,
    "senior": 0.16,
    "nine_year": 0.12,
    "complete": 0.16,
}
#: Professional share of hospitals (≥ 80%) and other institutions (≥ 70%).
PROFESSIONAL_SHARE = {"hospital": 0.85, "other": 0.72}
#: Professional roles inside a hospital.
HOSPITAL_ROLES = {"doctor": 0.35, "nurse": 0.47, "medtech": 0.10, "pharmacist": 0.08}
#: Management share of the non-professional staff (the rest are 工勤).
MANAGEMENT_SHARE_OF_SUPPORT = 0.55

#: 高 (正高 + 副高) : 中 : 初 within professional staff, kept under DOMAIN §2's caps.
TIER_SHARES: dict[str, tuple[float, float, float]] = {
    "primary": (0.0, 0.48, 0.52),  # 小学 0:5:5
    "junior": (0.09, 0.38, 0.53),  # 初中 1:4:5
    "nine_year": (0.09, 0.38, 0.53),
    "senior": (0.18, 0.38, 0.44),  # 高中 2:4:4
    "complete": (0.18, 0.38, 0.44),
    "hospital": (0.09, 0.29, 0.62),  # 1:3:6
    "other": (0.09, 0.29, 0.62),
}
#: Share of 正高 within the 高 tier.
FULL_SENIOR_SHARE = {"school": 0.03, "hospital": 0.30, "other": 0.15}
#: Grades within a tier, weighted under the within-tier ratios (正高 2:3:4 = 1:3:6 …).
GRADE_WEIGHTS = {
    "full_senior": {2: 0.08, 3: 0.28, 4: 0.64},
    "senior": {5: 0.18, 6: 0.38, 7: 0.44},
    "middle": {8: 0.28, 9: 0.40, 10: 0.32},
    "junior": {11: 0.38, 12: 0.42, 13: 0.20},
}
#: 管理 grades of staff below the head and deputies; 工勤 grades (1–3 ≤ 25%, 1–2 ≤ 5%).
MANAGEMENT_GRADE_WEIGHTS = {7: 0.10, 8: 0.25, 9: 0.45, 10: 0.20}
WORKER_GRADE_WEIGHTS = {1: 0.01, 2: 0.03, 3: 0.19, 4: 0.32, 5: 0.25, GENERAL_WORKER_GRADE: 0.20}

#: Fewest years of work before holding a grade (promotion every ~3 years within a tier).
MIN_YEARS = {
    PROFESSIONAL: dict(
        zip(range(1, 14), (30, 24, 20, 16, 15, 12, 10, 10, 8, 5, 2, 1, 0), strict=True)
    ),
    MANAGEMENT: {1: 30, 2: 28, 3: 26, 4: 24, 5: 20, 6: 15, 7: 10, 8: 6, 9: 2, 10: 0},
    WORKER: {1: 20, 2: 15, 3: 10, 4: 5, 5: 1, 6: 0},
}
#: The top 薪级 per category, from the appraisal rule's defaults (DOMAIN §3).
MAX_STEP = APPRAISAL_DEFAULTS["hr.salary_step_max"]

# --- people -----------------------------------------------------------------------------

#: Age on leaving education, and extra 薪级 the degree brings at entry.
EDUCATION = {
    "高中": (19, 0),
    "中专": (19, 0),
    "大专": (21, 0),
    "本科": (22, 2),
    "硕士研究生": (25, 5),
    "博士研究生": (28, 9),
}
MAX_AGE = {"男": 60, "女": 57}
MIN_AGE = 22


@dataclass(frozen=True)
class Role:
    """What kind of job a synthetic person does: category, titles, departments, degrees."""

    key: str
    category: str
    female_share: float
    education: Mapping[str, float]
    #: department → weight
    departments: Mapping[str, float]
    #: 职称 for 正高, 副高, 中级, 助理级 (11–12) and 员级 (13); empty for non-professionals
    titles: tuple[str, ...] = ()
    #: post name pattern; ``{dept}`` is the department, ``{subject}`` without its last character
    post: str = "{dept}"


PRIMARY_SUBJECTS = {
    "语文组": 0.30,
    "数学组": 0.25,
    "英语组": 0.10,
    "科学组": 0.07,
    "体育组": 0.09,
    "艺术组": 0.10,
    "信息科技组": 0.04,
    "道德与法治组": 0.05,
}
SECONDARY_SUBJECTS = {
    "语文组": 0.16,
    "数学组": 0.16,
    "英语组": 0.14,
    "物理组": 0.08,
    "化学组": 0.07,
    "生物组": 0.06,
    "政治组": 0.06,
    "历史组": 0.06,
    "地理组": 0.05,
    "体育组": 0.07,
    "艺术组": 0.05,
    "信息科技组": 0.04,
}
CLINICAL = {
    "内科": 0.22,
    "外科": 0.18,
    "妇产科": 0.09,
    "儿科": 0.08,
    "急诊科": 0.07,
    "骨科": 0.07,
    "眼科": 0.04,
    "耳鼻喉科": 0.04,
    "口腔科": 0.04,
    "中医科": 0.06,
    "麻醉科": 0.05,
    "重症医学科": 0.06,
}
TCM_CLINICAL = {"中医内科": 0.3, "中医外科": 0.15, "针灸推拿科": 0.2, "骨伤科": 0.15, **CLINICAL}
COMMUNITY_CLINICAL = {"全科医学科": 0.5, "预防保健科": 0.2, "中医科": 0.15, "康复科": 0.15}

_TEACHER_EDU = {"大专": 0.08, "本科": 0.72, "硕士研究生": 0.20}
_ADMIN_EDU = {"大专": 0.07, "本科": 0.73, "硕士研究生": 0.20}
_WORKER_EDU = {"高中": 0.35, "中专": 0.35, "大专": 0.30}
_TEACHER_TITLES = ("正高级教师", "高级教师", "一级教师", "二级教师", "三级教师")


def _teacher(subjects: Mapping[str, float]) -> Role:
    return Role(
        "teacher", PROFESSIONAL, 0.74, _TEACHER_EDU, subjects, _TEACHER_TITLES, "{subject}教师"
    )


def _admin(departments: Mapping[str, float]) -> Role:
    return Role("admin", MANAGEMENT, 0.55, _ADMIN_EDU, departments)


def _worker(departments: Mapping[str, float]) -> Role:
    return Role("worker", WORKER, 0.35, _WORKER_EDU, departments)


SCHOOL_ADMIN = {"校长办公室": 0.35, "教务处": 0.25, "德育处": 0.2, "总务处": 0.2}
SCHOOL_WORKER = {"总务处": 1.0}
HOSPITAL_ADMIN = {
    "院长办公室": 0.2,
    "医务科": 0.2,
    "护理部": 0.1,
    "人事科": 0.15,
    "财务科": 0.15,
    "信息科": 0.1,
    "院感科": 0.1,
}
HOSPITAL_WORKER = {"后勤保障科": 0.6, "设备科": 0.2, "保卫科": 0.2}
OTHER_ADMIN = {"办公室": 0.4, "综合科": 0.3, "财务科": 0.3}
OTHER_SPECIALIST = {"业务一科": 0.35, "业务二科": 0.35, "技术科": 0.3}
OTHER_WORKER = {"办公室": 0.6, "后勤服务科": 0.4}


def _hospital_roles(clinical: Mapping[str, float]) -> dict[str, Role]:
    return {
        "doctor": Role(
            "doctor",
            PROFESSIONAL,
            0.50,
            {"本科": 0.45, "硕士研究生": 0.40, "博士研究生": 0.15},
            clinical,
            ("主任医师", "副主任医师", "主治医师", "医师", "医士"),
            "{dept}医师",
        ),
        "nurse": Role(
            "nurse",
            PROFESSIONAL,
            0.96,
            {"大专": 0.40, "本科": 0.58, "硕士研究生": 0.02},
            {**clinical, "护理部": 0.05},
            ("主任护师", "副主任护师", "主管护师", "护师", "护士"),
            "{dept}护士",
        ),
        "medtech": Role(
            "medtech",
            PROFESSIONAL,
            0.60,
            {"大专": 0.20, "本科": 0.70, "硕士研究生": 0.10},
            {"检验科": 0.4, "放射科": 0.3, "超声科": 0.2, "病理科": 0.1},
            ("主任技师", "副主任技师", "主管技师", "技师", "技士"),
            "{dept}技师",
        ),
        "pharmacist": Role(
            "pharmacist",
            PROFESSIONAL,
            0.65,
            {"大专": 0.20, "本科": 0.70, "硕士研究生": 0.10},
            {"药剂科": 1.0},
            ("主任药师", "副主任药师", "主管药师", "药师", "药士"),
            "药师",
        ),
        "admin": _admin(HOSPITAL_ADMIN),
        "worker": _worker(HOSPITAL_WORKER),
    }


#: Head and deputy titles per institution kind (the top management posts).
LEADER_POSTS = {
    "school": ("校长", "副校长"),
    "hospital": ("院长", "副院长"),
    "other": ("主任", "副主任"),
}
WORKER_POSTS = ("驾驶员", "电工", "水电维修工", "厨师", "设备维修工")
GENERAL_WORKER_POSTS = ("保洁员", "门卫", "保安员", "绿化工")

# --- institutions -----------------------------------------------------------------------

#: (kind, stage) shares of a synthetic city, and each stage's typical staff size.
SCHOOL_STAGES = {
    "primary": 0.55,
    "junior": 0.20,
    "senior": 0.10,
    "nine_year": 0.10,
    "complete": 0.05,
}
HOSPITAL_STAGES = {
    "community": 0.60,
    "general": 0.20,
    "tcm": 0.08,
    "maternal": 0.07,
    "specialist": 0.05,
}
KIND_SHARES = {"school": 0.60, "hospital": 0.25, "other": 0.15}
TYPICAL_SIZE = {
    "primary": 70,
    "junior": 90,
    "senior": 140,
    "nine_year": 150,
    "complete": 180,
    "community": 60,
    "general": 900,
    "tcm": 500,
    "maternal": 400,
    "specialist": 300,
    "other": 30,
}
#: Share of schools run under 两自一包 (武侯区 started it and runs more of them).
TWO_AUTONOMY_SHARE = {"510107": 0.35}
TWO_AUTONOMY_DEFAULT = 0.12

SCHOOL_SUFFIXES = {
    "primary": ("小学", "实验小学", "小学校"),
    "junior": ("中学", "初级中学", "实验中学"),
    "senior": ("高级中学", "中学"),
    "nine_year": ("学校（九年一贯制）", "实验学校"),
    "complete": ("中学", "外国语学校"),
}
ORDINAL_SUFFIX = {
    "primary": "小学",
    "junior": "中学",
    "senior": "高级中学",
    "nine_year": "实验学校",
    "complete": "中学",
    "community": "社区卫生服务中心",
    "general": "人民医院",
    "tcm": "中医医院",
    "maternal": "妇幼保健院",
    "specialist": "专科医院",
    "other": "事务中心",
}
SPECIALIST_HOSPITALS = ("精神卫生中心", "口腔医院", "传染病医院", "康复医院", "肿瘤医院")
OTHER_UNITS = (
    "文化馆",
    "图书馆",
    "档案馆",
    "疾病预防控制中心",
    "融媒体中心",
    "公证处",
    "农业技术推广中心",
    "城市管理服务中心",
    "政务服务中心",
    "社会福利院",
    "就业服务中心",
    "不动产登记中心",
    "规划研究中心",
    "退役军人服务中心",
    "青少年活动中心",
    "体育中心",
    "博物馆",
    "水务服务中心",
)
PLACE_UNITS = ("街道综合便民服务中心", "文化站", "农业服务中心")
OTHER_SPONSORS = (
    "文化广电旅游局",
    "农业农村局",
    "民政局",
    "人力资源和社会保障局",
    "规划和自然资源局",
    "城市管理局",
    "水务局",
    "退役军人事务局",
)
_PLACE_TEXT = (
    "玉林 棕北 双楠 簇桥 红牌楼 金花 机投 晋阳 华兴 望江 芳草 锦官 草堂 "
    "光华 府南 金沙 苏坡 西华 茶店子 营门口 驷马桥 荷花池 九里堤 东湖 书院 "
    "春熙 牛市口 沙河 成龙 三圣 龙舟 莲新 狮子山 合江亭 水井坊 建设 双桥子 "
    "府青 猛追湾 跳蹬河 保和 龙潭 青龙 万年场 十陵 洛带 同安 大面 龙泉 "
    "柏合 大弯 城厢 弥牟 大丰 新繁 三河 天府 柳城 涌泉 永宁 东升 九江 "
    "华阳 西航港 黄甲 郫筒 犀浦 团结 安德 五津 花桥 赵镇 淮口 晋原 安仁 "
    "鹤山 灌口 天彭 临邛 崇阳 射洪坝 石桥 桂溪 石羊 中和 文家 金泉 西园 "
    "五块石 天回 凤凰山 圣灯 白莲池 望平 桃蹊 新鸿 "
)
#: Place names of Chengdu, for synthetic school and street names.
PLACES = tuple(_PLACE_TEXT.split())
#: 文号 prefixes of the staffing offices (武编发〔2024〕15号).
QUOTA_PREFIX = {
    "510100": "成",
    "510104": "锦",
    "510105": "青",
    "510106": "金",
    "510107": "武",
    "510108": "成华",
    "510112": "龙",
    "510113": "青白江",
    "510114": "新都",
    "510115": "温",
    "510116": "双",
    "510117": "郫",
    "510118": "新津",
    "510121": "金堂",
    "510129": "大邑",
    "510131": "蒲",
    "510181": "都",
    "510182": "彭",
    "510183": "邛",
    "510184": "崇",
    "510185": "简",
}
#: Relative number of institutions per region: the five central districts hold more.
REGION_WEIGHTS = {
    code: (0.5 if code == "510100" else 1.3 if code <= "510108" else 1.0) for code in REGIONS
}
#: Region codes used in citizen ID numbers (the districts and counties, not 510100).
ID_REGIONS = tuple(code for code in REGIONS if code != "510100")


@dataclass(frozen=True)
class InstitutionProfile:
    """What shapes an institution's staff: its kind, stage (学段 or hospital type), 两自一包."""

    kind: str
    stage: str
    is_two_autonomy: bool = False

    @property
    def identity_key(self) -> str:
        if self.kind == "school":
            return "school_two_autonomy" if self.is_two_autonomy else "school"
        return self.kind


def profile_for(kind: str, name: str) -> InstitutionProfile:
    """Guess the profile of an existing institution from its kind and name (for the demo)."""
    if kind == "school":
        if "九年一贯制" in name:
            return InstitutionProfile(kind, "nine_year", is_two_autonomy="新城" in name)
        if "小学" in name:
            return InstitutionProfile(kind, "primary")
        if "高级中学" in name:
            return InstitutionProfile(kind, "senior")
        return InstitutionProfile(kind, "junior")
    if kind == "hospital":
        if "中医" in name:
            return InstitutionProfile(kind, "tcm")
        if "社区" in name or "卫生院" in name:
            return InstitutionProfile(kind, "community")
        return InstitutionProfile(kind, "general")
    return InstitutionProfile("other", "other")


@dataclass(frozen=True, slots=True)
class AppointmentSpec:
    category: str
    grade: int
    post_name: str
    start_on: date
    end_on: date | None


@dataclass(frozen=True, slots=True)
class ContractSpec:
    contract_type: str
    start_on: date
    end_on: date | None
    probation_months: int
    #: what a 聘用合同's probation rests on (``hr.contracts.terms`` bases); None otherwise
    probation_basis: str | None = None


@dataclass(frozen=True, slots=True)
class PaySpec:
    effective_on: date
    salary_step: int
    contribution_base: Decimal
    fund_base: Decimal
    fund_rate: Decimal
    special_deduction: Decimal
    reason: str


@dataclass(frozen=True, slots=True)
class StaffSpec:
    """One synthetic person and their employment, posts, contract and pay profiles."""

    name: str
    citizen_id: str
    gender: str
    birth_date: date
    education: str
    professional_title: str | None
    phone: str
    staff_number: str
    identity: str
    department: str
    start_on: date
    #: when they started work anywhere (参加工作时间), for 薪级 and age
    career_start_on: date
    bank_account: str | None
    appointments: tuple[AppointmentSpec, ...]
    contract: ContractSpec
    pay_profiles: tuple[PaySpec, ...]

    @property
    def appointment(self) -> AppointmentSpec:
        """Return the current (last, open) appointment."""
        return self.appointments[-1]


@dataclass(frozen=True, slots=True)
class InstitutionSpec:
    name: str
    profile: InstitutionProfile
    district_code: str
    sponsor_name: str
    funding_class: str
    legal_representative: str
    #: 8-character organization-code body (the check character is added by make_credit_code)
    org_code: str
    address: str
    #: relative staff size
    weight: float


@dataclass(frozen=True, slots=True)
class QuotaSpec:
    kind: str  # institutions.models.QuotaKind value
    change: int
    document_number: str
    effective_on: date
    note: str

    def fields(self) -> dict[str, object]:
        """Return the QuotaEntry column values."""
        return {
            "kind": self.kind,
            "change": self.change,
            "document_number": self.document_number,
            "effective_on": self.effective_on,
            "note": self.note,
        }


# --- small pure helpers --------------------------------------------------------------------


def allocate(total: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split ``total`` by ``shares`` with the largest-remainder method (sums to ``total``)."""
    weight = sum(shares.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(shares, 0)
    exact = {key: total * share / weight for key, share in shares.items()}
    counts = {key: math.floor(value) for key, value in exact.items()}
    left = total - sum(counts.values())
    # ties keep the order of ``shares``: sorted() is stable
    by_remainder = sorted(shares, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[:left]:
        counts[key] += 1
    return counts


def add_years(day: date, years: int) -> date:
    """Return the same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """Return 1–9999 in Chinese numerals as used in names: 1 一, 12 十二, 105 一百零五."""
    if not 0 < n < 10000:
        raise ValueError(f"expected 1..9999, got {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(_DIGITS[digit] + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def region_prefix(code: str) -> str:
    """Return how names in a region start: 成都市武侯区, 金堂县, 简阳市, 成都市 (市本级)."""
    if code == "510100":
        return "成都市"
    name = REGIONS[code]
    return "成都市" + name if name.endswith("区") else name


def tier_of(grade: int) -> int:
    """Return the title index of a professional grade: 0 正高 … 3 助理级, 4 员级."""
    if grade <= 4:
        return 0
    if grade <= 7:
        return 1
    if grade <= 10:
        return 2
    return 3 if grade <= 12 else 4


@cache
def name_pools() -> tuple[tuple[str, ...], tuple[float, ...], tuple[str, ...], tuple[str, ...]]:
    """Return (surnames, their cumulative weights, male given names, female given names)."""
    from faker.providers.person.zh_CN import Provider

    surnames = tuple(Provider.last_names)
    cumulative, total = [], 0.0
    for surname in surnames:
        total += float(Provider.last_names[surname])
        cumulative.append(total)

    female_chars = {n for n in Provider.first_names_female if len(n) == 1}

    def given(names: Sequence[str], exclude: Iterable[str] = ()) -> tuple[str, ...]:
        # the provider files a few names under the wrong gender (红霞 among the men's)
        names = [n for n in names if not (len(n) > 1 and set(n) & set(exclude))]
        singles = [n for n in names if len(n) == 1]
        pairs = [a + b for a in singles for b in singles if a != b]
        # Two-character given names are the most common; keep some single ones and the
        # provider's own two-character names too.
        return tuple(dict.fromkeys([*names, *pairs]))

    return (
        surnames,
        tuple(cumulative),
        given(Provider.first_names_male, female_chars),
        given(Provider.first_names_female),
    )


def _weighted(rng: random.Random, weights: Mapping) -> object:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# --- the generator -------------------------------------------------------------------------


@dataclass
class Synthesizer:
    """Draw synthetic institutions and staff from one seeded random generator."""

    seed: int
    today: date
    #: citizen ID numbers already in use (in the database); new ones are added as drawn
    taken_citizen_ids: set[str] = field(default_factory=set)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        surnames, cumulative, male, female = name_pools()
        self._surnames, self._cumulative = surnames, cumulative
        self._given = {"男": male, "女": female}
        self._id_regions = ID_REGIONS

    # people --------------------------------------------------------------------------

    def person_name(self, gender: str) -> str:
        surname = self.rng.choices(self._surnames, cum_weights=self._cumulative)[0]
        given = self._given[gender]
        return surname + given[self.rng.randrange(len(given))]

    def citizen_id(self, birth_date: date, gender: str) -> str:
        """Return a valid, unused 公民身份号码 for someone born in a Chengdu district."""
        male = gender == "男"
        birth = f"{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}"
        while True:
            region = self._id_regions[self.rng.randrange(len(self._id_regions))]
            first17 = f"{region}{birth}{2 * self.rng.randrange(500) + male:03d}"
            number = first17 + citizen_id_check_char(first17)
            if number not in self.taken_citizen_ids:
                self.taken_citizen_ids.add(number)
                return number

    def phone(self) -> str:
        prefix = self.rng.choice(("138", "139", "135", "137", "150", "158", "180", "181", "189"))
        return f"{prefix}{self.rng.randrange(10**8):08d}"

    # staff of one institution ----------------------------------------------------------

    def roles_for(self, profile: InstitutionProfile) -> dict[str, Role]:
        if profile.kind == "school":
            subjects = PRIMARY_SUBJECTS if profile.stage == "primary" else SECONDARY_SUBJECTS
            return {
                "teacher": _teacher(subjects),
                "admin": _admin(SCHOOL_ADMIN),
                "worker": _worker(SCHOOL_WORKER),
            }
        if profile.kind == "hospital":
            clinical = {"tcm": TCM_CLINICAL, "community": COMMUNITY_CLINICAL}.get(
                profile.stage, CLINICAL
            )
            return _hospital_roles(clinical)
        specialist = Role(
            "specialist",
            PROFESSIONAL,
            0.5,
            {"本科": 0.7, "硕士研究生": 0.25, "大专": 0.05},
            OTHER_SPECIALIST,
            ("正高级工程师", "高级工程师", "工程师", "助理工程师", "技术员"),
            "{dept}专业技术岗",
        )
        return {
            "specialist": specialist,
            "admin": _admin(OTHER_ADMIN),
            "worker": _worker(OTHER_WORKER),
        }

    def role_counts(self, profile: InstitutionProfile, count: int) -> dict[str, int]:
        """Return how many staff of each role an institution of ``count`` staff has."""
        if profile.kind == "school":
            support = math.floor(count * NON_TEACHING_SHARE.get(profile.stage, 0.12))
            professional = {"teacher": count - support}
        else:
            share = PROFESSIONAL_SHARE["hospital" if profile.kind == "hospital" else "other"]
            support = count - math.ceil(count * share)
            if profile.kind == "hospital":
                professional = allocate(count - support, HOSPITAL_ROLES)
            else:
                professional = {"specialist": count - support}
        admin = math.ceil(support * MANAGEMENT_SHARE_OF_SUPPORT)
        return {**professional, "admin": admin, "worker": support - admin}

    def _professional_grades(self, profile: InstitutionProfile, count: int) -> list[int]:
        tier_key = profile.stage if profile.kind == "school" else profile.kind
        high, middle, junior = TIER_SHARES.get(tier_key, TIER_SHARES["other"])
        tiers = allocate(count, {"high": high, "middle": middle, "junior": junior})
        full_share = FULL_SENIOR_SHARE[
            profile.kind if profile.kind in FULL_SENIOR_SHARE else "other"
        ]
        full = sum(1 for _ in range(tiers["high"]) if self.rng.random() < full_share)
        grades = []
        for weights_key, n in (
            ("full_senior", full),
            ("senior", tiers["high"] - full),
            ("middle", tiers["middle"]),
            ("junior", tiers["junior"]),
        ):
            grades += [_weighted(self.rng, GRADE_WEIGHTS[weights_key]) for _ in range(n)]
        return grades

    def _management_grades(
        self, profile: InstitutionProfile, count: int, size: int
    ) -> tuple[list[int], int]:
        """Return (grades, how many leaders): a head and deputies first, then other posts."""
        if count == 0:
            return [], 0
        head = 5 if (profile.kind == "hospital" and size >= 500) else 6 if size >= 100 else 7
        deputies = min(count - 1, 1 if size < 60 else 2 if size < 300 else 3)
        grades = [head] + [head + 1] * deputies
        grades += [
            max(int(_weighted(self.rng, MANAGEMENT_GRADE_WEIGHTS)), head + 1)
            for _ in range(count - len(grades))
        ]
        return grades, 1 + deputies

    def staff(
        self, profile: InstitutionProfile, count: int, first_number: int = 1
    ) -> list[StaffSpec]:
        """Return ``count`` staff for one institution; staff numbers count from first_number."""
        roles = self.roles_for(profile)
        counts = self.role_counts(profile, count)
        slots: list[tuple[Role, int, bool]] = []  # (role, grade, is_leader)
        professional_keys = [k for k, r in roles.items() if r.category == PROFESSIONAL]
        grades = self._professional_grades(profile, sum(counts[k] for k in professional_keys))
        self.rng.shuffle(grades)
        for key in professional_keys:
            for _ in range(counts[key]):
                slots.append((roles[key], grades.pop(), False))
        management, leader_count = self._management_grades(profile, counts["admin"], count)
        for index, grade in enumerate(management):
            slots.append((roles["admin"], grade, index < leader_count))
        for _ in range(counts["worker"]):
            slots.append((roles["worker"], _weighted(self.rng, WORKER_GRADE_WEIGHTS), False))

        identities = [
            identity
            for identity, n in allocate(count, IDENTITY_MIX[profile.identity_key]).items()
            for _ in range(n)
        ]
        self.rng.shuffle(identities)
        # Dispatched staff (劳务派遣) mostly fill 工勤 posts: swap them onto worker slots.
        workers = [i for i, slot in enumerate(slots) if slot[0].category == WORKER]
        dispatched = [i for i, identity in enumerate(identities) if identity == DISPATCH]
        for d, w in zip(dispatched, workers, strict=False):
            if self.rng.random() < 0.7:
                identities[d], identities[w] = identities[w], identities[d]

        leaders = LEADER_POSTS[profile.kind if profile.kind in LEADER_POSTS else "other"]
        result = []
        head_named = False
        for offset, ((role, grade, is_leader), identity) in enumerate(
            zip(slots, identities, strict=True)
        ):
            post = None
            if is_leader:
                post = leaders[1] if head_named else leaders[0]
                head_named = True
            result.append(
                self.member(
                    profile,
                    role,
                    grade,
                    identity,
                    number=first_number + offset,
                    post_name=post,
                    department=(
                        "校长办公室"
                        if is_leader and profile.kind == "school"
                        else "院长办公室"
                        if is_leader and profile.kind == "hospital"
                        else None
                    ),
                )
            )
        self.rng.shuffle(result)
        return result

    def member(
        self,
        profile: InstitutionProfile,
        role: Role,
        grade: int,
        identity: str,
        *,
        number: int,
        name: str | None = None,
        gender: str | None = None,
        department: str | None = None,
        post_name: str | None = None,
    ) -> StaffSpec:
        """Return one staff member holding ``grade`` in ``role``, consistent in every date."""
        rng, today = self.rng, self.today
        category = role.category
        gender = gender or ("女" if rng.random() < role.female_share else "男")
        education = str(_weighted(rng, role.education))
        leaving_age, degree_steps = EDUCATION[education]
        leaving_age += rng.randint(0, 2)
        # the day-of-year draws below add up to two years to the age
        max_years = min(32, MAX_AGE[gender] - leaving_age - 2)
        min_years = min(max(MIN_YEARS[category][grade], MIN_AGE - leaving_age), max_years)
        span = max_years - min_years
        years = min_years + int(rng.triangular(0, span, span * 0.25)) if span else min_years
        career_start = today - timedelta(days=years * 365 + rng.randrange(365))
        birth_date = add_years(career_start, -leaving_age) - timedelta(days=rng.randrange(365))
        start_on = self._start_on(identity, career_start)

        department = department or str(_weighted(rng, role.departments))
        appointments = self._appointments(role, grade, department, start_on, post_name)
        step = min(
            MAX_STEP[category], max(starting_step(category, grade), 1 + years + degree_steps)
        )
        title = role.titles[tier_of(grade)] if role.titles and category == PROFESSIONAL else None
        return StaffSpec(
            name=name or self.person_name(gender),
            citizen_id=self.citizen_id(birth_date, gender),
            gender=gender,
            birth_date=birth_date,
            education=education,
            professional_title=title,
            phone=self.phone(),
            staff_number=f"{start_on.year}{number:04d}",
            identity=identity,
            department=department,
            start_on=start_on,
            career_start_on=career_start,
            bank_account=f"6228{rng.randrange(10**15):015d}" if rng.random() < 0.92 else None,
            appointments=appointments,
            contract=self._contract(profile, identity, start_on, career_start),
            pay_profiles=self._pay_profiles(category, grade, step, start_on),
        )

    def _start_on(self, identity: str, career_start: date) -> date:
        """Return when the person joined this institution (often when they started work)."""
        rng, today = self.rng, self.today

        def between(low: date, high: date) -> date:
            return low + timedelta(days=rng.randrange(max((high - low).days, 1)))

        latest = today - timedelta(days=30)
        if identity == FILED and career_start < FILED_SINCE:
            return between(FILED_SINCE, latest)
        if identity in (CONTRACT, DISPATCH) and career_start < add_years(today, -8):
            return between(add_years(today, -8), latest)
        if (
            identity == ESTABLISHMENT
            and career_start < add_years(today, -3)
            and rng.random() < 0.15
        ):
            return between(career_start, add_years(today, -2))  # transferred in (调入)
        return career_start

    def _post_name(self, role: Role, grade: int, department: str) -> str:
        if role.category == PROFESSIONAL:
            return role.post.format(dept=department, subject=department[:-1])
        if role.category == WORKER:
            pool = GENERAL_WORKER_POSTS if grade == GENERAL_WORKER_GRADE else WORKER_POSTS
            return pool[self.rng.randrange(len(pool))]
        return {7: f"{department}主任", 8: f"{department}副主任", 9: f"{department}干事"}.get(
            grade, f"{department}办事员"
        )

    def _appointments(
        self, role: Role, grade: int, department: str, start_on: date, post_name: str | None
    ) -> tuple[AppointmentSpec, ...]:
        """Return the posts held since joining, ending with the current (open) one."""
        rng, today = self.rng, self.today
        if role.category == PROFESSIONAL:
            ladder = [g for g in (12, 10, 7, 4) if g > grade] + [grade]
        elif role.category == MANAGEMENT:
            ladder = [g for g in (9, 8, 7) if g > grade][-2:] + [grade]
        elif grade == GENERAL_WORKER_GRADE:
            ladder = [grade]
        else:
            ladder = [g for g in (5, 4, 3) if g > grade][-2:] + [grade]
        promotions: list[date] = []
        day = today - timedelta(days=rng.randint(120, 1200))
        while len(promotions) < len(ladder) - 1 and day > add_years(start_on, 2):
            promotions.append(day)
            day -= timedelta(days=rng.randint(3 * 365, 6 * 365))
        promotions.reverse()
        held = ladder[-(len(promotions) + 1) :]
        starts = [start_on, *promotions]
        # a worker keeps their trade (驾驶员, 电工) from grade to grade
        trade = self._post_name(role, grade, department) if role.category == WORKER else None
        result = []
        for index, (held_grade, begins) in enumerate(zip(held, starts, strict=True)):
            is_current = index == len(held) - 1
            ends = None if is_current else starts[index + 1] - timedelta(days=1)
            name = (
                post_name
                if (is_current and post_name)
                else trade or self._post_name(role, held_grade, department)
            )
            result.append(AppointmentSpec(role.category, held_grade, name, begins, ends))
        return tuple(result)

    def _contract(
        self, profile: InstitutionProfile, identity: str, start_on: date, career_start: date
    ) -> ContractSpec:
        """Return the contract in force today: 聘用合同 renewed every term since joining."""
        rng, today = self.rng, self.today
        if identity == ESTABLISHMENT and add_years(start_on, 10) <= today and rng.random() < 0.5:
            return ContractSpec(ContractType.OPEN_ENDED.value, add_years(start_on, 10), None, 0)
        if identity == DISPATCH:
            term = 2
        else:
            term = 3 if (profile.kind == "school" or rng.random() < 0.6) else 5
        begins, rounds = start_on, 0
        while add_years(begins, term) <= today:
            begins, rounds = add_years(begins, term), rounds + 1
        ends = add_years(begins, term) - timedelta(days=1)
        # the contract rules decide the probation: none on a renewal, the longest allowed
        # otherwise (初次就业 on a 聘用合同 of 3 years or more: 12 months)
        kind = terms.contract_kind(identity)
        basis = None
        if kind == terms.PERSONNEL:
            basis = terms.FIRST_JOB if start_on == career_start else terms.GENERAL
        probation = terms.probation_limit(
            ContractType.FIXED_TERM.value,
            begins,
            ends,
            kind=kind,
            basis=basis or terms.GENERAL,
            is_renewal=rounds > 0,
        )
        return ContractSpec(ContractType.FIXED_TERM.value, begins, ends, probation, basis)

    def _pay_profiles(
        self, category: str, grade: int, step: int, start_on: date
    ) -> tuple[PaySpec, ...]:
        """Return last year's and this year's pay profile (or the one set on joining)."""
        rng = self.rng
        senior_bonus = 3000 if category == PROFESSIONAL and grade <= 7 else 0
        raw = 4000 + step * 150 + senior_bonus + rng.randint(-800, 800)
        base = Decimal(min(20000, max(5000, raw))).quantize(Decimal("0.01"))
        rate = Decimal("0.12") if rng.random() < 0.85 else Decimal("0.10")
        deduction = Decimal(
            rng.choice((0, 0, 0, 1000, 1500, 2000, 2000, 3000, 4000, 5000))
        ).quantize(Decimal("0.01"))
        january = date(self.today.year, 1, 1)
        if start_on >= january or step <= starting_step(category, grade):
            return (PaySpec(start_on, step, base, base, rate, deduction, "入职定级"),)
        last_year = max(start_on, date(self.today.year - 1, 1, 1))
        previous = Decimal(max(5000, min(20000, raw - 400))).quantize(Decimal("0.01"))
        reason = (
            "入职定级"
            if last_year == start_on
            else f"{self.today.year - 2} 年度考核合格，薪级晋升一级"
        )
        return (
            PaySpec(last_year, step - 1, previous, previous, rate, deduction, reason),
            PaySpec(
                january,
                step,
                base,
                base,
                rate,
                deduction,
                f"{self.today.year - 1} 年度考核合格，薪级晋升一级",
            ),
        )

    # institutions ----------------------------------------------------------------------

    def institutions(
        self,
        count: int,
        taken_codes: Iterable[str] = (),
        taken_names: Iterable[str] = (),
        first_org: int = 1,
    ) -> list[InstitutionSpec]:
        """Return ``count`` institutions spread over Chengdu with unused codes and names.

        ``taken_codes`` are credit codes already registered; the organization code body
        counts up from ``first_org`` and skips any code in use.
        """
        from core.ids import make_credit_code

        rng = self.rng
        codes, names = set(taken_codes), set(taken_names)
        kinds = [k for k, n in allocate(count, KIND_SHARES).items() for _ in range(n)]
        rng.shuffle(kinds)
        regions = list(REGION_WEIGHTS)
        region_weights = [REGION_WEIGHTS[r] for r in regions]
        org = first_org
        ordinals: Counter[tuple[str, str]] = Counter()
        result = []
        for kind in kinds:
            region = rng.choices(regions, weights=region_weights)[0]
            if kind == "school":
                stage = str(_weighted(rng, SCHOOL_STAGES))
                two = rng.random() < TWO_AUTONOMY_SHARE.get(region, TWO_AUTONOMY_DEFAULT)
                profile = InstitutionProfile(kind, stage, two)
            elif kind == "hospital":
                profile = InstitutionProfile(kind, str(_weighted(rng, HOSPITAL_STAGES)))
            else:
                profile = InstitutionProfile("other", "other")
            name = self._institution_name(profile, region, names, ordinals)
            names.add(name)
            while True:
                code = make_credit_code(region, f"6{org:07d}")
                org += 1
                if code not in codes:
                    codes.add(code)
                    break
            result.append(
                InstitutionSpec(
                    name=name,
                    profile=profile,
                    district_code=region,
                    sponsor_name=self.sponsor_name(profile, region),
                    funding_class=(
                        "公益二类"
                        if kind == "hospital" or (kind == "other" and rng.random() < 0.3)
                        else "公益一类"
                    ),
                    legal_representative=self.person_name(rng.choice(("男", "女"))),
                    org_code=code[8:16],
                    address=(
                        f"{REGIONS[region] if region != '510100' else ''}"
                        f"{rng.choice(PLACES)}路 {rng.randint(1, 300)} 号"
                    ),
                    weight=TYPICAL_SIZE[profile.stage] * rng.lognormvariate(0, 0.45),
                )
            )
        return result

    def sponsor_name(self, profile: InstitutionProfile, region: str) -> str:
        prefix = region_prefix(region)
        if profile.kind == "school":
            return prefix + "教育局"
        if profile.kind == "hospital":
            return prefix + "卫生健康局"
        return prefix + OTHER_SPONSORS[self.rng.randrange(len(OTHER_SPONSORS))]

    def _institution_name(
        self,
        profile: InstitutionProfile,
        region: str,
        taken: set[str],
        ordinals: Counter[tuple[str, str]],
    ) -> str:
        rng, prefix = self.rng, region_prefix(region)
        stage = profile.stage
        for _ in range(4):
            place = rng.choice(PLACES)
            if profile.kind == "school":
                candidate = prefix + place + rng.choice(SCHOOL_SUFFIXES[stage])
            elif stage == "community":
                county = not prefix.startswith("成都市")
                candidate = prefix + place + ("镇卫生院" if county else "街道社区卫生服务中心")
            elif stage == "general":
                candidate = prefix + rng.choice(("人民医院", place + "医院"))
            elif stage == "tcm":
                candidate = prefix + "中医医院"
            elif stage == "maternal":
                candidate = prefix + "妇幼保健院"
            elif stage == "specialist":
                candidate = prefix + rng.choice(SPECIALIST_HOSPITALS)
            elif rng.random() < 0.6:
                candidate = prefix + rng.choice(OTHER_UNITS)
            else:
                candidate = prefix + place + rng.choice(PLACE_UNITS)
            if candidate not in taken:
                return candidate
        suffix = ORDINAL_SUFFIX[stage]
        while True:
            ordinals[(prefix, suffix)] += 1
            candidate = f"{prefix}第{chinese_number(ordinals[(prefix, suffix)] + 1)}{suffix}"
            if candidate not in taken:
                return candidate

    def staff_sizes(self, specs: Sequence[InstitutionSpec], total: int) -> list[int]:
        """Split ``total`` staff over institutions in proportion to their size weights."""
        counts = allocate(total, {str(i): spec.weight for i, spec in enumerate(specs)})
        return [counts[str(i)] for i in range(len(specs))]

    # ledgers derived from the staff ------------------------------------------------------

    def quota_entries(
        self, district_code: str, staff: Sequence[StaffSpec], min_vacancy: int = 0
    ) -> list[QuotaSpec]:
        """Return ledger entries (编制, 员额, 领导职数) that cover ``staff`` with some vacancy."""
        rng = self.rng
        entries: list[QuotaSpec] = []

        def document(year: int) -> str:
            return self.quota_document(district_code, year)

        for kind, identity, since in (
            ("establishment", ESTABLISHMENT, None),
            ("filed", FILED, FILED_SINCE),
        ):
            held = [s.start_on for s in staff if s.identity == identity]
            if not held and not min_vacancy:
                continue
            vacancy = max(min_vacancy, round(len(held) * rng.uniform(0.02, 0.08)))
            first_day = min(held) if held else QUOTA_ADJUSTED_ON
            if since:
                first_day = max(min(first_day, QUOTA_ADJUSTED_ON), since)
            opened_on = date(first_day.year, 1, 1)
            before = sum(1 for day in held if day < QUOTA_ADJUSTED_ON)
            initial = before + rng.randint(0, vacancy)
            total = len(held) + vacancy
            label = "核定事业编制" if kind == "establishment" else "备案员额"
            if opened_on < QUOTA_ADJUSTED_ON and initial:
                entries.append(QuotaSpec(kind, initial, document(opened_on.year), opened_on, label))
            else:
                initial = 0
            if total - initial > 0:
                entries.append(
                    QuotaSpec(
                        kind,
                        total - initial,
                        document(QUOTA_ADJUSTED_ON.year),
                        QUOTA_ADJUSTED_ON,
                        "调整" + label,
                    )
                )
        leaders = 3 if len(staff) < 300 else 4
        entries.append(
            QuotaSpec("leadership", leaders, document(2016), date(2016, 1, 1), "核定领导职数")
        )
        return entries

    def post_plan_lines(
        self, staff: Sequence[StaffSpec], min_vacancy: int = 0
    ) -> list[tuple[str, int, int]]:
        """Return ``(category, grade, approved count)``: today's posts plus a few vacancies."""
        held = Counter((s.appointment.category, s.appointment.grade) for s in staff)
        lines = []
        for (category, grade), n in sorted(held.items()):
            extra = max(min_vacancy, self.rng.choice((0, 0, 0, 1, 1, 2)))
            # senior posts stay scarce: vacancies go to the lower grades of each tier
            if category == PROFESSIONAL and grade in (2, 3, 5, 8):
                extra = min_vacancy
            lines.append((category, grade, n + extra))
        return lines

    def quota_document(self, district_code: str, year: int) -> str:
        """Return a staffing-office 文号 such as 武编发〔2024〕15号."""
        prefix = QUOTA_PREFIX.get(district_code, "成")
        return f"{prefix}编发〔{year}〕{self.rng.randint(1, 120)}号"

    def plan_document(self, district_code: str) -> str:
        prefix = QUOTA_PREFIX.get(district_code, "成")
        return f"{prefix}人社函〔{self.today.year}〕{self.rng.randint(1, 200)}号"
