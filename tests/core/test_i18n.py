"""Messages are translated where shown, and their parameters are escaped in HTML."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import session
from flask_babel import refresh
from markupsafe import Markup, escape
from wtforms import Form, StringField

from core.actions import perform
from core.errors import Refusal
from core.i18n import Msg, msg


def test_plain_rendering_outside_an_app():
    message = msg("核定 %(n)d 名，空编 %(v)s 名", n=3, v=Decimal("1"))
    assert str(message) == "核定 3 名，空编 1 名"


def test_html_escapes_parameters_not_the_text():
    payload = '<meta http-equiv="refresh" content="0;url=//evil">'
    message = msg("%(p)d. %(t)s：发言要点", p=1, t=payload)
    html = message.__html__()
    assert isinstance(html, Markup)
    assert payload not in html
    assert str(escape(payload)) in html
    assert escape(message) == html


def test_nested_messages_render_in_the_same_mode():
    inner = msg("「%(v)s」", v="<b>")
    outer = msg("值%(inner)s不是整数", inner=inner)
    assert str(outer) == "值「<b>」不是整数"
    assert "&lt;b&gt;" in outer.__html__()


def test_translation_uses_the_readers_locale(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert str(msg("请先登录。")) == "Please sign in first."
        session["lang"] = "zh"
        refresh()
        assert str(msg("请先登录。")) == "请先登录。"


def test_wtforms_label_escapes_a_message_parameter():
    class F(Form):
        title = StringField(msg("%(t)s：发言要点", t="<script>x</script>"))

    rendered = F().title.label()
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered


def test_messages_compare_with_text():
    assert msg("第 %(n)d 行", n=2) == "第 2 行"
    assert msg("第 %(n)d 行", n=2) == Msg("第 %(n)d 行", {"n": 2})
    assert "2 行" in msg("第 %(n)d 行", n=2)


def test_perform_puts_a_field_refusal_on_the_form_and_rolls_back(app):
    class F(Form):
        name = StringField("name")

    def refuse():
        raise Refusal(msg("名称「%(v)s」已存在", v="x"), field="name")

    with app.test_request_context("/"):
        form = F()
        outcome = perform(refuse, form=form)
        assert not outcome
        assert [str(e) for e in form.name.errors] == ["名称「x」已存在"]


def test_perform_flashes_success_after_commit(app):
    with app.test_request_context("/"):
        outcome = perform(lambda: 41 + 1, success=lambda v: msg("得 %(v)d", v=v))
        assert outcome and outcome.value == 42
        assert session["_flashes"] == [("success", "得 42")]


@pytest.mark.parametrize("field", [None, "missing"])
def test_perform_flashes_a_refusal_without_a_known_field(app, field):
    def refuse():
        raise Refusal(msg("不行"), field=field)

    with app.test_request_context("/"):
        assert not perform(refuse)
        assert session["_flashes"] == [("danger", "不行")]


def test_perform_puts_every_field_of_a_refusal_on_the_form(app):
    class F(Form):
        name = StringField("name")
        code = StringField("code")

    def refuse():
        raise Refusal(errors={"name": msg("姓名不能为空"), "code": "工号重复", "other": "别的"})

    with app.test_request_context("/"):
        form = F()
        assert not perform(refuse, form=form)
        assert [str(e) for e in form.name.errors] == ["姓名不能为空"]
        assert form.code.errors == ["工号重复"]
        assert session["_flashes"] == [("danger", "别的")]
