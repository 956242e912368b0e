"""Forms of post plans (a grid of counts per category and grade) and appointments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.i18n import Msg
from hr.models import GRADES, PostCategory, grade_name
from institutions.staffing.document_numbers import check_document_number

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
BAD_DATE = _l("不是有效日期，请按 YYYY-MM-DD 填写")
MAX_COUNT = 99_999


def count_field_name(category: str, grade: int) -> str:
    """Return the name of the grid input for one category and grade, e.g. "professional_8"."""
    return f"{category}_{grade}"


class PlanForm(FlaskForm):
    """The plan for one year; a count field per category and grade is added below."""

    document_number = StringField(
        _l("批复文号"),
        validators=[Optional()],
        filters=[lambda value: (value or "").strip() or None],
        description=_l("岗位设置方案经核准后填写，如：成人社发〔2026〕12号"),
    )
    note = StringField(_l("备注"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("保存方案"))

    def validate_document_number(self, field) -> None:
        checked = check_document_number(field.data or "")
        if isinstance(checked, Msg):
            raise ValidationError(checked)
        field.data = checked

    def counts(self) -> dict[tuple[str, int], int]:
        """Return {(category, grade): count} from the grid; blanks count as 0."""
        return {
            (category.value, grade): getattr(self, count_field_name(category, grade)).data or 0
            for category in PostCategory
            for grade in GRADES[category]
        }

    def count_field(self, category: str, grade: int):
        """Return the grid input of one category and grade (for the template)."""
        return getattr(self, count_field_name(category, grade))


for _category in PostCategory:
    for _grade in GRADES[_category]:
        setattr(
            PlanForm,
            count_field_name(_category.value, _grade),
            IntegerField(
                grade_name(_category.value, _grade),
                validators=[
                    Optional(),
                    NumberRange(0, MAX_COUNT, _l("岗位数须是 0 或正整数")),
                ],
                invalid_value_message=_l("岗位数须是 0 或正整数"),
                render_kw={"inputmode": "numeric", "min": 0, "max": MAX_COUNT},
            ),
        )


def post_choices() -> dict[str, list[tuple[str, str]]]:
    """Return the post grades grouped by category, as select options ("professional:8")."""
    return {
        str(category.label): [
            (f"{category.value}:{grade}", grade_name(category.value, grade))
            for grade in GRADES[category]
        ]
        for category in PostCategory
    }


class AppointForm(FlaskForm):
    post = SelectField(
        _l("岗位等级"),
        validators=[DataRequired(_l("请选择岗位等级"))],
        validate_choice=True,
    )
    post_name = StringField(
        _l("岗位名称"),
        validators=[DataRequired(_l("请填写岗位名称")), Length(max=64)],
        description=_l("如：语文教师、内科主治医师、办公室科员"),
    )
    start_on = DateField(
        _l("聘任起始日期"),
        validators=[InputRequired(_l("请填写聘任起始日期"))],
        format=DATE_FORMATS,
        invalid_value_message=BAD_DATE,
        description=_l("原岗位聘任至前一日止；新岗位工资自次月起执行"),
    )
    override_reason = StringField(
        _l("不符合晋升规则时的理由"),
        validators=[Optional(), Length(max=255)],
        description=_l(
            "系统提示不符合晋升规则（任职年限、越级、低聘、转岗）时，写明理由后可以聘任"
        ),
    )
    submit = SubmitField(_l("聘任"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.post.choices = post_choices()

    def category_and_grade(self) -> tuple[str, int]:
        """Return the chosen (category, grade)."""
        category, grade = self.post.data.split(":")
        return category, int(grade)


class CorrectAppointmentForm(FlaskForm):
    """Correct a mistaken appointment: the right post from the same date, with a reason."""

    post = SelectField(
        _l("正确的岗位等级"),
        validators=[DataRequired(_l("请选择岗位等级"))],
        validate_choice=True,
    )
    post_name = StringField(
        _l("岗位名称"),
        validators=[DataRequired(_l("请填写岗位名称")), Length(max=64)],
    )
    reason = StringField(
        _l("更正理由"),
        validators=[DataRequired(_l("请填写更正理由")), Length(max=255)],
        description=_l("如：录入错误，应为专技 11 级；理由和更正前的岗位记入聘任记录和审计日志"),
    )
    submit = SubmitField(_l("更正聘任"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.post.choices = post_choices()

    def category_and_grade(self) -> tuple[str, int]:
        """Return the chosen (category, grade)."""
        category, grade = self.post.data.split(":")
        return category, int(grade)
