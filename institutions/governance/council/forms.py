"""Council forms: seats, the charter settings and proposals to change them, declarations."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.forms import choices
from institutions.governance.charter import DEFAULTS, Base, Charter
from institutions.governance.models import BodyKind, Constituency, Office, Relation

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]


BAD_DATE = _l("不是有效日期，请按 YYYY-MM-DD 填写")


class SeatForm(FlaskForm):
    """Seat a person on the council, the supervisors or management (任命)."""

    # Choices are checked by the view and the operation, with messages in Chinese.
    user_id = SelectField(
        _l("人员"),
        coerce=str,
        validate_choice=False,
        validators=[Optional()],
        description=_l(
            "在本单位有账号角色的人员；外部理事须先由单位管理员开通账号。"
            "任命理事、监事时自动授予其本单位的相应角色"
        ),
    )
    body = SelectField(
        _l("机构"),
        validate_choice=False,
        choices=choices((k.value, k.label) for k in BodyKind),
        validators=[DataRequired(_l("请选择机构"))],
    )
    office = SelectField(
        _l("职务"),
        validate_choice=False,
        choices=choices((o.value, o.label) for o in Office),
        validators=[DataRequired(_l("请选择职务"))],
        description=_l(
            "理事会：理事长、副理事长、秘书、理事；监事会：监事长、监事；管理层：院长/校长、副职、财务负责人"
        ),
    )
    constituency = SelectField(
        _l("理事来源"),
        validate_choice=False,
        choices=choices([("", _l("（管理层不填）")), *((c.value, c.label) for c in Constituency)]),
        validators=[Optional()],
        description=_l("理事必填；举办单位代表、服务对象代表、社会代表、专家为外部理事"),
    )
    term_start_on = DateField(
        _l("任期开始"),
        validators=[InputRequired(_l("请填写任期开始日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    term_end_on = DateField(
        _l("任期结束"),
        validators=[Optional()],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
        description=_l("任期最后一天；理事任期一般 3–5 年"),
    )
    submit = SubmitField(_l("任命"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.user_id.data:
            self.user_id.errors = [*self.user_id.errors, _l("请选择人员")]
            valid = False
        start, end = self.term_start_on.data, self.term_end_on.data
        if start and end and end < start:
            self.term_end_on.errors = [*self.term_end_on.errors, _l("任期结束日期不能早于开始日期")]
            valid = False
        return valid


class EndSeatForm(FlaskForm):
    """End a seat's term early (辞职、免职)."""

    end_on = DateField(
        _l("任期结束日期"),
        validators=[InputRequired(_l("请填写任期结束日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
    )
    reason = StringField(
        _l("结束任期的原因"),
        validators=[DataRequired(_l("请填写结束任期的原因")), Length(max=500)],
    )
    submit = SubmitField(_l("结束任期"))


_FRACTION = re.compile(r"^\s*\d+\s*(/\s*\d+)?\s*$")


def _fraction(form, field) -> None:
    if not _FRACTION.match(field.data or "") or re.search(r"/\s*0+\s*$", field.data):
        raise ValidationError(_l("请写成分数，如 2/3 或 1/2"))


def _amount(form, field) -> None:
    try:
        value = Decimal((field.data or "").replace(",", "").strip())
    except InvalidOperation:
        raise ValidationError(_l("请填写金额（元），如 100000")) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(_l("金额不能为负数"))


def _default(name: str):
    value = DEFAULTS[name]
    if isinstance(value, bool):
        shown = _l("是") if value else _l("否")
    elif name in ("ordinary_base", "major_base"):
        shown = Base(value).message  # translated when the form is drawn
    else:
        shown = value
    return _l("默认：%(v)s", v=shown)


BASE_CHOICES = [(b.value, b.label) for b in Base]


#: Which field a charter rule's message is about, by the words it starts with.
_MESSAGE_FIELDS = (
    ("法定人数", "quorum_fraction"),
    ("一般事项", "ordinary_threshold"),
    ("重大事项", "major_threshold"),
    ("大额资金", "large_sum_threshold"),
    ("会议通知", "notice_days"),
    ("通讯表决期限", "written_vote_min_days"),
    ("通讯表决最短", "written_vote_min_days"),
)


class CharterForm(FlaskForm):
    """章程设置: quorum, thresholds and their bases, proxies, casting vote and the rest."""

    quorum_fraction = StringField(
        _l("法定人数比例"),
        validators=[DataRequired(_l("请填写法定人数比例")), _fraction],
        description=_l(
            "出席人数至少为全体在任理事的该比例（向上取整）；默认：%(d)s",
            d=DEFAULTS["quorum_fraction"],
        ),
    )
    ordinary_threshold = StringField(
        _l("一般事项表决比例"),
        validators=[DataRequired(_l("请填写一般事项表决比例")), _fraction],
        description=_l("同意票须超过基数的该比例；默认：%(d)s", d=DEFAULTS["ordinary_threshold"]),
    )
    ordinary_base = SelectField(
        _l("一般事项表决基数"),
        choices=choices(BASE_CHOICES),
        validators=[DataRequired(_l("请选择表决基数"))],
        description=_default("ordinary_base"),
    )
    major_threshold = StringField(
        _l("重大事项表决比例"),
        validators=[DataRequired(_l("请填写重大事项表决比例")), _fraction],
        description=_l(
            "同意票须达到基数的该比例（向上取整）；默认：%(d)s", d=DEFAULTS["major_threshold"]
        ),
    )
    major_base = SelectField(
        _l("重大事项表决基数"),
        choices=choices(BASE_CHOICES),
        validators=[DataRequired(_l("请选择表决基数"))],
        description=_default("major_base"),
    )
    proxy_counts_toward_quorum = BooleanField(
        _l("委托出席计入法定人数"), description=_default("proxy_counts_toward_quorum")
    )
    chair_casting_vote = BooleanField(
        _l("票数相等时理事长有决定票"), description=_default("chair_casting_vote")
    )
    large_sum_threshold = StringField(
        _l("三重一大大额资金标准（元）"),
        validators=[DataRequired(_l("请填写大额资金标准")), _amount],
        description=_l(
            "金额达到该标准的议案为重大事项，须经党组织前置研究；默认：%(d)s",
            d=DEFAULTS["large_sum_threshold"],
        ),
        render_kw={"inputmode": "decimal"},
    )
    written_voting_allowed = BooleanField(
        _l("允许通讯表决（一般事项）"), description=_default("written_voting_allowed")
    )
    notice_days = IntegerField(
        _l("会议通知提前天数"),
        validators=[
            InputRequired(_l("请填写会议通知提前天数")),
            NumberRange(0, 90, _l("会议通知提前天数须在 0–90 天之间")),
        ],
        description=_default("notice_days"),
        render_kw={"inputmode": "numeric"},
    )
    written_vote_min_days = IntegerField(
        _l("通讯表决最短期限（天）"),
        validators=[
            InputRequired(_l("请填写通讯表决最短期限")),
            NumberRange(1, 60, _l("通讯表决最短期限须在 1–60 天之间")),
        ],
        description=_default("written_vote_min_days"),
        render_kw={"inputmode": "numeric"},
    )
    results_hidden_until_close = BooleanField(
        _l("表决结束前隐藏表决结果"), description=_default("results_hidden_until_close")
    )
    resolution_prefix = StringField(
        _l("决议文号前缀"),
        validators=[Optional(), Length(max=20)],
        description=_l(
            "发文机关代字，如「实验小学理」，决议文号写作 实验小学理〔2026〕4号；不填写作〔2026〕第4号"
        ),
    )
    submit = SubmitField(_l("保存章程设置"))

    def settings(self) -> dict:
        """Return the charter settings the form holds, in their stored form."""
        data = {name: self.data[name] for name in DEFAULTS}
        for name in ("quorum_fraction", "ordinary_threshold", "major_threshold"):
            data[name] = re.sub(r"\s+", "", data[name] or "")
        data["large_sum_threshold"] = (data["large_sum_threshold"] or "").replace(",", "").strip()
        data["resolution_prefix"] = (data["resolution_prefix"] or "").strip()
        return data

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        # The charter's own rules (e.g. a major threshold above one half) decide the rest.
        try:
            Charter.from_dict(self.settings())
        except (TypeError, ValueError) as error:
            self.put_error(str(error))
            return False
        return True

    def put_error(self, message: str) -> None:
        """Show a charter rule's message under the field it is about."""
        name = next((n for words, n in _MESSAGE_FIELDS if message.startswith(words)), None)
        field = self[name or "quorum_fraction"]
        field.errors = [*field.errors, message]

    def fill(self, charter: Charter) -> None:
        """Fill the form from saved settings."""
        for name, value in charter.to_dict().items():
            self[name].data = value


_SEPARATOR = re.compile(r"\s*[:：]\s*")


class CharterProposalForm(CharterForm):
    """提交理事会审议: proposed charter settings, put on a meeting's agenda as a motion."""

    meeting_id = SelectField(
        _l("提交会议"),
        validators=[DataRequired(_l("请选择提交审议的会议"))],
        description=_l("章程修改按重大事项表决，须在会议上表决，不能通讯表决"),
    )
    reason = TextAreaField(
        _l("修改理由"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    submit = SubmitField(_l("提交理事会审议"))


def parse_lines(text: str | None) -> list[tuple[str, str | None]]:
    """Return (name, note) per non-empty line; a note follows a colon: 张三：配偶."""
    found = []
    for line in (text or "").splitlines():
        parts = _SEPARATOR.split(line.strip(), maxsplit=1)
        if not parts[0] and len(parts) == 1:
            continue
        note = parts[1].strip() if len(parts) > 1 else ""
        found.append((parts[0].strip(), note or None))
    return found


#: Declaration fields and the relation each one records.
DECLARATION_FIELDS = (
    ("near_relatives", Relation.NEAR_RELATIVE),
    ("posts", Relation.POST),
    ("shares", Relation.SHARES),
    ("others", Relation.OTHER),
)


_ONE_PER_LINE = _l("每行一项；可在冒号后注明关系，如「张三：配偶」")


def _lines_field(label):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=10000)],
        description=_ONE_PER_LINE,
        render_kw={"rows": 4},
    )


class DeclarationForm(FlaskForm):
    """A member's own declaration of interests (利害关系申报)."""

    near_relatives = _lines_field(_l("近亲属（关联人员）"))
    posts = _lines_field(_l("任职单位（关联单位）"))
    shares = _lines_field(_l("持股单位（关联单位）"))
    others = _lines_field(_l("其他利害关系"))
    submit = SubmitField(_l("提交申报"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, _relation in DECLARATION_FIELDS:
            field = self[name]
            for number, (item, note) in enumerate(parse_lines(field.data), start=1):
                if not item:
                    field.errors = [*field.errors, _l("第 %(n)d 行缺少名称", n=number)]
                    valid = False
                elif len(item) > 200 or (note and len(note) > 500):
                    field.errors = [*field.errors, _l("第 %(n)d 行过长", n=number)]
                    valid = False
        return valid

    def items(self) -> list[dict]:
        """Return the declared items: {"name", "relation", "note"}."""
        return [
            {"name": name, "relation": relation.value, "note": note}
            for field, relation in DECLARATION_FIELDS
            for name, note in parse_lines(self[field].data)
        ]

    def fill(self, items: list[dict]) -> None:
        """Fill the form from a saved declaration."""
        by_relation = {relation.value: field for field, relation in DECLARATION_FIELDS}
        lines: dict[str, list[str]] = {field: [] for field, _relation in DECLARATION_FIELDS}
        for item in items:
            field = by_relation.get(item.get("relation"), "others")
            note = item.get("note")
            lines[field].append(f"{item['name']}：{note}" if note else item["name"])
        for field, values in lines.items():
            self[field].data = "\n".join(values)
