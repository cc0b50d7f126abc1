"""axe-core, injected into a Playwright page, and a readable report of its violations."""

import hashlib
import textwrap
from functools import cache
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_PATH = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def axe_source():
    source = AXE_PATH.read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    assert digest == AXE_SHA256, f"{AXE_PATH} a changé (sha256 {digest}) : voir vendor/README.md"
    return source.decode()


# What the browser says when a navigation (started by the click just before) replaces the page under axe.
NAVIGATION_RACES = ("Execution context was destroyed", "reading 'documentElement'", "Cannot find context")


def run_axe(page, attempts=3):
    """Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns the list of violations.

    The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    block, so the pages are tested with their real CSP. A click that navigates may still be loading the next
    page: wait for it, and start again (bounded) if the navigation replaced the page while axe was running."""
    from playwright.sync_api import Error as PlaywrightError

    for attempt in range(attempts):
        page.wait_for_load_state("load")
        try:
            return _run_axe_once(page)
        except PlaywrightError as error:
            if attempt == attempts - 1 or not any(race in str(error) for race in NAVIGATION_RACES):
                raise
    raise AssertionError("unreachable")


def _run_axe_once(page):
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
        assert page.evaluate("() => window.axe && window.axe.version") == AXE_VERSION
    results = page.evaluate(
        """async (tags) => await window.axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )
    return results["violations"]


def format_violations(violations):
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']} : {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    → {target}")
            summary = node.get("failureSummary") or ""
            lines.extend(textwrap.indent(summary, "        ").splitlines()[:6])
        if len(violation["nodes"]) > 10:
            lines.append(f"    … et {len(violation['nodes']) - 10} autres éléments")
    return "\n".join(lines)
