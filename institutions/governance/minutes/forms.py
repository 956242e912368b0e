"""Minutes forms: the draft and the correction (a discussion field per motion), signing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
)

from core.i18n import msg


def _discussion_field(label):
    return TextAreaField(label, validators=[Optional(), Length(max=20000)], render_kw={"rows": 3})


def _with_discussion(base: type[FlaskForm], motions, major_ids=frozenset()) -> type[FlaskForm]:
    """Return ``base`` with one 发言要点 field per motion, named ``discussion_<motion id>``,
    and for each 三重一大 item (``major_ids``) the principal leader's statement, spoken last
    (``leader_<motion id>``)."""
    fields = {}
    for m in motions:
        # msg(), not _l(): a lazy string's __html__ would mark the title safe too
        fields[f"discussion_{m.id}"] = _discussion_field(
            msg("%(p)d. %(t)s：发言要点", p=m.position, t=m.title)
        )
        if m.id in major_ids:
            fields[f"leader_{m.id}"] = _discussion_field(
                msg("%(p)d. %(t)s：主要负责人最后发言（三重一大事项必填）", p=m.position, t=m.title)
            )
    return type(base.__name__, (base,), fields)


class _MinutesDraftBase(FlaskForm):
    confirm = BooleanField(
        _l("已核对出席、表决结果和发言要点；起草纪要后会议结束，出席情况不能再修改"),
        validators=[DataRequired(_l("请先确认已核对会议记录"))],
    )
    submit = SubmitField(_l("起草会议纪要"))

    def discussion(self) -> dict[int, str]:
        """Return {motion id: speakers' main points} for the items filled in."""
        return self._by_motion("discussion_")

    def leader_statements(self) -> dict[int, str]:
        """Return {motion id: the principal leader's statement} for the items filled in."""
        return self._by_motion("leader_")

    def _by_motion(self, prefix: str) -> dict[int, str]:
        return {
            int(f.name.removeprefix(prefix)): f.data.strip()
            for f in self
            if f.name.startswith(prefix) and (f.data or "").strip()
        }


class _MinutesCorrectBase(_MinutesDraftBase):
    confirm = None  # a correction does not end the meeting: it is confirmed by its note
    minutes_id = HiddenField(validators=[DataRequired(_l("请选择要更正的纪要版本"))])
    note = TextAreaField(
        _l("更正说明"),
        validators=[DataRequired(_l("请填写更正说明")), Length(max=2000)],
        description=_l("说明更正了什么、为什么更正；更正形成新版本，须重新签署"),
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("形成更正版本"))


def minutes_draft_form(motions, major_ids=frozenset(), **kwargs) -> FlaskForm:
    """Return the form drafting minutes, with the meeting's agenda items."""
    return _with_discussion(_MinutesDraftBase, motions, major_ids)(**kwargs)


def minutes_correct_form(motions, major_ids=frozenset(), **kwargs) -> FlaskForm:
    """Return the form correcting minutes; blank discussion fields keep the earlier text."""
    return _with_discussion(_MinutesCorrectBase, motions, major_ids)(**kwargs)


class SignMinutesForm(FlaskForm):
    minutes_id = HiddenField(validators=[DataRequired(_l("请选择要签署的纪要版本"))])
    submit = SubmitField(_l("签署会议纪要"))
