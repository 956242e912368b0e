"""Registry consistency: warnings (never refusals) when a record disagrees with itself."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.extensions import db
from core.ids import make_credit_code
from core.regions import REGIONS
from core.roles import Role
from institutions.models import Institution
from institutions.registry.consistency import (
    EDUCATION,
    HEALTH,
    credit_code_region,
    credit_code_region_warning,
    registry_warnings,
    sponsor_district_warning,
    sponsor_sector,
    sponsor_sector_warning,
)
from tests.factories import create_institution, create_sponsor, create_user

WUHOU, JINJIANG = "510107", "510104"
SCHOOL_CODE = make_credit_code(WUHOU, "45079999")

# --------------------------------------------------------------------------- rules


def test_the_region_is_read_from_positions_3_to_8():
    assert credit_code_region(SCHOOL_CODE) == WUHOU
    assert credit_code_region(" " + SCHOOL_CODE.lower()) == WUHOU
    assert credit_code_region("12345") is None
    assert credit_code_region("12AB0107450799990X") is None
    assert credit_code_region(None) is None


def test_a_code_from_another_district_is_warned_about_with_both_names():
    warning = credit_code_region_warning(make_credit_code(JINJIANG, "45079999"), WUHOU)
    text = str(warning)
    assert "510104（锦江区）" in text and "510107（武侯区）" in text
    assert credit_code_region_warning(SCHOOL_CODE, WUHOU) is None
    assert credit_code_region_warning("bad", WUHOU) is None  # the form's error, not a warning
    assert credit_code_region_warning(SCHOOL_CODE, None) is None


def test_a_code_from_outside_the_city_says_so():
    text = str(credit_code_region_warning("123502001549897397", WUHOU))
    assert "350200 不是本市的区划" in text


def test_a_sponsor_in_another_district_is_warned_about():
    text = str(sponsor_district_warning("成都市锦江区教育局", JINJIANG, WUHOU))
    assert "「成都市锦江区教育局」属于锦江区（510104）" in text and "武侯区（510107）" in text
    assert sponsor_district_warning("成都市武侯区教育局", WUHOU, WUHOU) is None
    assert sponsor_district_warning("某局", None, WUHOU) is None


@pytest.mark.parametrize(
    ("name", "sector"),
    [
        ("成都市武侯区教育局", EDUCATION),
        ("成都市武侯区卫生健康局", HEALTH),
        ("成都市卫健委", HEALTH),
        ("成都市武侯区卫生局", HEALTH),
        ("成都市武侯区文化广电旅游局", None),
        ("成都市健康教育所", None),  # both: unclear
        ("", None),
        (None, None),
    ],
)
def test_the_sponsor_sector_is_read_from_its_name(name, sector):
    assert sponsor_sector(name) == sector


def test_a_school_under_a_health_department_and_the_reverse_are_warned_about():
    assert "不是教育部门" in str(sponsor_sector_warning("成都市武侯区卫生健康局", "school"))
    assert "不是卫生健康部门" in str(sponsor_sector_warning("成都市武侯区教育局", "hospital"))
    assert sponsor_sector_warning("成都市武侯区教育局", "school") is None
    assert sponsor_sector_warning("成都市武侯区卫生健康局", "hospital") is None
    assert sponsor_sector_warning("成都市武侯区教育局", "other") is None
    assert sponsor_sector_warning("成都市武侯区文化局", "school") is None


def test_registry_warnings_name_their_field_and_skip_what_is_unknown():
    warnings = registry_warnings(
        credit_code=make_credit_code(JINJIANG, "45079999"),
        district_code=WUHOU,
        kind="hospital",
        sponsor_name="成都市锦江区教育局",
        sponsor_district_code=JINJIANG,
    )
    assert [w.field for w in warnings] == ["credit_code", "sponsor_id", "sponsor_id"]
    assert registry_warnings(credit_code=SCHOOL_CODE, district_code=WUHOU, kind="school") == []


regions = st.sampled_from(sorted(REGIONS))


@settings(database=None, max_examples=100)
@given(regions, regions, st.text("0123456789", min_size=8, max_size=8))
def test_a_warning_is_given_exactly_when_the_regions_differ(code_region, district, org):
    code = make_credit_code(code_region, org)
    warnings = registry_warnings(credit_code=code, district_code=district, kind="school")
    assert bool(warnings) == (code_region != district)


# --------------------------------------------------------------------------- the form


@pytest.fixture
def office(client, login_as):
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def _form(sponsor, **overrides):
    data = {
        "credit_code": SCHOOL_CODE,
        "name": "成都市武侯区一致性小学",
        "kind": "school",
        "district_code": WUHOU,
        "sponsor_id": sponsor.id,
        "funding_class": "公益一类",
        "legal_representative": "王五",
        "address": "武侯大道 1 号",
        "status": "active",
    }
    data.update(overrides)
    return data


def _saved(name="成都市武侯区一致性小学"):
    return db.session.scalar(select(Institution).where(Institution.name == name))


def _alerts(body: str) -> list[str]:
    """Return the warnings shown under the entries they are about (form or record page)."""
    return re.findall(r'class="[^"]*field-warning"[^>]*>⚠ (.*?)</div>', body, re.S)


def _warned_fields(body: str) -> dict[str, int]:
    """Return, per form field, how many warnings stand right under its input."""
    counts = {}
    for name in ("credit_code", "sponsor_id", "district_code", "kind"):
        match = re.search(rf'name="{name}"', body)
        if match is None:
            continue
        after = body[match.end() :]
        block = (
            after[: after.index('<div class="mb-3">')] if '<div class="mb-3">' in after else after
        )
        counts[name] = block.count("field-warning")
    return counts


def test_the_sponsor_select_starts_empty_and_is_required(client, office):
    sponsor = create_sponsor(name="成都市武侯区教育局")
    db.session.commit()
    body = client.get("/institutions/new").get_data(as_text=True)
    select_html = body[body.index('name="sponsor_id"') :]
    select_html = select_html[: select_html.index("</select>")]
    options = re.findall(r"<option([^>]*)>", select_html)
    assert 'value=""' in options[0] and "selected" in options[0]
    assert not any("selected" in option for option in options[1:])
    response = client.post("/institutions/new", data=_form(sponsor, sponsor_id=""))
    assert response.status_code == 422
    assert "请选择举办单位" in response.get_data(as_text=True)
    assert _saved() is None
    for forged, says in (("abc", "请选择举办单位"), ("999999", "请从列表中选择举办单位")):
        response = client.post("/institutions/new", data=_form(sponsor, sponsor_id=forged))
        assert response.status_code == 422
        assert says in response.get_data(as_text=True)
    assert _saved() is None


def test_the_edit_form_shows_the_current_sponsor(client, office):
    institution = create_institution()
    db.session.commit()
    body = client.get(f"/institutions/{institution.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{institution.sponsor_id}">', body)


def test_a_pasted_code_with_spaces_is_cleaned_and_the_box_has_no_maxlength(client, office):
    sponsor = create_sponsor(name="成都市武侯区教育局")
    db.session.commit()
    body = client.get("/institutions/new").get_data(as_text=True)
    box = re.search(r'<input[^>]*name="credit_code"[^>]*>', body).group(0)
    assert "maxlength" not in box
    pasted = " ".join([SCHOOL_CODE[:6], SCHOOL_CODE[6:12], SCHOOL_CODE[12:]]).lower()
    response = client.post("/institutions/new", data=_form(sponsor, credit_code=pasted))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _saved().credit_code == SCHOOL_CODE


def test_disagreements_are_warned_about_and_the_record_is_still_saved(client, office):
    sponsor = create_sponsor(name="成都市锦江区卫生健康局", district_code=JINJIANG)
    db.session.commit()
    code = make_credit_code(JINJIANG, "45079999")
    response = client.post(
        "/institutions/new", data=_form(sponsor, credit_code=code), follow_redirects=True
    )
    assert response.status_code == 200
    institution = _saved()
    assert institution is not None
    # The institution's page shows them under the entries they are about, not as a banner
    # that is gone at the next click.
    body = response.get_data(as_text=True)
    assert 'id="registry-warnings"' in body
    alerts = _alerts(body)
    assert len(alerts) == 3, alerts
    assert any("行政区划码 510104（锦江区）" in a for a in alerts)
    assert any("「成都市锦江区卫生健康局」属于锦江区" in a for a in alerts)
    assert any("不是教育部门" in a for a in alerts)
    code_entry = body[body.index(code) :]
    assert "行政区划码 510104" in code_entry[: code_entry.index("</dd>")]
    again = client.get(f"/institutions/{institution.id}").get_data(as_text=True)
    assert len(_alerts(again)) == 3
    # The edit form shows them under their fields at once.
    form = client.get(f"/institutions/{institution.id}/edit").get_data(as_text=True)
    assert _warned_fields(form) == {
        "credit_code": 1,
        "sponsor_id": 2,
        "district_code": 0,
        "kind": 0,
    }
    assert 'id="form-warnings"' in form


def test_warnings_show_under_their_fields_when_the_form_is_refused_for_something_else(
    client, office
):
    sponsor = create_sponsor(name="成都市锦江区教育局", district_code=JINJIANG)
    db.session.commit()
    response = client.post("/institutions/new", data=_form(sponsor, legal_representative=""))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert any("属于锦江区" in a for a in _alerts(body))
    assert _warned_fields(body)["sponsor_id"] == 1
    assert _warned_fields(body)["credit_code"] == 0
    # Nothing is left in the session to pop up on a later page.
    assert _alerts(client.get("/institutions/").get_data(as_text=True)) == []


def test_the_sponsor_sees_the_warnings_on_the_record_too(client, login_as):
    sponsor = create_sponsor(name="成都市锦江区教育局", district_code=JINJIANG)
    institution = create_institution(sponsor=sponsor, district_code=WUHOU)
    user = create_user(Role.SPONSOR, sponsor=sponsor)
    db.session.commit()
    login_as(user)
    body = client.get(f"/institutions/{institution.id}").get_data(as_text=True)
    assert any("属于锦江区" in a for a in _alerts(body))


def test_a_consistent_record_gets_no_warning(client, office):
    sponsor = create_sponsor(name="成都市武侯区教育局", district_code=WUHOU)
    db.session.commit()
    response = client.post("/institutions/new", data=_form(sponsor), follow_redirects=True)
    assert _saved() is not None
    body = response.get_data(as_text=True)
    assert _alerts(body) == [] and 'id="registry-warnings"' not in body
    form = client.get(f"/institutions/{_saved().id}/edit").get_data(as_text=True)
    assert _alerts(form) == [] and 'id="form-warnings"' not in form


def test_warnings_are_translated_and_escaped(client, office):
    sponsor = create_sponsor(name="<b>成都市锦江区教育局</b>", district_code=JINJIANG)
    db.session.commit()
    response = client.post("/institutions/new", data=_form(sponsor), follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "<b>成都市锦江区教育局</b>" not in body
    assert "&lt;b&gt;成都市锦江区教育局&lt;/b&gt;" in body


def test_warnings_read_in_english_for_an_english_reader(client, office):
    sponsor = create_sponsor(name="成都市锦江区教育局", district_code=JINJIANG)
    db.session.commit()
    with client.session_transaction() as session:
        session["lang"] = "en"
    response = client.post("/institutions/new", data=_form(sponsor), follow_redirects=True)
    alerts = _alerts(response.get_data(as_text=True))
    assert any(a.startswith("The sponsor “成都市锦江区教育局” belongs to") for a in alerts), alerts


def test_a_failed_check_reads_in_english_without_the_expected_character(client, office):
    sponsor = create_sponsor(name="成都市武侯区教育局")
    db.session.commit()
    wrong = SCHOOL_CODE[:17] + ("0" if SCHOOL_CODE[17] != "0" else "1")
    with client.session_transaction() as session:
        session["lang"] = "en"
    body = client.post("/institutions/new", data=_form(sponsor, credit_code=wrong)).get_data(
        as_text=True
    )
    assert "does not pass its check: compare it character by character" in body
    assert f"“{SCHOOL_CODE[17]}”" not in body and f"「{SCHOOL_CODE[17]}」" not in body
