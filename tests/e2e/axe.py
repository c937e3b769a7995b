"""axe-core in the browser tests: the vendored copy (static/vendor/axe-core/), loaded from the site itself.

The script is added as ``<script src="/static/…">``, which the Content-Security-Policy
(``script-src 'self'``) allows, as it allows the site's own scripts; nothing comes from a CDN.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

AXE_URL = "/static/vendor/axe-core/axe.min.js"
# What fails a test: the violations axe rates serious or critical (colour contrast, names, nesting…).
FAILING_IMPACTS = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The page's violations as axe reports them (WCAG 2.x A and AA rules, best practices)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    violations: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const results = await window.axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " — " + (n.failureSummary || "")),
            }));
        }"""
    )
    return violations


def serious_violations(page: Page) -> list[str]:
    """The serious and critical violations, one line each with up to five of the elements at fault."""
    found = []
    for violation in axe_violations(page):
        if violation["impact"] in FAILING_IMPACTS:
            nodes = "\n    ".join(node.replace("\n", " ") for node in violation["nodes"])
            found.append(f"{page.url}: {violation['impact']} {violation['id']} ({violation['help']})\n    {nodes}")
    return found
