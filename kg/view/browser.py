"""Open a view in headless Chromium (Playwright, system browser): tests, benchmarks, screenshots.

Uses the distribution's Chromium (``/usr/bin/chromium``, or ``$KG_CHROMIUM``) because
nothing may be downloaded at run time (no ``playwright install``). Every request, console
error and dialog of the page is recorded so callers can assert the page stayed offline
and ran nothing it should not have.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def chromium_path() -> str | None:
    """The Chromium executable to use, or ``None`` when there is none."""
    candidate = os.environ.get("KG_CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLog:
    """What a page did while open."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright

    exe = chromium_path()
    if exe is None:
        raise RuntimeError("no Chromium found: install it or set KG_CHROMIUM")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def open_view(b: Any, html: str | Path, *, viewport: tuple[int, int] = (1400, 900),
              timeout_ms: int = 60_000) -> tuple[Any, PageLog]:
    """Open ``html`` from file:// in a new page; return once the graph is first drawn."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    log = PageLog()
    page = b.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and log.console_errors.append(m.text))
    page.on("pageerror", lambda e: log.page_errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        log.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.goto(Path(html).resolve().as_uri())
    waited = 0
    while True:  # poll, so a page that broke fails now rather than at the timeout
        try:
            page.wait_for_function("window.kgView && window.kgView.ready === true", timeout=500)
            return page, log
        except PlaywrightTimeout:
            waited += 500
            if log.page_errors or waited >= timeout_ms:
                page.close()
                raise RuntimeError(f"view did not load: {log.page_errors or 'timeout'}") from None


def screenshot(html: str | Path, png: str | Path, *, focus: str | None = None,
               viewport: tuple[int, int] = (1600, 1000)) -> None:
    """Save a PNG of the view; with ``focus``, search for it first (highlight + details)."""
    with browser() as b:
        page, _ = open_view(b, html, viewport=viewport)
        if focus:
            page.fill("#kg-search", focus)
            page.press("#kg-search", "Enter")
            page.evaluate("document.activeElement.blur()")
        page.wait_for_timeout(300)
        Path(png).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))


def node_point(page: Any, node_id: str) -> tuple[float, float]:
    """Where ``node_id`` is on the screen (page coordinates)."""
    p = page.evaluate(
        "id => { const n = kgView.network; return n.canvasToDOM(n.getPositions([id])[id]); }",
        node_id)
    box = page.locator("#kg-network").bounding_box()
    return box["x"] + p["x"], box["y"] + p["y"]


def click_node(page: Any, node_id: str) -> None:
    """A real mouse click on the node, brought into view first."""
    page.evaluate("id => { kgView.network.focus(id, {scale: 1.2, animation: false}); }", node_id)
    x, y = node_point(page, node_id)
    page.mouse.click(x, y)
