"""Synthetic staff and institutions: valid unique IDs, plausible mixes, deterministic."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.ids import credit_code_problem, parse_citizen_id
from hr.posts.promotion import starting_step
from hr.seed.synthetic import (
    DISPATCH,
    ESTABLISHMENT,
    FILED,
    GRADE_WEIGHTS,
    ID_REGIONS,
    IDENTITY_MIX,
    MANAGEMENT,
    NON_TEACHING_SHARE,
    PROFESSIONAL,
    WORKER,
    InstitutionProfile,
    StaffSpec,
    Synthesizer,
    allocate,
    chinese_number,
    name_pools,
    tier_of,
)

TODAY = date(2026, 11, 27)
PRIMARY = InstitutionProfile("school", "primary")
JUNIOR = InstitutionProfile("school", "junior")
SENIOR = InstitutionProfile("school", "senior")
TWO_AUTONOMY = InstitutionProfile("school", "nine_year", is_two_autonomy=True)
HOSPITAL = InstitutionProfile("hospital", "general")


def _staff(profile, institutions=20, size=60, seed=7) -> list[list[StaffSpec]]:
    synth = Synthesizer(seed, TODAY)
    return [synth.staff(profile, size) for _ in range(institutions)]


def _share(staff: list[StaffSpec], predicate) -> float:
    return sum(1 for s in staff if predicate(s)) / len(staff)


def _age(born: date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def test_citizen_ids_are_valid_unique_and_match_the_person():
    synth = Synthesizer(7, TODAY)
    staff = [s for profile in (HOSPITAL, PRIMARY) * 10 for s in synth.staff(profile, 200)]
    assert len({s.citizen_id for s in staff}) == len(staff)
    for s in staff:
        parsed = parse_citizen_id(s.citizen_id, today=TODAY)
        assert parsed.birth_date == s.birth_date
        assert parsed.gender == s.gender
        assert parsed.region_code in ID_REGIONS
        assert 22 <= _age(s.birth_date) <= 60


def test_taken_citizen_ids_are_never_drawn_again():
    first = Synthesizer(3, TODAY)
    taken = {s.citizen_id for s in first.staff(PRIMARY, 300)}
    again = Synthesizer(3, TODAY, taken_citizen_ids=set(taken))
    assert not taken & {s.citizen_id for s in again.staff(PRIMARY, 300)}


def test_same_seed_same_city_other_seed_other_city():
    def city(seed):
        synth = Synthesizer(seed, TODAY)
        specs = synth.institutions(40)
        sizes = synth.staff_sizes(specs, 800)
        return specs, [synth.staff(spec.profile, n) for spec, n in zip(specs, sizes, strict=True)]

    assert city(11) == city(11)
    assert city(11) != city(12)


def test_school_identity_mix():
    staff = [s for group in _staff(PRIMARY, 30, 50) for s in group]
    counts = Counter(s.identity for s in staff)
    for identity, share in IDENTITY_MIX["school"].items():
        assert counts[identity] / len(staff) == pytest.approx(share, abs=0.02)
    # 两自一包 schools hire mostly against filed 员额
    two = Counter(s.identity for group in _staff(TWO_AUTONOMY, 10, 50) for s in group)
    assert two[FILED] > two[ESTABLISHMENT]


def test_hospital_identity_and_post_mix():
    groups = _staff(HOSPITAL, 10, 300)
    staff = [s for group in groups for s in group]
    counts = Counter(s.identity for s in staff)
    for identity, share in IDENTITY_MIX["hospital"].items():
        assert counts[identity] / len(staff) == pytest.approx(share, abs=0.02)
    for group in groups:
        assert _share(group, lambda s: s.appointment.category == PROFESSIONAL) >= 0.80
    titles = Counter(s.professional_title for s in staff)
    assert titles["主治医师"] and titles["主管护师"] and titles["主任医师"]
    departments = {s.department for s in staff}
    assert {"内科", "外科", "护理部"} <= departments
    # dispatched staff mostly fill 工勤 posts
    dispatched = [s for s in staff if s.identity == DISPATCH]
    assert _share(dispatched, lambda s: s.appointment.category == WORKER) > 0.5


@pytest.mark.parametrize("profile", [PRIMARY, JUNIOR, SENIOR])
def test_non_teaching_share_stays_under_the_stage_cap(profile):
    cap = NON_TEACHING_SHARE[profile.stage]
    groups = _staff(profile, 20, 80)
    for group in groups:
        assert _share(group, lambda s: s.appointment.category != PROFESSIONAL) <= cap
    staff = [s for group in groups for s in group]
    assert _share(staff, lambda s: s.appointment.category != PROFESSIONAL) >= cap - 0.02
    assert {s.department for s in staff} >= {"语文组", "数学组", "英语组"}


def test_titles_match_grades():
    expected = {
        0: ("正高级教师", "主任医师", "主任护师"),
        1: ("高级教师", "副主任医师", "副主任护师"),
        2: ("一级教师", "主治医师", "主管护师"),
        3: ("二级教师", "医师", "护师"),
        4: ("三级教师", "医士", "护士"),
    }
    staff = [s for g in _staff(SENIOR, 10, 100) + _staff(HOSPITAL, 5, 200) for s in g]
    known = {title for names in expected.values() for title in names}
    checked = 0
    for s in staff:
        if s.professional_title in known:
            title_tier = next(t for t, names in expected.items() if s.professional_title in names)
            assert title_tier == tier_of(s.appointment.grade), s
            checked += 1
        elif s.appointment.category != PROFESSIONAL:
            assert s.professional_title is None
    assert checked > 0.7 * len(staff)
    grades = {s.appointment.grade for s in staff if s.appointment.category == PROFESSIONAL}
    assert grades <= set().union(*GRADE_WEIGHTS.values())


def test_posts_steps_contracts_and_pay_are_consistent():
    groups = _staff(HOSPITAL, 5, 200) + _staff(PRIMARY, 10, 60)
    staff = [s for g in groups for s in g]
    for s in staff:
        assert s.career_start_on <= s.start_on < TODAY
        # appointments: from the start of the employment, back to back, ending open
        posts = s.appointments
        assert posts[0].start_on == s.start_on and posts[-1].end_on is None
        for earlier, later in zip(posts, posts[1:], strict=False):
            assert earlier.end_on == later.start_on - timedelta(days=1)
            assert later.grade <= earlier.grade  # a lower number is a higher post
        # 薪级 at least the starting step of the grade, +1 a year on the pay profiles
        step = s.pay_profiles[-1].salary_step
        post = s.appointment
        assert (
            starting_step(post.category, post.grade)
            <= step
            <= (40 if post.category == WORKER else 65)
        )
        if len(s.pay_profiles) == 2:
            assert s.pay_profiles[0].salary_step == step - 1
            assert s.pay_profiles[1].effective_on == date(TODAY.year, 1, 1)
        for profile in s.pay_profiles:
            assert isinstance(profile.contribution_base, Decimal)
            assert Decimal(5000) <= profile.contribution_base <= Decimal(20000)
            assert profile.fund_rate in (Decimal("0.10"), Decimal("0.12"))
        # the contract in force today
        contract = s.contract
        assert s.start_on <= contract.start_on <= TODAY
        assert contract.end_on is None or contract.end_on >= TODAY
        assert 0 <= contract.probation_months <= 12
        if s.identity == FILED:
            assert s.start_on >= date(2014, 9, 1)
    starts = [s.start_on for s in staff]
    assert min(starts) <= date(TODAY.year - 25, 1, 1) and max(starts) >= date(TODAY.year - 1, 1, 1)
    for group in groups:
        numbers = [s.staff_number for s in group]
        assert len(set(numbers)) == len(numbers)


def test_management_has_one_head_and_a_few_deputies():
    synth = Synthesizer(5, TODAY)
    staff = synth.staff(HOSPITAL, 600)
    posts = Counter(s.appointment.post_name for s in staff if s.appointment.category == MANAGEMENT)
    assert posts["院长"] == 1 and 1 <= posts["副院长"] <= 3


def test_institutions_valid_unique_and_spread():
    synth = Synthesizer(2, TODAY)
    specs = synth.institutions(600)
    assert Counter(spec.profile.kind for spec in specs) == {
        "school": 360,
        "hospital": 150,
        "other": 90,
    }
    assert len({spec.name for spec in specs}) == 600
    codes = [spec.org_code for spec in specs]
    assert len(set(codes)) == 600
    assert len({spec.district_code for spec in specs}) >= 15
    assert all(
        spec.name.startswith(("成都市", "金堂县", "大邑县", "蒲江县")) or "市" in spec.name
        for spec in specs
    )
    sizes = synth.staff_sizes(specs, 60_000)
    assert sum(sizes) == 60_000
    by_stage: dict[str, list[int]] = {}
    for spec, size in zip(specs, sizes, strict=True):
        by_stage.setdefault(spec.profile.stage, []).append(size)
    assert max(by_stage["general"]) > 5 * (sum(by_stage["primary"]) / len(by_stage["primary"]))


def test_institution_codes_and_names_skip_taken_ones():
    from core.ids import make_credit_code

    first = Synthesizer(2, TODAY).institutions(20)
    taken_codes = [make_credit_code(s.district_code, s.org_code) for s in first]
    again = Synthesizer(2, TODAY).institutions(
        20, taken_codes=taken_codes, taken_names=[s.name for s in first]
    )
    new_codes = [make_credit_code(s.district_code, s.org_code) for s in again]
    assert all(credit_code_problem(code) is None for code in new_codes)
    assert not set(new_codes) & set(taken_codes)
    assert not {s.name for s in again} & {s.name for s in first}


def test_quota_entries_cover_staff_on_every_date():
    synth = Synthesizer(9, TODAY)
    staff = synth.staff(PRIMARY, 120)
    entries = synth.quota_entries("510107", staff, min_vacancy=2)
    assert all(e.document_number.startswith("武编发〔") for e in entries)
    for kind, identity in (("establishment", ESTABLISHMENT), ("filed", FILED)):
        starts = sorted(s.start_on for s in staff if s.identity == identity)
        for day in [*starts, TODAY]:
            quota = sum(e.change for e in entries if e.kind == kind and e.effective_on <= day)
            assert quota >= sum(1 for start in starts if start <= day)
        today_quota = sum(e.change for e in entries if e.kind == kind)
        assert today_quota >= len(starts) + 2


def test_post_plan_lines_hold_every_post():
    synth = Synthesizer(9, TODAY)
    staff = synth.staff(HOSPITAL, 150)
    lines = synth.post_plan_lines(staff, min_vacancy=1)
    held = Counter((s.appointment.category, s.appointment.grade) for s in staff)
    approved = {(c, g): n for c, g, n in lines}
    assert set(approved) == set(held)
    assert all(approved[key] >= held[key] + 1 for key in held)


def test_name_pools():
    surnames, cumulative, male, female = name_pools()
    assert "王" in surnames and cumulative == tuple(sorted(cumulative))
    assert "红霞" not in male and "红霞" in female
    synth = Synthesizer(1, TODAY)
    names = [synth.person_name(g) for g in ("男", "女") * 500]
    assert all(2 <= len(n) <= 4 for n in names)
    assert len(set(names)) > 900


@given(
    st.integers(min_value=0, max_value=10_000),
    st.lists(st.floats(min_value=0.01, max_value=100), min_size=1, max_size=8),
)
def test_allocate_sums_and_stays_within_one_of_the_exact_share(total, weights):
    shares = {f"k{i}": w for i, w in enumerate(weights)}
    counts = allocate(total, shares)
    assert sum(counts.values()) == total
    whole = sum(weights)
    for key, weight in shares.items():
        exact = total * weight / whole
        assert math.floor(exact) - 1e-9 <= counts[key] <= math.ceil(exact) + 1e-9


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (32, "三十二"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
    ],
)
def test_chinese_number(n, text):
    assert chinese_number(n) == text


def test_contracts_follow_the_probation_rule():
    """Every synthetic contract passes the contract rules its form would apply: a 劳动合同 of
    1–3 years has at most 2 months, a renewal none, a first job on a long 聘用合同 12."""
    from hr.contracts import terms

    synth = Synthesizer(11, TODAY)
    staff = [s for profile in (HOSPITAL, PRIMARY, SENIOR) * 4 for s in synth.staff(profile, 150)]
    seen = Counter()
    for spec in staff:
        c = spec.contract
        kind = terms.contract_kind(spec.identity)
        if kind == terms.LABOUR:
            assert c.probation_basis is None, c  # bases are a 聘用合同's
        problems = terms.contract_problems(
            c.contract_type,
            c.start_on,
            c.end_on,
            c.probation_months,
            kind=kind,
            basis=c.probation_basis or terms.GENERAL,
        )
        assert problems == [], (spec.identity, c)
        shorter_than_three_years = c.end_on is not None and not terms.term_at_least(
            c.start_on, c.end_on, 36
        )
        if kind == terms.LABOUR and shorter_than_three_years:
            assert c.probation_months <= 2, c
        seen[(kind, c.probation_months)] += 1
    # the mix holds labour contracts with probation and first jobs with 12 months
    assert any(kind == terms.LABOUR and months > 0 for kind, months in seen)
    assert seen[(terms.PERSONNEL, 12)] > 0
