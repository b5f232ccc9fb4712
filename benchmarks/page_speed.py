"""The page in a real browser: pointer to glowing network, smoothness, and first-load weight.

    python benchmarks/page_speed.py [--quick] [--repeat N] [--rate HZ] [--profile] [--trace]
                                    [--screenshots DIR] [--against OLD_JS_OR_DIR]

Starts ``python app.py`` on a free port (tools/server.py, as the e2e tests do), opens the page in
Chromium at 1366x768 and measures three things:

* pointer to paint: the page marks every change to the drawing (``nn:ink``,
  tagged with live.js's drawing version), each request and reply, and the first
  animation frame in which network_view paints a reply (``nn:paint``, tagged
  with the reply's version); see static/js/perf.js. A scripted drawing of
  several hundred mouse moves is made (five digits, twice), and each change is
  timed to the first paint of its version or a later one ("latest wins": a
  superseded version is on screen when a later one is), with where that time
  went: waiting for the request to leave, the round trip until the reply is in
  JavaScript, and reply to paint.
* smooth: requestAnimationFrame intervals while the page is busy with the
  drawing, long animation frames, the time the network picture took to draw
  (``nn:draw`` on the main thread, ``nn:draw:worker`` in network_worker.js),
  and with --trace, from a browser trace, the main thread's work per frame and
  the layer commit in it (where, without a GPU, a canvas is rasterized).
* light: every request of a first load (fresh browser context, nothing cached),
  with the bytes each one moved.

The machine may be shared with other work: figures are noisy. To compare with an
old version, ``--against`` opens a second page that gets old files instead of
the page's own (their perf.js marks are needed), and the two pages draw in turn,
digit by digit, so both see the same load. No figure here is a test assertion.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from urllib.parse import urlsplit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: tools/ and mlp/ are beside benchmarks/

from tools.browser import DESKTOP, PHONE, launch  # noqa: E402
from tools.drawing import DIGITS, draw  # noqa: E402
from tools.server import AppServer  # noqa: E402

WAIT_MS = 60_000
TARGET_LATENCY_MS = 50
TARGET_FRAME_MS = 17
TARGET_BYTES = 300 * 1024


# A few digits (tools/drawing.py's), drawn one after the other with Clear between.
SCRIPT = {d: DIGITS[d] for d in "38452"}

# Installed in the page before drawing: collects the page's own marks, frame times and long frames.
COLLECT_JS = """() => {
  const c = window.__pageSpeed = { ink: [], send: [], reply: [], paint: [], draw: [], workerDraw: [], frames: [],
                                    loaf: [], rtt: [], running: true };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name.endsWith('/api/predict')) c.rtt.push([e.startTime, e.duration]);
  }).observe({ type: 'resource' });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'nn:ink') c.ink.push([e.startTime, e.detail]);
      else if (e.name === 'nn:send') c.send.push([e.startTime, e.detail]);
      else if (e.name === 'nn:reply') c.reply.push([e.startTime, e.detail]);
      else if (e.name === 'nn:paint') c.paint.push([e.startTime, e.detail]);
      else if (e.name === 'nn:draw') c.draw.push([e.startTime, e.duration]);
      else if (e.name === 'nn:draw:worker') c.workerDraw.push([e.startTime, e.duration]);
    }
  }).observe({ entryTypes: ['mark', 'measure'] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) c.loaf.push([e.startTime, e.duration, e.blockingDuration || 0]);
    }).observe({ type: 'long-animation-frame' });
  } catch (e) { c.loaf = null; }
  const tick = (t) => { c.frames.push(t); if (c.running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""

READ_JS = """() => { const c = window.__pageSpeed; c.running = false; return c; }"""


# ---- small helpers ----------------------------------------------------------------------

def percentile(values, q):
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    v = sorted(values)
    if len(v) == 1:
        return v[0]
    k = (len(v) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def stats(values):
    if not values:
        return None
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95), "max": max(values)}


def fmt_stats(s, unit="ms"):
    if s is None:
        return "no samples"
    return f"n={s['n']}, p50 {s['p50']:.1f} {unit}, p95 {s['p95']:.1f} {unit}, max {s['max']:.1f} {unit}"


def replacements(against):
    """{path under static/js: bytes} to serve instead: one .js file (it replaces network/view.js),
    or every .js file in a folder laid out as static/js (each replaces the file at its path)."""
    if not against:
        return {}
    path = Path(against)
    if path.is_dir():
        return {f.relative_to(path).as_posix(): f.read_bytes() for f in sorted(path.rglob("*.js"))}
    return {"network/view.js": path.read_bytes()}


def open_page(browser, url, viewport=DESKTOP, route_view=None):
    from playwright.sync_api import expect
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    def serve(body):
        return lambda route: route.fulfill(body=body, content_type="text/javascript; charset=utf-8")

    for name, body in replacements(route_view).items():
        page.route(f"**/static/js/{name}", serve(body))
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/network"):  # the page adds ?network=ID
        page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-live", "idle", timeout=WAIT_MS)
    if route_view:
        # Interception sends every request through Playwright's driver (slower): only while loading.
        page.unroute_all()
    page.errors = errors
    return context, page


def settle(page, extra_ms=400):
    """The newest drawing's reply is on screen and its transition has finished."""
    from playwright.sync_api import expect
    expect(page.locator("body")).to_have_attribute("data-live", "idle", timeout=WAIT_MS)
    page.wait_for_timeout(extra_ms)


# ---- the three measurements ---------------------------------------------------------------

def measure_load(browser, url):
    """Every request of a first load: (rows, total bytes). A row: (url, status, type, body bytes, transfer bytes)."""
    from playwright.sync_api import expect
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r))
    with page.expect_response(lambda r: urlsplit(r.url).path == "/api/network"):  # the page adds ?network=ID
        page.goto(url + "/")
    expect(page.locator("body")).to_have_attribute("data-live", "idle", timeout=WAIT_MS)
    page.wait_for_load_state("networkidle")
    rows = []
    for r in responses:
        try:
            body = len(r.body())
        except Exception:  # a redirect or a body the browser did not keep
            body = 0
        try:
            sizes = r.request.sizes()
            transfer = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        except Exception:
            transfer = body
        rows.append((r.url.replace(url, "") or "/", r.status, r.request.resource_type, body, transfer))
    context.close()
    return rows


def measure_drawing(browser, url, variants, digits, rounds, steps, rate, profile=False, trace=True):
    """Draw on one page per variant, the pages open side by side; returns a Figures per variant.

    A variant is None (the page as it is) or what --against names (files served instead of
    the page's own). Each round draws the next digit of ``digits`` on every page, in a
    shuffled order, then clears: all variants see the same load on a busy machine.
    """
    pages = []
    for i, view_js in enumerate(variants):
        context, page = open_page(browser, url, route_view=view_js)
        page.evaluate(COLLECT_JS)
        cdp = context.new_cdp_session(page) if profile or (trace and i == 0) else None
        if profile:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 200})
            cdp.send("Profiler.start")
        pages.append({"context": context, "page": page, "cdp": cdp, "moves": 0, "seconds": 0.0})
    events, traced = [], []
    if trace:  # the browser's, for all pages: each page's own renderer is found by a mark it makes
        cdp = pages[0]["cdp"]
        cdp.on("Tracing.dataCollected", lambda p: events.extend(p["value"]))
        cdp.on("Tracing.tracingComplete", lambda p: traced.append(True))
        cdp.send("Tracing.start", {"categories": "cc,benchmark,blink.user_timing", "transferMode": "ReportEvents"})
        for i, p in enumerate(pages):  # (its time on the page's clock lines the trace up with the marks)
            p["mark"] = p["page"].evaluate(f"() => performance.mark('page-speed:{i}').startTime")
    for r in range(rounds):
        for p in random.sample(pages, len(pages)):
            page = p["page"]
            started = time.perf_counter()
            p["moves"] += draw(page, SCRIPT[digits[r % len(digits)]], steps=steps, rate=rate)
            settle(page, extra_ms=200)
            p["seconds"] += time.perf_counter() - started
            page.get_by_test_id("clear").click()
            settle(page, extra_ms=200)
    results = []
    for p in pages:
        p["data"] = p["page"].evaluate(READ_JS)
        p["profile"] = p["cdp"].send("Profiler.stop")["profile"] if profile else None
    if trace:
        pages[0]["cdp"].send("Tracing.end")
        while not traced:
            pages[0]["page"].wait_for_timeout(50)
    for i, p in enumerate(pages):
        data = p["data"]
        p["context"].close()
        latencies, unpainted, parts = pointer_to_paint(data)
        intervals, draws, worker_draws, loaf = frame_figures(data)
        main_frames, raster = renderer_frames(events, f"page-speed:{i}", p.get("mark"), active_windows(data))
        results.append(Figures(p["moves"], p["seconds"], len(data["ink"]), latencies, unpainted, intervals, draws,
                               None if data["loaf"] is None else loaf, p["profile"], p["page"].errors,
                               worker_draws=worker_draws, rtt=[d for _, d in data["rtt"]],
                               main_frames=main_frames, raster=raster, parts=parts))
    return results


def renderer_frames(events, mark, mark_time, windows):
    """From a trace: the main-thread work per frame of the renderer that made the mark ``mark``
    (at ``mark_time`` on its page's clock) while it was busy with the drawing (``windows``), and
    the part of it spent committing layers, which for a canvas drawn without a GPU is where its
    drawing is rasterized (in ms)."""
    marks = [e for e in events if e.get("name") == mark]
    if not marks or mark_time is None:
        return [], []
    pid, offset = marks[0]["pid"], marks[0]["ts"] / 1000 - mark_time  # trace clock - page clock, ms
    threads = {(e["pid"], e["tid"]) for e in events
               if e.get("ph") == "M" and e.get("name") == "thread_name" and e["pid"] == pid
               and e["args"].get("name") == "CrRendererMain"}
    main, raster = [], []
    for e in events:
        if e.get("ph") == "X" and (e["pid"], e["tid"]) in threads and inside(windows, e["ts"] / 1000 - offset):
            if e["name"] == "ProxyMain::BeginMainFrame":
                main.append(e["dur"] / 1000)
            elif e["name"] == "LayerTreeHost::DoUpdateLayers":
                raster.append(e["dur"] / 1000)
    return main, raster


class Figures:
    """What the drawing sessions of one variant measured."""

    def __init__(self, moves=0, seconds=0.0, changes=0, latencies=(), unpainted=0, intervals=(), draws=(),
                 loaf=(), profile=None, errors=(), rtt=(), main_frames=(), raster=(), parts=(), worker_draws=()):
        self.worker_draws = list(worker_draws)
        self.rtt, self.main_frames, self.raster, self.parts = list(rtt), list(main_frames), list(raster), list(parts)
        self.moves, self.seconds, self.changes, self.unpainted = moves, seconds, changes, unpainted
        self.latencies, self.intervals, self.draws = list(latencies), list(intervals), list(draws)
        self.loaf = None if loaf is None else list(loaf)
        self.profile, self.errors = profile, list(errors)


def pointer_to_paint(data):
    """Every nn:ink after the collector started, timed to the first paint of its version or a later one.

    Returns (latencies, unpainted, parts): parts holds, per painted change, how long until the
    request that carried the painted version left, its round trip, and reply to paint (ms).
    """
    paints = sorted(data["paint"])
    sent = {v: t for t, v in data.get("send", [])}
    replied = {v: t for t, v in data.get("reply", [])}
    latencies, unpainted, parts = [], 0, []
    j = 0
    for t, version in sorted(data["ink"]):
        while j < len(paints) and paints[j][0] < t:
            j += 1  # paints before this change cannot show it
        k = j
        while k < len(paints) and paints[k][1] < version:
            k += 1
        if k < len(paints):
            painted_at, shown = paints[k]
            latencies.append(painted_at - t)
            if shown in sent and shown in replied:
                parts.append((sent[shown] - t, replied[shown] - sent[shown], painted_at - replied[shown]))
        else:
            unpainted += 1
    return latencies, unpainted, parts


ACTIVE_MS = 250  # after a change, the page is busy for about this long (a reply, then a 150 ms glide)


def active_windows(data):
    """The times the page was busy with the drawing: [change, change + ACTIVE_MS], merged."""
    windows = []
    for t, _ in sorted(data["ink"]):
        if windows and t <= windows[-1][1]:
            windows[-1][1] = t + ACTIVE_MS
        else:
            windows.append([t, t + ACTIVE_MS])
    return windows


def inside(windows, t):
    lo, hi = 0, len(windows)
    while lo < hi:  # the last window starting at or before t
        mid = (lo + hi) // 2
        if windows[mid][0] <= t:
            lo = mid + 1
        else:
            hi = mid
    return lo > 0 and t <= windows[lo - 1][1]


def frame_figures(data):
    """rAF intervals, draw times (main thread, worker) and long animation frames while the page
    was busy with the drawing (see active_windows: the time it sat waiting for the next digit,
    or for another page's turn, does not count)."""
    windows = active_windows(data)
    frames = data["frames"]
    intervals = [b - a for a, b in zip(frames, frames[1:]) if inside(windows, b)]
    draws = [d for t, d in data["draw"] if inside(windows, t)]
    worker_draws = [d for t, d in data.get("workerDraw", []) if inside(windows, t)]
    loaf = [d for t, d, _ in (data["loaf"] or []) if inside(windows, t)]
    return intervals, draws, worker_draws, loaf


def top_functions(profile, n=15):
    """Self time per function from a CDP CPU profile, biggest first: [(ms, name, where)]."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_us = {}
    deltas = profile.get("timeDeltas", [])
    for sample, dt in zip(profile.get("samples", []), deltas[1:] + [0]):
        self_us[sample] = self_us.get(sample, 0) + dt
    by_fn = {}
    for node_id, us in self_us.items():
        cf = nodes[node_id]["callFrame"]
        where = f"{Path(cf['url']).name}:{cf['lineNumber'] + 1}" if cf.get("url") else ""
        key = (cf.get("functionName") or "(anonymous)", where)
        by_fn[key] = by_fn.get(key, 0) + us
    return sorted(((us / 1000, name, where) for (name, where), us in by_fn.items()), reverse=True)[:n]


def screenshots(browser, url, folder, view_js=None):
    """The page with a settled drawing, at desktop and phone size: whole page and the network canvas."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for size in (DESKTOP, PHONE):
        context, page = open_page(browser, url, size, route_view=view_js)
        draw(page, SCRIPT["3"], steps=4, rate=0)
        settle(page, extra_ms=600)
        tag = f"{size['width']}x{size['height']}"
        page.screenshot(path=str(folder / f"page-{tag}.png"))
        page.get_by_test_id("network").screenshot(path=str(folder / f"network-{tag}.png"))
        saved += [folder / f"page-{tag}.png", folder / f"network-{tag}.png"]
        context.close()
    return saved


def report_drawing(fig, label=""):
    """Print one variant's pointer-to-paint and smoothness sections; returns (latency, frame, draw) stats."""
    title = f" [{label}]" if label else ""
    print(f"\n-- pointer to paint{title}: {fig.moves} mouse moves in {fig.seconds:.1f} s "
          f"({fig.moves / max(fig.seconds, 1e-9):.0f}/s incl. waits), {fig.changes} changes --")
    lat = stats(fig.latencies)
    print(f"  change -> first paint of its version or later: {fmt_stats(lat)}; never painted: {fig.unpainted}")
    print(f"  /api/predict round trip (resource timing): {fmt_stats(stats(fig.rtt))}")
    if fig.parts:
        for name, i in (("change -> its request leaves", 0), ("request -> reply (in JS)", 1), ("reply -> painted", 2)):
            print(f"    {name:<30} {fmt_stats(stats([p[i] for p in fig.parts]))}")
    if fig.latencies:
        buckets = [(0, 17), (17, 33), (33, 50), (50, 100), (100, float("inf"))]
        print("  histogram: " + ", ".join(f"{a:g}-{b:g} ms: {sum(a <= v < b for v in fig.latencies)}"
                                          for a, b in buckets))
    print(f"\n-- smooth{title}: while drawing --")
    fr, dr = stats(fig.intervals), stats(fig.draws)
    print(f"  frame interval (rAF deltas): {fmt_stats(fr)}")
    if fig.intervals:
        print(f"  frames longer than 17 ms: {sum(v > TARGET_FRAME_MS for v in fig.intervals)} of {len(fig.intervals)}")
    print(f"  network draw, main thread:   {fmt_stats(dr)}  (JavaScript; rasterized at the commit below)")
    if fig.worker_draws:
        print(f"  network draw, in the worker: {fmt_stats(stats(fig.worker_draws))}  (rasterizing included)")
    if fig.main_frames:
        print(f"  renderer main thread/frame:  {fmt_stats(stats(fig.main_frames))}  (trace: ProxyMain::BeginMainFrame)")
        print(f"  ...of which layer commit:    {fmt_stats(stats(fig.raster))}"
              "  (DoUpdateLayers: canvas raster without a GPU)")
    if fig.loaf is None:
        print("  long animation frames: not supported by this browser")
    else:
        print(f"  long animation frames (> 50 ms): {len(fig.loaf)}"
              + (f", longest {max(fig.loaf):.0f} ms" if fig.loaf else ""))
    if fig.errors:
        print(f"  the browser logged errors: {fig.errors}")
    if fig.profile:
        print(f"\n-- profile{title}: self time by function (the page's JavaScript, whole drawing) --")
        for ms, name, where in top_functions(fig.profile):
            print(f"  {ms:9.1f} ms  {name}  {where}")
    return lat, fr, dr


def main(argv=None):
    p = argparse.ArgumentParser(prog="python benchmarks/page_speed.py", description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=2,
                   help=f"times the scripted drawing ({len(SCRIPT)} digits) is made (default 2)")
    p.add_argument("--steps", type=int, default=4, help="mouse moves between two points of a stroke (default 4)")
    p.add_argument("--rate", type=float, default=120,
                   help="mouse moves per second, as a 120 Hz mouse sends them; 0 = as fast as possible")
    p.add_argument("--profile", action="store_true", help="print where the page's JavaScript spent its time")
    p.add_argument("--trace", action="store_true",
                   help="also record a browser trace (per-frame main-thread and canvas raster figures); off by "
                        "default: on 2 cores the tracing itself slows the page (pointer to paint p95 ~40 -> ~60 ms)")
    p.add_argument("--screenshots", type=Path,
                   help="also save screenshots (1366x768 and 390x844) to this folder (with --against: "
                        "in its subfolders against/ and this/)")
    p.add_argument("--against", type=Path, metavar="JS_OR_DIR",
                   help="also measure a second page, with this file served as static/js/network/view.js (or "
                        "each .js file of this folder, laid out as static/js, served at its path); the two pages "
                        "draw in turn, digit by digit: a fair comparison with an old version on a busy machine. "
                        "Old files need perf.js's marks.")
    p.add_argument("--quick", action="store_true", help="tiny counts for a smoke test")
    args = p.parse_args(argv)
    digits = list(SCRIPT)
    if args.quick:
        digits, args.repeat, args.steps = ["4"], 1, 2

    from playwright.sync_api import sync_playwright

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with AppServer() as server, sync_playwright() as pw:
        browser = launch(pw)
        print(f"browser: {browser.version}, server: {server.url}")
        try:
            rows = measure_load(browser, server.url)
            variants = [None, args.against] if args.against else [None]
            figures = measure_drawing(browser, server.url, variants, digits, args.repeat * len(digits), args.steps,
                                      args.rate, args.profile, args.trace)
            current, other = figures[0], (figures[1] if args.against else None)
            saved = []
            if args.screenshots and args.against:
                saved += screenshots(browser, server.url, args.screenshots / "against", view_js=args.against)
                saved += screenshots(browser, server.url, args.screenshots / "this")
            elif args.screenshots:
                saved += screenshots(browser, server.url, args.screenshots)
        finally:
            browser.close()

    print("\n-- light: first load (fresh context, nothing cached) --")
    for path, status, kind, body, transfer in rows:
        print(f"  {status} {kind:<10} {body:>9,} B body {transfer:>9,} B transferred  {path}")
    total = sum(r[4] for r in rows)
    total_body = sum(r[3] for r in rows)

    if args.against:
        o_lat, o_fr, _ = report_drawing(other, f"against {args.against.name}")
    lat, fr, dr = report_drawing(current, "this page" if args.against else "")

    if saved:
        print("\n-- screenshots --")
        for path in saved:
            print(f"  {path}")

    def verdict(ok):
        return "ok" if ok else "OVER TARGET"

    def late(intervals):
        return f"{100 * sum(v > TARGET_FRAME_MS for v in intervals) / max(1, len(intervals)):.1f}%"

    print("\n==== page speed summary ====")
    if lat:
        print(f"pointer to paint: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, max {lat['max']:.1f} ms "
              f"over {lat['n']} changes (target p95 < {TARGET_LATENCY_MS} ms: "
              f"{verdict(lat['p95'] < TARGET_LATENCY_MS)})")
    else:
        print("pointer to paint: no samples")
    if fr and dr:
        wd = stats(current.worker_draws)
        worker = f", in the worker p50 {wd['p50']:.1f} ms, p95 {wd['p95']:.1f} ms" if wd else ""
        print(f"frames: p50 {fr['p50']:.1f} ms, p95 {fr['p95']:.1f} ms interval "
              f"(target p95 < {TARGET_FRAME_MS} ms: {verdict(fr['p95'] < TARGET_FRAME_MS)}); "
              f"network draw on the main thread p50 {dr['p50']:.1f} ms, p95 {dr['p95']:.1f} ms{worker}")
    else:
        print("frames: no samples")
    print(f"first load: {len(rows)} requests, {total / 1024:.1f} KB transferred ({total_body / 1024:.1f} KB of bodies) "
          f"(target < {TARGET_BYTES // 1024} KB: {verdict(total < TARGET_BYTES)})")
    if args.against and lat and o_lat and fr and o_fr:
        print(f"against {args.against.name} (same run, drawing in turn): pointer to paint p50 {o_lat['p50']:.1f} -> "
              f"{lat['p50']:.1f} ms, p95 {o_lat['p95']:.1f} -> {lat['p95']:.1f} ms; frame p95 {o_fr['p95']:.1f} -> "
              f"{fr['p95']:.1f} ms, frames over 17 ms {late(other.intervals)} -> {late(current.intervals)}")
    return 1 if current.errors or (other and other.errors) else 0


if __name__ == "__main__":
    sys.exit(main())
