"""Meeting forms: calling a meeting, attendance and proxies, papers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

from core.forms import choices
from institutions.governance.models import CalledBy, MeetingKind, MeetingMode, Presence

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
