"""Accessibility: axe-core finds no serious or critical WCAG 2 A/AA violation on the main screens.

Capture (with its map), outbox, inbox and case (with its map) here; the verify list and the check
panel in test_pwa_demo.py. axe-core comes from the PWA's dev dependencies (pwa/node_modules,
installed by `npm ci`).
"""

import re

import pytest

from tests import test_pwa as shell
from tests import test_pwa_staff as staff
from tests.conftest import ROOT
from tests.test_pwa_capture import HERE, jpeg, log_in_ready, outbox_items, photo_file

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

# Fixtures shared with the other PWA tests.
built_pwa = shell.built_pwa
unit_code = staff.unit_code
dispatched_case = staff.dispatched_case
staff_phone = staff.staff_phone

AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm --prefix pwa ci`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through DevTools: the CSP does not apply
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}));
        }"""
    )


def test_capture_and_outbox_screens_have_no_serious_accessibility_violations(
    page, live_server, committed_user
):
    page.context.grant_permissions(["geolocation"], origin=live_server)
    page.context.set_geolocation(HERE)
    log_in_ready(page, live_server, committed_user("inspector")[0])
    page.get_by_role("link", name="新上报").click()
    expect(page.locator(".map__canvas[data-ready] .map-pin")).to_be_visible()
    page.locator("#capture-camera").set_input_files(photo_file("a.jpg", jpeg(800, 600)))
    expect(page.locator(".photos__img")).to_have_count(1)
    page.get_by_label(re.compile("搜索类别")).fill("lj")
    assert serious_violations(page) == []

    page.locator('.picker__item[data-code="01-01"]').click()
    page.context.set_offline(True)
    page.get_by_role("button", name="提交上报").click()
    expect(outbox_items(page)).to_have_count(1)
    assert serious_violations(page) == []
    page.context.set_offline(False)
    expect(outbox_items(page)).to_have_count(0)


def test_inbox_and_case_screens_have_no_serious_accessibility_violations(
    staff_phone, dispatched_case
):
    page = staff_phone
    case, _ = dispatched_case
    page.get_by_role("link", name="待办案件").click()
    expect(page.locator(".case-row", has_text=case["number"])).to_be_visible()
    assert serious_violations(page) == []
    page.locator(".case-row", has_text=case["number"]).click()
    expect(page.get_by_role("button", name="签收")).to_be_visible()
    expect(page.locator(".map__canvas[data-ready] path.map-case")).to_have_count(1)
    assert serious_violations(page) == []
    page.get_by_role("button", name="申请回退").click()
    assert serious_violations(page) == []
