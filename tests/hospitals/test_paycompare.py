"""Old pay against new (身份工资 → 岗位绩效): the rule, and the page with its export."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from hospitals.paycompare import PayLine, compare, summarize
from tests.hospitals.test_pay_sources import imported, paid, scored
from tests.hospitals.test_transition import ON, _manager, _pay_rows, hospital, staff  # noqa: F401

__all__ = ["hospital", "staff"]


def line(person, identity, post, scale="300", reward="1000", grade="专技 8 级", department="内科"):
    return PayLine(
        person=person,
        name=f"{person}名",
        department=department,
        grade=grade,
        identity=identity,
        post=Decimal(post),
        scale=Decimal(scale),
        reward=Decimal(reward),
    )


def test_the_post_pays_everyone_on_it_what_establishment_staff_get():
    rows = compare(
        [
            line("A", "establishment", "3000"),
            line("B", "establishment", "3000", scale="500"),
            line("C", "contract", "2500"),
            line("C", "contract", "2600"),  # two months: mean 2550
            line("D", "dispatch", "2000", grade="工勤 5 级"),
            line("E", "contract", "2200", grade="工勤 5 级"),
        ],
        "establishment",
        {"A": Decimal("800"), "C": Decimal("1200")},
    )
    found = {r.person: r for r in rows}
    # A: same post pay, allocation 800 instead of 1000: loses 200
    assert (found["A"].old_total, found["A"].new_total, found["A"].difference) == (
        Decimal("4300"),
        Decimal("4100"),
        Decimal("-200"),
    )
    # B: no allocation for B, its old reward stays; 薪级 is B's own
    assert found["B"].difference == 0 and found["B"].scale == Decimal("500")
    # C: post pay 2550 -> 3000 and reward 1000 -> 1200
    assert found["C"].months == 2 and found["C"].difference == Decimal("650")
    assert found["C"].is_allocated and not found["B"].is_allocated
    # no 编制 on 工勤 5 级: the best-paid identity's mean is the post's pay
    assert found["D"].new_post == found["E"].new_post == Decimal("2200")
    summary = summarize(rows)
    assert (summary.gainers, summary.losers, summary.unchanged) == (2, 1, 2)
    assert summary.total_change == Decimal("650") + Decimal("200") - Decimal("200")
    assert (summary.largest_gain, summary.largest_loss) == (Decimal("650"), Decimal("-200"))


people = st.lists(
    st.tuples(
        st.sampled_from(["establishment", "filed", "contract", "dispatch"]),
        st.sampled_from(["专技 8 级", "专技 9 级"]),
        st.integers(min_value=1000, max_value=5000),
        st.integers(min_value=0, max_value=3000),
    ),
    min_size=1,
    max_size=12,
)


@given(people, st.randoms(use_true_random=False))
def test_the_comparison_does_not_depend_on_the_order_of_the_lines(found, rng):
    lines = [
        line(f"P{n}", identity, str(post), reward=str(reward), grade=grade)
        for n, (identity, grade, post, reward) in enumerate(found)
    ]
    shuffled = list(lines)
    rng.shuffle(shuffled)
    assert compare(lines, "establishment") == compare(shuffled, "establishment")


@given(people)
def test_everyone_on_one_post_gets_one_post_pay_and_nobody_paid_below_it_loses(found):
    lines = [
        line(f"P{n}", identity, str(post), reward=str(reward), grade=grade)
        for n, (identity, grade, post, reward) in enumerate(found)
    ]
    rows = compare(lines, "establishment")
    for grade in {r.grade for r in rows}:
        assert len({r.new_post for r in rows if r.grade == grade}) == 1
    for r in rows:
        if r.old_post <= r.new_post:
            assert r.difference >= 0  # the reward is unchanged without an allocation


def test_the_page_lists_gainers_and_losers_and_exports_them(hospital, staff, client, login_as):
    imported(hospital, staff, _pay_rows(months=(1, 2)))  # contract doctors 500 less a month
    paid(hospital, staff, "2026-03", contract_basic="1500.00")
    scored(hospital, staff, "2026-03")  # the approved allocation: 1,000 each
    login_as(_manager(hospital))
    url = f"/hospitals/{hospital.id}/pay-comparison?year=2026"
    text = client.get(url).get_data(as_text=True)
    assert "2026-03 理事会批准的绩效分配" in text
    assert "4 人中，增加 2 人（最多 500.00 元），减少 0 人" in text
    assert "合同甲" in text and "+500.00" in text
    only = client.get(url + "&change=gain&q=合同乙").get_data(as_text=True)
    assert "合同乙" in only and "编制甲" not in only
    export = client.get(f"/hospitals/{hospital.id}/pay-comparison/export?year=2026")
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [row[3] for row in values if row[3] in ("编制甲", "编制乙", "合同甲", "合同乙")]
    assert sorted(names) == ["合同乙", "合同甲", "编制乙", "编制甲"]
