"""A whole year for one institution through the commands, asserted to the fen.

The same three people, amounts and hand-computed figures as the pure-rules year in
``tests/payroll/rules/test_full_year.py`` (its docstring works every figure out by hand; the
tables below restate the ones checked here), but driven only as an operator would:

- the parameters: the provincial and city average wages (8,000 and 10,000) entered as a new
  version of ``payroll.average_wages`` in the parameter store from 2025-01-01;
- ``flask hr import-roster``: 张三 in January (on the payroll since 2015), 李四 — the mid-year
  hire from another employer — in July (from 10 July), 王五 — first job ever — in September;
  the roster carries post, 薪级, bank account, 缴费基数, 公积金基数 and 比例, and payroll's pay
  settings come from the hire signal;
- the pay settings page's operation (``save_pay_settings``, no command exists for it): 李四's
  standing 住房租金 of 1,500 a month and 王五's first-job flag, each with a reason;
- ``flask payroll import`` of a 月度工资 file for each of the twelve months, then
  ``payroll run`` by one finance officer and ``payroll approve`` by the other;
- the late-declared 子女教育 (declared in May since January): ``flask payroll import-declared``
  of the withholding client's 专项附加扣除 export each month from May, cumulative to the month
  (10,000 in May, then 2,000 more a month); the import deducts the cumulative figure less what
  the year already deducted — 10,000 at once in May, 2,000 after — as test_full_year's
  ``children_education``;
- ``flask payroll correct`` in October: July's 津贴补贴 should have been 409.00, not 309.00;
- ``flask payroll export`` of the 工资表, the 正常工资薪金收入, the 全年一次性奖金收入 and the tax
  detail, read back with openpyxl.

Hand figures (see test_full_year for the working):

张三 (gross 14,000, deductions 3,696.00, 其他扣款 50.00; 30,000 other pay in August; a
36,000.00 bonus in December, exactly on the monthly table's first boundary: 3% = 1,080.00)
  month tax:  159.12 ×4, 0.00 (May: cumulative 495.60 < 636.48 withheld, −140.88), 0.00 (June,
  −41.76), 57.36, 2,429.36 (August crosses into 10%), 330.40 ×4; year 4,444.80 + bonus 1,080.
  net pay: 10,094.88 ×4, 10,254.00 ×2, 10,196.64, 37,824.64, 9,923.60 ×3, 44,843.60;
  year 183,523.20.
李四 (hired 10 July; gross 9,000, deductions 2,196.00, rent 1,500: 304 taxable a month, 9.12)
  July–December 9.12; the October correction pays 100.00 and withholds 3.00 (net 97.00):
  cumulative taxable 4 × 304 + 100 = 1,316 → 39.48 − 27.36 − 9.12. Year 57.72 = 9.12 × 6 +
  3.00, the same as if July had paid 9,100. December bonus 36,000.01 (one fen over the
  boundary: 10% − 210) → 3,390.00. Net 6,794.88 a month, December 39,404.89.
王五 (first job: 5,000 basic deduction per calendar month; gross 5,000, deductions 1,320.00;
40,000 other pay in November; 2,000 bonus in December → 60.00): no wage tax all year.
  Net 3,680.00, 3,680.00, 43,680.00, 5,620.00.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from core.excel import Spec
from core.extensions import db
from core.ids import make_citizen_id
from core.parameters import add_version
from hr.models import Employment
from hr.roster.cli import hr_cli
from hr.roster.excel import ROSTER_SPEC
from payroll.cli import payroll_cli
from payroll.excel_specs import (
    MONTHLY_PAY_SPEC,
    PAYROLL_SPEC,
    SPECIAL_DEDUCTIONS_SPEC,
    TAX_BONUS_SPEC,
    TAX_WAGES_SPEC,
)
from payroll.params import ensure_defaults
from payroll.runs import ledger
from payroll.runs import operations as ops
from payroll.runs.excel import TAX_DETAIL_SPEC
from payroll.runs.models import PayRun, PayRunLine
from payroll.settings.operations import save_pay_settings
from payroll.tax import YearToDate
from tests.factories import add_quota, create_institution
from tests.payroll.rules import test_full_year as pure
from tests.payroll.runs.helpers import finance_pair

D = Decimal
YEAR = 2025
MONTHS = range(1, 13)

ZHANG = "Z001"
LI = "L002"
WANG = "W003"
PEOPLE = {
    ZHANG: ("张三", make_citizen_id("510107", date(1980, 3, 14), 11, True)),
    LI: ("李四", make_citizen_id("510107", date(1988, 6, 2), 12, True)),
    WANG: ("王五", make_citizen_id("510107", date(2002, 10, 9), 13, True)),
}
#: roster rows: category, grade, 薪级, start, base, fund rate, bank account
ROSTER = {
    ZHANG: ("专业技术", "2", 50, "2015-09-01", "14000", "12%", "6222000000000000001"),
    LI: ("管理", "6", 17, "2025-07-10", "9000", "10%", "6222000000000000002"),
    WANG: ("专业技术", "12", 5, "2025-09-01", "5000", "12%", "6222000000000000003"),
}
HIRED_IN = {ZHANG: 1, LI: 7, WANG: 9}


def money(*values: str) -> list[Decimal]:
    return [D(v) for v in values]


# The hand-computed figures (test_full_year's docstring), by person and month.
TAX = {
    ZHANG: money(
        "159.12", "159.12", "159.12", "159.12", "0.00", "0.00",
        "57.36", "2429.36", "330.40", "330.40", "330.40", "330.40",
    ),
    LI: money("9.12", "9.12", "9.12", "9.12", "9.12", "9.12"),
    WANG: money("0.00", "0.00", "0.00", "0.00"),
}  # fmt: skip
NET = {
    ZHANG: money(
        "10094.88", "10094.88", "10094.88", "10094.88", "10254.00", "10254.00",
        "10196.64", "37824.64", "9923.60", "9923.60", "9923.60", "44843.60",
    ),
    LI: money("6794.88", "6794.88", "6794.88", "6794.88", "6794.88", "39404.89"),
    WANG: money("3680.00", "3680.00", "43680.00", "5620.00"),
}  # fmt: skip
ZHANG_CUMULATIVE_TAX = money(
    "159.12", "318.24", "477.36", "636.48", "495.60", "594.72",
    "693.84", "3123.20", "3453.60", "3784.00", "4114.40", "4444.80",
)  # fmt: skip
BONUS_TAX = {ZHANG: D("1080.00"), LI: D("3390.00"), WANG: D("60.00")}


def monthly_items(number: str, month: int) -> dict[str, str]:
    """The 月度工资 row of a person-month: what finance types; the rest is computed."""
    if number == ZHANG:
        items = {
            "basic_performance": "8000",
            "reward_performance": "2000",
            "allowances": "566",
            "other_deductions": "50",
        }
        if month == 8:
            items["other_pay"] = "30000"
        if month == 12:
            items["bonus"] = "36000.00"  # on the boundary: 3%
    elif number == LI:
        items = {"basic_performance": "6000", "reward_performance": "1500", "allowances": "309"}
        if month == 12:
            items["bonus"] = "36000.01"  # one fen over: 10%
    else:
        items = {"basic_performance": "4000", "allowances": "285"}
        if month == 11:
            items["other_pay"] = "40000"
        if month == 12:
            items["bonus"] = "2000"
    return items


def _workbook(spec: Spec, rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = spec.sheet_name
    sheet.append([column.header for column in spec.columns])
    for row in rows:
        sheet.append([row.get(column.field) for column in spec.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _roster_file(code: str, numbers: list[str]) -> bytes:
    rows = []
    for number in numbers:
        name, citizen_id = PEOPLE[number]
        category, grade, step, start, base, rate, account = ROSTER[number]
        rows.append(
            {
                "institution_code": code,
                "staff_number": number,
                "name": name,
                "citizen_id": citizen_id,
                "department": "财务处" if number == ZHANG else "教务处",
                "identity": "事业编制",
                "category": category,
                "grade_text": grade,
                "post_name": None,
                "salary_step": step,
                "start_on": start,
                "bank_account": account,
                "contribution_base": base,
                "fund_base": base,
                "fund_rate": rate,
            }
        )
    return _workbook(ROSTER_SPEC, rows)


def _declared_file(month: int) -> bytes:
    """The withholding client's 专项附加扣除 export: 张三's 子女教育, cumulative to the month."""
    name, citizen_id = PEOPLE[ZHANG]
    row = {
        "serial": "1",
        "staff_number": ZHANG,
        "name": name,
        "id_type": "居民身份证",
        "id_number": citizen_id,
        "period_from": f"{YEAR}-01",
        "period_to": f"{YEAR}-{month:02d}",
        "children_education": str(2000 * month),  # 2,000 a month since January
    }
    return _workbook(SPECIAL_DEDUCTIONS_SPEC, [row])


def _monthly_file(code: str, rows: dict[str, dict[str, str]]) -> bytes:
    return _workbook(
        MONTHLY_PAY_SPEC,
        [
            {"institution_code": code, "staff_number": n, "name": PEOPLE[n][0], **items}
            for n, items in rows.items()
        ],
    )


def _read(path, spec: Spec) -> dict[str, dict]:
    """The exported sheet's person rows by 工号 (or 姓名), keyed by the spec's fields."""
    sheet = openpyxl.load_workbook(path).active
    fields = {column.header: column.field for column in spec.columns}
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == spec.columns[0].header)
    header = [fields.get(cell) for cell in rows[start]]
    found = {}
    for row in rows[start + 1 :]:
        record = {field: value for field, value in zip(header, row, strict=False) if field}
        key = record.get("staff_number")
        if key in PEOPLE:
            found[key] = record
    return found


def _fen(value) -> Decimal:
    return D(str(value or 0)).quantize(D("0.01"))


class Operator:
    """The command line, as an operator types it; every command must succeed."""

    def __init__(self, app, tmp_path, code):
        for group in (hr_cli, payroll_cli):
            if group.name not in app.cli.commands:
                app.cli.add_command(group)
        self.runner = app.test_cli_runner()
        self.tmp = tmp_path
        self.code = code

    def __call__(self, *args: str) -> str:
        result = self.runner.invoke(args=list(args))
        assert result.exit_code == 0, (args, result.output)
        return result.output

    def file(self, name: str, content: bytes) -> str:
        path = self.tmp / name
        path.write_bytes(content)
        return str(path)

    def export(self, period: str, kind: str, *more: str):
        path = self.tmp / f"{period}-{kind}{'-'.join(more)}.xlsx"
        self("payroll", "export", str(path), "--period", period, "--institution", self.code,
             "--kind", kind, *more)  # fmt: skip
        return path


def _settings(number: str, reason: str, **changes) -> None:
    """Save a new pay-settings version as the settings page does (no command exists)."""
    employment = db.session.scalar(select(Employment).where(Employment.staff_number == number))
    _, _, _, start, base, rate, _ = ROSTER[number]
    data = {
        "effective_on": date.fromisoformat(start),
        "contribution_base": base,
        "fund_base": base,
        "fund_rate": str(D(rate.rstrip("%")) / 100),
        "has_occupational_annuity": True,
        "reason": reason,
        **changes,
    }
    save_pay_settings(employment, data, None)
    db.session.commit()


def _lines(period: str, kind: str = "regular") -> dict[str, PayRunLine]:
    return {
        line.staff_number: line
        for line in db.session.scalars(
            select(PayRunLine)
            .join(PayRun, PayRun.id == PayRunLine.run_id)
            .where(PayRun.period == period, PayRun.kind == kind)
        )
    }


@pytest.fixture
def year(app, tmp_path):
    """Run the year through the commands; return {(工号, month): the exported rows}."""
    institution = create_institution(name="全年工资测试学校")
    add_quota(institution, "establishment", 10)
    preparer, approver = finance_pair(institution)
    ensure_defaults()  # the store as a deployment seeds it (DOMAIN defaults from 2019)
    add_version(
        "payroll.average_wages",
        '{"province": "8000", "city": "10000"}',
        effective_from=date(YEAR, 1, 1),
        source="测试：取整的平均工资",
    )
    db.session.commit()
    code = institution.credit_code
    cli = Operator(app, tmp_path, code)
    exported = {}
    for month in MONTHS:
        period = f"{YEAR}-{month:02d}"
        hires = [n for n, hired in HIRED_IN.items() if hired == month]
        if hires:
            roster = cli.file(f"roster-{month}.xlsx", _roster_file(code, hires))
            cli("hr", "import-roster", roster, "--create-departments")
        if month == 7:
            _settings(LI, "住房租金专项附加扣除（员工申报）", housing_rent="1500")
        if month == 9:
            _settings(WANG, "首次就业（员工申报）", is_first_job_this_year=True)
        staff = {n: monthly_items(n, month) for n, hired in HIRED_IN.items() if hired <= month}
        pay = cli.file(f"pay-{period}.xlsx", _monthly_file(code, staff))
        cli("payroll", "import", pay, "--period", period)
        if month >= 5:  # declared in May, since January
            declared = cli.file(f"declared-{period}.xlsx", _declared_file(month))
            cli("payroll", "import-declared", declared, "--period", period, "--institution", code)
        where = ("--period", period, "--institution", code)
        cli("payroll", "run", *where, "--user", preparer.username)
        cli("payroll", "approve", *where, "--user", approver.username)
        payroll = _read(cli.export(period, "payroll"), PAYROLL_SPEC)
        wages = _read(cli.export(period, "tax-wages"), TAX_WAGES_SPEC)
        detail = _read(cli.export(period, "tax-detail"), TAX_DETAIL_SPEC)
        for number in staff:
            exported[number, month] = (payroll[number], wages.get(number), detail[number])
        if month == 10:  # July's 津贴补贴 should have been 409.00
            fix = cli.file("fix-07.xlsx", _monthly_file(code, {LI: {"allowances": "409"}}))
            cli("payroll", "correct", fix, "--period", period, "--corrects", f"{YEAR}-07",
                "--institution", code, "--reason", "7 月津贴少发 100 元",
                "--user", preparer.username)  # fmt: skip
            more = ("--corrects", f"{YEAR}-07")
            cli("payroll", "approve", *where, *more, "--user", approver.username)
            exported["correction"] = (
                _read(cli.export(period, "payroll", *more), PAYROLL_SPEC),
                _read(cli.export(period, "tax-wages", *more), TAX_WAGES_SPEC),
            )
        if month == 12:
            exported["bonus"] = _read(cli.export(period, "tax-bonus"), TAX_BONUS_SPEC)
    return exported


def _months(number: str) -> range:
    return range(HIRED_IN[number], 13)


def test_a_year_through_the_commands_matches_the_hand_figures(year):
    runs = db.session.scalars(select(PayRun).order_by(PayRun.period, PayRun.id)).all()
    assert len(runs) == 13 and all(run.status == "approved" for run in runs)
    for number in PEOPLE:
        months = _months(number)
        stored = [_lines(f"{YEAR}-{m:02d}")[number] for m in months]
        assert [line.income_tax for line in stored] == TAX[number], number
        assert [line.net_pay for line in stored] == NET[number], number
        # the 工资表 and the tax detail say the same, to the fen
        sheets = [year[number, m] for m in months]
        assert [_fen(p["income_tax"]) for p, _, _ in sheets] == TAX[number], number
        assert [_fen(p["net_pay"]) for p, _, _ in sheets] == NET[number], number
        assert [_fen(d["income_tax"]) for _, _, d in sheets] == TAX[number], number
        assert stored[-1].bonus_tax == BONUS_TAX[number] == _fen(sheets[-1][0]["bonus_tax"])

    zhang = {m: _lines(f"{YEAR}-{m:02d}")[ZHANG] for m in MONTHS}
    assert [zhang[m].cumulative_tax for m in MONTHS] == ZHANG_CUMULATIVE_TAX
    assert [_fen(year[ZHANG, m][2]["cumulative_tax"]) for m in MONTHS] == ZHANG_CUMULATIVE_TAX
    assert zhang[1].post_wage == D("1900.00") and zhang[1].step_wage == D("1534.00")
    assert zhang[1].gross == D("14000.00") and zhang[8].gross == D("44000.00")
    assert zhang[5].cumulative_taxable == D("16520.00")  # the late declaration: −10,000
    # May and June: the cumulative tax falls below what was withheld; nothing is refunded
    assert [zhang[5].cumulative_tax, zhang[5].withheld_before] == money("495.60", "636.48")
    assert _fen(year[ZHANG, 5][2]["tax_balance"]) == D("-140.88")
    assert _fen(year[ZHANG, 6][2]["tax_balance"]) == D("-41.76")
    assert D(str(year[ZHANG, 8][2]["tax_rate"])) == D("0.1")  # the big payment crosses a bracket
    assert sum((zhang[m].net_pay for m in MONTHS), D(0)) == D("183523.20")
    assert sum((zhang[m].income_tax for m in MONTHS), D(0)) == D("4444.80")

    # the withholding client's 正常工资薪金收入: January for 张三; October declared once
    january = year[ZHANG, 1][1]
    assert _fen(january["income"]) == D("14000.00")
    assert [_fen(january[k]) for k in ("pension", "medical", "unemployment", "housing_fund")] == (
        money("1120.00", "280.00", "56.00", "1680.00")
    )
    assert _fen(january["annuity"]) == D("560.00")
    assert year[ZHANG, 4][1]["children_education"] is None
    assert _fen(year[ZHANG, 5][1]["children_education"]) == D("10000.00")  # cumulative to May
    assert _fen(year[ZHANG, 12][1]["children_education"]) == D("24000.00")
    assert [_lines(f"{YEAR}-{m:02d}")[ZHANG].special_additional for m in (4, 5, 6, 12)] == money(
        "0.00", "10000.00", "2000.00", "2000.00"
    )
    assert _fen(year[LI, 10][1]["housing_rent"]) == D("6000.00")  # Jul–Oct 4 × 1,500

    # 王五, first job: 5,000 per calendar month; November's 55,000 is all deducted
    wang = _lines(f"{YEAR}-11")[WANG]
    assert wang.cumulative_income == D("55000.00") and wang.cumulative_taxable == D("0.00")

    # December: bonuses either side of the 36,000 boundary, in the client's bonus sheet
    bonus = year["bonus"]
    assert {n: _fen(row["bonus"]) for n, row in bonus.items()} == {
        ZHANG: D("36000.00"),
        LI: D("36000.01"),
        WANG: D("2000.00"),
    }
    december = _lines(f"{YEAR}-12")
    assert sum((line.gross for line in december.values()), D(0)) == D("102000.01")
    assert sum((line.income_tax for line in december.values()), D(0)) == D("339.52")
    assert sum((line.bonus_tax for line in december.values()), D(0)) == D("4530.00")

    # one year takes ~20 s through the commands: the correction is checked on the same year
    _the_correction_gives_the_year_as_if_july_had_been_right(year)


def _year_to_date(number: str) -> YearToDate:
    lines = db.session.scalars(
        select(PayRunLine)
        .join(PayRun, PayRun.id == PayRunLine.run_id)
        .where(PayRunLine.staff_number == number)
        .order_by(PayRun.period, PayRun.id)
    )
    return ledger.year_to_date(YEAR, [line.tax_record for line in lines])


def _the_correction_gives_the_year_as_if_july_had_been_right(year):
    (fix,) = _lines(f"{YEAR}-10", "correction").values()
    assert fix.staff_number == LI and fix.allowances == D("100.00") and fix.gross == D("100.00")
    assert fix.cumulative_taxable == D("1316.00")
    assert fix.income_tax == D("3.00") and fix.net_pay == D("97.00")
    payroll, wages = year["correction"]
    assert _fen(payroll[LI]["net_pay"]) == D("97.00")
    assert _fen(payroll[LI]["income_tax"]) == D("3.00")
    # one October declaration for the client: 9,000 + 100, contributions counted once
    assert _fen(wages[LI]["income"]) == D("9100.00")
    assert _fen(wages[LI]["pension"]) == D("720.00")
    assert _fen(wages[LI]["housing_fund"]) == D("900.00")
    assert _lines(f"{YEAR}-11")[LI].cumulative_tax == D("48.60")
    assert _lines(f"{YEAR}-12")[LI].cumulative_tax == D("57.72")

    corrected = _year_to_date(LI)
    assert corrected.withheld == D("57.72")  # 9.12 × 6 + 3.00
    assert corrected.bonus_tax == D("3390.00")
    # the same year as paying July right, computed by the pure rules with the stored params
    params = ops.params_for(YEAR, 7)

    def right(month):
        pay = replace(pure.li_inputs(month), allowances=D("409.00")) if month == 7 else None
        return pay or pure.li_inputs(month)

    _, _, paid_right = pure.run(params, pure.LI, right, range(7, 13))
    for name in ("income", "withheld", "special", "additional", "other", "bonus_tax"):
        assert getattr(corrected, name) == getattr(paid_right, name), name
    # and the other two people's stored year is the pure rules' year
    _, _, zhang = pure.run(params, pure.ZHANG, pure.zhang_inputs, MONTHS)
    for name in ("income", "withheld", "special", "additional", "other", "bonus_tax"):
        assert getattr(_year_to_date(ZHANG), name) == getattr(zhang, name), name
    assert zhang.withheld == D("4444.80")
