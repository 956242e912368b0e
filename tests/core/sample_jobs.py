"""Job kinds the tests run: in the test process (immediate mode) and in a real worker."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from core.extensions import db
from core.i18n import msg
from core.jobs import JobContext, JobFailed, JobKind, register_job_kind
from core.notifications import notify


def _count(ctx: JobContext):
    """Count to ``n`` with progress, write one message, hand back a file and a summary.

    With a ``gate`` path it waits, after the counting, until that file exists: a test can
    then watch the progress of a job that is still running.
    """
    n = int(ctx.params.get("n", 3))
    for i in range(1, n + 1):
        ctx.progress(i, n)
    gate = ctx.params.get("gate")
    if gate:
        deadline = time.monotonic() + 60
        while not Path(gate).exists():
            if time.monotonic() > deadline:
                raise JobFailed(msg("测试闸门没有打开"))
            time.sleep(0.05)
    if ctx.actor is not None:
        notify([ctx.actor], f"样例任务完成：{n}")
    ctx.attach(f"序号\n{n}\n".encode(), "结果.csv")
    return {"summary": msg("已处理 %(n)d 项", n=n)}


def _fail(ctx: JobContext):
    """Write something, then fail with row errors: nothing it wrote may stay."""
    ctx.progress(1, 2)
    if ctx.actor is not None:
        notify([ctx.actor], "不该留下的消息")
    db.session.flush()
    raise JobFailed(
        [
            "第 2 行「姓名」：不能为空",
            msg(
                "第 %(row)d 行「%(column)s」：%(reason)s",
                row=3,
                column="身份证号",
                reason="校验码不对",
            ),
        ]
    )


def _crash(ctx: JobContext):
    raise RuntimeError("a bug in the job")


KINDS = (
    JobKind("test.count", msg("样例计数"), _count),
    JobKind("test.fail", msg("样例失败"), _fail),
    JobKind("test.crash", msg("样例崩溃"), _crash),
)


def register(app: Flask) -> None:
    for kind in KINDS:
        register_job_kind(app, kind)
