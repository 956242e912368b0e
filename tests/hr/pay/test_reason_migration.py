"""Migration 5d2f7a1c9e30 turns the Chinese salary-step reasons into message ids."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flask_babel import force_locale

from core.i18n import from_json, joined, source_text

PATH = (
    Path(__file__).parents[3]
    / "migrations/versions/5d2f7a1c9e30_salary_step_reasons_as_message_ids.py"
)


@pytest.fixture(scope="module")
def migration():
    spec = importlib.util.spec_from_file_location("reason_migration", PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "text",
    [
        "入职定级",
        "人员花名册导入",
        "2025 年度考核优秀，薪级晋升一级",
        "聘任专技 8 级岗位，薪级由 6 级升至起点薪级 9 级",
        "更正聘任为管理 5 级岗位，薪级由 21 级改为 17 级",
        "聘任普通工岗位，薪级由 1 级升至起点薪级 2 级",
        "入职定级；2026 年度考核合格，薪级晋升一级",
    ],
)
def test_known_reasons_become_messages_that_read_the_same(app, migration, text):
    parsed = [migration._parse(part) for part in text.split("；")]
    assert all(parsed)
    message = joined([from_json(item) for item in parsed], "；")
    assert source_text(message) == text
    with app.test_request_context(), force_locale("en"):
        english = str(message)
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), english
    assert migration._text(parsed[-1]) == text.split("；")[-1]  # the downgrade's text


def test_free_text_is_left_as_written(migration):
    assert migration._parse("套改") is None
    assert migration._parse("聘任某某岗位，薪级由 1 级升至起点薪级 2 级") is None
