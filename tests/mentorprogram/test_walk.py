"""Every page each role reaches from its start page, in Chromium at 320 px (WCAG 1.4.10 reflow): no page is wider
than the screen, and axe-core finds nothing serious. One walk per role over the demo data; one page per route."""

import re
from urllib.parse import urlsplit

import pytest

from tests.mentorprogram.test_browser import log_in, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Links a walk does not follow: leaving, downloads, and what only deletes or shows history.
SKIP = re.compile(r"/logout/|\.(pdf|csv|json)$|/(pdf|download|export|readers\.csv|delete|history)/?$|/api/|/jsi18n/")
# How many routes a role's walk visits at most (each is one page load and one axe run).
MAX_PAGES = 40
WIDTH = 320
# Pages that are the same for every role (one's account, tokens, notices, the API's documentation): walked by the
# first role that reaches them, not again by each (what differs, the header's menu, every other page checks).
SAME_FOR_EVERYONE = re.compile(r"^/(account|notifications|developers)/")
_walked_once: set[str] = set()


# The innermost elements that reach past the screen's right edge, named for the failure message.
WIDEST = """() => {
  const wide = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.closest(".app-table-wrap") === null
  );
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  return innermost.slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " " + Math.round(el.getBoundingClientRect().right)).join(", ");
}"""


def _route(path: str) -> str:
    """One page per route: «/cases/12/» and «/cases/13/» are the same page to the walk."""
    return re.sub(r"/\d+(?=/)", "/N", path)


def log_in_demo(page, live_server, username):
    """Log in as a demo user, landing on their own start page."""
    from django.urls import reverse

    from mentorprogram.management.commands.seed_demo import DEMO_PASSWORD
    from mentorprogram.models import User
    from mentorprogram.roles import start_page_for

    user = User.objects.get(username=username)
    log_in(page, live_server, user, DEMO_PASSWORD, lands_on=reverse(start_page_for(user)))


def _walk(page, live_server):
    """Breadth first from the start page over the links a role sees; what failed, by route."""
    origin = live_server.url
    start = urlsplit(page.url).path
    queue, seen, problems = [start], {_route(start)}, []
    visited = 0
    while queue and visited < MAX_PAGES:
        path = queue.pop(0)
        if SAME_FOR_EVERYONE.match(path):
            if _route(path) in _walked_once:
                continue
            _walked_once.add(_route(path))
        response = page.goto(f"{origin}{path}")
        visited += 1
        if response is None or response.status >= 400:
            problems.append(f"{_route(path)}: HTTP {response.status if response else '–'}")
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{_route(path)}: {width} px wide at {WIDTH} px, by {page.evaluate(WIDEST)}")
        problems.extend(f"{_route(path)}: {v}" for v in serious_violations(page))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            route = _route(parts.path)
            if route not in seen:
                seen.add(route)
                queue.append(parts.path)
    return visited, problems


@pytest.mark.parametrize("username", ["melder", "slt", "koordinator", "mentor", "styring", "personvern", "admin"])
def test_every_page_a_role_reaches_reflows_at_320_px(live_server, browser, demo, username):
    context = browser.new_context(viewport={"width": WIDTH, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in_demo(page, live_server, username)
    # The header folds behind a menu button, and the button opens it.
    menu = page.get_by_role("button", name="Meny")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("navigation", name="Hovedmeny").is_visible()
    menu.click()
    assert page.get_by_role("navigation", name="Hovedmeny").is_visible()
    visited, problems = _walk(page, live_server)
    context.close()
    assert visited >= 3
    assert not problems, "\n".join(problems)
