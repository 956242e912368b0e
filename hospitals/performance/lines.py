"""A scheme's indicators as HR writes them: one line each, "indicator weight".

Pure parsing (no database). The indicator is named by its catalogue key or its label
("DRG 点数 40", "drg_points 40%", or the label in the reader's language); a name the catalogue does not know is kept as the
hospital's own indicator, so :func:`hospitals.scheme.check_scheme` can say why it is
refused — a revenue-linked name is refused citing the rule, anything else as not allowed.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from core.errors import Refusal
from core.i18n import msg
from hospitals.indicators import ALLOWED, FORBIDDEN
from hospitals.scheme import SchemeIndicator

_LINE = re.compile(r"^(?P<name>.+?)[\s,，:：=]+(?P<weight>[0-9]+(?:\.[0-9]+)?)\s*%?$")


def _label_text(label) -> str:
    return label if isinstance(label, str) else label.id


def _shown(label) -> str:
    """The label in the reader's language (the Chinese id outside a request)."""
    if isinstance(label, str):
        return label
    try:
        return str(label)
    except RuntimeError:  # no application or request context: no locale to translate into
        return label.id


def _by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    for catalogue in (ALLOWED, FORBIDDEN):
        for key, item in catalogue.items():
            names[key.lower()] = key
            names[_label_text(item.label).replace(" ", "").lower()] = key
            names.setdefault(_shown(item.label).replace(" ", "").lower(), key)
    return names


def parse_lines(text: str) -> list[SchemeIndicator]:
    """Return the indicators of ``text``; refuse naming the line that cannot be read."""
    names = _by_name()
    found: list[SchemeIndicator] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise Refusal(
                msg(
                    "第 %(n)d 行「%(line)s」应写作「指标 权重」，如「DRG 点数 40」",
                    n=number,
                    line=line,
                ),
                field="indicators",
            )
        name = match.group("name").strip()
        try:
            weight = Decimal(match.group("weight"))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise Refusal(msg("第 %(n)d 行的权重不是数字", n=number), field="indicators") from None
        key = names.get(name.replace(" ", "").lower())
        found.append(SchemeIndicator(key, weight) if key else SchemeIndicator(name, weight, name))
    if not found:
        raise Refusal(msg("方案至少要有一项考核指标"), field="indicators")
    return found


def format_lines(indicators) -> str:
    """Return stored indicators (key, weight) as the lines a form shows."""
    rows = []
    for key, weight in indicators:
        item = ALLOWED.get(key)
        label = _shown(item.label) if item else key
        rows.append(f"{label} {weight.normalize():f}")
    return "\n".join(rows)
