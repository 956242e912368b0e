"""Refusals and the tally's reason are messages translated where they are shown (issue 9
item 20): a refusal reads in the reader's language, and a reason stored when the motion closed
reads in English to an English reader and in Chinese to a Chinese one, whoever closed it.
"""

from __future__ import annotations

import html
import importlib.util
import re
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from hypothesis import given, settings
from hypothesis import strategies as st

from core.extensions import db
from core.roles import Role
from institutions.governance import messages
from institutions.governance.charter import Charter
from institutions.governance.models import Motion
from institutions.governance.motions import operations as motion_ops
from institutions.governance.tally import Base, MotionCategory, Share, tally
from tests import factories
from tests.governance_db.helpers import T0, convene, make_council, motion_on, vote_all

#: CJK ideographs, CJK punctuation and full-width forms
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

_MIGRATION = next(Path("migrations/versions").glob("9b3e1d7c2a40_*.py"))


def _migration():
    spec = importlib.util.spec_from_file_location("reasons_migration", _MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def council(app):
    seated = make_council(5)
    secretary = factories.create_user(
        Role.COUNCIL_SECRETARY, institution=seated.institution, full_name="秘书丙"
    )
    db.session.commit()
    return SimpleNamespace(seated=seated, institution=seated.institution, secretary=secretary)


def _as(client, user, lang: str):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["lang"] = lang
    return client


def _url(council, *parts) -> str:
    return "/governance/" + "/".join(str(p) for p in (council.institution.id, *parts))


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- refusals ------------------------------------------------------------------------------


def test_a_refusal_built_from_the_tally_reads_in_the_readers_language(client, council):
    motion = motion_on(convene(council.seated, absent=(2, 3, 4)))
    db.session.commit()

    english = _text(
        _as(client, council.secretary, "en").post(_url(council, "motions", motion.id, "open"))
    )
    assert "2 members present, short of the quorum of 4; voting cannot be opened" in english
    assert "不足法定人数" not in english

    chinese = _text(
        _as(client, council.secretary, "zh").post(_url(council, "motions", motion.id, "open"))
    )
    assert "出席理事 2 人，不足法定人数 4 人，不能开始表决" in chinese


def test_a_refusal_with_a_name_reads_in_the_readers_language(client, council):
    member = council.seated.members[2]
    motion = motion_on(convene(council.seated))
    motion_ops.recuse(motion, member, "配偶在对方单位任职")
    db.session.commit()
    data = {"reason": "再次回避"}
    url = _url(council, "motions", motion.id, "recuse")

    response = _as(client, member, "en").post(url, data=data)
    assert response.status_code == 422
    assert f"{member.full_name} has already recused" in _text(response)

    response = _as(client, member, "zh").post(url, data=data)
    assert f"{member.full_name} 已登记回避" in _text(response)


def test_a_refusal_of_a_vote_reads_in_english(client, council):
    motion = motion_on(convene(council.seated))
    db.session.commit()
    member = council.seated.members[1]
    response = _as(client, member, "en").post(
        _url(council, "motions", motion.id, "vote"), data={"choice": "yes"}
    )
    assert response.status_code == 422
    assert "Voting on the motion has not opened yet" in _text(response)


# --- the stored reason ---------------------------------------------------------------------

PASSED_EN = "5 in favour, more than half of all council members (at least 3 votes): passed"
PASSED_ZH = "赞成 5 票，超过全体理事半数（至少 3 票），通过"


def _closed(council) -> Motion:
    """A motion the (Chinese-reading) chair closed: 5 of 5 voted yes."""
    motion = motion_on(convene(council.seated))
    motion_ops.open_voting(motion, now=T0)
    vote_all(motion, council.seated.members, "yes")
    motion_ops.close_motion(motion, actor=council.seated.chair)
    db.session.commit()
    return motion


def test_the_stored_reason_is_a_message_not_text(council):
    motion = _closed(council)
    assert (
        motion.outcome["reason"]["id"]
        == "%(votes)s超过%(who)s%(share)s（至少 %(needed)d 票），通过"
    )
    assert motion.reason is None
    assert motion.reason_message == PASSED_ZH


@pytest.mark.parametrize("page", ["motion", "meeting", "index", "resolution"])
def test_the_stored_reason_reads_in_the_readers_language(client, council, page):
    motion = _closed(council)
    url = {
        "motion": _url(council, "motions", motion.id),
        "meeting": _url(council, "meetings", motion.meeting_id),
        "index": _url(council) + "/",
        "resolution": _url(council, "resolutions", motion.resolution.id),
    }[page]
    member = council.seated.members[1]
    english = _text(_as(client, member, "en").get(url))
    assert PASSED_EN in english
    assert PASSED_ZH not in english
    chinese = _text(_as(client, member, "zh").get(url))
    assert PASSED_ZH in chinese


def test_the_resolutions_export_reads_in_the_readers_language(client, council):
    import io

    from openpyxl import load_workbook

    _closed(council)
    member = council.seated.members[1]
    for lang, expected in (("en", PASSED_EN), ("zh", PASSED_ZH)):
        response = _as(client, member, lang).get(_url(council, "resolutions/export"))
        sheet = load_workbook(io.BytesIO(response.data)).active
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        assert expected in values, lang


def test_an_older_row_with_text_still_shows_its_text(client, council):
    motion = _closed(council)
    _write_as_before(motion, {**motion.outcome, "reason": "旧的理由"}, "旧的理由")
    db.session.commit()
    motion = db.session.get(Motion, motion.id)
    assert motion.reason_message == "旧的理由"
    page = _text(
        _as(client, council.seated.members[1], "zh").get(_url(council, "motions", motion.id))
    )
    assert "旧的理由" in page


def _write_as_before(motion: Motion, outcome: dict, reason: str) -> None:
    """Store the motion as the code before wrote it (a decided motion is locked to the ORM)."""
    table = Motion.__table__
    db.session.execute(
        sa.update(table).where(table.c.id == motion.id).values(outcome=outcome, reason=reason)
    )
    db.session.expire_all()


# --- the migration of the rows written before ------------------------------------------------

FRACTIONS = [Fraction(1, 2), Fraction(2, 3), Fraction(3, 4), Fraction(3, 5), Fraction(11, 20)]


@settings(max_examples=300, deadline=None)
@given(
    seated=st.integers(min_value=1, max_value=12),
    data=st.data(),
    category=st.sampled_from(list(MotionCategory)),
    written=st.booleans(),
    ordinary=st.sampled_from(FRACTIONS),
    major=st.sampled_from(FRACTIONS[1:]),
    base=st.sampled_from(list(Base)),
    casting=st.booleans(),
)
def test_every_reason_the_tally_wrote_as_text_migrates_to_its_message(
    seated, data, category, written, ordinary, major, base, casting
):
    charter = Charter(
        ordinary_threshold=ordinary,
        major_threshold=major,
        ordinary_base=base,
        major_base=base,
        chair_casting_vote=casting,
    )
    members = list(range(1, seated + 1))
    present = data.draw(st.sets(st.sampled_from(members)))
    recused = data.draw(st.sets(st.sampled_from(members), max_size=3))
    absent = [m for m in members if m not in present]
    proxies = {a: data.draw(st.sampled_from(members)) for a in absent[:2]}
    ballots = {
        m: data.draw(st.sampled_from(["yes", "no", "abstain"]))
        for m in data.draw(st.sets(st.sampled_from(members + [99])))
    }
    outcome = tally(
        charter,
        category=category,
        seated=members,
        present=present,
        proxies=proxies,
        recused=recused,
        ballots=ballots,
        chair_id=1,
        written=written,
    )
    migration = _migration()
    # what the old code stored: the Chinese sentence
    text = str(outcome.reason)
    stored = messages.dump(outcome.reason)
    assert migration._reason(text) == stored
    assert migration._text(stored) == text
    for note in outcome.notes:
        assert migration._note(str(note)) == messages.dump(note)


def test_the_migration_rewrites_older_rows_and_back(app, council):
    motion = _closed(council)
    notes = ["理事 7 未出席且无有效委托，表决票不计入", "一句不认识的话"]
    _write_as_before(motion, {**motion.outcome, "reason": PASSED_ZH, "notes": notes}, PASSED_ZH)
    migration = _migration()
    connection = db.session.connection()
    with Operations.context(MigrationContext.configure(connection)):
        migration.upgrade()
    db.session.expire_all()
    motion = db.session.get(Motion, motion.id)
    assert motion.reason is None
    assert isinstance(motion.outcome["reason"], dict)
    assert motion.reason_message == PASSED_ZH
    assert motion.outcome["notes"][1] == "一句不认识的话"
    assert messages.load(motion.outcome["notes"][0]) == "理事 7 未出席且无有效委托，表决票不计入"
    with Operations.context(MigrationContext.configure(connection)):
        migration.downgrade()
    db.session.expire_all()
    motion = db.session.get(Motion, motion.id)
    assert motion.reason == PASSED_ZH
    assert motion.outcome["reason"] == PASSED_ZH


def test_a_share_reads_as_words_in_chinese_and_digits_in_english(app):
    from flask_babel import force_locale

    with app.test_request_context():
        with force_locale("zh"):
            assert str(Share(Fraction(2, 3))) == "三分之二"
        with force_locale("en"):
            assert str(Share(Fraction(2, 3))) == "2/3"
            assert str(Share(Fraction(1, 2))) == "half"
    assert not CJK.search(PASSED_EN)


def test_a_short_notice_warning_reads_in_the_readers_language(client, council):
    from datetime import timedelta

    from core.models import utcnow
    from institutions.governance.models import MeetingKind

    for lang, expected in (
        ("en", "A regular meeting needs 10 days' notice and this one got only 2"),
        ("zh", "定期会议应提前 10 天通知，本次仅提前 2 天"),
    ):
        meeting = convene(
            council.seated, kind=MeetingKind.REGULAR, scheduled_at=utcnow() + timedelta(days=2)
        )
        db.session.commit()
        client = _as(client, council.secretary, lang)
        client.post(_url(council, "meetings", meeting.id, "notice"))
        page = html.unescape(_text(client.get(_url(council, "meetings", meeting.id))))
        assert expected in page, lang
