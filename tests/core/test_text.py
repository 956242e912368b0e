"""Display text and file names lose invisible and control characters."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.text import bounded, clean_text, safe_filename


def test_bidi_override_is_removed_from_names():
    assert clean_text("张\u202e三") == "张三"
    assert clean_text("  李\u200b 四\t ") == "李 四"


def test_file_names_lose_paths_bidi_and_keep_the_extension():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\temp\\议程.pdf") == "议程.pdf"
    assert safe_filename("report\u202efdp.exe") == "reportfdp.exe"
    long = "会" * 150 + ".docx"
    shortened = safe_filename(long, max_length=40)
    assert len(shortened) <= 40 and shortened.endswith(".docx")
    assert safe_filename("...") == "file"


@given(st.text())
def test_cleaning_is_idempotent_and_bounded(value):
    once = clean_text(value, max_length=30)
    assert clean_text(once, max_length=30) == once
    assert len(once) <= 30
    assert len(safe_filename(value, max_length=40)) <= 40


def test_bounded_fits_a_column():
    assert bounded("a" * 300, 255) == "a" * 254 + "…"
    assert bounded("short", 255) == "short"
    assert bounded(None, 10) is None
