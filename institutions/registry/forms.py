"""Forms of the registry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import Choice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from core.extensions import db
from core.forms import choices
from core.i18n import msg
from core.ids import clean_credit_code, credit_code_check_char, credit_code_problem
from core.regions import REGIONS
from institutions.models import (
    FUNDING_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    FundingClass,
    InstitutionKind,
    InstitutionStatus,
    Sponsor,
)
from institutions.registry.consistency import RegistryWarning, registry_warnings
from institutions.registry.queries import name_and_code

#: rendered in the reader's language when the page is drawn
DISTRICT_CHOICES = [(code, name_and_code(msg(name), code)) for code, name in REGIONS.items()]


def only_check_char_fails(code: str) -> bool:
    """Return whether a code is well-formed except for its check character (legacy codes)."""
    code = clean_credit_code(code or "")
    if len(code) != 18:
        return False
    try:
        fixed = code[:17] + credit_code_check_char(code[:17])
    except (ValueError, KeyError):
        return False
    return credit_code_problem(fixed) is None


def _optional_int(value) -> int | None:
    """Coerce a select's value to an int; the empty option is None."""
    if value in (None, ""):
        return None
    return int(value)


class BlankFirstSelectField(SelectField):
    """A select of ids that opens on an empty option, so nothing is chosen by default.

    The view sets ``choices`` to the real options; the empty one is added here, so the first
    real option is never taken because nobody looked.
    """

    def __init__(self, label=None, validators=None, blank_label="", **kwargs) -> None:
        super().__init__(label, validators, coerce=_optional_int, **kwargs)
        self.blank_label = blank_label

    def iter_choices(self):
        blank = Choice(value="", label=self.blank_label, selected=self.data is None, render_kw={})
        return [blank, *super().iter_choices()]


class InstitutionForm(FlaskForm):
    credit_code = StringField(
        _l("统一社会信用代码"),
        validators=[DataRequired(_l("请填写统一社会信用代码"))],
        description=_l("18 位，事业单位以 12 开头"),
        # No maxlength: a code pasted with spaces between its groups would be cut short.
        render_kw={"autocomplete": "off", "style": "text-transform:uppercase"},
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
    sponsor_id = BlankFirstSelectField(
        _l("举办单位"),
        validators=[DataRequired(_l("请选择举办单位"))],
        blank_label=_l("请选择"),
        invalid_choice_message=_l("请从列表中选择举办单位"),
    )
    funding_class = SelectField(
        _l("公益类别"), choices=choices([(f.value, FUNDING_LABELS[f]) for f in FundingClass])
    )
    legal_representative = StringField(
        _l("法定代表人"), validators=[DataRequired(_l("请填写法定代表人")), Length(max=64)]
    )
    address = TextAreaField(_l("住所"), validators=[Optional(), Length(max=500)])
    status = SelectField(
        _l("登记状态"), choices=choices([(s.value, STATUS_LABELS[s]) for s in InstitutionStatus])
    )
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: what to look at again, found by ``validate``; never blocks saving
        self.warnings: list[RegistryWarning] = []

    def validate_credit_code(self, field) -> None:
        field.data = clean_credit_code(field.data or "")
        problem = credit_code_problem(field.data)
        if problem is None:
            self.credit_code_override.data = None
            return
        if only_check_char_fails(field.data) and (self.credit_code_override.data or "").strip():
            return  # a legacy code, accepted with a written reason that the audit keeps
        if only_check_char_fails(field.data):
            raise ValidationError(
                msg(
                    "统一社会信用代码%(p)s。如确为历史代码，请在「校验位不符的说明」中填写原因。",
                    p=problem,
                )
            )
        raise ValidationError(msg("统一社会信用代码%(p)s", p=problem))

    def validate(self, extra_validators=None) -> bool:
        """Validate; then find disagreements within the record, without refusing it.

        The form shows them under their fields when it is shown again; once saved, the
        institution's page shows them under the same entries (``queries.registry_warnings``).
        """
        valid = super().validate(extra_validators)
        self.warnings = self.consistency_warnings()
        return valid

    def warnings_by_field(self) -> dict[str, list]:
        """Return the warnings found, by the name of the field each is about."""
        found: dict[str, list] = {}
        for warning in self.warnings:
            found.setdefault(warning.field, []).append(warning.message)
        return found

    def consistency_warnings(self) -> list[RegistryWarning]:
        """Return what in the form's values disagrees with itself (a field in error: skipped)."""
        sponsor = None
        if self.sponsor_id.data is not None and not self.sponsor_id.errors:
            sponsor = db.session.get(Sponsor, self.sponsor_id.data)
        return registry_warnings(
            credit_code=None if self.credit_code.errors else self.credit_code.data,
            district_code=None if self.district_code.errors else self.district_code.data,
            kind=None if self.kind.errors else self.kind.data,
            sponsor_name=sponsor.name if sponsor else None,
            sponsor_district_code=sponsor.district_code if sponsor else None,
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
