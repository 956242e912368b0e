"""Every page every demo role reaches works at 390 px wide (issue 9, item 21).

Each role signs in on a 390 × 844 viewport and walks the app from its home page by following
the links it is shown (breadth first, same origin, GET pages only). A page of a shape already
seen (ids replaced by N) is not visited again, whoever reaches it, so the walk stays short
as modules are added. A page fails when the document is wider than the screen: the page then
scrolls sideways and its tabs, columns or buttons fall off the edge. Tables must become cards
or scroll inside their own box. With ``E2E_SCREENSHOTS=1`` each page is saved as
``screenshots/phone-<role>-<path>.png`` to look at.

Layout does not depend on the database, so this runs in the SQLite pass only.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError

ROLES = (
    "xiaoban",
    "renshi",
    "caiwu",
    "mishu",
    "lishizhang",
    "lishi",
    "jianshi",
    "bianban",
    "jiaoyuju",
    "weijianju",
    "admin",
)
#: Links that are not pages to look at: they sign out, switch language, download files or
#: open the print layout (which is for paper, not phones).
NOT_PAGES = re.compile(
    r"/(logout|language)\b|export|download|/register\b|/template\b|/static/|/print\b"
    r"|\.(xlsx|csv|pdf|json)$"
)
PAGES_PER_ROLE = 45
WIDER_THAN_SCREEN = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  let worst = null, widest = 0;
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > widest && getComputedStyle(el).position !== 'fixed') {
      widest = box.width;
      worst = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className}`;
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, widest: worst};
}"""

def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def test_every_page_fits_a_phone(new_page, login, screenshot):
    seen: set[str] = set()
    too_wide: list[str] = []
    visited = 0
    for role in ROLES:
        page = new_page(viewport={"width": 390, "height": 844})
        login(page, role)
        queue, walked = ["/"], 0
        while queue and walked < PAGES_PER_ROLE:
            path = queue.pop(0)
            if path != "/" and _shape(path) in seen:  # every role's own home page is looked at
                continue
            seen.add(_shape(path))
            try:
                response = page.goto(path)
            except PlaywrightError as error:  # a link that turned out to be a file
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or response.status != 200:
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            walked += 1
            problem = page.evaluate(WIDER_THAN_SCREEN)
            if problem:
                too_wide.append(
                    f"{role} {path}: {problem['scrollWidth']} px wide, widest {problem['widest']}"
                )
            screenshot(page, f"phone-{role}-{path.strip('/').replace('/', '-') or 'home'}")
            for href in page.eval_on_selector_all(
                "a[href]", "links => links.map(a => a.getAttribute('href'))"
            ):
                url = urlparse(href)
                if url.netloc or not url.path.startswith("/") or NOT_PAGES.search(url.path):
                    continue
                if _shape(url.path) not in seen:
                    queue.append(url.path)
        visited += walked
    assert visited > 60, f"the walk reached only {visited} pages; the login or links broke"
    assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(too_wide)
