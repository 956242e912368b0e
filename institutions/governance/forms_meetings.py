"""Forms of the meetings pages: meetings, attendance, papers, motions, opening, voting, recusal.

They validate only; the views hand the data to ``operations`` and show its refusals.
Choices that depend on the institution (members, motions) are filled in by the view.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from core.forms import choices
from institutions.governance.models import CalledBy, MeetingKind, MeetingMode, Presence
from institutions.governance.tally import Choice, MotionKind

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
DATETIME_MESSAGE = _l("不是有效的时间，请按 YYYY-MM-DD HH:MM 填写")
#: how a view says where to go back to after a vote (a fixed word, never a URL)
RETURN_TO = ("motion", "my_votes")


def optional_int(value):
    """Coerce a select's value to an int; the empty option is None."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(_l("不是有效的选项")) from None


class MeetingForm(FlaskForm):
    """安排会议: a regular or special meeting, or a written vote (通讯表决)."""

    title = StringField(
        _l("会议名称"),
        validators=[DataRequired(_l("请填写会议名称")), Length(max=200)],
        description=_l("如：2026 年第二次理事会会议"),
    )
    kind = SelectField(
        _l("会议类型"),
        choices=choices((k.value, k.label) for k in MeetingKind),
        validators=[DataRequired()],
        description=_l("定期会议由理事长召集；临时会议可由三分之一以上理事或监事会提议"),
    )
    called_by = SelectField(
        _l("召集方式"),
        choices=choices((c.value, c.label) for c in CalledBy),
        validators=[DataRequired()],
    )
    mode = SelectField(
        _l("会议形式"),
        choices=choices((m.value, m.label) for m in MeetingMode),
        validators=[DataRequired()],
        description=_l("通讯表决只适用于一般事项；截止时间在开始表决时确定（至少 3 天）"),
    )
    scheduled_at = DateTimeLocalField(
        _l("会议时间"),
        format=DATETIME_FORMATS,
        validators=[InputRequired(_l("请填写会议时间"))],
        description=_l("通讯表决填写发出表决票的时间"),
    )
    place = StringField(
        _l("会议地点"),
        validators=[Optional(), Length(max=200)],
        description=_l("现场会议必填；视频会议可填会议号或链接"),
    )
    submit = SubmitField(_l("安排会议"))


class AttendanceForm(FlaskForm):
    """登记出席: one person's presence, or their written proxy (委托书) to a present member."""

    member_id = SelectField(
        _l("人员"), coerce=optional_int, validators=[InputRequired(_l("请选择人员"))]
    )
    presence = SelectField(
        _l("出席情况"),
        choices=choices((p.value, p.label) for p in Presence),
        validators=[DataRequired()],
    )
    proxy_to_id = SelectField(
        _l("委托出席的理事代为表决"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("仅缺席的理事可以委托；每位理事至多接受一人委托"),
    )
    proxy_instruction = TextAreaField(
        _l("委托书内容"),
        validators=[Optional(), Length(max=2000)],
        description=_l("写明委托事项和对每项议案的表决意见"),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("登记"))


class PaperForm(FlaskForm):
    """上传会议材料 (before voting opens)."""

    file = FileField(_l("文件"), validators=[FileRequired(_l("请选择要上传的文件"))])
    motion_id = SelectField(
        _l("所属议案"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("不选则为整个会议的材料"),
    )
    submit = SubmitField(_l("上传"))


class MotionForm(FlaskForm):
    """提出议案 or change a draft one."""

    title = StringField(
        _l("议案标题"), validators=[DataRequired(_l("请填写议案标题")), Length(max=200)]
    )
    text = TextAreaField(
        _l("议案内容"),
        validators=[DataRequired(_l("请填写议案内容"))],
        render_kw={"rows": 6},
    )
    kind = SelectField(
        _l("议案类型"),
        choices=choices((k.value, k.label) for k in MotionKind),
        validators=[DataRequired()],
        description=_l(
            "重大决策、重要人事任免、重大项目安排、大额资金使用属于三重一大，须附党组织前置研究记录"
        ),
    )
    major = BooleanField(
        _l("按重大事项表决"),
        description=_l("重大事项类型和达到大额资金标准的议案自动按重大事项表决"),
    )
    amount = DecimalField(
        _l("涉及金额（元）"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("金额不能为负数"))],
        render_kw={"inputmode": "decimal"},
    )
    counterparties = TextAreaField(
        _l("相关方"),
        validators=[Optional()],
        description=_l("议案涉及的人员和单位，每行一个；与理事申报的利害关系比对，提出回避建议"),
        render_kw={"rows": 3},
    )
    prior_study_record = TextAreaField(
        _l("党组织前置研究记录"),
        validators=[Optional()],
        description=_l("三重一大事项开始表决前必须填写：研究时间、参加人员和研究意见"),
        render_kw={"rows": 3},
    )
    prior_study_ref = StringField(
        _l("前置研究文号或会议记录编号"), validators=[Optional(), Length(max=128)]
    )
    submit = SubmitField(_l("保存议案"))

    def counterparty_names(self) -> list[str]:
        """Return the counterparties, one per non-empty line."""
        lines = (self.counterparties.data or "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class OpenForm(FlaskForm):
    """开始表决; a written vote needs its deadline."""

    deadline = DateTimeLocalField(
        _l("表决截止时间"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
        description=_l("通讯表决必填"),
    )
    submit = SubmitField(_l("开始表决"))


class CloseForm(FlaskForm):
    """结束表决, with the resolution's wording if it differs from the motion's."""

    resolution_text = TextAreaField(
        _l("决议内容"),
        validators=[Optional()],
        description=_l("不填则以议案内容作为决议内容"),
        render_kw={"rows": 2},
    )
    submit = SubmitField(_l("结束表决"))


class VoteForm(FlaskForm):
    """同意 / 反对 / 弃权, with an optional reason; for oneself or as a proxy."""

    choice = StringField(
        _l("表决意见"),
        validators=[
            DataRequired(_l("请选择同意、反对或弃权")),
            AnyOf([c.value for c in Choice], message=_l("请选择同意、反对或弃权")),
        ],
    )
    reason = TextAreaField(
        _l("理由（可选）"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    for_member_id = HiddenField(validators=[Optional()], filters=[optional_int])
    return_to = HiddenField(validators=[Optional(), AnyOf(RETURN_TO)])


class RecuseForm(FlaskForm):
    """回避: a member recuses themself, or a manager applies the proposed recusals."""

    action = HiddenField(validators=[Optional(), AnyOf(["self", "proposed"])], default="self")
    reason = TextAreaField(
        _l("回避理由"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 2},
    )
