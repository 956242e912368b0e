"""The hospitals parameters: distinct keys, JSON values that build the same rules, seeding."""

from __future__ import annotations

import json
from datetime import date

from core.parameters import parameter
from hospitals import parameters
from hospitals.benchmarks import BENCHMARKS_KEY, BenchmarkRules
from hospitals.leadership import LEADERSHIP_KEY, LeadershipRules
from hospitals.paygap import PAY_GAP_KEY, GapRules

TYPED = {
    BENCHMARKS_KEY: BenchmarkRules.from_value,
    PAY_GAP_KEY: GapRules.from_value,
    LEADERSHIP_KEY: LeadershipRules.from_value,
}


def test_keys_are_namespaced_and_sourced():
    assert all(key.startswith("hospitals.") for key in parameters.DEFAULTS)
    assert set(parameters.SOURCES) == set(parameters.DEFAULTS)
    assert all(len(source) <= 255 for source in parameters.SOURCES.values())
    assert set(TYPED) == set(parameters.DEFAULTS)


def test_stored_json_builds_the_same_rules_as_the_defaults():
    for key, build in TYPED.items():
        stored = json.loads(json.dumps(parameters.DEFAULTS[key]))
        assert build(stored) == build(None), key


def test_seeding_is_idempotent_and_readable(app):
    parameters.ensure_defaults()
    parameters.ensure_defaults()
    value = parameter(PAY_GAP_KEY, date(2026, 1, 1))
    assert GapRules.from_value(value) == GapRules.from_value()
