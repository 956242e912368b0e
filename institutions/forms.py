"""Forms of the registry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.forms import choices
from core.ids import credit_code_check_char, credit_code_problem
from core.regions import REGIONS
from institutions.models import (
    KIND_LABELS,
    STATUS_LABELS,
    FundingClass,
    InstitutionKind,
    InstitutionStatus,
)

DISTRICT_CHOICES = [(code, f"{name}（{code}）") for code, name in REGIONS.items()]


def only_check_char_fails(code: str) -> bool:
    """Return whether a code is well-formed except for its check character (legacy codes)."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return False
    try:
        fixed = code[:17] + credit_code_check_char(code[:17])
    except (ValueError, KeyError):
        return False
    return credit_code_problem(fixed) is None


class InstitutionForm(FlaskForm):
    credit_code = StringField(
        _l("统一社会信用代码"),
        validators=[DataRequired(_l("请填写统一社会信用代码"))],
        description=_l("18 位，事业单位以 12 开头"),
        render_kw={"autocomplete": "off", "maxlength": 18, "style": "text-transform:uppercase"},
    )
    credit_code_override = StringField(
        _l("校验位不符的说明"),
        validators=[Optional(), Length(max=255)],
        description=_l("仅用于校验位不符的历史代码：填写原因后可以保存，并记入审计日志"),
    )
    name = StringField(
        _l("单位名称"), validators=[DataRequired(_l("请填写单位名称")), Length(max=120)]
    )
    kind = SelectField(
        _l("单位类型"),
        choices=choices([(k.value, KIND_LABELS[k]) for k in InstitutionKind]),
        validators=[DataRequired()],
    )
    district_code = SelectField(_l("所在区（市）县"), choices=choices(DISTRICT_CHOICES))
    sponsor_id = SelectField(_l("举办单位"), coerce=int, validate_choice=True)
    funding_class = SelectField(
        _l("公益类别"), choices=choices([(f.value, f.value) for f in FundingClass])
    )
    legal_representative = StringField(
        _l("法定代表人"), validators=[DataRequired(_l("请填写法定代表人")), Length(max=64)]
    )
    address = TextAreaField(_l("住所"), validators=[Optional(), Length(max=500)])
    status = SelectField(
        _l("登记状态"), choices=choices([(s.value, STATUS_LABELS[s]) for s in InstitutionStatus])
    )
    submit = SubmitField(_l("保存"))

    def validate_credit_code(self, field) -> None:
        field.data = (field.data or "").strip().upper()
        problem = credit_code_problem(field.data)
        if problem is None:
            self.credit_code_override.data = None
            return
        if only_check_char_fails(field.data) and (self.credit_code_override.data or "").strip():
            return  # a legacy code, accepted with a written reason that the audit keeps
        if only_check_char_fails(field.data):
            raise ValidationError(
                _l(
                    "统一社会信用代码%(p)s。如确为历史代码，请在「校验位不符的说明」中填写原因。",
                    p=problem,
                )
            )
        raise ValidationError(_l("统一社会信用代码%(p)s", p=problem))

    def validate_district_code(self, field) -> None:
        if self.credit_code.data and len(self.credit_code.data) == 18:
            code_region = self.credit_code.data[2:8]
            if code_region[:4] != field.data[:4]:
                raise ValidationError(
                    _l("所在地区与信用代码中的行政区划码（%(r)s）不在同一城市", r=code_region)
                )


class SponsorForm(FlaskForm):
    name = StringField(
        _l("举办单位名称"), validators=[DataRequired(_l("请填写名称")), Length(max=120)]
    )
    district_code = SelectField(_l("所在区（市）县"), choices=choices(DISTRICT_CHOICES))
    submit = SubmitField(_l("保存"))


class ImportForm(FlaskForm):
    file = FileField(_l("Excel 文件（.xlsx）"))
    submit = SubmitField(_l("校验并导入"))
