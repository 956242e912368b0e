"""governance: the tally's reason and notes stored as message ids with parameters

The reason of a closed motion was stored as Chinese text (``gov_motions.reason`` and
``outcome["reason"]``), so it showed in Chinese to an English reader. It is now kept in
``outcome`` as {"id": source text, "params": {...}} and translated where it is shown. This
revision rewrites the existing rows: each sentence the tally wrote is matched back to its
message and parameters; a sentence that matches none stays text (shown as it is).

Revision ID: 9b3e1d7c2a40
Revises: 5d2f7a1c9e30
Create Date: 2026-11-27 22:20:00

"""

import json
import re

import sqlalchemy as sa
from alembic import op

revision = "9b3e1d7c2a40"
down_revision = "5d2f7a1c9e30"
branch_labels = None
depends_on = None

_DIGITS = "零一二三四五六七八九"
_WHO = "出席的无利害关系理事|全体无利害关系理事|无利害关系的出席理事|出席理事|全体理事"


def _msg(id_, **params):
    return {"id": id_, "params": params}


def _sub(id_):
    return {"msg": _msg(id_)}


def _numeral(text):
    """Return the int of a Chinese numeral 1-99 (十二 -> 12), or of digits."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        head, _, tail = text.partition("十")
        tens = _DIGITS.index(head) if head else 1
        return tens * 10 + (_DIGITS.index(tail) if tail else 0)
    return _DIGITS.index(text)


def _share(words):
    if words == "半数":
        return {"share": [1, 2]}
    denominator, _, numerator = words.partition("分之")
    return {"share": [_numeral(numerator), _numeral(denominator)]}


def _reason(text):
    """Return the message of a reason sentence the tally wrote, or None."""
    for pattern, id_, names in (
        (r"无利害关系的理事不足 (\d+) 人，提交举办单位决定", "无利害关系的理事不足 %(min)d 人，提交举办单位决定", ("min",)),
        (
            r"收回无利害关系理事的表决票不足 (\d+) 份，提交举办单位决定",
            "收回无利害关系理事的表决票不足 %(min)d 份，提交举办单位决定",
            ("min",),
        ),
        (r"无利害关系的出席理事不足 (\d+) 人，提交举办单位决定", "无利害关系的出席理事不足 %(min)d 人，提交举办单位决定", ("min",)),
        (
            r"收回无利害关系理事的表决票 (\d+) 份，不足法定人数 (\d+) 份",
            "收回无利害关系理事的表决票 %(attending)d 份，不足法定人数 %(quorum)d 份",
            ("attending", "quorum"),
        ),
        (
            r"收回表决票 (\d+) 份，不足法定人数 (\d+) 份",
            "收回表决票 %(attending)d 份，不足法定人数 %(quorum)d 份",
            ("attending", "quorum"),
        ),
    ):
        found = re.fullmatch(pattern, text)
        if found:
            return _msg(id_, **{n: int(v) for n, v in zip(names, found.groups(), strict=True)})
    found = re.fullmatch(r"(无利害关系的出席理事|出席理事) (\d+) 人（含委托出席 (\d+) 人），不足法定人数 (\d+) 人", text)
    if found:
        who, attending, proxies, quorum = found.groups()
        return _msg(
            "%(who)s %(attending)d 人（含委托出席 %(proxies)d 人），不足法定人数 %(quorum)d 人",
            who=_sub(who),
            attending=int(attending),
            proxies=int(proxies),
            quorum=int(quorum),
        )
    found = re.fullmatch(r"(无利害关系的出席理事|出席理事) (\d+) 人，不足法定人数 (\d+) 人", text)
    if found:
        who, attending, quorum = found.groups()
        return _msg(
            "%(who)s %(attending)d 人，不足法定人数 %(quorum)d 人",
            who=_sub(who),
            attending=int(attending),
            quorum=int(quorum),
        )
    found = re.fullmatch(r"赞成 (\d+) 票，反对 (\d+) 票，票数相等，(.*)", text)
    if found:
        votes = {"msg": _msg("赞成 %(yes)d 票，反对 %(no)d 票，票数相等，", yes=int(found[1]), no=int(found[2]))}
        rest = found[3]
    else:
        found = re.fullmatch(r"赞成 (\d+) 票，(.*)", text)
        if not found:
            return None
        votes = {"msg": _msg("赞成 %(yes)d 票，", yes=int(found[1]))}
        rest = found[2]
    if rest == "理事长行使决定票，通过":
        return _msg("%(votes)s理事长行使决定票，通过", votes=votes)
    found = re.fullmatch(rf"(达到|未达到)({_WHO})(.+)（(\d+) 票），(通过|未通过)", rest)
    if found:
        reached, who, share, needed, _verdict = found.groups()
        id_ = f"%(votes)s{reached}%(who)s%(share)s（%(needed)d 票），{_verdict}"
    else:
        found = re.fullmatch(rf"(超过|未超过)({_WHO})(.+)（至少 (\d+) 票），(通过|未通过)", rest)
        if not found:
            return None
        reached, who, share, needed, _verdict = found.groups()
        id_ = f"%(votes)s{reached}%(who)s%(share)s（至少 %(needed)d 票），{_verdict}"
    try:
        share_value = _share(share)
    except ValueError:
        return None
    return _msg(id_, votes=votes, who=_sub(who), share=share_value, needed=int(needed))


_PROBLEMS = (
    (r"委托人不是在任理事", "委托人不是在任理事"),
    (r"委托人对本议案回避", "委托人对本议案回避"),
    (r"委托人已出席", "委托人已出席"),
    (r"不能委托本人", "不能委托本人"),
    (r"受托人 (\d+) 不是在任理事", "受托人 %(holder)s 不是在任理事"),
    (r"受托人 (\d+) 对本议案回避", "受托人 %(holder)s 对本议案回避"),
    (r"受托人 (\d+) 未出席", "受托人 %(holder)s 未出席"),
    (r"受托人 (\d+) 已接受其他理事的委托，每人至多受托一人", "受托人 %(holder)s 已接受其他理事的委托，每人至多受托一人"),
)


def _note(text):
    """Return the message of a note the tally wrote, or the text itself."""
    for pattern, id_ in (
        (r"通讯表决不适用委托，理事 (\d+) 的委托已忽略", "通讯表决不适用委托，理事 %(member)s 的委托已忽略"),
        (r"(\d+) 不是在任理事，表决票不计入", "%(member)s 不是在任理事，表决票不计入"),
        (r"理事 (\d+) 回避，表决票不计入", "理事 %(member)s 回避，表决票不计入"),
        (r"理事 (\d+) 未出席且无有效委托，表决票不计入", "理事 %(member)s 未出席且无有效委托，表决票不计入"),
    ):
        found = re.fullmatch(pattern, text)
        if found:
            return _msg(id_, member=int(found[1]))
    found = re.fullmatch(r"理事 (\d+) 的委托无效（(.+)），已忽略", text)
    if found:
        for pattern, id_ in _PROBLEMS:
            problem = re.fullmatch(pattern, found[2])
            if problem:
                params = {"holder": int(problem[1])} if problem.groups() else {}
                return _msg(
                    "理事 %(member)s 的委托无效（%(problem)s），已忽略",
                    member=int(found[1]),
                    problem={"msg": _msg(id_, **params)},
                )
    return text


def _words(share):
    numerator, denominator = share
    if [numerator, denominator] == [1, 2]:
        return "半数"

    def numeral(n):
        if not 0 < n < 100:
            return str(n)
        tens, ones = divmod(n, 10)
        if tens == 0:
            return _DIGITS[ones]
        return f"{'' if tens == 1 else _DIGITS[tens]}十{_DIGITS[ones] if ones else ''}"

    return f"{numeral(denominator)}分之{numeral(numerator)}"


def _text(message):
    """Return a stored message as the Chinese sentence it stands for."""
    if not isinstance(message, dict) or "id" not in message:
        return message
    values = {}
    for name, value in (message.get("params") or {}).items():
        if isinstance(value, dict) and "msg" in value:
            value = _text(value["msg"])
        elif isinstance(value, dict) and "share" in value:
            value = _words(value["share"])
        values[name] = value
    return message["id"] % values if values else message["id"]


def _rows(connection):
    motions = sa.table("gov_motions", sa.column("id"), sa.column("outcome", sa.JSON), sa.column("reason"))
    rows = connection.execute(sa.select(motions.c.id, motions.c.outcome, motions.c.reason))
    return motions, rows.all()


def _load(value):
    if value is None or isinstance(value, dict):
        return value
    return json.loads(value)


def upgrade():
    connection = op.get_bind()
    motions, rows = _rows(connection)
    for motion_id, outcome, reason in rows:
        outcome = _load(outcome)
        if not outcome:
            continue
        text = outcome.get("reason") if isinstance(outcome.get("reason"), str) else reason
        changed = False
        message = _reason(text) if text else None
        if message is not None:
            outcome["reason"] = message
            changed = True
        notes = outcome.get("notes") or []
        converted = [_note(note) if isinstance(note, str) else note for note in notes]
        if converted != notes:
            outcome["notes"] = converted
            changed = True
        if changed:
            connection.execute(
                motions.update()
                .where(motions.c.id == motion_id)
                .values(outcome=outcome, reason=None if message is not None else reason)
            )


def downgrade():
    connection = op.get_bind()
    motions, rows = _rows(connection)
    for motion_id, outcome, reason in rows:
        outcome = _load(outcome)
        if not outcome:
            continue
        stored = outcome.get("reason")
        if not isinstance(stored, dict) and not any(isinstance(n, dict) for n in outcome.get("notes") or []):
            continue
        text = _text(stored) if isinstance(stored, dict) else stored
        outcome["reason"] = text
        outcome["notes"] = [_text(note) for note in outcome.get("notes") or []]
        connection.execute(
            motions.update()
            .where(motions.c.id == motion_id)
            .values(outcome=outcome, reason=text if text is not None else reason)
        )
