"""Forms of the school pages: profile, a school year's enrolment, a person's stage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import choices
from schools.enrolment import GradeEnrolment
from schools.stages import SchoolType, Stage, grade_label

TYPE_CHOICES = [(t.value, t.label) for t in SchoolType]


class ProfileForm(FlaskForm):
    school_type = SelectField(
        _l("办学类型"),
        choices=choices(TYPE_CHOICES),
        validators=[DataRequired(_l("请选择办学类型"))],
        description=_l("决定学校设哪些学段：九年一贯制含小学和初中，完全中学含初中和高中"),
    )
    is_lump_sum = BooleanField(_l("“两自一包”学校（教师自聘、管理自主、经费包干）"))
    note = StringField(_l("备注"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("保存"))


class EnrolmentForm(FlaskForm):
    """A school year and, per grade of the school, classes and students (fields added per grade)."""

    year = IntegerField(
        _l("学年（开始年份）"),
        validators=[
            InputRequired(_l("请填写学年开始的年份")),
            NumberRange(2000, 2100, _l("请填写 2000–2100 之间的年份")),
        ],
        description=_l("如 2026 表示 2026–2027 学年"),
        render_kw={"inputmode": "numeric"},
    )
    submit = SubmitField(_l("保存学生数"))

    grades: tuple[int, ...] = ()

    def rows(self):
        """Return (grade label, classes field, students field) per grade."""
        return [(grade_label(g), self[f"classes_{g}"], self[f"students_{g}"]) for g in self.grades]

    def grade_data(self) -> list[GradeEnrolment]:
        return [
            GradeEnrolment(g, self[f"classes_{g}"].data, self[f"students_{g}"].data)
            for g in self.grades
        ]

    def fill(self, grades) -> None:
        """Put a recorded year's grades into the fields."""
        for item in grades:
            if item.grade in self.grades:
                self[f"classes_{item.grade}"].data = item.classes
                self[f"students_{item.grade}"].data = item.students


def enrolment_form(grades: list[int], **kwargs) -> EnrolmentForm:
    """Return an enrolment form with a classes and a students field for each grade."""

    class Form(EnrolmentForm):
        pass

    Form.grades = tuple(grades)
    for grade in grades:
        setattr(
            Form,
            f"classes_{grade}",
            IntegerField(
                _l("班级数"),
                default=0,
                validators=[InputRequired(_l("请填写班级数，没有填 0"))],
                render_kw={"inputmode": "numeric"},
            ),
        )
        setattr(
            Form,
            f"students_{grade}",
            IntegerField(
                _l("学生数"),
                default=0,
                validators=[InputRequired(_l("请填写学生数，没有填 0"))],
                render_kw={"inputmode": "numeric"},
            ),
        )
    return Form(**kwargs)


class StaffStageForm(FlaskForm):
    stage = SelectField(_l("学段"), choices=[])

    def offer(self, stages: tuple[Stage, ...]) -> None:
        self.stage.choices = [("", _l("全校（不分学段）"))] + [(s.value, s.label) for s in stages]
