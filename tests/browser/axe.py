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


def run_axe(page):
    """Runs axe-core (WCAG 2.1 A and AA rules) on the page and returns the list of violations.

    The script is evaluated through the DevTools protocol, which the page's Content-Security-Policy does not
    block, so the pages are tested with their real CSP."""
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
