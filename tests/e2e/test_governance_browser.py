"""Council governance in headless Chromium, from the meeting to a verified, tamper-evident record.

The secretary (mishu) schedules a meeting at the demo school and raises a major 三重一大 motion
(重大项目安排, above the large-sum threshold, with a counterparty that a member has declared);
opening the vote is refused without the Party organization's prior-study record and then
without a quorum, and succeeds once both are there. Three members vote from phones (one
changes their vote), the member with the declared interest recuses himself from his phone,
the supervisor is told she cannot vote, and the chair (lishizhang) closes the vote: the
motion passes with a numbered resolution. The secretary drafts the minutes, which show the
tally, the recusal and the dissent; the chair signs them. The supervisor (jianshi) records an
objection that the council and the sponsor see on the resolution page. Finally
``flask governance verify`` passes on the live server's database, fails naming the ballot
after one ballot row is changed with SQL, and passes again once the row is restored.

The test finds what it needs by following links and reading pages (and the database, for the
ballot to alter), so it does not depend on the order of the other e2e files.

With the charter's defaults (quorum 2/3 of all seated members, major items 2/3 of all
non-conflicted members), the demo council has 8 members; with one recusal 7 are eligible, so
a major item needs ceil(2/3 × 7) = 5 yes votes. Here: 5 yes (chair, secretary, head and two
outside members), 1 no, 1 recused, 1 present without voting — the motion passes, exactly.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCHOOL = "成都市武侯区第一实验小学"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")  # APP_TIMEZONE's default; the server runs with it

CHAIR = "郑国平（理事长）"
SECRETARY = "冯雪（理事会秘书）"
MEMBER = "何伟（理事）"  # lishi: declared shares in the contractor (demo seed)
SUPERVISOR = "杨帆（监事）"
HEAD = "李明华（校长）"  # gov1head
OUTSIDE = {  # the seed's extra council members at the demo school
    "gov1m1": "钱佩玲（举办单位代表）",
    "gov1m2": "邓子涵（服务对象代表）",
    "gov1m3": "彭立诚（社会代表）",
    "gov1m4": "曹晓燕（专家）",
}
CONTRACTOR = "成都市锦城建筑工程有限公司"  # declared by lishi in the demo seed

RECUSAL_REASON = "配偶持有施工方成都市锦城建筑工程有限公司 5% 股份"
DISSENT_REASON = "造价偏高，建议压缩至 100 万元以内"
DISCUSSION = "专家理事认为造价偏高；理事长最后发言，同意按预算实施并加强造价审核。"
LEADER_STATEMENT = "校长最后表态：同意按预算实施，加强造价审核。"
OBJECTION = "施工方与理事存在利害关系，请管理层在招标中严格执行回避和公开程序。"
OUTCOME = "赞成 5 票，达到全体无利害关系理事三分之二（5 票），通过"
NUMBER = re.compile(r"〔(\d{4})〕第(\d+)号")


# --- helpers ---------------------------------------------------------------------------------


@contextmanager
def confirming(page, expected: str) -> Iterator[None]:
    """Accept the confirm() dialog the block triggers, after checking that it asks ``expected``."""
    seen: list[str] = []

    def handle(dialog) -> None:
        seen.append(dialog.message)
        dialog.accept()

    page.once("dialog", handle)
    # The confirmation is app.js's, which runs at the end of the page: a button can be
    # visible (and clicked) before it has run on a slow machine.
    page.wait_for_load_state("load")
    yield
    assert seen == [expected], f"expected the confirm dialog {expected!r}, saw {seen}"


def expect_flash(page, message: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=message).first).to_be_visible()


def choose(select, text: str) -> None:
    """Select the option of ``select`` whose text contains ``text``."""
    option = select.locator("option", has_text=text).first
    select.select_option(option.get_attribute("value"))


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def flask_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),  # never write instance/secret_key
        "FLASK_DEBUG": "0",
    }


def governance_verify(database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "governance", "verify"],
        cwd=ROOT,
        env=flask_env(database_url),
        capture_output=True,
        text=True,
        timeout=60,
    )


def phone_page(new_page, login, username: str):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    login(page, username)
    return page


def desktop_page(new_page, login, username: str):
    page = new_page(viewport=DESKTOP)
    login(page, username)
    return page


# --- the scenario ----------------------------------------------------------------------------


def test_major_motion_from_meeting_to_verified_resolution(
    new_page, login, screenshot, live_server, e2e_database_url
):
    tag = secrets.token_hex(2).upper()
    meeting_title = f"理事会临时会议（综合楼项目 {tag}）"
    motion_title = f"关于新建综合楼项目的议案（{tag}）"
    motion_text = "同意新建综合楼项目，总投资 120 万元，按政府采购程序选定施工单位。"
    now = datetime.now(LOCAL_ZONE)
    year = now.year

    # --- the secretary schedules a meeting -------------------------------------------------
    secretary = desktop_page(new_page, login, "mishu")
    secretary.goto("/governance/")
    secretary.get_by_role("link", name=re.compile(SCHOOL)).click()
    expect(secretary).to_have_url(re.compile(r"/governance/\d+/$"))
    institution_id = int(re.search(r"/governance/(\d+)/", secretary.url).group(1))
    base = f"/governance/{institution_id}"
    expect(secretary.locator("h1")).to_have_text(f"{SCHOOL} · 理事会")

    secretary.get_by_role("link", name="安排会议").click()
    expect(secretary.locator("h1")).to_have_text("安排会议")
    secretary.locator("input[name=title]").fill(meeting_title)
    secretary.locator("select[name=kind]").select_option(label="临时会议")
    secretary.locator("select[name=called_by]").select_option(label="理事长召集")
    secretary.locator("select[name=mode]").select_option(label="现场会议")
    secretary.locator("input[name=scheduled_at]").fill(now.strftime("%Y-%m-%dT%H:%M"))
    secretary.locator("input[name=place]").fill("行政楼三楼会议室")
    secretary.get_by_role("button", name="安排会议").click()
    expect(secretary.locator("h1")).to_contain_text(meeting_title)
    expect_flash(secretary, f"已安排会议：{meeting_title}")
    meeting_url = re.search(r"/governance/\d+/meetings/\d+", secretary.url).group(0)

    with confirming(secretary, "向全体理事和监事发出会议通知？"):
        secretary.get_by_role("button", name="发出会议通知").click()
        expect_flash(secretary, "已向全体理事和监事发出会议通知。")

    # --- ... and raises a major 三重一大 motion, first without the prior-study record ----------
    secretary.get_by_role("link", name="添加议案").click()
    expect(secretary.locator("h1")).to_have_text("提出议案")
    expect(secretary.locator("main")).to_contain_text("本单位大额资金标准：100,000 元")
    secretary.locator("input[name=title]").fill(motion_title)
    secretary.locator("textarea[name=text]").fill(motion_text)
    secretary.locator("select[name=kind]").select_option(label="重大项目安排")
    secretary.locator("input[name=amount]").fill("1200000")
    secretary.locator("textarea[name=counterparties]").fill(f"{CONTRACTOR}\n成都市某设计院")
    secretary.get_by_role("button", name="保存议案").click()
    expect(secretary.locator("h1")).to_contain_text(motion_title)
    expect_flash(secretary, f"已提出议案：{motion_title}。")
    motion_url = re.search(r"/governance/\d+/motions/\d+", secretary.url).group(0)
    motion_id = int(motion_url.rsplit("/", 1)[1])
    header = secretary.locator("h1 + p")
    expect(header).to_contain_text("重大项目安排 · 重大事项 · 三重一大")
    notes = secretary.locator("#text-title + div + dl")
    expect(notes).to_contain_text("1,200,000.00 元")
    expect(notes).to_contain_text("「重大项目安排」属于重大事项。")
    expect(notes).to_contain_text("涉及金额 1,200,000.00 元，达到本单位大额资金标准 100,000 元。")
    expect(notes).to_contain_text("尚未附前置研究记录，不能开始表决。")
    # the declared interest proposes lishi's recusal
    proposed = secretary.locator(".alert-warning", has_text="建议回避")
    expect(proposed).to_contain_text(f"{MEMBER}：{CONTRACTOR}")

    with confirming(secretary, "开始表决？开始后议案不能修改，会议材料冻结。"):
        secretary.get_by_role("button", name="开始表决").click()
        expect(secretary.locator("#refusal")).to_have_text(
            "三重一大事项须先附党组织前置研究记录，才能开始表决"
        )

    secretary.get_by_role("link", name="修改议案").click()
    expect(secretary.locator("h1")).to_have_text("修改议案")
    secretary.locator("textarea[name=prior_study_record]").fill(
        "党支部委员会会议前置研究，同意提交理事会审议。"
    )
    secretary.locator("input[name=prior_study_ref]").fill(f"党支部会议纪要〔{year}〕5号")
    secretary.get_by_role("button", name="保存议案").click()
    expect_flash(secretary, f"已保存议案：{motion_title}。")
    expect(notes).to_contain_text("党支部委员会会议前置研究，同意提交理事会审议。")

    # Without attendance there is no quorum: 8 seated members, 2/3 must attend.
    with confirming(secretary, "开始表决？开始后议案不能修改，会议材料冻结。"):
        secretary.get_by_role("button", name="开始表决").click()
        expect(secretary.locator("#refusal")).to_have_text(
            "出席理事 0 人，不足法定人数 6 人，不能开始表决"
        )
    screenshot(secretary, "gov-motion-draft")

    # --- attendance: the quorum is computed live --------------------------------------------
    secretary.goto(meeting_url)
    quorum = secretary.locator("section[aria-labelledby=quorum-title]")
    expect(quorum).to_contain_text("出席 0 / 法定人数 6 · 未达到")
    attendance = [
        (CHAIR, "现场出席"),
        (SECRETARY, "现场出席"),
        (MEMBER, "现场出席"),
        (HEAD, "现场出席"),
        (OUTSIDE["gov1m1"], "视频出席"),
        (OUTSIDE["gov1m2"], "现场出席"),
        (OUTSIDE["gov1m3"], "视频出席"),
        (OUTSIDE["gov1m4"], "现场出席"),
        (SUPERVISOR, "现场出席"),
    ]
    for count, (name, presence) in enumerate(attendance, start=1):
        form = secretary.locator("#attendance form")
        choose(form.locator("select[name=member_id]"), name)
        form.locator("select[name=presence]").select_option(label=presence)
        form.get_by_role("button", name="登记").click()
        expect_flash(secretary, f"已登记 {name} 的出席情况。")
        if count == 5:
            expect(quorum).to_contain_text("出席 5 / 法定人数 6 · 未达到")
        if count == 6:
            expect(quorum).to_contain_text("出席 6 / 法定人数 6 · 已达到")
    expect(quorum).to_contain_text("出席 8 / 法定人数 6 · 已达到")
    expect(quorum).to_contain_text("在任理事 8 人，亲自出席 8 人")
    expect(secretary.locator("#attendance li", has_text=SUPERVISOR.split("（")[0])).to_contain_text(
        "列席"
    )
    screenshot(secretary, "gov-meeting-attendance")

    # --- the secretary opens the vote and votes ----------------------------------------------
    secretary.goto(motion_url)
    with confirming(secretary, "开始表决？开始后议案不能修改，会议材料冻结。"):
        secretary.get_by_role("button", name="开始表决").click()
        expect_flash(secretary, f"已开始表决：{motion_title}。会议材料已冻结。")
    expect(secretary.locator("h1 .badge")).to_have_text("表决中")
    expect(secretary.get_by_role("link", name="修改议案")).to_have_count(0)
    secretary.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    expect_flash(secretary, "已投票：同意。表决结束前可以修改。")

    # --- the supervisor attends but cannot vote ----------------------------------------------
    supervisor = desktop_page(new_page, login, "jianshi")
    supervisor.goto(motion_url)
    expect(supervisor.get_by_role("status").filter(has_text="监事")).to_have_text(
        "监事列席理事会会议，不参加表决"
    )
    expect(supervisor.locator(".vote-panel")).to_have_count(0)

    # --- members vote from their phones ------------------------------------------------------
    # gov1m1 finds the motion on the home page's "awaiting my vote" card and votes yes.
    m1 = phone_page(new_page, login, "gov1m1")
    awaiting = m1.locator("#awaiting-vote")
    expect(awaiting).to_contain_text("待您表决的议案")
    awaiting.get_by_role("link", name=motion_title).click()
    expect(m1.locator("h1")).to_contain_text(motion_title)
    panel = m1.locator(".vote-panel")
    yes = panel.get_by_role("button", name="同意", exact=True)
    expect(yes).to_be_visible()
    m1.wait_for_load_state("load")  # measured once the page's styles and scripts have run
    box = yes.bounding_box()
    assert box and box["width"] >= 300, f"vote buttons are not full width on a phone: {box}"
    no_sideways_scroll(m1)
    screenshot(m1, "gov-vote-phone")
    yes.click()
    expect_flash(m1, "已投票：同意。表决结束前可以修改。")
    expect(m1.locator(".vote-panel [role=status]")).to_have_text(
        "您已投票：同意（可在表决结束前修改）"
    )
    expect(m1.get_by_role("heading", name="修改表决")).to_be_visible()
    no_sideways_scroll(m1)

    # gov1m2 abstains from the "待我表决" list, then changes to yes on the motion page.
    m2 = phone_page(new_page, login, "gov1m2")
    m2.goto("/governance/my-votes")
    expect(m2.locator("h1")).to_have_text("待我表决")
    card = m2.locator("section.card").filter(has=m2.get_by_role("heading", name=motion_title))
    expect(card).to_have_count(1)
    no_sideways_scroll(m2)
    card.get_by_role("button", name="弃权", exact=True).click()
    expect(m2).to_have_url(re.compile(r"/governance/my-votes$"))
    expect_flash(m2, "已投票：弃权。表决结束前可以修改。")
    expect(m2.get_by_role("heading", name=motion_title)).to_have_count(0)
    m2.goto(motion_url)
    expect(m2.locator(".vote-panel [role=status]")).to_have_text(
        "您已投票：弃权（可在表决结束前修改）"
    )
    m2.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    expect_flash(m2, "已投票：同意。表决结束前可以修改。")
    expect(m2.locator(".vote-panel [role=status]")).to_have_text(
        "您已投票：同意（可在表决结束前修改）"
    )

    # gov1m4 votes no, with a reason.
    m4 = phone_page(new_page, login, "gov1m4")
    m4.goto(motion_url)
    m4.locator(".vote-panel textarea[name=reason]").fill(DISSENT_REASON)
    m4.locator(".vote-panel").get_by_role("button", name="反对", exact=True).click()
    expect_flash(m4, "已投票：反对。表决结束前可以修改。")
    # results stay hidden until the close: a member sees only their own ballot
    expect(m4.get_by_role("heading", name="我的表决票")).to_be_visible()
    expect(m4.locator("[aria-labelledby=ballots-title] li")).to_have_count(1)
    expect(m4.locator("[aria-labelledby=ballots-title]")).to_contain_text(DISSENT_REASON)
    no_sideways_scroll(m4)

    # lishi, who declared shares in the contractor, recuses himself from his phone.
    member = phone_page(new_page, login, "lishi")
    member.goto(motion_url)
    expect(member.locator(".vote-panel")).to_have_count(1)
    member.get_by_text("我与本议案有利害关系，申请回避").click()
    recusal_form = member.locator("form", has=member.locator("input[name=action][value=self]"))
    recusal_form.locator("textarea[name=reason]").fill(RECUSAL_REASON)
    with confirming(member, "回避后不能参加本议案的表决，确定吗？"):
        recusal_form.get_by_role("button", name="登记回避").click()
        expect_flash(member, "已登记回避：您不参加本议案的表决。")
    expect(member.locator(".vote-panel")).to_have_count(0)
    expect(member.get_by_role("status").filter(has_text="回避")).to_have_text(
        "你已对本议案回避，不能表决"
    )
    expect(member.locator("[aria-labelledby=recusal-title]")).to_contain_text(
        f"{MEMBER}：{RECUSAL_REASON}"
    )
    no_sideways_scroll(member)
    screenshot(member, "gov-recused-phone")

    # The head votes yes from his desktop's "待我表决" list.
    head = desktop_page(new_page, login, "gov1head")
    head.goto("/governance/my-votes")
    card = head.locator("section.card").filter(has=head.get_by_role("heading", name=motion_title))
    card.get_by_role("button", name="同意", exact=True).click()
    expect_flash(head, "已投票：同意。表决结束前可以修改。")

    # --- the chair votes, then closes the vote -----------------------------------------------
    chair = desktop_page(new_page, login, "lishizhang")
    chair.goto(f"{base}/resolutions?year={year}")
    numbers = [
        int(m.group(2))
        for t in chair.locator("#resolution-list .code").all_inner_texts()
        if (m := NUMBER.search(t)) and int(m.group(1)) == year
    ]
    expected_number = f"〔{year}〕第{max(numbers, default=0) + 1}号"

    chair.goto(motion_url)
    chair.locator(".vote-panel").get_by_role("button", name="同意", exact=True).click()
    expect_flash(chair, "已投票：同意。表决结束前可以修改。")
    expect(chair.locator("main")).to_contain_text(
        # lishi recused: 7 of the 8 members may vote
        "按章程，表决结束前不公开票数。已收到表决票 6 张（有表决权理事 7 人）。"
    )
    with confirming(chair, "结束表决并计票？结束后不能再投票。"):
        chair.get_by_role("button", name="结束表决").click()
        expect_flash(chair, f"表决结束：{OUTCOME}")
    # The resolution is shown once, on the page (with its link), not flashed as well.
    expect(chair.locator("main")).to_contain_text(f"已形成决议 {expected_number}")
    expect(chair.locator("h1 .badge")).to_have_text("通过")
    result = chair.locator("section[aria-labelledby=tally-title]")
    expect(result).to_contain_text("表决结果：通过")
    expect(result).to_contain_text(OUTCOME)
    tally = {
        dt.strip(): dd.strip()
        for dt, dd in zip(
            result.locator("dt").all_inner_texts(),
            result.locator("dd").all_inner_texts(),
            strict=True,
        )
    }
    assert tally["同意"] == "5" and tally["反对"] == "1" and tally["弃权"] == "0", tally
    assert tally["类别"] == "重大事项" and tally["有表决权理事"] == "7", tally
    assert tally["通过所需同意票"] == "5", tally
    ballots = chair.locator("[aria-labelledby=ballots-title]")
    expect(chair.get_by_role("heading", name="表决票", exact=True)).to_be_visible()
    expect(ballots.locator("li.list-group-item")).to_have_count(6)
    expect(ballots.locator("li.list-group-item", has_text=OUTSIDE["gov1m2"])).to_contain_text(
        "此前投票 1 次"
    )
    expect(ballots).not_to_contain_text(MEMBER)
    expect(chair.locator(".vote-panel")).to_have_count(0)
    screenshot(chair, "gov-motion-closed")

    # --- the resolution ----------------------------------------------------------------------
    chair.get_by_role("link", name="查看决议和执行情况").click()
    expect(chair.locator("h1")).to_have_text(f"{expected_number} {motion_title}")
    resolution_url = re.search(r"/governance/\d+/resolutions/\d+", chair.url).group(0)
    record = chair.locator("section[aria-labelledby=motion-title]")
    expect(record.locator("#tally")).to_contain_text("同意 5")
    expect(record.locator("#tally")).to_contain_text("反对 1")
    expect(record.locator("#tally")).to_contain_text("弃权 0")
    expect(record.locator("#tally")).to_contain_text(OUTCOME)
    expect(record).to_contain_text(f"{MEMBER}（{RECUSAL_REASON}）")
    expect(record).to_contain_text("内容与哈希值一致")
    expect(chair.locator("section[aria-labelledby=text-title]")).to_contain_text(motion_text)

    chair.goto(f"{base}/resolutions?year={year}")
    listed = chair.locator("#resolution-list a", has_text=motion_title)
    expect(listed).to_contain_text(expected_number)
    expect(listed).to_contain_text("同意 5 · 反对 1 · 弃权 0")

    # --- the secretary drafts the minutes, the chair signs them ------------------------------
    secretary.goto(meeting_url)
    expect(secretary.locator("h1 .badge")).to_have_text("表决中")
    secretary.get_by_role("link", name="会议纪要").click()
    expect(secretary.locator("h1")).to_contain_text("会议纪要")
    secretary.locator(f"textarea[name=discussion_{motion_id}]").fill(DISCUSSION)
    # a 三重一大 item: the principal leader speaks last, and that is recorded
    secretary.locator(f"textarea[name=leader_{motion_id}]").fill(LEADER_STATEMENT)
    secretary.locator("input[name=confirm]").check()
    with confirming(secretary, "起草纪要后会议结束，出席情况不能再修改。确定起草吗？"):
        secretary.get_by_role("button", name="起草会议纪要").click()
    expect_flash(secretary, "已起草会议纪要，请出席会议的理事签署。")
    minutes = secretary.locator(".minutes-text")
    expect(minutes).to_contain_text(f"{meeting_title}会议纪要")
    expect(minutes).to_contain_text(f"列席：{SUPERVISOR}")
    expect(minutes).to_contain_text(f"1. {motion_title}")
    expect(minutes).to_contain_text(f"发言要点：{DISCUSSION}")
    expect(minutes).to_contain_text(f"主要负责人最后发言：{LEADER_STATEMENT}")
    expect(minutes).to_contain_text(f"回避：{MEMBER}（{RECUSAL_REASON}）")
    expect(minutes).to_contain_text(f"表决：同意 5 票，反对 1 票，弃权 0 票。{OUTCOME}")
    expect(minutes).to_contain_text(f"{OUTSIDE['gov1m4']}投反对票：{DISSENT_REASON}")
    expect(minutes).to_contain_text(f"决议 {expected_number}：{motion_text}")
    text_of_minutes = minutes.inner_text()
    present_line = next(line for line in text_of_minutes.splitlines() if line.startswith("出席："))
    for name in (CHAIR, SECRETARY, MEMBER, HEAD, *OUTSIDE.values()):
        assert name in present_line, (name, present_line)
    expect(secretary.locator("#latest-title")).to_contain_text("签署中 0 / 8")
    screenshot(secretary, "gov-minutes")

    chair.goto(meeting_url)
    expect(chair.locator("h1 .badge")).to_have_text("已结束")
    chair.get_by_role("link", name="会议纪要").click()
    with confirming(chair, "确认会议纪要内容无误并签署吗？签署后不能撤回。"):
        chair.get_by_role("button", name="签署第 1 版会议纪要").click()
        expect_flash(chair, "已签署会议纪要。")
    expect(chair.locator("#minutes-signers")).to_contain_text(f"✓ {CHAIR}")
    expect(chair.locator("#latest-title")).to_contain_text("签署中 1 / 8")
    expect(chair.get_by_role("button", name="签署第 1 版会议纪要")).to_have_count(0)

    # --- the supervisor records an objection on the resolution --------------------------------
    supervisor.goto(resolution_url)
    section = supervisor.locator("#resolution-opinions")
    expect(section).to_contain_text("暂无")
    section.get_by_text("记录监督意见或异议").click()
    section.locator("select[name$='-kind']").select_option(label="异议")
    section.locator("textarea[name$='-text']").fill(OBJECTION)
    section.get_by_role("button", name="记录监督意见").click()
    expect_flash(supervisor, "已记录异议，理事会和举办单位可以看到。")
    expect(supervisor).to_have_url(re.compile(re.escape(resolution_url) + "$"))
    objection = supervisor.locator("#resolution-opinions .opinion")
    expect(objection).to_have_count(1)
    expect(objection).to_contain_text("异议")
    expect(objection).to_contain_text(SUPERVISOR)
    expect(objection).to_contain_text(OBJECTION)
    screenshot(supervisor, "gov-resolution-objection")

    # the council and the sponsor see it
    chair.goto(resolution_url)
    expect(chair.locator("#resolution-opinions .opinion")).to_contain_text(OBJECTION)
    expect(chair.locator("#resolution-opinions form")).to_have_count(0)
    sponsor = desktop_page(new_page, login, "jiaoyuju")
    sponsor.goto(resolution_url)
    expect(sponsor.locator("h1")).to_have_text(f"{expected_number} {motion_title}")
    expect(sponsor.locator("#resolution-opinions .opinion")).to_contain_text(OBJECTION)

    # --- the hash chain: intact, broken by one altered ballot, intact again --------------------
    verified = governance_verify(e2e_database_url)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK："), verified.stdout

    engine = create_engine(e2e_database_url)
    try:
        with engine.connect() as conn:
            ballot_id, choice = conn.execute(
                text(
                    "SELECT b.id, b.choice FROM gov_ballots b JOIN users u ON u.id = b.member_id"
                    " WHERE b.motion_id = :motion AND u.username = 'gov1m4'"
                    " ORDER BY b.sequence DESC"
                ),
                {"motion": motion_id},
            ).first()
        assert choice == "no", choice
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE gov_ballots SET choice = 'yes' WHERE id = :id"), {"id": ballot_id}
            )
        try:
            broken = governance_verify(e2e_database_url)
            assert broken.returncode != 0, broken.stdout + broken.stderr
            assert "哈希链断裂" in broken.stderr, broken.stderr
            assert SCHOOL in broken.stderr, broken.stderr
            assert f"ballot #{ballot_id}：" in broken.stderr, broken.stderr
            assert f"表决票 #{ballot_id} 的哈希值与内容不符" in broken.stderr, broken.stderr
            assert "校验失败：1 个单位的哈希链被破坏。" in broken.stderr, broken.stderr
        finally:
            # Put the row back so later tests in this session see an intact chain.
            with engine.begin() as conn:
                conn.execute(
                    text("UPDATE gov_ballots SET choice = :choice WHERE id = :id"),
                    {"choice": choice, "id": ballot_id},
                )
    finally:
        engine.dispose()
    restored = governance_verify(e2e_database_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
