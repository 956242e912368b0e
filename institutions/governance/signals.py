"""Signals the governance package sends, so that higher packages can act on council decisions.

``motion_decided`` is sent with the motion as sender, once its vote is closed and its outcome
recorded (status passed, rejected, referred or closed), with keyword arguments ``outcome``
(``tally.Outcome``) and ``resolution`` (``Resolution`` or None). Each receiver runs inside the
transaction that closes the motion, in its own savepoint: its writes commit with the close,
and a receiver that raises has its writes undone, is recorded on the motion
(``DecisionFailure``) and reported to the secretary, while the other receivers still run and
the decision stands. A package deciding its own objects declares a subject kind
(``subjects.SubjectKind.on_decided``) rather than filtering here; receivers that do filter
use ``motion.subject_kind`` and ``motion.subject_id``::

    @motion_decided.connect
    def _on_decided(motion, outcome, resolution):
        if motion.subject_kind == "hr.post_plan" and resolution is not None:
            approve_plan(int(motion.subject_id), resolution)
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent when a motion's vote closes (sender: the Motion).
motion_decided = _signals.signal("governance.motion-decided")
