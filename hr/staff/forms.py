"""Forms of the staff area: entry (入职) and exit (离职)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
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
from core.i18n import msg
from core.ids import IdError, parse_citizen_id
from hr.models import EDUCATION_LABELS, ExitReason, Identity
from hr.staff import entry as staff

DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d"]
DATE_MESSAGE = _l("不是有效日期，请按 YYYY-MM-DD 填写")
EDUCATION_CHOICES = [
    "",
    "博士研究生",
    "硕士研究生",
    "大学本科",
    "大学专科",
    "中专",
    "高中",
    "初中及以下",
]


class EntryForm(FlaskForm):
    """入职登记: the person (found by ID number, or new) and the employment."""

    citizen_id = StringField(
        _l("身份证号"),
        validators=[DataRequired(_l("请填写身份证号"))],
        description=_l("18 位；已在系统中的人员按身份证号找到，姓名须一致"),
        render_kw={"autocomplete": "off", "maxlength": 18, "style": "text-transform:uppercase"},
    )
    name = StringField(_l("姓名"), validators=[DataRequired(_l("请填写姓名")), Length(max=64)])
    staff_number = StringField(
        _l("工号"),
        validators=[DataRequired(_l("请填写工号"))],
        description=_l("本单位内唯一；字母、数字、连字符或下划线"),
        render_kw={"autocomplete": "off", "maxlength": staff.STAFF_NUMBER_MAX},
    )
    identity = SelectField(
        _l("人员身份"),
        choices=choices(Identity.choices()),
        validators=[DataRequired(_l("请选择人员身份"))],
        description=_l("事业编制、员额须有空编（严禁超编进人）"),
    )
    start_on = DateField(
        _l("入职日期"),
        validators=[InputRequired(_l("请填写入职日期"))],
        format=DATE_FORMATS,
        invalid_value_message=DATE_MESSAGE,
    )
    salary_step = IntegerField(
        _l("薪级"),
        validators=[
            InputRequired(_l("请填写薪级")),
            NumberRange(1, 65, _l("薪级须在 1–65 之间")),
        ],
        description=_l("按所聘岗位的起点薪级和套改年限确定；工勤技能岗位 1–40"),
        invalid_value_message=_l("薪级须是整数"),
        render_kw={"inputmode": "numeric", "min": 1, "max": 65},
    )
    department_id = SelectField(
        _l("部门"),
        choices=[],
        validate_choice=True,
        description=_l("本单位的部门；没有合适的，请先在“部门”页新建"),
    )
    education = SelectField(
        _l("学历"),
        choices=choices((e, EDUCATION_LABELS.get(e, "—")) for e in EDUCATION_CHOICES),
        default="",
    )
    professional_title = StringField(_l("专业技术职称"), validators=[Optional(), Length(max=64)])
    phone = StringField(_l("联系电话"), validators=[Optional(), Length(max=32)])
    bank_account = StringField(
        _l("工资银行账号"),
        validators=[Optional(), Length(max=32)],
        render_kw={"autocomplete": "off", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("办理入职"))

    def __init__(self, *args, departments: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.department_id.choices = choices([("", "—"), *departments])

    def validate_citizen_id(self, field) -> None:
        try:
            field.data = parse_citizen_id(field.data or "").number
        except IdError as error:
            raise ValidationError(msg("身份证号%(p)s", p=error.message)) from None

    def validate_staff_number(self, field) -> None:
        field.data = staff.normalize_staff_number(field.data)
        problem = staff.staff_number_problem(field.data)
        if problem:
            raise ValidationError(problem)


class ExitForm(FlaskForm):
    """离职办理: the last day employed, why, and a note."""

    end_on = DateField(
        _l("离职日期"),
        validators=[InputRequired(_l("请填写离职日期"))],
        format=DATE_FORMATS,
        invalid_value_message=DATE_MESSAGE,
        description=_l("最后一个在职日"),
    )
    exit_reason = SelectField(
        _l("离职原因"),
        choices=choices([("", "—"), *ExitReason.choices()]),
        validators=[DataRequired(_l("请选择离职原因"))],
    )
    exit_note = TextAreaField(
        _l("说明"),
        validators=[Optional(), Length(max=255)],
        description=_l("如调往单位、文件依据等"),
    )
    submit = SubmitField(_l("确认离职"))
