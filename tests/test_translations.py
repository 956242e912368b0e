"""The English catalog is complete, keeps every placeholder and matches the template."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "translations" / "messages.pot"
ENGLISH = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _load(path: Path):
    with path.open("rb") as f:
        return read_po(f, abort_invalid=True)


def _texts(value) -> tuple[str, ...]:
    """A message id or string as a tuple, so plural forms are handled alike."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def english():
    return _load(ENGLISH)


@pytest.fixture(scope="module")
def template():
    return _load(TEMPLATE)


def _messages(catalog):
    return [message for message in catalog if message.id]


def test_catalog_is_not_empty(english):
    assert _messages(english)


def test_every_message_is_translated(english):
    untranslated = [
        message.id
        for message in _messages(english)
        if not all(text.strip() for text in _texts(message.string))
    ]
    assert untranslated == []


def test_no_message_is_fuzzy(english):
    assert not english.fuzzy
    assert [message.id for message in _messages(english) if message.fuzzy] == []


def test_placeholders_are_kept(english):
    mismatched = []
    for message in _messages(english):
        expected = set().union(*(_placeholders(text) for text in _texts(message.id)))
        for text in _texts(message.string):
            if _placeholders(text) != expected:
                mismatched.append((message.id, text))
    assert mismatched == []


def test_catalog_matches_template(english, template):
    english_ids = {message.id for message in _messages(english)}
    template_ids = {message.id for message in _messages(template)}
    assert sorted(map(str, template_ids - english_ids)) == [], "missing from the catalog"
    assert sorted(map(str, english_ids - template_ids)) == [], "obsolete in the catalog"
    assert [message.id for message in english.obsolete.values()] == []


def test_catalog_compiles(english):
    buffer = BytesIO()
    write_mo(buffer, english)
    assert buffer.getvalue()


def test_template_holds_every_message_in_the_code():
    """Run `make messages` (then translate) whenever this fails: new text is untranslated."""
    from babel.messages.extract import extract_from_dir

    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "N_": None,
        "lazy_gettext": None,
    }
    skip = {".venv", "tests", "bench", "migrations", "instance"}

    def keep(path: str) -> bool:
        return not (set(Path(path).parts) & skip)

    found = set()
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords, directory_filter=lambda p: keep(p)
    ):
        if keep(filename):
            found.add(message if isinstance(message, str) else message[0])
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in _load(TEMPLATE) if m.id}
    assert sorted(found - template) == []
