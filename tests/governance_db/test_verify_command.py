"""`flask governance verify`: passes on an intact chain, names the first broken record."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import text

from core.extensions import db
from institutions.governance.motions import operations as motion_ops
from tests.governance_db.helpers import T0, make_council, open_motion


def _history(council):
    motion = open_motion(council)
    ballots = [motion_ops.cast_ballot(motion, m, "yes", now=T0) for m in council.members]
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    return motion, ballots


def test_verify_passes_then_fails_after_a_ballot_is_altered(app):
    council, other = make_council(5), make_council(3)
    motion, ballots = _history(council)
    _history(other)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "表决票 8 张，决议 2 项" in result.output

    tampered = ballots[2]
    db.session.execute(
        text("UPDATE gov_ballots SET choice = 'no' WHERE id = :id"), {"id": tampered.id}
    )
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 1
    institution = council.institution
    assert f"{institution.credit_code} {institution.name}：ballot #{tampered.id}" in result.output
    assert "校验失败：1 个单位" in result.output
    # the other institution's chain is untouched
    code = other.institution.credit_code
    assert runner.invoke(args=["governance", "verify", "--institution", code]).exit_code == 0
    only = runner.invoke(args=["governance", "verify", "--institution", institution.credit_code])
    assert only.exit_code == 1


def test_verify_detects_an_altered_resolution_and_a_removed_newest_record(app):
    council = make_council(3)
    motion, _ballots = _history(council)
    runner = app.test_cli_runner()
    resolution_id = motion.resolution.id
    db.session.execute(
        text("UPDATE gov_resolutions SET text = '另一个决议' WHERE id = :id"), {"id": resolution_id}
    )
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 1
    assert f"resolution #{resolution_id}" in result.output
    db.session.execute(text("DELETE FROM gov_resolutions WHERE id = :id"), {"id": resolution_id})
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 1
    assert "最新的记录被删除" in result.output


def test_verify_unknown_institution(app):
    result = app.test_cli_runner().invoke(args=["governance", "verify", "--institution", "X"])
    assert result.exit_code != 0
    assert "找不到信用代码为「X」的单位" in result.output


def test_verify_recounts_each_decided_motion_from_its_ballots(app):
    council = make_council(5)
    motion, _ballots = _history(council)
    rejected = open_motion(council)
    for member in council.members:
        motion_ops.cast_ballot(rejected, member, "no", now=T0)
    motion_ops.close_motion(rejected, now=T0 + timedelta(hours=1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 0, result.output
    assert "2 项已表决议案按表决票复核一致" in result.output
    assert f"链头：{council.institution.credit_code} #11 " in result.output
    # the motion rows are not in the chain: a rewritten result shows against the ballots
    db.session.execute(
        text("UPDATE gov_motions SET status = 'passed' WHERE id = :id"), {"id": rejected.id}
    )
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 1
    assert f"议案 #{rejected.id}" in result.output
    assert "记录为「通过」，按表决票复核应为「未通过」" in result.output
    assert "校验失败：1 项议案的表决结果与表决票复核不符" in result.output
    assert "哈希链被破坏" not in result.output
    db.session.execute(
        text("UPDATE gov_motions SET status = 'rejected' WHERE id = :id"), {"id": rejected.id}
    )
    outcome = dict(motion.outcome, yes=3, no=2)
    db.session.execute(
        text("UPDATE gov_motions SET outcome = :o WHERE id = :id"),
        {"o": json.dumps(outcome), "id": motion.id},
    )
    result = runner.invoke(args=["governance", "verify"])
    assert result.exit_code == 1
    assert "记录的票数（同意 3、反对 2、弃权 0）与表决票复核（同意 5、反对 0、弃权 0）不符" in (
        result.output
    )
