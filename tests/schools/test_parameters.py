"""The schools parameters: distinct keys, JSON values that build the same rules, seeding."""

from __future__ import annotations

import json
from datetime import date

from core.parameters import parameter
from schools import parameters
from schools.allowance import ALLOWANCE_KEY, AllowanceRules
from schools.congress import CONGRESS_KEY, CongressRules
from schools.enrolment import CLASS_SIZE_KEY, ClassSizeRules
from schools.lumpsum import BUDGET_KEY, LUMP_SUM_KEY, BudgetRules, LumpSumRules
from schools.stages import GRADE_LAYOUT_KEY, GradeLayout

TYPED = {
    GRADE_LAYOUT_KEY: GradeLayout.from_value,
    ALLOWANCE_KEY: AllowanceRules.from_value,
    CLASS_SIZE_KEY: ClassSizeRules.from_value,
    LUMP_SUM_KEY: LumpSumRules.from_value,
    BUDGET_KEY: BudgetRules.from_value,
    CONGRESS_KEY: CongressRules.from_value,
}


def test_keys_are_namespaced_and_sourced():
    assert all(key.startswith("schools.") for key in parameters.DEFAULTS)
    assert set(parameters.SOURCES) == set(parameters.DEFAULTS)
    assert all(len(source) <= 255 for source in parameters.SOURCES.values())
    assert set(TYPED) <= set(parameters.DEFAULTS)


def test_stored_json_builds_the_same_rules_as_the_defaults():
    for key, build in TYPED.items():
        stored = json.loads(json.dumps(parameters.DEFAULTS[key]))
        assert build(stored) == build(None), key


def test_seeding_is_idempotent_and_readable(app):
    parameters.ensure_defaults()
    parameters.ensure_defaults()
    on = date(2026, 9, 1)
    value = parameter(ALLOWANCE_KEY, on)
    assert (
        AllowanceRules.from_value(value).students_per_staff
        == AllowanceRules.from_value().students_per_staff
    )
    assert parameter(CLASS_SIZE_KEY, on)["oversized"] == 56
