"""Form helpers shared by every package."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Return select options from (value, label) pairs, in WTForms' current form."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_values(field) -> set:
    """Return the values a select field offers."""
    return {choice.value for choice in field.choices}
