"""Signals the governance package sends, so that higher packages can act on council decisions.

``motion_decided`` is sent with the motion as sender, once its vote is closed and its outcome
recorded (status passed, rejected, referred or closed), with keyword arguments ``outcome``
(``tally.Outcome``) and ``resolution`` (``Resolution`` or None). It is sent inside the
transaction that closes the motion: a receiver's writes commit or roll back with it, and an
exception in a receiver aborts the close. Receivers filter on ``motion.linked_type``::

    @motion_decided.connect
    def _on_decided(motion, outcome, resolution):
        if motion.linked_type == "recruitment_plan" and resolution is not None:
            approve_plan(int(motion.linked_id), resolution)
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent when a motion's vote closes (sender: the Motion).
motion_decided = _signals.signal("governance.motion-decided")
