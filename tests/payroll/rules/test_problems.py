"""Problems and row errors are message ids, translated where shown."""

from core.i18n import msg
from payroll.problems import RowError, Severity, error, warning


def test_row_error_locations():
    reason = msg("金额应大于 0")
    assert str(RowError(3, "岗位工资", reason)) == "第 3 行「岗位工资」：金额应大于 0"
    assert str(RowError(3, None, reason)) == "第 3 行：金额应大于 0"
    assert str(RowError(None, "岗位工资", reason)) == "列「岗位工资」：金额应大于 0"
    assert str(RowError(None, None, reason)) == "金额应大于 0"


def test_row_error_escapes_the_column_in_html():
    html = RowError(2, "<b>", msg("金额应大于 0")).message.__html__()
    assert "&lt;b&gt;" in html


def test_severity():
    assert error("x", msg("a")).blocking and error("x", msg("a")).severity is Severity.ERROR
    assert not warning("x", msg("a")).blocking
