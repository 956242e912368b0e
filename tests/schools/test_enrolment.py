"""Class sizes: standard, oversized, super-sized, implausible, negative, with grade and class."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schools.enrolment import (
    CLASS_SIZE_KEY,
    DEFAULTS,
    ClassSize,
    ClassSizeRules,
    GradeEnrolment,
    check_classes,
    check_grades,
    classes_needed,
    grades_from_classes,
    size_level,
    students_by_stage,
)
from schools.stages import GradeLayout, SchoolType, Stage

PROPERTY = settings(database=None, deadline=None)
RULES = ClassSizeRules.from_value()
P, J, S = Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR
ALL = [P, J, S]


def _one(classes, stages=ALL):
    findings = check_classes(classes, RULES, stages=stages)
    assert len(findings) <= 1
    return findings[0] if findings else None


def test_defaults():
    assert DEFAULTS[CLASS_SIZE_KEY]["standard"] == {"primary": 45, "junior": 50, "senior": 50}
    assert (RULES.oversized, RULES.super_sized, RULES.implausible_above) == (56, 66, 100)


@pytest.mark.parametrize(
    ("stage", "students", "code"),
    [
        (P, 0, None),
        (P, 45, None),
        (P, 46, "above_standard"),
        (J, 50, None),
        (J, 51, "above_standard"),
        (S, 50, None),
        (S, 55, "above_standard"),
        (P, 55, "above_standard"),
        (P, 56, "oversized"),
        (S, 56, "oversized"),
        (J, 65, "oversized"),
        (J, 66, "super_sized"),
        (P, 100, "super_sized"),
        (P, 101, "implausible"),
        (S, 2000, "implausible"),
    ],
)
def test_size_levels_at_every_boundary(stage, students, code):
    assert size_level(students, stage, RULES) == code


def test_messages_name_the_grade_and_class():
    finding = _one([ClassSize(7, "3班", 66)])
    assert finding.code == "super_sized"
    assert (finding.stage, finding.grade, finding.class_name) == (J, 7, "3班")
    assert str(finding.message) == "七年级 3班：学生 66 人，属超大班额（66 人及以上）"
    finding = _one([ClassSize(2, "1班", 58)])
    assert str(finding.message) == "二年级 1班：学生 58 人，属大班额（56 人及以上）"
    finding = _one([ClassSize(11, "2班", 52)])
    assert str(finding.message) == "高二 2班：学生 52 人，超过高中标准班额 50 人"
    finding = _one([ClassSize(4, "5班", 130)])
    assert str(finding.message) == "四年级 5班：学生 130 人，超过 100 人，请核对人数是否填错"


def test_levels():
    assert _one([ClassSize(1, "1班", 46)]).level == "notice"
    assert _one([ClassSize(1, "1班", 56)]).level == "warning"
    assert _one([ClassSize(1, "1班", 66)]).level == "warning"
    assert _one([ClassSize(1, "1班", 101)]).level == "warning"
    assert _one([ClassSize(1, "1班", -3)]).level == "error"


def test_negative_is_an_error():
    finding = _one([ClassSize(8, "2班", -3)])
    assert finding.code == "negative"
    assert finding.is_error
    assert str(finding.message) == "八年级 2班：学生数不能为负数（-3）"


def test_grades_outside_the_school_or_the_scale():
    findings = check_classes(
        [ClassSize(10, "1班", 40), ClassSize(13, "1班", 40)],
        RULES,
        stages=SchoolType.NINE_YEAR.stages,
    )
    assert [(f.code, f.is_error) for f in findings] == [
        ("grade_not_offered", True),
        ("unknown_grade", True),
    ]
    assert str(findings[0].message) == "高一 1班：本校未设高中学段"
    assert str(findings[1].message) == "年级「13」不存在，应为 1–12 年级"


def test_the_same_class_twice():
    findings = check_classes([ClassSize(3, "1班", 40), ClassSize(3, " 1班", 41)], RULES, stages=[P])
    assert [f.code for f in findings] == ["duplicate_class"]


def test_findings_come_in_grade_and_class_order_whatever_the_input_order():
    classes = [ClassSize(9, "2班", 70), ClassSize(7, "1班", 60), ClassSize(9, "1班", 57)]
    findings = check_classes(classes, RULES, stages=[J])
    assert [(f.grade, f.class_name) for f in findings] == [(7, "1班"), (9, "1班"), (9, "2班")]
    assert check_classes(reversed(classes), RULES, stages=[J]) == findings


def test_thresholds_are_parameters():
    rules = ClassSizeRules.from_value({"oversized": 50, "super_sized": 60})
    assert size_level(50, J, rules) == "oversized"
    assert size_level(60, J, rules) == "super_sized"
    with pytest.raises(ValueError):
        ClassSizeRules.from_value({"oversized": 70})


def test_grade_totals_check_the_largest_class_floor():
    # 4 classes, 221 students: some class has at least 56
    findings = check_grades([GradeEnrolment(7, 4, 221)], RULES, stages=[J])
    assert [f.code for f in findings] == ["oversized"]
    assert str(findings[0].message) == (
        "七年级（4 个班，共 221 人）：至少有一个班不少于 56 人，属大班额（56 人及以上）"
    )
    findings = check_grades([GradeEnrolment(7, 4, 220)], RULES, stages=[J])
    assert [f.code for f in findings] == ["above_standard"]
    assert check_grades([GradeEnrolment(7, 4, 200)], RULES, stages=[J]) == []
    findings = check_grades([GradeEnrolment(1, 2, 131)], RULES, stages=[P])
    assert [f.code for f in findings] == ["super_sized"]
    findings = check_grades([GradeEnrolment(1, 2, 91)], RULES, stages=[P])
    assert [f.code for f in findings] == ["above_standard"]
    findings = check_grades([GradeEnrolment(1, 1, 150)], RULES, stages=[P])
    assert [f.code for f in findings] == ["implausible"]


def test_grade_total_errors():
    findings = check_grades(
        [
            GradeEnrolment(1, 0, 30),
            GradeEnrolment(2, 3, -1),
            GradeEnrolment(3, -1, 20),
            GradeEnrolment(4, 0, 0),
            GradeEnrolment(4, 1, 20),
        ],
        RULES,
        stages=[P],
    )
    assert [(f.grade, f.code) for f in findings] == [
        (1, "no_classes"),
        (2, "negative"),
        (3, "negative"),
        (4, "duplicate_grade"),
    ]
    assert all(f.is_error for f in findings)
    assert str(findings[0].message) == "一年级：有 30 名学生，但班级数为 0"
    assert str(findings[1].message) == "二年级：学生数不能为负数（-1）"
    assert str(findings[2].message) == "三年级：班级数不能为负数（-1）"


def test_totals_and_students_by_stage():
    classes = [ClassSize(6, "1班", 40), ClassSize(6, "2班", 42), ClassSize(7, "1班", 50)]
    grades = grades_from_classes(classes)
    assert grades == [GradeEnrolment(6, 2, 82), GradeEnrolment(7, 1, 50)]
    assert students_by_stage(grades) == {P: 82, J: 50}
    # 五四制: grade 6 belongs to 初中
    layout = GradeLayout.from_value({"primary": [1, 5], "junior": [6, 9], "senior": [10, 12]})
    assert students_by_stage(grades, layout) == {J: 132}


def test_classes_needed():
    assert classes_needed(0, P, RULES) == 0
    assert classes_needed(45, P, RULES) == 1
    assert classes_needed(46, P, RULES) == 2
    assert classes_needed(101, J, RULES) == 3


@PROPERTY
@given(st.lists(st.integers(0, 120), min_size=1, max_size=12), st.sampled_from([P, J, S]))
def test_a_grade_total_warning_means_some_class_has_it(sizes, stage):
    layout = GradeLayout.from_value()
    grade = layout.first[stage]
    classes = [ClassSize(grade, f"{n + 1}班", size) for n, size in enumerate(sizes)]
    by_class = {f.code for f in check_classes(classes, RULES, stages=[stage])}
    by_grade = {f.code for f in check_grades(grades_from_classes(classes), RULES, stages=[stage])}
    order = ["above_standard", "oversized", "super_sized", "implausible"]
    for code in by_grade:
        # the class list holds a class at least as serious as the grade total shows
        assert any(order.index(c) >= order.index(code) for c in by_class)
    assert math.ceil(sum(sizes) / len(sizes)) <= max(sizes)
