"""Lighthouse on every page of the built site, and on a stock Material page.

``make audit`` runs this after ``make build``. Each page is served from
127.0.0.1 by npm's ``serve``, which compresses as a real static host does
(GitHub Pages sends gzip), and audited by npm's ``lighthouse`` (pinned in
package.json) with its default mobile preset (simulated slow 4G and a CPU
four times slower), driving Debian's Chromium (``apt-get install chromium``).
Chromium resolves no host but 127.0.0.1, so no request leaves the machine.

The stock page is the text of "Fixing the race" built by Material for MkDocs
with its defaults (no theme overrides, no extra CSS or JavaScript, no
features; ``font: false`` only, so that it fetches nothing from another
host), measured in the same run, one page after the other.

It writes docs/measured/lighthouse.json (every figure, every run) and
docs/measured/lighthouse.md (the table: the median run of each page, the
lowest and highest performance and TBT of its runs, and a line on how many
pages meet issue 18's targets). ``--render`` writes the table again from the
stored runs, after a change to this script, without running anything. A
loaded machine slows every page down: the table says how loaded it was and
Lighthouse's own measure of the machine's speed (its benchmark index).

On this shared machine one run's spread is larger than most changes it is
asked about: pages that no change touched move by more between two runs than
a change moves the others.
``--against DIR`` compares the built site with another build of it (another
commit's, say) in pairs: both served at once, their loads alternating (A B,
then B A, so that a machine slowing down or speeding up weighs on both), and
prints each page's runs side by side; it writes nothing.

    python tools/audit/audit.py [--runs N] [--pages DOC ...] [--against DIR] [--render]
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, List

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SITE = ROOT / "site"
BIN = HERE / "node_modules" / ".bin"
CHROMIUM = Path(os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
OUT_JSON = ROOT / "docs" / "measured" / "lighthouse.json"
OUT_MD = ROOT / "docs" / "measured" / "lighthouse.md"
STOCK_TEXT = "queues/fixes.md"  # the stock page shows this page's text
STOCK_LABEL = f"stock Material page ({STOCK_TEXT}'s text)"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# Lighthouse's main metrics: (audit id, column, unit)
METRICS = (
    ("first-contentful-paint", "FCP", "s"),
    ("largest-contentful-paint", "LCP", "s"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("speed-index", "Speed Index", "s"),
    ("total-byte-weight", "bytes", "KB"),
)
CHROME_FLAGS = " ".join([
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # No host but ours resolves: nothing leaves the machine.
    "'--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'",
    # Paint holding keeps the previous page (Lighthouse's about:blank) on
    # screen for a navigation within one origin until the new page has
    # something to paint. In this headless Chromium it held the first paint
    # of a page that was ready long before, by a whole second or two or not
    # at all, from one run to the next: a late first paint hides the main
    # thread's work from the total blocking time and charges it to the paint
    # metrics instead, so a page's score swung between runs. A reader who
    # comes from another site, as from a search, gets no paint holding.
    "--disable-features=PaintHolding",
])


def fail(message: str) -> None:
    print(f"audit: {message}", file=sys.stderr)
    raise SystemExit(1)


def site_pages() -> List[str]:
    sys.path.insert(0, str(ROOT))
    from ipcsnippets import catalog

    return list(catalog.site_pages())


def url_path(doc: str) -> str:
    stem = doc[: -len(".md")]
    return "" if stem == "index" else stem[: -len("index")] if stem.endswith("/index") else stem + "/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(directory: Path) -> Iterator[str]:
    """``directory`` served, compressed, on 127.0.0.1; yields its URL."""
    port = free_port()
    env = {**os.environ, "NO_UPDATE_CHECK": "1"}  # serve would ask the npm registry
    server = subprocess.Popen(
        [str(BIN / "serve"), "--no-port-switching", "--no-clipboard", "--listen", f"tcp://127.0.0.1:{port}",
         str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if server.poll() is not None or time.monotonic() > deadline:
                fail(f"serve did not start on port {port}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def build_stock(into: Path) -> Path:
    """The stock Material site: the text of STOCK_TEXT as its only page."""
    config = (f"site_name: {json.dumps('Stock Material')}\n"
              "theme:\n  name: material\n  font: false\n"
              # The same Markdown extensions as the site, so that the text
              # renders the same; nothing else of the site's configuration.
              + markdown_extensions())
    project = into / "stock"
    (project / "docs").mkdir(parents=True)
    (project / "mkdocs.yml").write_text(config)
    (project / "docs" / "index.md").write_text((ROOT / "docs" / STOCK_TEXT).read_text())
    for name in ("snippets", "docs/outputs", "docs/diagrams", "docs/measured"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).symlink_to(ROOT / name)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(into / "stock-site")],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if done.returncode != 0:
        fail("the stock page did not build: " + done.stderr.strip().splitlines()[-1])
    return into / "stock-site"


def markdown_extensions() -> str:
    """The markdown_extensions block of mkdocs.yml, as it is written there."""
    lines = (ROOT / "mkdocs.yml").read_text().splitlines()
    start = lines.index("markdown_extensions:")
    block = [lines[start]]
    for line in lines[start + 1:]:
        if line and not line.startswith((" ", "#")):
            break
        block.append(line)
    return "\n".join(block) + "\n"


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run; its scores and main metrics."""
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run(
        [str(BIN / "lighthouse"), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
        capture_output=True, text=True, timeout=600, env=env)
    if done.returncode != 0 or not report.is_file():
        fail(f"lighthouse failed on {url}: {(done.stderr.strip().splitlines() or ['no message'])[-1]}")
    result = json.loads(report.read_text())
    failed = [ref["id"] for c in CATEGORIES for ref in result["categories"][c]["auditRefs"]
              if ref["weight"] > 0 and (result["audits"][ref["id"]].get("score") or 0) < 1
              and result["audits"][ref["id"]].get("scoreDisplayMode") in ("binary", "numeric")
              and c != "performance"]
    return {
        "scores": {c: round(result["categories"][c]["score"] * 100) for c in CATEGORIES},
        "metrics": {key: result["audits"][key]["numericValue"] for key, _, _ in METRICS},
        "failed_audits": failed,
        "benchmark_index": result["environment"]["benchmarkIndex"],
        "lighthouse": result["lighthouseVersion"],
        "user_agent": result["environment"]["hostUserAgent"],
    }


def median_run(runs: List[dict]) -> dict:
    """The run with the median performance score (Lighthouse's advice for
    variance: several runs, the median one)."""
    ordered = sorted(runs, key=lambda r: r["scores"]["performance"])
    return ordered[(len(ordered) - 1) // 2]


def fmt(key: str, value: float) -> str:
    unit = next(u for k, _, u in METRICS if k == key)
    if unit == "s":
        return f"{value / 1000:.1f} s"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "KB":
        return f"{value / 1000:,.0f} KB"
    return f"{value:.3f}"


TARGET = 95  # issue 18: performance 95 or more on every page (mobile preset)
SPREAD = ("total-blocking-time",)  # the metric that moves most from run to run here


def spread(cell: str, values: List[str]) -> str:
    """A median run's cell, with the lowest and highest of all runs when they
    differ: one run on a shared machine says little on its own."""
    low, high = values[0], values[-1]
    if low == high:
        return cell
    unit = " " + high.rsplit(" ", 1)[1] if " " in high else ""
    if unit and low.endswith(unit):
        low = low[:-len(unit)]
    return f"{cell} ({low}–{high})"


def summary(data: dict) -> str:
    """What the table says about the targets, from the median runs."""
    scores = {page["label"]: median_run(page["runs"])["scores"]["performance"] for page in data["pages"]}
    stock = scores.pop(STOCK_LABEL, None)  # absent from a run of chosen pages only
    lowest = min(scores.values())
    line = (f"Performance (median run) {TARGET} or more on {sum(v >= TARGET for v in scores.values())} "
            f"of {len(scores)} pages; lowest {lowest} ({', '.join(sorted(k for k, v in scores.items() if v == lowest))}).")
    if stock is not None:
        behind = sorted(label for label, score in scores.items() if score <= stock)
        line += (f" The stock Material page: {stock}; pages at or below it: "
                 f"{', '.join(behind) if behind else 'none'}.")
    return line


def render(data: dict) -> str:
    header = ["page", *CATEGORIES, *[column for _, column, _ in METRICS]]
    rows = []
    for page in data["pages"]:
        best = median_run(page["runs"])
        performance = sorted(r["scores"]["performance"] for r in page["runs"])
        scores = [str(best["scores"][c]) for c in CATEGORIES]
        scores[0] = spread(scores[0], [str(v) for v in performance])
        metrics = []
        for key, _, _ in METRICS:
            cell = fmt(key, best["metrics"][key])
            if key in SPREAD:
                cell = spread(cell, [fmt(key, v) for v in sorted(r["metrics"][key] for r in page["runs"])])
            metrics.append(cell)
        rows.append([page["label"], *scores, *metrics])
    failed = sorted({(page["label"], a) for page in data["pages"] for a in median_run(page["runs"])["failed_audits"]})
    indices = [r["benchmark_index"] for page in data["pages"] for r in page["runs"]]
    out = [
        "<!-- generated by `make audit` (tools/audit/audit.py) from docs/measured/lighthouse.json: do not edit -->",
        "",
        f"Measured {data['date']} by Lighthouse {data['lighthouse']} (mobile preset: simulated slow 4G, "
        f"CPU slowed four times) driving {data['browser']} without paint holding (as a reader who "
        f"comes from another site), each page served compressed from 127.0.0.1; "
        f"{data['runs_per_page']} run(s) per page, the median run shown (the run with the median "
        f"performance score), with the lowest and highest of all runs in brackets for performance and "
        f"TBT where they differ. Lighthouse's benchmark index of "
        f"this machine: {min(indices):.0f} to {max(indices):.0f} (higher is faster; a busy machine scores "
        f"lower, and so do its pages). Load average (1 minute) at the start and the end: "
        f"{data['load_before']:.2f} → {data['load_after']:.2f}, on {data['cpu_count']} CPUs.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *["| " + " | ".join(row) + " |" for row in rows],
        "",
        summary(data),
    ]
    if failed:
        out += ["", "Audits that failed (outside performance): "
                + "; ".join(f"{label}: {audit}" for label, audit in failed) + "."]
    return "\n".join(out) + "\n"


def render_paired(data: dict) -> str:
    """Each page's runs on the built site and on the other build, in the
    order they were made, and the median of each."""
    def cell(runs: List[dict], key: str) -> str:
        values = [r["scores"]["performance"] if key == "performance" else r["metrics"][key] for r in runs]
        shown = [str(v) if key == "performance" else fmt(key, v) for v in values]
        middle = statistics.median(values)
        shown_middle = f"{middle:g}" if key == "performance" else fmt(key, middle)
        return f"{', '.join(shown)} (median {shown_middle})"

    out = [f"Paired on {data['date']}: {data['site']} against {data['against']}, "
           f"{data['runs_per_page']} run(s) each, loads alternating; Lighthouse {data['lighthouse']}, "
           f"{data['browser']}; load average {data['load_before']:.2f} → {data['load_after']:.2f}.", "",
           "| page | build | performance | TBT | LCP |", "|---|---|---|---|---|"]
    for page in data["pages"]:
        for build in ("site", "against"):
            runs = page[build]
            out.append(f"| {page['label']} | {data[build]} | {cell(runs, 'performance')} | "
                       f"{cell(runs, 'total-blocking-time')} | {cell(runs, 'largest-contentful-paint')} |")
    return "\n".join(out) + "\n"


def paired(chosen: List[str], against: Path, runs: int, data: dict) -> dict:
    """Every chosen page on both builds, loads alternating."""
    data.update(site=str(SITE.relative_to(ROOT)), against=str(against))
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp, served(SITE) as site_url, \
            served(against) as against_url:
        for doc in chosen:
            page = {"label": doc, "site": [], "against": []}
            for n in range(runs):
                order = [("site", site_url), ("against", against_url)]
                for build, base in order if n % 2 == 0 else order[::-1]:
                    page[build].append(lighthouse(base + url_path(doc), Path(tmp) / "report.json"))
                    print(f"{doc}: {build}: run {n + 1}: {page[build][-1]['scores']['performance']}", flush=True)
            data["pages"].append(page)
    data["load_after"] = os.getloadavg()[0]
    data["lighthouse"] = data["pages"][0]["site"][0]["lighthouse"]
    return data


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median run is shown")
    parser.add_argument("--pages", nargs="*", metavar="DOC", help="only these pages (docs/ paths); writes nothing")
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="another build of the site: compare in pairs, loads alternating; writes nothing")
    parser.add_argument("--render", action="store_true",
                        help="write the table again from the stored runs (after a change to this script); "
                             "runs nothing")
    args = parser.parse_args(argv)
    if args.render:
        if not OUT_JSON.is_file():
            fail(f"no stored runs in {OUT_JSON} (make audit)")
        OUT_MD.write_text(render(json.loads(OUT_JSON.read_text())))
        print(f"wrote {OUT_MD.name} from {OUT_JSON.name}")
        return 0
    if args.runs < 1:
        fail("--runs must be 1 or more")
    if args.against is not None and not (args.against / "index.html").is_file():
        fail(f"no built site in {args.against} (build one: mkdocs build -d {args.against})")
    if not CHROMIUM.is_file():
        fail(f"no browser at {CHROMIUM} (apt-get install chromium, or set CHROME_PATH)")
    if not (BIN / "lighthouse").is_file():
        fail(f"no lighthouse in {BIN} (npm ci --prefix tools/audit)")
    if not (SITE / "index.html").is_file():
        fail("no built site in site/ (make build)")
    pages = site_pages()
    chosen = args.pages or pages
    unknown = [doc for doc in chosen if doc not in pages]
    if unknown:
        fail(f"not a page of the site: {', '.join(unknown)}")
    browser = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    data = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "browser": browser or str(CHROMIUM), "runs_per_page": args.runs, "cpu_count": os.cpu_count(),
            "load_before": os.getloadavg()[0], "pages": []}
    if args.against is not None:
        print(render_paired(paired(chosen, args.against.resolve(), args.runs, data)))
        return 0
    with tempfile.TemporaryDirectory(prefix="audit-") as tmp, served(SITE) as site_url, \
            served(build_stock(Path(tmp))) as stock_url:
        targets = [(doc, site_url + url_path(doc)) for doc in chosen]
        targets.append((STOCK_LABEL, stock_url))
        for label, url in targets:
            runs = []
            for n in range(args.runs):
                runs.append(lighthouse(url, Path(tmp) / "report.json"))
                print(f"{label}: run {n + 1}: {runs[-1]['scores']}", flush=True)
            data["pages"].append({"label": label, "url_path": url.split("/", 3)[3], "runs": runs})
    data["load_after"] = os.getloadavg()[0]
    data["lighthouse"] = data["pages"][0]["runs"][0]["lighthouse"]
    if args.pages:
        print(render(data))
        return 0
    OUT_JSON.write_text(json.dumps(data, indent=1) + "\n")
    OUT_MD.write_text(render(data))
    print(f"wrote {OUT_JSON.relative_to(ROOT)} and {OUT_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
