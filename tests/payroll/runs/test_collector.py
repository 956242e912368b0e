"""Computing a run pauses the cyclic garbage collector and always switches it back on."""

from __future__ import annotations

import gc

import pytest

from payroll.runs.operations import _collector_paused


def test_the_collector_is_paused_inside_and_back_on_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("a refusal or a database error")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with _collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
