"""Motion forms: the motion, opening and closing the vote, the ballot, a recusal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
    Length,
    NumberRange,
    Optional,
)

from core.forms import choices
from institutions.governance.meetings.forms import DATETIME_FORMATS, RETURN_TO, optional_int
from institutions.governance.tally import Choice, MotionKind


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
