import pytest

from institutions.governance.conflicts import (
    Conflict,
    find_conflicts,
    names_match,
    normalize_name,
    propose_recusals,
)


def test_normalize_name():
    assert normalize_name("  张　三 ") == "张三"  # full-width space
    assert normalize_name("ＡＢＣ科技（成都）有限公司") == "abc科技(成都)有限公司"
    assert normalize_name("Chengdu  MEDICAL\tCo.") == "chengdumedicalco."
    assert normalize_name("阿卜杜・热合曼") == normalize_name("阿卜杜·热合曼")


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("张三", "张 三", True),
        ("张三", "张三丰", False),  # person names match only exactly
        ("王五", "王五建筑工程有限公司", False),
        ("成都某某科技有限公司", "成都某某科技有限公司", True),
        ("某某科技", "成都某某科技有限公司", True),  # 4 characters: containment
        ("某科技", "成都某某科技有限公司", False),  # 3 characters: exact only
        ("四川成都某某科技有限公司", "成都某某科技有限公司", True),
        ("ＡＢＣ Medical", "abc medical group", True),
        ("", "", False),
        ("  ", "张三", False),
    ],
)
def test_names_match(a, b, match):
    assert names_match(a, b) is match
    assert names_match(b, a) is match


DECLARATIONS = {
    3: ["李四", "成都某某科技有限公司"],
    1: ["张　三", "ABC Medical"],
    2: ["王五"],
    4: [],
}


def test_propose_recusals():
    counterparties = ["四川成都某某科技有限公司", "张三", "abc medical group", "赵六"]
    assert propose_recusals(counterparties, DECLARATIONS) == {
        1: ["张三", "abc medical group"],
        3: ["四川成都某某科技有限公司"],
    }


def test_find_conflicts_names_both_sides():
    assert find_conflicts(["张三"], DECLARATIONS) == [Conflict(1, "张三", "张　三")]


def test_one_counterparty_matching_two_declarations_is_listed_once():
    declarations = {5: ["某某科技", "成都某某科技有限公司"]}
    assert propose_recusals(["成都某某科技有限公司"], declarations) == {5: ["成都某某科技有限公司"]}
    assert len(find_conflicts(["成都某某科技有限公司"], declarations)) == 2


def test_no_counterparties_no_recusals():
    assert propose_recusals([], DECLARATIONS) == {}
    assert propose_recusals(["赵六"], {}) == {}
