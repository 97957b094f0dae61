"""How fast the HTML view is made and how fast it becomes usable.

For synthetic graphs of 1k / 5k / 20k nodes (:func:`kg.view.demo.synthetic_graph`):
generation time and file size (20k is drawn as its 5,000 most connected nodes, the
default cap, and once uncapped); then, in headless Chromium, the time from navigation
until the 5k page is first drawn and responds (target ≤ 5 s), and how long a search,
a neighbourhood highlight and a type filter take there.

    python benchmarks/view_bench.py [--sizes 1000,5000,20000] [--no-browser]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kg.export.html import write_html
from kg.view.browser import browser, chromium_path, click_node, open_view
from kg.view.demo import synthetic_graph

TARGET_S = 5.0


def generate(sizes: list[int], out: Path) -> dict[str, Path]:
    pages = {}
    print(f"{'graph':>14} {'drawn':>6} {'edges':>6} {'generate s':>10} {'size MB':>8}")
    runs = [(n, None) for n in sizes] + [(n, n) for n in sizes if n > 5000]
    for n, cap in runs:
        g = synthetic_graph(n, seed=1)
        path = out / f"view_{n}{'_uncapped' if cap else ''}.html"
        kwargs = {"max_nodes": cap} if cap else {}
        t0 = time.perf_counter()
        summary = write_html(g, path, title=f"Synthetic {n}", **kwargs)
        dt = time.perf_counter() - t0
        name = f"{n:,}" + (" uncapped" if cap else "")
        print(f"{name:>14} {summary.shown_nodes:>6} {summary.shown_edges:>6} {dt:>10.2f} "
              f"{path.stat().st_size / 1e6:>8.2f}")
        pages[name] = path
    return pages


_FRAME = """() => new Promise(r => { const n = kgView.network; let t0 = 0;
  n.once("beforeDrawing", () => { t0 = performance.now(); });
  n.once("afterDrawing", () => r(performance.now() - t0)); n.redraw(); })"""
_WATCH = """() => { window.__t = {}; const c = document.getElementById("kg-network");
  c.addEventListener("pointerdown", () => { __t.down = performance.now(); }, true);
  kgView.network.on("afterDrawing", () => {
    if (kgView.highlighted && __t.down && !__t.painted) { __t.painted = performance.now(); }
  }); }"""


def _ms(page, expr: str) -> float:
    t = time.perf_counter()
    page.evaluate(expr)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return (time.perf_counter() - t) * 1000


def interact(path: Path) -> None:
    with browser() as b:
        page, log = open_view(b, path, viewport=(1400, 900))
        ready_s = page.evaluate("kgView.readyAt") / 1000
        frame_fit = page.evaluate(_FRAME)
        search = _ms(page, "() => { const i = document.getElementById('kg-search');"
                     " i.value = kgView.info['entity:e000300'].name;"
                     " i.dispatchEvent(new Event('input'));"
                     " i.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'})); }")
        assert page.evaluate("kgView.highlighted") == "entity:e000300"
        frame_zoomed = page.evaluate(_FRAME)
        page.evaluate("() => { document.getElementById('kg-reset').click(); }")
        page.evaluate(_WATCH)
        click_node(page, "entity:e000002")
        page.wait_for_function("window.__t.painted")
        click = page.evaluate("__t.painted - __t.down")
        filt = _ms(page, "() => { const b = document.querySelector("
                   "'#kg-legend input[data-category=paper]'); b.click(); }")
        nodes = page.evaluate("kgView.nodes.length")
        verdict = "OK" if ready_s <= TARGET_S else "MISSED"
        print(f"5k page ({nodes} nodes), headless Chromium, software rendering:")
        print(f"  first drawn and interactive {ready_s:.2f} s after navigation "
              f"(target <= {TARGET_S:.0f} s: {verdict})")
        print(f"  full frame: {frame_fit:.0f} ms fitted, {frame_zoomed:.0f} ms with a highlight")
        print(f"  search + focus {search:.0f} ms; click to highlighted frame {click:.0f} ms; "
              f"hide papers {filt:.0f} ms")
        print(f"  requests {len(log.requests)} (the page itself), console errors "
              f"{len(log.console_errors)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        pages = generate(sizes, Path(tmp))
        if args.no_browser or chromium_path() is None or "5,000" not in pages:
            print("browser timing skipped")
            return
        interact(pages["5,000"])


if __name__ == "__main__":
    main()
